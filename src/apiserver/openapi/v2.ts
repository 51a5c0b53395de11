// The Swagger 2.0 document kube-apiserver serves at `/openapi/v2`. kubectl reads it (as protobuf, see
// protobuf.ts) to decide whether PATCH supports `fieldValidation`, to find patch strategies for
// `kubectl apply`, and for `kubectl explain` in 1.27.
import { createHash } from "node:crypto";
import { RESOURCES } from "../../api/resources.ts";
import { definitionsFor } from "./document-definitions.ts";
import type { JsonObject } from "./json-schema.ts";
import { refPrefix } from "./json-schema.ts";
import type { OperationSpec, ParamSpec, PathSpec } from "./operations.ts";
import { buildPathSpecs } from "./operations.ts";

export { openApiPatchExtensions } from "./patch-extensions.ts";

export const OPENAPI_INFO = { title: "Kubernetes", version: "v1.33.0" };

const ref = (definition: string) => ({ $ref: refPrefix.v2 + definition });

function parameter(p: ParamSpec): JsonObject {
  return {
    description: p.description,
    in: p.in,
    name: p.name,
    ...(p.required ? { required: true } : {}),
    type: p.type,
    uniqueItems: true,
  };
}

function operation(o: OperationSpec): JsonObject {
  const params: JsonObject[] = [];
  if (o.body) params.push({ in: "body", name: "body", required: o.body.required, schema: ref(o.body.definition) });
  params.push(...o.params.map(parameter));
  const responses: JsonObject = {};
  for (const r of o.responses) responses[r.code] = { description: r.description, schema: ref(r.definition) };
  responses["401"] = { description: "Unauthorized" };
  return {
    consumes: o.consumes,
    description: o.description,
    operationId: o.operationId,
    ...(params.length ? { parameters: params } : {}),
    produces: o.produces,
    responses,
    schemes: ["https"],
    tags: [o.tag],
    "x-kubernetes-action": o.action,
    "x-kubernetes-group-version-kind": { group: o.gvk.group, kind: o.gvk.kind, version: o.gvk.version },
  };
}

export function pathItemV2(p: PathSpec): JsonObject {
  const item: JsonObject = {};
  for (const o of p.operations) item[o.method] = operation(o);
  if (p.params.length) item.parameters = p.params.map(parameter);
  return item;
}

export function buildOpenApiV2(): JsonObject {
  const paths: JsonObject = {};
  for (const p of buildPathSpecs(RESOURCES)) paths[p.path] = pathItemV2(p);
  return {
    swagger: "2.0",
    info: { ...OPENAPI_INFO },
    paths,
    definitions: definitionsFor(RESOURCES, "v2"),
  };
}

export interface ServedOpenApiV2 {
  doc: JsonObject;
  json: string;
  etag: string;
}

let served: ServedOpenApiV2 | undefined;

/** The v2 document built once per process, with its JSON text and an ETag for conditional GETs. */
export function servedOpenApiV2(): ServedOpenApiV2 {
  if (!served) {
    const doc = buildOpenApiV2();
    const json = JSON.stringify(doc);
    served = { doc, json, etag: `"${createHash("sha512").update(json).digest("hex").toUpperCase()}"` };
  }
  return served;
}
