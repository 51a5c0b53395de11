import assert from "node:assert/strict";
import { test } from "node:test";
import { parse } from "yaml";
import { decodeOpenApiV2Protobuf, encodeOpenApiV2Protobuf, servedOpenApiV2Protobuf } from "./protobuf.ts";
import { buildOpenApiV2 } from "./v2.ts";

type J = Record<string, any>;
const json = buildOpenApiV2() as J;
const decoded = decodeOpenApiV2Protobuf(encodeOpenApiV2Protobuf(json));

/** Vendor extensions of a decoded message as kube-openapi reads them: name → YAML-parsed value. */
const extensions = (m: J | undefined): J =>
  Object.fromEntries((m?.vendor_extension ?? []).map((e: J) => [e.name, parse(e.value.yaml)]));
const named = (list: J[] | undefined, name: string): J | undefined => list?.find((x) => x.name === name)?.value;

test("header and every path and definition survive the round trip", () => {
  assert.equal(decoded.swagger, "2.0");
  assert.deepEqual(
    { title: decoded.info.title, version: decoded.info.version },
    { title: "Kubernetes", version: "v1.33.0" },
  );
  assert.deepEqual(
    decoded.paths.path.map((p: J) => p.name),
    Object.keys(json.paths),
  );
  assert.deepEqual(
    decoded.definitions.additional_properties.map((d: J) => d.name),
    Object.keys(json.definitions),
  );
});

test("kubectl's v2 fieldValidation check finds the DaemonSet PATCH and its query parameter", () => {
  // Mirrors cli-runtime's supportsQueryParam over the gnostic message.
  const paths = decoded.paths.path as J[];
  const patches = paths.filter((p) => {
    const gvk = extensions(p.value.patch)["x-kubernetes-group-version-kind"];
    return gvk?.group === "apps" && gvk.version === "v1" && gvk.kind === "DaemonSet";
  });
  assert.ok(patches.length > 0);
  for (const p of patches) {
    const names = p.value.patch.parameters.map(
      (x: J) => x.parameter?.non_body_parameter?.query_parameter_sub_schema?.name,
    );
    assert.ok(names.includes("fieldValidation"));
  }
  const item = named(paths, "/apis/apps/v1/namespaces/{namespace}/daemonsets/{name}")!;
  assert.equal(item.patch.operation_id, "patchAppsV1NamespacedDaemonSet");
  assert.deepEqual(
    item.patch.consumes,
    json.paths["/apis/apps/v1/namespaces/{namespace}/daemonsets/{name}"].patch.consumes,
  );
  const body = item.patch.parameters[0].parameter.body_parameter;
  assert.deepEqual(
    { name: body.name, in: body.in, required: body.required },
    { name: "body", in: "body", required: true },
  );
  assert.equal(body.schema._ref, "#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.Patch");
  const nameParam = item.parameters[0].parameter.non_body_parameter.path_parameter_sub_schema;
  assert.deepEqual(
    { name: nameParam.name, in: nameParam.in, required: nameParam.required },
    { name: "name", in: "path", required: true },
  );
  const ok = named(item.get.responses.response_code, "200")!.response;
  assert.equal(ok.schema.schema._ref, "#/definitions/io.k8s.api.apps.v1.DaemonSet");
});

test("schemas keep types, refs, items, maps and patch extensions", () => {
  const defs = decoded.definitions.additional_properties as J[];
  const ds = named(defs, "io.k8s.api.apps.v1.DaemonSet")!;
  assert.deepEqual(ds.type.value, ["object"]);
  assert.deepEqual(extensions(ds)["x-kubernetes-group-version-kind"], [
    { group: "apps", kind: "DaemonSet", version: "v1" },
  ]);
  const meta = named(ds.properties.additional_properties, "metadata")!;
  assert.equal(meta._ref, "#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta");
  assert.equal(meta.type, undefined, "a reference has no type (kube-openapi rejects it)");

  const podSpec = named(defs, "io.k8s.api.core.v1.PodSpec")!;
  const containers = named(podSpec.properties.additional_properties, "containers")!;
  assert.deepEqual(containers.type.value, ["array"]);
  assert.equal(containers.items.schema[0]._ref, "#/definitions/io.k8s.api.core.v1.Container");
  const containerExt = extensions(containers);
  assert.equal(containerExt["x-kubernetes-patch-merge-key"], "name");
  assert.equal(containerExt["x-kubernetes-patch-strategy"], "merge");
  const volumes = named(podSpec.properties.additional_properties, "volumes")!;
  assert.equal(extensions(volumes)["x-kubernetes-patch-strategy"], "merge,retainKeys");
  const nodeSelector = named(podSpec.properties.additional_properties, "nodeSelector")!;
  assert.deepEqual(nodeSelector.additional_properties.schema.type.value, ["string"]);

  const httpGet = named(defs, "io.k8s.api.core.v1.HTTPGetAction")!;
  assert.deepEqual(httpGet.required, ["port"]);
  const port = named(httpGet.properties.additional_properties, "port")!;
  assert.equal(port._ref, "#/definitions/io.k8s.apimachinery.pkg.util.intstr.IntOrString");
  const intOrString = named(defs, "io.k8s.apimachinery.pkg.util.intstr.IntOrString")!;
  assert.deepEqual(
    { type: intOrString.type.value, format: intOrString.format },
    { type: ["string"], format: "int-or-string" },
  );
});

test("the served protobuf is built once and matches a fresh encoding", () => {
  const a = servedOpenApiV2Protobuf();
  assert.equal(servedOpenApiV2Protobuf(), a);
  assert.deepEqual(a.bytes, encodeOpenApiV2Protobuf(buildOpenApiV2()));
  assert.match(a.etag, /^"[0-9A-F]+"$/);
});
