import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { test } from "node:test";
import { openApiPatchExtensions } from "./patch-extensions.ts";
import { buildOpenApiV2 } from "./v2.ts";
import { buildOpenApiV3, buildOpenApiV3Index, servedOpenApiV3 } from "./v3.ts";

type J = Record<string, any>;

/** kubectl's check (cli-runtime queryParamVerifierV3): a PATCH for the GVK with the query parameter. */
function supportsQueryParam(doc: J, gvk: J, param: string): boolean {
  for (const item of Object.values(doc.paths) as J[]) {
    const op = item.patch;
    const g = op?.["x-kubernetes-group-version-kind"];
    if (!g || g.group !== gvk.group || g.version !== gvk.version || g.kind !== gvk.kind) continue;
    return (op.parameters ?? []).some((p: J) => p.name === param);
  }
  return false;
}

function refs(v: unknown, out: string[] = []): string[] {
  if (Array.isArray(v)) for (const x of v) refs(x, out);
  else if (v && typeof v === "object")
    for (const [k, x] of Object.entries(v)) k === "$ref" ? out.push(x as string) : refs(x, out);
  return out;
}

test("index lists every served group-version with a hash of its document", () => {
  const index = buildOpenApiV3Index();
  const keys = Object.keys(index.paths);
  for (const k of ["api/v1", "apis/apps/v1", "apis/coordination.k8s.io/v1", "apis/events.k8s.io/v1"])
    assert.ok(keys.includes(k), k);
  assert.equal(keys[0], "api/v1");
  const apps = index.paths["apis/apps/v1"]!.serverRelativeURL;
  const served = servedOpenApiV3("apps/v1")!;
  assert.equal(apps, `/openapi/v3/apis/apps/v1?hash=${served.hash}`);
  assert.equal(served.hash, createHash("sha512").update(served.json).digest("hex").toUpperCase());
  assert.deepEqual(buildOpenApiV3Index(), index, "hashes are stable across calls");
  assert.equal(
    createHash("sha512")
      .update(JSON.stringify(buildOpenApiV3("apps/v1")))
      .digest("hex")
      .toUpperCase(),
    served.hash,
    "a rebuilt document hashes the same",
  );
});

test("documents are found by group-version or index key; unknown ones are undefined", () => {
  assert.deepEqual(buildOpenApiV3("apis/apps/v1"), buildOpenApiV3("apps/v1"));
  assert.deepEqual(buildOpenApiV3("api/v1"), buildOpenApiV3("v1"));
  assert.equal(buildOpenApiV3("apps/v1beta1"), undefined);
  assert.equal(servedOpenApiV3("nope.example.com/v1"), undefined);
  assert.equal(servedOpenApiV3("apis/apps/v1"), servedOpenApiV3("apps/v1"), "cached once");
});

test("kubectl's fieldValidation check succeeds for served kinds", () => {
  const apps = buildOpenApiV3("apps/v1") as J;
  assert.equal(apps.openapi, "3.0.0");
  assert.ok(supportsQueryParam(apps, { group: "apps", version: "v1", kind: "DaemonSet" }, "fieldValidation"));
  const core = buildOpenApiV3("v1") as J;
  assert.ok(supportsQueryParam(core, { group: "", version: "v1", kind: "Pod" }, "fieldValidation"));
  assert.ok(supportsQueryParam(core, { group: "", version: "v1", kind: "Namespace" }, "fieldValidation"));
  assert.ok(!supportsQueryParam(core, { group: "apps", version: "v1", kind: "DaemonSet" }, "fieldValidation"));
});

test("POST and PUT take fieldValidation too; PATCH takes the four patch content types", () => {
  const item = (buildOpenApiV3("apps/v1") as J).paths["/apis/apps/v1/namespaces/{namespace}/daemonsets/{name}"];
  assert.ok(item.put.parameters.some((p: J) => p.name === "fieldValidation" && p.in === "query"));
  assert.deepEqual(item.put.parameters[0].schema, { type: "string", uniqueItems: true });
  assert.deepEqual(Object.keys(item.patch.requestBody.content).sort(), [
    "application/apply-patch+yaml",
    "application/json-patch+json",
    "application/merge-patch+json",
    "application/strategic-merge-patch+json",
  ]);
  assert.equal(
    item.patch.responses["200"].content["application/json"].schema.$ref,
    "#/components/schemas/io.k8s.api.apps.v1.DaemonSet",
  );
  const collection = (buildOpenApiV3("apps/v1") as J).paths["/apis/apps/v1/namespaces/{namespace}/daemonsets"];
  assert.ok(collection.post.parameters.some((p: J) => p.name === "fieldValidation"));
  assert.deepEqual(collection.post["x-kubernetes-group-version-kind"], {
    group: "apps",
    kind: "DaemonSet",
    version: "v1",
  });
});

test("a document holds only its group-version's paths and resolves every reference", () => {
  for (const gv of ["v1", "apps/v1", "events.k8s.io/v1", "rbac.authorization.k8s.io/v1"]) {
    const doc = buildOpenApiV3(gv) as J;
    const prefix = gv.includes("/") ? `/apis/${gv}/` : `/api/${gv}/`;
    for (const p of Object.keys(doc.paths)) assert.ok(p.startsWith(prefix), `${gv}: ${p}`);
    const schemas = doc.components.schemas;
    const missing = refs(doc).filter((r) => !(r.replace("#/components/schemas/", "") in schemas));
    assert.deepEqual([...new Set(missing)], [], gv);
  }
  const apps = (buildOpenApiV3("apps/v1") as J).components.schemas;
  assert.ok("io.k8s.api.apps.v1.DaemonSetList" in apps);
  assert.ok(!("io.k8s.api.core.v1.Pod" in apps), "apps/v1 does not carry core kinds");
  assert.ok("io.k8s.api.policy.v1.Eviction" in (buildOpenApiV3("v1") as J).components.schemas);
});

test("references with a description are wrapped in allOf, as upstream v3", () => {
  const ds = (buildOpenApiV3("apps/v1") as J).components.schemas["io.k8s.api.apps.v1.DaemonSet"];
  assert.deepEqual(ds.properties.metadata.allOf, [
    { $ref: "#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta" },
  ]);
  assert.equal(ds.properties.metadata.$ref, undefined);
  assert.equal(typeof ds.properties.metadata.description, "string");
});

test("v3 carries the same patch extensions as v2", () => {
  const gvk = { group: "apps", version: "v1", kind: "DaemonSet" };
  const v3 = openApiPatchExtensions(buildOpenApiV3("apps/v1")!, gvk);
  assert.deepEqual(v3, openApiPatchExtensions(buildOpenApiV2(), gvk));
  assert.ok(v3.some((s) => s.path === "spec.template.spec.containers.env" && s.patchMergeKey === "name"));
});
