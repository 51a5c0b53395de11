// Rendering of API responses: lists built from pre-serialised objects, and server-side Tables.
import type { KubeObject } from "../api/object.ts";
import type { ResourceInfo } from "../api/resources.ts";
import { groupVersion } from "../api/resources.ts";
import { tableFor } from "./tables/table.ts";
import type { CachedObject } from "./watch-cache.ts";

export type IncludeObject = "None" | "Metadata" | "Object";

/** Does the Accept header ask for a meta.k8s.io Table? Returns its version, v1 preferred. */
export function wantsTable(accept: string | undefined): "v1" | "v1beta1" | undefined {
  for (const part of (accept ?? "").split(",")) {
    const p = part.replace(/\s+/g, "");
    if (!p.includes("as=Table") || !p.includes("g=meta.k8s.io")) continue;
    if (/(^|;)v=v1($|;)/.test(p)) return "v1";
    if (/(^|;)v=v1beta1($|;)/.test(p)) return "v1beta1";
  }
  return undefined;
}

export function listJson(info: ResourceInfo, items: CachedObject[], meta: Record<string, unknown>): string {
  return `{"kind":"${info.kind}List","apiVersion":"${groupVersion(info)}","metadata":${JSON.stringify(meta)},"items":[${items.map((o) => o.json).join(",")}]}`;
}

function rowObject(obj: KubeObject, include: IncludeObject, tableVersion: string): unknown {
  if (include === "None") return undefined;
  if (include === "Object") return obj;
  return { kind: "PartialObjectMetadata", apiVersion: `meta.k8s.io/${tableVersion}`, metadata: obj.metadata };
}

export function table(
  info: ResourceInfo,
  objects: KubeObject[],
  meta: Record<string, unknown>,
  opts: { include: IncludeObject; version: string; now: Date; headers?: boolean },
): Record<string, unknown> {
  const t = tableFor(info.group, info.resource);
  return {
    kind: "Table",
    apiVersion: `meta.k8s.io/${opts.version}`,
    metadata: meta,
    columnDefinitions: opts.headers === false ? [] : t.columns,
    rows: objects.map((o) => {
      const row: Record<string, unknown> = { cells: t.cells(o, opts.now) };
      const ro = rowObject(o, opts.include, opts.version);
      if (ro !== undefined) row.object = ro;
      return row;
    }),
  };
}
