import assert from "node:assert/strict";
import { test } from "node:test";
import { buildOpenApiV2, openApiPatchExtensions, servedOpenApiV2 } from "./v2.ts";

type J = Record<string, any>;
const doc = buildOpenApiV2() as J;
const defs = doc.definitions as J;
const paths = doc.paths as J;

/** Every `$ref` anywhere in a JSON value. */
function refs(v: unknown, out: string[] = []): string[] {
  if (Array.isArray(v)) for (const x of v) refs(x, out);
  else if (v && typeof v === "object")
    for (const [k, x] of Object.entries(v)) k === "$ref" ? out.push(x as string) : refs(x, out);
  return out;
}

test("document header is Swagger 2.0 like kube-apiserver's", () => {
  assert.equal(doc.swagger, "2.0");
  assert.deepEqual(doc.info, { title: "Kubernetes", version: "v1.33.0" });
});

test("DaemonSet PATCH carries the GVK, action, patch content types and fieldValidation", () => {
  const patch = paths["/apis/apps/v1/namespaces/{namespace}/daemonsets/{name}"].patch;
  assert.equal(patch.operationId, "patchAppsV1NamespacedDaemonSet");
  assert.equal(patch["x-kubernetes-action"], "patch");
  assert.deepEqual(patch["x-kubernetes-group-version-kind"], { group: "apps", kind: "DaemonSet", version: "v1" });
  assert.deepEqual(patch.consumes, [
    "application/json-patch+json",
    "application/merge-patch+json",
    "application/strategic-merge-patch+json",
    "application/apply-patch+yaml",
  ]);
  const names = patch.parameters.map((p: J) => p.name);
  for (const n of ["body", "dryRun", "fieldManager", "fieldValidation", "force"]) assert.ok(names.includes(n), n);
  const fv = patch.parameters.find((p: J) => p.name === "fieldValidation");
  assert.deepEqual({ in: fv.in, type: fv.type }, { in: "query", type: "string" });
  assert.deepEqual(patch.parameters[0].schema, { $ref: "#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.Patch" });
});

test("operation ids follow upstream naming for every scope and subresource", () => {
  const ids = new Set<string>();
  for (const item of Object.values(paths) as J[])
    for (const m of ["get", "put", "post", "delete", "patch"]) if (item[m]) ids.add(item[m].operationId);
  for (const id of [
    "listCoreV1NamespacedPod",
    "listCoreV1PodForAllNamespaces",
    "createCoreV1NamespacedPod",
    "deleteCoreV1CollectionNamespacedPod",
    "readCoreV1NamespacedPod",
    "replaceCoreV1NamespacedPod",
    "deleteCoreV1NamespacedPod",
    "patchCoreV1NamespacedPodStatus",
    "createCoreV1NamespacedPodBinding",
    "createCoreV1NamespacedPodEviction",
    "listCoreV1Node",
    "readCoreV1NodeStatus",
    "replaceCoreV1NamespaceFinalize",
    "patchAppsV1NamespacedDaemonSetStatus",
    "listAppsV1DaemonSetForAllNamespaces",
    "listEventsV1NamespacedEvent",
    "readCoordinationV1NamespacedLease",
    "patchRbacAuthorizationV1ClusterRole",
    "watchAppsV1NamespacedDaemonSetList",
  ])
    assert.ok(ids.has(id), id);
  // Namespaces have no deletecollection verb.
  assert.ok(!ids.has("deleteCoreV1CollectionNamespace"));
  assert.equal(paths["/api/v1/pods"].get["x-kubernetes-action"], "list");
});

test("subresources with their own kind carry that kind's GVK", () => {
  const eviction = paths["/api/v1/namespaces/{namespace}/pods/{name}/eviction"].post;
  assert.deepEqual(eviction["x-kubernetes-group-version-kind"], { group: "policy", kind: "Eviction", version: "v1" });
  assert.equal(eviction.parameters[0].schema.$ref, "#/definitions/io.k8s.api.policy.v1.Eviction");
  const binding = paths["/api/v1/namespaces/{namespace}/pods/{name}/binding"].post;
  assert.deepEqual(binding["x-kubernetes-group-version-kind"], { group: "", kind: "Binding", version: "v1" });
});

test("every $ref resolves to a definition", () => {
  const missing = refs(doc).filter((r) => !(r.replace("#/definitions/", "") in defs));
  assert.deepEqual([...new Set(missing)], []);
});

test("kinds, list kinds and wire types are defined with their GVKs", () => {
  assert.deepEqual(defs["io.k8s.api.apps.v1.DaemonSet"]["x-kubernetes-group-version-kind"], [
    { group: "apps", kind: "DaemonSet", version: "v1" },
  ]);
  const list = defs["io.k8s.api.apps.v1.DaemonSetList"];
  assert.deepEqual(list.properties.items.items, { $ref: "#/definitions/io.k8s.api.apps.v1.DaemonSet" });
  assert.equal(list.properties.metadata.$ref, "#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta");
  assert.deepEqual(list.required, ["items"]);
  assert.deepEqual(list["x-kubernetes-group-version-kind"], [{ group: "apps", kind: "DaemonSetList", version: "v1" }]);
  for (const name of ["Status", "DeleteOptions", "WatchEvent", "Patch", "ListMeta", "ObjectMeta", "Time"])
    assert.ok(`io.k8s.apimachinery.pkg.apis.meta.v1.${name}` in defs, name);
  assert.deepEqual(
    {
      type: defs["io.k8s.apimachinery.pkg.apis.meta.v1.Time"].type,
      format: defs["io.k8s.apimachinery.pkg.apis.meta.v1.Time"].format,
    },
    { type: "string", format: "date-time" },
  );
  assert.equal(defs["io.k8s.apimachinery.pkg.api.resource.Quantity"].type, "string");
  assert.equal(defs["io.k8s.apimachinery.pkg.util.intstr.IntOrString"].format, "int-or-string");
});

test("struct fields are $ref with the field's description beside it and never a type", () => {
  const meta = defs["io.k8s.api.apps.v1.DaemonSet"].properties.metadata;
  assert.equal(meta.$ref, "#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta");
  assert.equal(typeof meta.description, "string");
  assert.equal(meta.type, undefined);
  const maxUnavailable = defs["io.k8s.api.apps.v1.RollingUpdateDaemonSet"].properties.maxUnavailable;
  assert.equal(maxUnavailable.$ref, "#/definitions/io.k8s.apimachinery.pkg.util.intstr.IntOrString");
});

test("patch extensions sit on the property, as the schema declares them", () => {
  const podSpec = defs["io.k8s.api.core.v1.PodSpec"].properties;
  assert.equal(podSpec.containers.type, "array");
  assert.deepEqual(podSpec.containers.items, { $ref: "#/definitions/io.k8s.api.core.v1.Container" });
  assert.equal(podSpec.containers["x-kubernetes-patch-strategy"], "merge");
  assert.equal(podSpec.containers["x-kubernetes-patch-merge-key"], "name");
  assert.equal(podSpec.volumes["x-kubernetes-patch-strategy"], "merge,retainKeys");
  assert.equal(podSpec.volumes["x-kubernetes-patch-merge-key"], "name");
  const env = defs["io.k8s.api.core.v1.Container"].properties.env;
  assert.equal(env["x-kubernetes-patch-strategy"], "merge");
  assert.equal(env["x-kubernetes-patch-merge-key"], "name");
});

test("openApiPatchExtensions walks a kind's definition through refs and arrays", () => {
  const sites = openApiPatchExtensions(doc, { group: "apps", version: "v1", kind: "DaemonSet" });
  const byPath = new Map(sites.map((s) => [s.path, s]));
  assert.deepEqual(byPath.get("spec.template.spec.containers"), {
    path: "spec.template.spec.containers",
    patchStrategy: "merge",
    patchMergeKey: "name",
  });
  assert.equal(byPath.get("spec.template.spec.containers.env")?.patchMergeKey, "name");
  assert.equal(byPath.get("spec.template.spec.volumes")?.patchStrategy, "merge,retainKeys");
  assert.equal(byPath.get("metadata.ownerReferences")?.patchMergeKey, "uid");
  assert.deepEqual(
    openApiPatchExtensions(doc, "io.k8s.api.apps.v1.DaemonSet"),
    sites,
    "definition name and GVK find the same definition",
  );
});

test("the served document is built once, with a stable ETag", () => {
  const a = servedOpenApiV2();
  const b = servedOpenApiV2();
  assert.equal(a, b);
  assert.match(a.etag, /^"[0-9A-F]{128}"$/);
  assert.deepEqual(JSON.parse(a.json), buildOpenApiV2());
});
