// The verbs of the resource API: get, list, watch, create, update, patch, delete, deletecollection and the pod
// subresources. Handlers take parsed requests and return a body (or stream a watch); errors are thrown as ApiError.
import type { ServerResponse } from "node:http";
import type { Http2ServerResponse } from "node:http2";
import { parse as parseYaml } from "yaml";
import { decodeObject, strictDecodingError } from "../api/decode.ts";
import { ApiError, errors, field } from "../api/errors.ts";
import type { KubeObject } from "../api/object.ts";
import { applyJsonPatch } from "../api/patch/json-patch.ts";
import { applyMergePatch } from "../api/patch/merge-patch.ts";
import { applyStrategicMergePatch } from "../api/patch/strategic-merge.ts";
import { decodeProtobufBody } from "../api/protobuf/decode-body.ts";
import { PROTOBUF_MEDIA_TYPE } from "../api/protobuf/envelope.ts";
import { groupVersion, type ResourceInfo, SUBRESOURCE_ONLY_KINDS } from "../api/resources.ts";
import { DeleteOptions as DeleteOptionsSchema } from "../api/schema/meta.ts";
import { compileFieldRequirements, convertFieldSelector, exactFieldValue } from "../api/selectors/field-selector.ts";
import { matchesLabels, parseLabelSelector } from "../api/selectors/label-selector.ts";
import type { UserInfo } from "./auth/authenticator.ts";
import { type IncludeObject, listJson, table, wantsTable } from "./output.ts";
import type { DeleteOptions, Registry } from "./registry.ts";
import type { RequestInfo } from "./request-info.ts";
import type { WriteContext } from "./strategies/strategy.ts";
import { serveWatch } from "./watch.ts";
import {
  type CachedObject,
  type EventType,
  TooOldResourceVersionError,
  WatchCache,
  type WatchFilter,
} from "./watch-cache.ts";

export interface ApiRequest {
  method: string;
  ri: RequestInfo;
  query: Record<string, string | undefined>;
  headers: Record<string, string | string[] | undefined>;
  body?: Buffer;
  raw: ServerResponse | Http2ServerResponse;
  /** Who asked (authenticated from the bearer token; the in-process user for in-process calls). */
  user?: UserInfo;
}

export interface ApiResponse {
  code: number;
  /** A pre-serialised JSON body, or a value to serialise. */
  body?: unknown;
  json?: string;
  warnings?: string[];
  /** The response was streamed by the handler. */
  streamed?: boolean;
}

export interface HandlerDeps {
  currentRevision(): number;
  newContext(req: ApiRequest): WriteContext;
  bookmarkIntervalMs: number;
  onWatchOpen(info: ResourceInfo): void;
  onWatchClose(info: ResourceInfo): void;
}

function header(req: ApiRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v.join(",") : v;
}

/** What upstream lists as decodable for object bodies. */
const OBJECT_MEDIA_TYPES = ["application/json", "application/yaml", "application/vnd.kubernetes.protobuf"];
const PATCH_MEDIA_TYPES = [
  "application/json-patch+json",
  "application/merge-patch+json",
  "application/strategic-merge-patch+json",
  "application/apply-patch+yaml",
];

function contentType(req: ApiRequest): string {
  return (header(req, "content-type") ?? "application/json").split(";")[0].trim().toLowerCase();
}

/** Go's encoding/json wording for a body JSON.parse rejected. */
function goJsonError(e: Error, text: string): string {
  const pos = /position (\d+)/.exec(e.message);
  const atEnd = pos !== null && Number(pos[1]) >= text.trimEnd().length;
  if (atEnd || /end of (JSON )?input|Unterminated/i.test(e.message)) return "unexpected end of JSON input";
  const m = /Unexpected token '?(.)'?|Unexpected (?:non-whitespace )?character/.exec(e.message);
  const ch = m?.[1] ?? (pos ? text[Number(pos[1])] : undefined);
  return ch ? `invalid character '${ch}' looking for beginning of value` : e.message;
}

/**
 * Parses an object body (create, update, subresources, DELETE options) as JSON, YAML or Kubernetes protobuf
 * (decoded to the same JSON object). `kind` names the expected kind in upstream's "unrecognized" message.
 */
export function parseBody(req: ApiRequest, kind = "Object", accepted = OBJECT_MEDIA_TYPES): unknown {
  const text = req.body?.toString("utf8") ?? "";
  const ct = contentType(req);
  if (!accepted.includes(ct)) throw errors.unsupportedMediaType(accepted);
  if (ct === PROTOBUF_MEDIA_TYPE) {
    if (!req.body || req.body.length === 0) throw errors.badRequest("the request body is empty");
    return decodeProtobufBody(req.body, kind);
  }
  if (text.trim() === "") throw errors.badRequest("the request body is empty");
  if (ct === "application/yaml" || ct === "application/apply-patch+yaml") {
    try {
      return parseYaml(text);
    } catch (e) {
      throw errors.badRequest(`error converting YAML to JSON: ${(e as Error).message.split("\n")[0]}`);
    }
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    const snippet = text.length > 30 ? `${text.slice(0, 30)} ...` : text;
    throw errors.badRequest(
      `the object provided is unrecognized (must be of type ${kind}): couldn't get version/kind; json parse error: ${goJsonError(e as Error, text)} (${snippet})`,
    );
  }
}

/** The ListOptions/CreateOptions/… kind whose query parameters a request carries. */
function optionsKind(req: ApiRequest): string {
  return (
    { POST: "CreateOptions", PUT: "UpdateOptions", PATCH: "PatchOptions", DELETE: "DeleteOptions" }[req.method] ??
    "ListOptions"
  );
}

type FieldValidation = "Strict" | "Warn" | "Ignore";

function fieldValidation(req: ApiRequest): FieldValidation {
  const v = req.query.fieldValidation;
  if (v === undefined || v === "") return "Warn";
  if (v === "Strict" || v === "Warn" || v === "Ignore") return v;
  throw errors.invalid(optionsKind(req), "meta.k8s.io", "", [
    field.notSupported("fieldValidation", v, ["", "Ignore", "Strict", "Warn"]),
  ]);
}

function checkDryRun(req: ApiRequest, values = req.query.dryRun ? [req.query.dryRun] : []): boolean {
  if (values.length === 0) return false;
  if (values.length === 1 && values[0] === "All") return true;
  throw errors.invalid(optionsKind(req), "meta.k8s.io", "", [field.notSupported("dryRun", values, ["All"])]);
}

/** Decodes a body as the kind of `info` (or a subresource kind), applying the field-validation policy. */
function decodeAs(
  raw: unknown,
  info: ResourceInfo,
  policy: FieldValidation,
  warnings: string[],
  kind = info.kind,
  schema = info.schema(),
): KubeObject {
  const { value, unknownFields } = decodeObject(raw, schema, kind, info.version);
  if (unknownFields.length) {
    if (policy === "Strict") throw strictDecodingError(kind, info.version, unknownFields);
    if (policy === "Warn") for (const f of unknownFields) warnings.push(`unknown field "${f}"`);
  }
  const obj = value as KubeObject;
  obj.metadata ??= {};
  return obj;
}

function checkTypeMeta(obj: KubeObject, info: ResourceInfo, kind = info.kind, gv = groupVersion(info)): void {
  if (obj.kind !== undefined && obj.kind !== kind) {
    // Upstream decodes the body's kind, then fails to convert it to the internal type of the resource.
    const internal = info.group ? info.group.split(".")[0] : "core";
    throw errors.badRequest(
      `${obj.kind} in version "${info.version}" cannot be handled as a ${kind}: converting (${info.version}.${obj.kind}) to (${internal}.${kind}): unknown conversion`,
    );
  }
  if (obj.apiVersion !== undefined && obj.apiVersion !== gv) {
    throw errors.badRequest(
      `the API version in the data (${obj.apiVersion}) does not match the expected API version (${gv})`,
    );
  }
  obj.kind = kind;
  obj.apiVersion = gv;
}

interface Selection {
  filter: WatchFilter;
  nodeName?: string;
}

function selection(req: ApiRequest, info: ResourceInfo, namespace: string): Selection {
  const labelSel = req.query.labelSelector ? parseLabelSelector(req.query.labelSelector) : undefined;
  // Converted once: aliases (pods' `spec.host`) become the fields the indexes know.
  const fieldReqs = req.query.fieldSelector
    ? convertFieldSelector(info.resource, info.group, req.query.fieldSelector)
    : [];
  const fieldMatch = fieldReqs.length ? compileFieldRequirements(info.resource, info.group, fieldReqs) : undefined;
  const name = exactFieldValue(fieldReqs, "metadata.name");
  const nodeName =
    info.resource === "pods" && info.group === "" ? exactFieldValue(fieldReqs, "spec.nodeName") : undefined;
  return {
    nodeName,
    filter: {
      namespace: namespace || undefined,
      name,
      nodeName,
      matches: (obj) =>
        (!namespace || obj.metadata.namespace === namespace) &&
        (!labelSel || matchesLabels(labelSel, obj.metadata.labels)) &&
        (!fieldMatch || fieldMatch(obj)),
    },
  };
}

function parseRv(s: string | undefined): number | undefined {
  if (s === undefined || s === "") return undefined;
  const n = Number(s);
  if (!Number.isInteger(n) || n < 0) throw errors.badRequest(`invalid resource version: ${s}`);
  return n;
}

interface ContinueToken {
  v: "meta.k8s.io/v1";
  rv: number;
  start: string;
}

function encodeContinue(rv: number, lastKey: string): string {
  return Buffer.from(JSON.stringify({ v: "meta.k8s.io/v1", rv, start: `${lastKey}\u0000` })).toString("base64url");
}

function decodeContinue(token: string): ContinueToken {
  try {
    const t = JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as ContinueToken;
    if (t.v !== "meta.k8s.io/v1" || typeof t.start !== "string") throw new Error();
    return t;
  } catch {
    throw errors.badRequest(
      "continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)",
    );
  }
}

export class Handlers {
  constructor(private readonly deps: HandlerDeps) {}

  get(req: ApiRequest, reg: Registry): ApiResponse {
    const o = reg.get(req.ri.namespace, req.ri.name!);
    const tv = wantsTable(header(req, "accept"));
    if (tv) {
      return {
        code: 200,
        body: table(
          reg.info,
          [o.obj],
          { resourceVersion: String(o.rv) },
          {
            include: (req.query.includeObject as IncludeObject) ?? "Metadata",
            version: tv,
            now: new Date(),
          },
        ),
      };
    }
    return { code: 200, json: o.json };
  }

  list(req: ApiRequest, reg: Registry): ApiResponse {
    const { filter, nodeName } = selection(req, reg.info, req.ri.namespace);
    const rv = this.deps.currentRevision();
    let items = reg.cache.list({ namespace: req.ri.namespace || undefined, nodeName });
    let listRv = rv;
    if (req.query.continue) {
      const t = decodeContinue(req.query.continue);
      listRv = t.rv;
      items = items.filter((o) => o.key >= t.start);
    }
    items = items.filter((o) => filter.matches(o.obj));
    const limit = req.query.limit ? Number.parseInt(req.query.limit, 10) : 0;
    const meta: Record<string, unknown> = { resourceVersion: String(listRv) };
    if (limit > 0 && items.length > limit) {
      meta.continue = encodeContinue(listRv, items[limit - 1].key);
      meta.remainingItemCount = items.length - limit;
      items = items.slice(0, limit);
    }
    const tv = wantsTable(header(req, "accept"));
    if (tv) {
      return {
        code: 200,
        body: table(
          reg.info,
          items.map((o) => o.obj),
          meta,
          {
            include: (req.query.includeObject as IncludeObject) ?? "Metadata",
            version: tv,
            now: new Date(),
          },
        ),
      };
    }
    return { code: 200, json: listJson(reg.info, items, meta) };
  }

  watch(req: ApiRequest, reg: Registry): ApiResponse {
    const q = req.query;
    const { filter, nodeName } = selection(req, reg.info, req.ri.namespace);
    const sendInitialEvents = q.sendInitialEvents === "true" || q.sendInitialEvents === "1";
    const allowBookmarks = q.allowWatchBookmarks === "true" || q.allowWatchBookmarks === "1";
    if (q.sendInitialEvents !== undefined && q.sendInitialEvents !== "") {
      const errs = [];
      if (q.resourceVersionMatch !== "NotOlderThan") {
        errs.push(
          field.forbidden(
            "resourceVersionMatch",
            "sendInitialEvents requires setting resourceVersionMatch to NotOlderThan",
          ),
        );
      }
      if (sendInitialEvents && !allowBookmarks) {
        errs.push(
          field.forbidden("allowWatchBookmarks", "sendInitialEvents requires setting allowWatchBookmarks to true"),
        );
      }
      if (errs.length) throw errors.invalid("ListOptions", "meta.k8s.io", "", errs);
    }
    const rv = parseRv(q.resourceVersion);
    let initial: Array<{ type: EventType; obj: CachedObject }> = [];
    if (sendInitialEvents || rv === undefined || rv === 0) {
      const minRv = rv ?? 0;
      if (sendInitialEvents && minRv > this.deps.currentRevision()) {
        throw errors.timeout(`Too large resource version: ${minRv}, current: ${this.deps.currentRevision()}`);
      }
      initial = reg.cache
        .list({ namespace: req.ri.namespace || undefined, nodeName })
        .filter((o) => filter.matches(o.obj))
        .map((obj) => ({ type: "ADDED" as const, obj }));
    } else {
      try {
        for (const ev of reg.cache.eventsSince(rv)) {
          const out = WatchCache.translate(ev, filter);
          if (out) initial.push(out);
        }
      } catch (e) {
        if (e instanceof TooOldResourceVersionError) {
          // Upstream answers 200 with a single ERROR event carrying the 410 Status.
          const status = errors.expired(e.message).toStatus();
          req.raw.writeHead(200, { "content-type": "application/json" });
          req.raw.end(`${JSON.stringify({ type: "ERROR", object: status })}\n`);
          return { code: 200, streamed: true };
        }
        throw e;
      }
    }
    const requested = q.timeoutSeconds ? Number.parseInt(q.timeoutSeconds, 10) : 0;
    const timeoutMs = requested > 0 ? requested * 1000 : (1800 + Math.random() * 1800) * 1000;
    const tv = wantsTable(header(req, "accept"));
    this.deps.onWatchOpen(reg.info);
    serveWatch(req.raw, reg.info, reg.cache, filter, initial, {
      sendInitialEvents,
      allowBookmarks,
      timeoutMs,
      bookmarkIntervalMs: this.deps.bookmarkIntervalMs,
      currentRevision: this.deps.currentRevision,
      table: tv ? { version: tv, include: (q.includeObject as IncludeObject) ?? "Metadata" } : undefined,
      onClose: () => this.deps.onWatchClose(reg.info),
    });
    return { code: 200, streamed: true };
  }

  async create(req: ApiRequest, reg: Registry): Promise<ApiResponse> {
    const ctx = this.deps.newContext(req);
    ctx.dryRun = checkDryRun(req);
    const obj = decodeAs(parseBody(req, reg.info.kind), reg.info, fieldValidation(req), ctx.warnings);
    checkTypeMeta(obj, reg.info);
    if (reg.info.namespaced && obj.metadata.namespace && obj.metadata.namespace !== req.ri.namespace) {
      throw errors.badRequest("the namespace of the provided object does not match the namespace sent on the request");
    }
    const created = await reg.create(req.ri.namespace, obj, ctx);
    // The watch cache already holds this version serialised (the store feeds it before a write resolves).
    const cached = ctx.dryRun ? undefined : reg.cache.get(reg.key(req.ri.namespace, created.metadata.name!));
    if (cached && String(cached.rv) === created.metadata.resourceVersion) {
      return { code: 201, json: cached.json, warnings: ctx.warnings };
    }
    return { code: 201, body: created, warnings: ctx.warnings };
  }

  async update(req: ApiRequest, reg: Registry): Promise<ApiResponse> {
    const ctx = this.deps.newContext(req);
    ctx.dryRun = checkDryRun(req);
    const sub = req.ri.subresource;
    const obj = decodeAs(parseBody(req, reg.info.kind), reg.info, fieldValidation(req), ctx.warnings);
    checkTypeMeta(obj, reg.info);
    const updated = await reg.update(req.ri.namespace, req.ri.name!, () => structuredClone(obj), ctx, {
      subresource: sub,
    });
    return { code: 200, body: updated, warnings: ctx.warnings };
  }

  async patch(req: ApiRequest, reg: Registry): Promise<ApiResponse> {
    const ctx = this.deps.newContext(req);
    ctx.dryRun = checkDryRun(req);
    const ct = contentType(req);
    const policy = fieldValidation(req);
    if (!PATCH_MEDIA_TYPES.includes(ct)) throw errors.unsupportedMediaType(PATCH_MEDIA_TYPES);
    const patch = parseBody(req, reg.info.kind, PATCH_MEDIA_TYPES);
    const schema = reg.info.schema();
    let apply: (cur: KubeObject) => unknown;
    switch (ct) {
      case "application/json-patch+json":
        if (!Array.isArray(patch))
          throw errors.badRequest("json: cannot unmarshal object into Go value of type jsonpatch.Patch");
        apply = (cur) => applyJsonPatch(cur, patch);
        break;
      case "application/merge-patch+json":
        apply = (cur) => applyMergePatch(cur, patch);
        break;
      case "application/strategic-merge-patch+json":
        apply = (cur) => applyStrategicMergePatch(cur, patch, schema);
        break;
      case "application/apply-patch+yaml":
        throw new ApiError(
          415,
          "UnsupportedMediaType",
          "server-side apply is not supported by loci: use client-side `kubectl apply` (without --server-side)",
        );
      default:
        throw errors.unsupportedMediaType(PATCH_MEDIA_TYPES);
    }
    const updated = await reg.update(
      req.ri.namespace,
      req.ri.name!,
      (cur) => {
        const { resourceVersion: _ignored, ...meta } = cur.metadata;
        const patched = apply({ ...cur, metadata: meta });
        const obj = decodeAs(patched, reg.info, policy, ctx.warnings);
        checkTypeMeta(obj, reg.info);
        return obj;
      },
      ctx,
      { subresource: req.ri.subresource },
    );
    return { code: 200, body: updated, warnings: ctx.warnings };
  }

  private deleteOptions(req: ApiRequest): DeleteOptions {
    let opts: DeleteOptions = {};
    if (req.body?.length && req.body.toString("utf8").trim()) {
      opts = decodeObject(parseBody(req, "DeleteOptions"), DeleteOptionsSchema, "DeleteOptions", "v1")
        .value as DeleteOptions;
    }
    const q = req.query;
    if (q.gracePeriodSeconds !== undefined) opts.gracePeriodSeconds = Number.parseInt(q.gracePeriodSeconds, 10);
    if (q.propagationPolicy) opts.propagationPolicy = q.propagationPolicy as DeleteOptions["propagationPolicy"];
    if (q.orphanDependents !== undefined) opts.orphanDependents = q.orphanDependents === "true";
    if (q.dryRun) opts.dryRun = [q.dryRun];
    const errs = [];
    if (opts.propagationPolicy && !["Background", "Foreground", "Orphan"].includes(opts.propagationPolicy)) {
      errs.push(
        field.notSupported("propagationPolicy", opts.propagationPolicy, ["Foreground", "Background", "Orphan", "nil"]),
      );
    }
    if (opts.propagationPolicy && opts.orphanDependents !== undefined) {
      errs.push(
        field.invalid(
          "propagationPolicy",
          opts.propagationPolicy,
          "orphanDependents and deletionPropagation cannot be both set",
        ),
      );
    }
    if (opts.dryRun?.length && !(opts.dryRun.length === 1 && opts.dryRun[0] === "All")) {
      errs.push(field.notSupported("dryRun", opts.dryRun, ["All"]));
    }
    if (errs.length) throw errors.invalid("DeleteOptions", "meta.k8s.io", "", errs);
    // Upstream treats a negative grace period as 1 second.
    if (opts.gracePeriodSeconds !== undefined && opts.gracePeriodSeconds < 0) opts.gracePeriodSeconds = 1;
    return opts;
  }

  async delete(req: ApiRequest, reg: Registry): Promise<ApiResponse> {
    const ctx = this.deps.newContext(req);
    const opts = this.deleteOptions(req);
    ctx.dryRun = opts.dryRun?.[0] === "All";
    const { obj, gone } = await reg.delete(req.ri.namespace, req.ri.name!, opts, ctx);
    // Upstream answers 202 only when the caller asked orphanDependents=false and the object is still there.
    if (!gone) return { code: opts.orphanDependents === false ? 202 : 200, body: obj };
    if (reg.strategy.returnDeletedObject) return { code: 200, body: obj };
    return {
      code: 200,
      body: {
        kind: "Status",
        apiVersion: "v1",
        metadata: {},
        status: "Success",
        details: {
          name: obj.metadata.name,
          group: reg.info.group || undefined,
          kind: reg.info.resource,
          uid: obj.metadata.uid,
        },
      },
    };
  }

  async deleteCollection(req: ApiRequest, reg: Registry): Promise<ApiResponse> {
    const ctx = this.deps.newContext(req);
    const opts = this.deleteOptions(req);
    ctx.dryRun = opts.dryRun?.[0] === "All";
    const { filter } = selection(req, reg.info, req.ri.namespace);
    const victims = reg.cache.list({ namespace: req.ri.namespace || undefined }).filter((o) => filter.matches(o.obj));
    const deleted: KubeObject[] = [];
    for (const v of victims) {
      try {
        const r = await reg.delete(v.namespace, v.name, opts, ctx);
        deleted.push(r.obj);
      } catch (e) {
        if (!(e instanceof ApiError && e.code === 404)) throw e;
      }
    }
    return {
      code: 200,
      body: {
        kind: `${reg.info.kind}List`,
        apiVersion: groupVersion(reg.info),
        metadata: { resourceVersion: String(this.deps.currentRevision()) },
        items: deleted,
      },
    };
  }

  /** POST pods/{name}/binding: binds an unscheduled pod to a node once. */
  async binding(req: ApiRequest, reg: Registry): Promise<ApiResponse> {
    const ctx = this.deps.newContext(req);
    ctx.dryRun = checkDryRun(req);
    const kind = "Binding";
    const binding = decodeAs(
      parseBody(req, "Binding"),
      reg.info,
      fieldValidation(req),
      ctx.warnings,
      kind,
      SUBRESOURCE_ONLY_KINDS.Binding(),
    );
    checkTypeMeta(binding, reg.info, kind, "v1");
    const target = binding.target as { name?: string; kind?: string } | undefined;
    if (!target?.name) {
      throw errors.invalid(kind, "", binding.metadata.name ?? "", [field.required("target.name")]);
    }
    const name = req.ri.name!;
    await reg.update(
      req.ri.namespace,
      name,
      (pod) => {
        if (pod.metadata.deletionTimestamp) {
          throw errors.conflict("pods", "", name, "pod is being deleted, cannot be assigned to a host");
        }
        if (pod.spec?.nodeName) {
          throw errors.conflict("pods", "", name, `pod ${name} is already assigned to node "${pod.spec.nodeName}"`);
        }
        if (binding.metadata.uid && binding.metadata.uid !== pod.metadata.uid) {
          throw errors.conflict(
            "pods",
            "",
            name,
            `Precondition failed: UID in precondition: ${binding.metadata.uid}, UID in object meta: ${pod.metadata.uid}`,
          );
        }
        pod.spec.nodeName = target.name;
        pod.status ??= {};
        const conditions = (pod.status.conditions ?? []).filter((c: { type: string }) => c.type !== "PodScheduled");
        conditions.push({
          type: "PodScheduled",
          status: "True",
          lastProbeTime: null,
          lastTransitionTime: new Date().toISOString().slice(0, 19) + "Z",
        });
        pod.status.conditions = conditions;
        return pod;
      },
      ctx,
      { subresource: "binding" },
    );
    return { code: 201, body: { kind: "Status", apiVersion: "v1", metadata: {}, status: "Success", code: 201 } };
  }

  /** POST pods/{name}/eviction: a delete that honours the eviction's DeleteOptions (no PDBs in loci yet). */
  async eviction(req: ApiRequest, reg: Registry): Promise<ApiResponse> {
    const ctx = this.deps.newContext(req);
    const raw = parseBody(req, "Eviction") as Record<string, any>;
    const opts: DeleteOptions = raw?.deleteOptions ?? {};
    ctx.dryRun = opts.dryRun?.[0] === "All";
    await reg.delete(req.ri.namespace, req.ri.name!, opts, ctx);
    return { code: 201, body: { kind: "Status", apiVersion: "v1", metadata: {}, status: "Success", code: 201 } };
  }
}
