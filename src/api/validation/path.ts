// Field paths rendered as upstream's field.Path.String(): `spec.containers[0].resources.limits[cpu]`.

export const child = (path: string, ...names: string[]): string => names.reduce((p, n) => (p ? `${p}.${n}` : n), path);

export const index = (path: string, i: number): string => `${path}[${i}]`;

/** Map keys are printed bare inside brackets. */
export const key = (path: string, k: string): string => `${path}[${k}]`;
