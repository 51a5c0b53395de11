import assert from "node:assert/strict";
import { test } from "node:test";
import { mergeKeySites } from "../../api/patch/strategic-merge.ts";
import { findKind } from "../../api/resources.ts";
import { openApiPatchExtensions } from "./patch-extensions.ts";
import { buildOpenApiV2 } from "./v2.ts";
import { buildOpenApiV3 } from "./v3.ts";

// kubectl computes `apply` patches from the served OpenAPI; the server merges them with its own engine.
// Both read the same schema, so they must agree on every merge key and strategy.
const byPath = <T extends { path: string }>(sites: T[]): T[] => [...sites].sort((a, b) => a.path.localeCompare(b.path));

for (const [apiVersion, kind] of [
  ["v1", "Pod"],
  ["v1", "Node"],
  ["apps/v1", "DaemonSet"],
] as const) {
  test(`OpenAPI patch extensions of ${kind} equal the merge engine's merge keys`, () => {
    const r = findKind(apiVersion, kind)!;
    const gvk = { group: r.group, version: r.version, kind };
    const engine = byPath(mergeKeySites(r.schema()));
    assert.ok(engine.length > 0);
    assert.deepEqual(byPath(openApiPatchExtensions(buildOpenApiV2(), gvk)), engine, "v2");
    assert.deepEqual(byPath(openApiPatchExtensions(buildOpenApiV3(apiVersion)!, gvk)), engine, "v3");
  });
}
