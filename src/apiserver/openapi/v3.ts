// The OpenAPI 3.0 documents kube-apiserver serves: an index at `/openapi/v3` and one document per
// group-version (`/openapi/v3/apis/apps/v1?hash=…`). kubectl ≥ 1.27 reads them to decide whether PATCH
// supports `fieldValidation`, newer kubectl also for `kubectl apply` patch keys and `kubectl explain`.
import { createHash } from "node:crypto";
import type { ResourceInfo } from "../../api/resources.ts";
import { GROUP_ORDER, groupVersion, RESOURCES } from "../../api/resources.ts";
import { definitionsFor } from "./document-definitions.ts";
import type { JsonObject } from "./json-schema.ts";
import { refPrefix } from "./json-schema.ts";
import type { OperationSpec, ParamSpec, PathSpec } from "./operations.ts";
import { buildPathSpecs } from "./operations.ts";
import { OPENAPI_INFO } from "./v2.ts";

const ref = (definition: string) => ({ $ref: refPrefix.v3 + definition });

/** `api/v1`, `apis/apps/v1`: the index key (and URL path below /openapi/v3) of a group-version. */
export const indexKeyOf = (r: { group: string; version: string }): string =>
  r.group ? `apis/${r.group}/${r.version}` : `api/${r.version}`;

function parameter(p: ParamSpec): JsonObject {
  return {
    description: p.description,
    in: p.in,
    name: p.name,
    ...(p.required ? { required: true } : {}),
    schema: { type: p.type, uniqueItems: true },
  };
}

function content(mediaTypes: string[], definition: string): JsonObject {
  const out: JsonObject = {};
  for (const m of mediaTypes) out[m] = { schema: ref(definition) };
  return out;
}

function operation(o: OperationSpec): JsonObject {
  const responses: JsonObject = {};
  for (const r of o.responses)
    responses[r.code] = { content: content(o.produces, r.definition), description: r.description };
  responses["401"] = { description: "Unauthorized" };
  const requestBody = o.body
    ? {
        content: content(o.method === "patch" ? o.consumes : ["*/*"], o.body.definition),
        ...(o.body.required ? { required: true } : {}),
      }
    : undefined;
  return {
    description: o.description,
    operationId: o.operationId,
    ...(o.params.length ? { parameters: o.params.map(parameter) } : {}),
    ...(requestBody ? { requestBody } : {}),
    responses,
    tags: [o.tag],
    "x-kubernetes-action": o.action,
    "x-kubernetes-group-version-kind": { group: o.gvk.group, kind: o.gvk.kind, version: o.gvk.version },
  };
}

function pathItem(p: PathSpec): JsonObject {
  const item: JsonObject = {};
  for (const o of p.operations) item[o.method] = operation(o);
  if (p.params.length) item.parameters = p.params.map(parameter);
  return item;
}

function resourcesOf(key: string): ResourceInfo[] {
  return RESOURCES.filter((r) => indexKeyOf(r) === key);
}

/** Index keys of every served group-version, core first, then groups in discovery order. */
export function openApiV3Keys(): string[] {
  const keys: string[] = [];
  const ordered = [...RESOURCES].sort(
    (a, b) => GROUP_ORDER.indexOf(a.group) - GROUP_ORDER.indexOf(b.group) || a.version.localeCompare(b.version),
  );
  for (const r of ordered) if (!keys.includes(indexKeyOf(r))) keys.push(indexKeyOf(r));
  return keys;
}

/** Accepts an index key (`apis/apps/v1`, `api/v1`) or a group-version (`apps/v1`, `v1`). */
function normalizeKey(groupVersionOrKey: string): string {
  const s = groupVersionOrKey.replace(/^\/+/, "").replace(/^openapi\/v3\//, "");
  if (s.startsWith("api/") || s.startsWith("apis/")) return s;
  return s.includes("/") ? `apis/${s}` : `api/${s}`;
}

/** The OpenAPI 3.0 document of one group-version, or undefined if loci serves no such group-version. */
export function buildOpenApiV3(groupVersionOrKey: string): JsonObject | undefined {
  const key = normalizeKey(groupVersionOrKey);
  const resources = resourcesOf(key);
  if (resources.length === 0) return undefined;
  const gvs = new Set(resources.map(groupVersion));
  const paths: JsonObject = {};
  for (const p of buildPathSpecs(resources)) if (gvs.has(p.groupVersion)) paths[p.path] = pathItem(p);
  return {
    openapi: "3.0.0",
    info: { ...OPENAPI_INFO },
    paths,
    components: { schemas: definitionsFor(resources, "v3") },
  };
}

export interface ServedOpenApiV3 {
  doc: JsonObject;
  json: string;
  /** Upper-case hex SHA-512 of `json`, as the index's `?hash=` and the ETag. */
  hash: string;
  etag: string;
}

const cache = new Map<string, ServedOpenApiV3>();

/** The document of a group-version, built once per process, with its JSON text and hash. */
export function servedOpenApiV3(groupVersionOrKey: string): ServedOpenApiV3 | undefined {
  const key = normalizeKey(groupVersionOrKey);
  const hit = cache.get(key);
  if (hit) return hit;
  const doc = buildOpenApiV3(key);
  if (!doc) return undefined;
  const json = JSON.stringify(doc);
  const hash = createHash("sha512").update(json).digest("hex").toUpperCase();
  const served = { doc, json, hash, etag: `"${hash}"` };
  cache.set(key, served);
  return served;
}

/** The `/openapi/v3` index: every group-version document with a URL that changes when the document does. */
export function buildOpenApiV3Index(): { paths: Record<string, { serverRelativeURL: string }> } {
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const key of openApiV3Keys()) {
    paths[key] = { serverRelativeURL: `/openapi/v3/${key}?hash=${servedOpenApiV3(key)!.hash}` };
  }
  return { paths };
}
