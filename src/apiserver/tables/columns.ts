// The Table building blocks every printer shares: column definitions (meta.k8s.io/v1
// TableColumnDefinition), the printer contract, and the Name/Age columns nearly every kind starts and ends with.
import type { KubeObject } from "../../api/object.ts";
import { translateTimestampSince } from "./human-duration.ts";

export interface ColumnDefinition {
  name: string;
  type: string;
  format: string;
  description: string;
  /** 0 = default view; above 0 = `-o wide` only (kubectl drops those cells itself). */
  priority: number;
}

/** meta.k8s.io/v1 TableRowCondition (pods mark finished rows `Completed`). */
export interface TableRowCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

/** One kind's table: its columns and, per object, one cell for every column (wide ones included). */
export interface TablePrinter {
  columns: ColumnDefinition[];
  cells(obj: KubeObject, now: Date): unknown[];
  conditions?(obj: KubeObject): TableRowCondition[] | undefined;
}

export function column(
  name: string,
  type: string,
  description: string,
  opts: { format?: string; priority?: number } = {},
): ColumnDefinition {
  return { name, type, format: opts.format ?? "", description, priority: opts.priority ?? 0 };
}

export const nameColumn = column("Name", "string", "Name of the object, unique within its namespace.", {
  format: "name",
});
export const ageColumn = column("Age", "string", "Time since the object was created.");
export const containersColumn = column("Containers", "string", "Names of each container in the template.", {
  priority: 1,
});
export const imagesColumn = column("Images", "string", "Images referenced by each container in the template.", {
  priority: 1,
});

export const nameOf = (obj: KubeObject): string => obj.metadata?.name ?? "";
export const ageOf = (obj: KubeObject, now: Date): string =>
  translateTimestampSince(obj.metadata?.creationTimestamp, now);

/** Cells count as int64 upstream; absent numbers print 0. */
export const int = (v: unknown): number => (typeof v === "number" && Number.isFinite(v) ? v : 0);
export const str = (v: unknown): string => (typeof v === "string" ? v : "");
export const list = (v: unknown): any[] => (Array.isArray(v) ? v : []);

/** Upstream `labels.FormatLabels`: sorted `k=v` pairs, `<none>` when empty. */
export function formatLabels(map: Record<string, string> | undefined | null): string {
  const keys = Object.keys(map ?? {}).sort();
  return keys.length ? keys.map((k) => `${k}=${map![k]}`).join(",") : "<none>";
}

/** Upstream `layoutContainerCells`: names and images, each joined by `,`. */
export function containerCells(containers: unknown): [string, string] {
  const cs = list(containers);
  return [cs.map((c) => str(c?.name)).join(","), cs.map((c) => str(c?.image)).join(",")];
}
