// Pod fixtures shared by the pure unit tests of this folder.
import type { KubeObject } from "../../api/object.ts";

export interface PodOpts {
  node?: string;
  bound?: boolean;
  hash?: string;
  created?: number;
  ready?: boolean;
  readySince?: number;
  phase?: string;
  deleting?: boolean;
  owner?: string;
  labels?: Record<string, string>;
}

const T0 = Date.parse("2026-01-01T00:00:00Z");

/** A daemon pod aimed at `opts.node` (bound unless `bound: false`), created `created` seconds after T0. */
export function pod(name: string, opts: PodOpts = {}): KubeObject {
  const node = opts.node ?? "node-0";
  const labels: Record<string, string> = { name: "simple-daemon", ...(opts.labels ?? {}) };
  if (opts.hash !== undefined) labels["controller-revision-hash"] = opts.hash;
  const conditions = opts.ready
    ? [
        {
          type: "Ready",
          status: "True",
          lastTransitionTime: new Date(T0 + (opts.readySince ?? 0) * 1000).toISOString(),
        },
      ]
    : [];
  return {
    metadata: {
      name,
      namespace: "default",
      uid: `uid-${name}`,
      labels,
      creationTimestamp: new Date(T0 + (opts.created ?? 0) * 1000).toISOString(),
      deletionTimestamp: opts.deleting ? new Date(T0).toISOString() : undefined,
      ownerReferences: [
        { apiVersion: "apps/v1", kind: "DaemonSet", name: "foo", uid: opts.owner ?? "ds-uid", controller: true },
      ],
    },
    spec: {
      nodeName: opts.bound === false ? undefined : node,
      affinity: {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [{ matchFields: [{ key: "metadata.name", operator: "In", values: [node] }] }],
          },
        },
      },
    },
    status: { phase: opts.phase ?? "Running", conditions },
  };
}

/** `seconds` after T0. */
export function at(seconds: number): Date {
  return new Date(T0 + seconds * 1000);
}
