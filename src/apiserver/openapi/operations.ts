// The REST operations loci serves, described once independent of OpenAPI version: which paths exist
// for each entry of the resource table, the operation ids, actions and GVKs kube-apiserver uses for
// them, their query parameters, bodies and responses. v2.ts and v3.ts only render this.
import type { ResourceInfo, SubresourceInfo, Verb } from "../../api/resources.ts";
import { groupVersion, RESOURCES, SUBRESOURCE_ONLY_KINDS } from "../../api/resources.ts";
import type { GroupVersionKind, ObjectSchema } from "../../api/schema/schema.ts";
import { capitalize, groupVersionIdentifier, operationTag } from "./names.ts";

export type ParamType = "string" | "integer" | "boolean";

export interface ParamSpec {
  name: string;
  in: "query" | "path";
  type: ParamType;
  description: string;
  required?: boolean;
}

export interface ResponseSpec {
  code: string;
  description: string;
  /** Definition name of the response body. */
  definition: string;
}

export type HttpMethod = "get" | "put" | "post" | "delete" | "patch";

export interface OperationSpec {
  method: HttpMethod;
  operationId: string;
  description: string;
  /** `x-kubernetes-action`: get, list, put, patch, post, delete, deletecollection, watch, watchlist. */
  action: string;
  /** `x-kubernetes-group-version-kind` of the operation. */
  gvk: GroupVersionKind;
  tag: string;
  params: ParamSpec[];
  body?: { definition: string; required: boolean };
  consumes: string[];
  produces: string[];
  responses: ResponseSpec[];
}

export interface PathSpec {
  path: string;
  /** `v1`, `apps/v1`: the group-version whose document carries this path. */
  groupVersion: string;
  params: ParamSpec[];
  operations: OperationSpec[];
}

export const PATCH_CONTENT_TYPES = [
  "application/json-patch+json",
  "application/merge-patch+json",
  "application/strategic-merge-patch+json",
  "application/apply-patch+yaml",
];
const PRODUCES = ["application/json", "application/yaml", "application/vnd.kubernetes.protobuf"];
const PRODUCES_STREAM = [
  ...PRODUCES,
  "application/json;stream=watch",
  "application/vnd.kubernetes.protobuf;stream=watch",
];

export const STATUS = "io.k8s.apimachinery.pkg.apis.meta.v1.Status";
export const DELETE_OPTIONS = "io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions";
export const WATCH_EVENT = "io.k8s.apimachinery.pkg.apis.meta.v1.WatchEvent";
export const PATCH = "io.k8s.apimachinery.pkg.apis.meta.v1.Patch";

const q = (name: string, type: ParamType, description: string): ParamSpec => ({ name, in: "query", type, description });

const P = {
  allowWatchBookmarks: q("allowWatchBookmarks", "boolean", "Ask for BOOKMARK events on a watch."),
  continue: q("continue", "string", "The continue token of the previous page of a limited list."),
  dryRun: q("dryRun", "string", "`All` runs every stage of the request without persisting anything."),
  fieldManager: q("fieldManager", "string", "Name of the actor making the change, for managed fields."),
  fieldManagerApply: q(
    "fieldManager",
    "string",
    "Name of the actor making the change; required for apply patches (application/apply-patch+yaml).",
  ),
  fieldSelector: q("fieldSelector", "string", "Restrict the objects by their fields; everything by default."),
  fieldValidation: q(
    "fieldValidation",
    "string",
    "How to treat unknown or duplicate fields in the request body: `Ignore`, `Warn` (the default) or `Strict`.",
  ),
  force: q("force", "boolean", "Take over fields owned by other managers in an apply patch; only for apply."),
  gracePeriodSeconds: q("gracePeriodSeconds", "integer", "Seconds before the object is deleted; 0 deletes now."),
  labelSelector: q("labelSelector", "string", "Restrict the objects by their labels; everything by default."),
  limit: q("limit", "integer", "Maximum number of objects to return; the list metadata then has a continue token."),
  orphanDependents: q("orphanDependents", "boolean", "Deprecated: use propagationPolicy."),
  pretty: q("pretty", "string", "If 'true', the output is indented."),
  propagationPolicy: q("propagationPolicy", "string", "`Orphan`, `Background` or `Foreground` deletion of dependents."),
  resourceVersion: q("resourceVersion", "string", "The resource version the request may be served from."),
  resourceVersionMatch: q(
    "resourceVersionMatch",
    "string",
    "How resourceVersion applies to a list: `Exact` or `NotOlderThan`.",
  ),
  sendInitialEvents: q("sendInitialEvents", "boolean", "Start a watch with the current state as ADDED events."),
  timeoutSeconds: q("timeoutSeconds", "integer", "Maximum duration of a list or watch call."),
  watch: q("watch", "boolean", "Watch for changes instead of listing."),
};

const LIST_PARAMS = [
  P.allowWatchBookmarks,
  P.continue,
  P.fieldSelector,
  P.labelSelector,
  P.limit,
  P.resourceVersion,
  P.resourceVersionMatch,
  P.sendInitialEvents,
  P.timeoutSeconds,
  P.watch,
];
const WRITE_PARAMS = [P.dryRun, P.fieldManager, P.fieldValidation];
const PATCH_PARAMS = [P.dryRun, P.fieldManagerApply, P.fieldValidation, P.force];
const DELETE_PARAMS = [P.dryRun, P.gracePeriodSeconds, P.orphanDependents, P.propagationPolicy];
const DELETECOLLECTION_PARAMS = [
  P.continue,
  P.dryRun,
  P.fieldSelector,
  P.gracePeriodSeconds,
  P.labelSelector,
  P.limit,
  P.orphanDependents,
  P.propagationPolicy,
  P.resourceVersion,
  P.resourceVersionMatch,
  P.sendInitialEvents,
  P.timeoutSeconds,
];

const namespaceParam: ParamSpec = {
  name: "namespace",
  in: "path",
  type: "string",
  description: "object name and auth scope, such as for teams and projects",
  required: true,
};
const nameParam = (kind: string): ParamSpec => ({
  name: "name",
  in: "path",
  type: "string",
  description: `name of the ${kind}`,
  required: true,
});

const ok = (definition: string): ResponseSpec => ({ code: "200", description: "OK", definition });
const created = (definition: string): ResponseSpec => ({ code: "201", description: "Created", definition });
const accepted = (definition: string): ResponseSpec => ({ code: "202", description: "Accepted", definition });

/** The definition a subresource takes and returns (pods/binding → Binding), else its parent's kind. */
function subresourceKind(r: ResourceInfo, sub: SubresourceInfo): { gvk: GroupVersionKind; schema: ObjectSchema } {
  if (!sub.kind) return { gvk: gvkOf(r), schema: r.schema() };
  const gvk = { group: sub.group ?? r.group, version: sub.version ?? r.version, kind: sub.kind };
  const only = (SUBRESOURCE_ONLY_KINDS as Record<string, () => ObjectSchema>)[sub.kind];
  const served = RESOURCES.find((x) => x.group === gvk.group && x.version === gvk.version && x.kind === gvk.kind);
  const schema = only?.() ?? served?.schema();
  if (!schema) throw new Error(`no schema for subresource kind ${gvk.group}/${gvk.version} ${gvk.kind}`);
  return { gvk, schema };
}

export const gvkOf = (r: ResourceInfo): GroupVersionKind => ({ group: r.group, version: r.version, kind: r.kind });

/** The URL prefix of a group-version: `/api/v1`, `/apis/apps/v1`. */
export const groupVersionPrefix = (group: string, version: string): string =>
  group ? `/apis/${group}/${version}` : `/api/${version}`;

function pathsOf(r: ResourceInfo): PathSpec[] {
  const has = (v: Verb) => r.verbs.includes(v);
  const gv = groupVersion(r);
  const prefix = groupVersionPrefix(r.group, r.version);
  const id = groupVersionIdentifier(r.group, r.version);
  const scope = r.namespaced ? "Namespaced" : "";
  const gvk = gvkOf(r);
  const tag = operationTag(r.group, r.version);
  const kindDef = r.schema().name;
  const listDef = `${kindDef}List`;
  const nsPart = r.namespaced ? "/namespaces/{namespace}" : "";
  const collection = `${prefix}${nsPart}/${r.resource}`;
  const item = `${collection}/{name}`;
  const scopeParams = r.namespaced ? [namespaceParam] : [];
  const op = (o: Omit<OperationSpec, "tag" | "consumes" | "produces"> & Partial<OperationSpec>): OperationSpec => ({
    tag,
    consumes: ["*/*"],
    produces: PRODUCES,
    ...o,
  });
  const out: PathSpec[] = [];

  const collectionOps: OperationSpec[] = [];
  if (has("list"))
    collectionOps.push(
      op({
        method: "get",
        operationId: `list${id}${scope}${r.kind}`,
        description: `list or watch objects of kind ${r.kind}`,
        action: "list",
        gvk,
        params: LIST_PARAMS,
        produces: PRODUCES_STREAM,
        responses: [ok(listDef)],
      }),
    );
  if (has("create"))
    collectionOps.push(
      op({
        method: "post",
        operationId: `create${id}${scope}${r.kind}`,
        description: `create a ${r.kind}`,
        action: "post",
        gvk,
        params: WRITE_PARAMS,
        body: { definition: kindDef, required: true },
        responses: [ok(kindDef), created(kindDef), accepted(kindDef)],
      }),
    );
  if (has("deletecollection"))
    collectionOps.push(
      op({
        method: "delete",
        operationId: `delete${id}Collection${scope}${r.kind}`,
        description: `delete collection of ${r.kind}`,
        action: "deletecollection",
        gvk,
        params: DELETECOLLECTION_PARAMS,
        body: { definition: DELETE_OPTIONS, required: false },
        responses: [ok(STATUS)],
      }),
    );
  if (collectionOps.length)
    out.push({ path: collection, groupVersion: gv, params: [...scopeParams, P.pretty], operations: collectionOps });

  // Pods return the deleted object (it may linger for graceful termination); other kinds a Status.
  const deleteResult = r.group === "" && r.resource === "pods" ? kindDef : STATUS;
  const itemOps: OperationSpec[] = [];
  if (has("get"))
    itemOps.push(
      op({
        method: "get",
        operationId: `read${id}${scope}${r.kind}`,
        description: `read the specified ${r.kind}`,
        action: "get",
        gvk,
        params: [],
        responses: [ok(kindDef)],
      }),
    );
  if (has("update"))
    itemOps.push(
      op({
        method: "put",
        operationId: `replace${id}${scope}${r.kind}`,
        description: `replace the specified ${r.kind}`,
        action: "put",
        gvk,
        params: WRITE_PARAMS,
        body: { definition: kindDef, required: true },
        responses: [ok(kindDef), created(kindDef)],
      }),
    );
  if (has("delete"))
    itemOps.push(
      op({
        method: "delete",
        operationId: `delete${id}${scope}${r.kind}`,
        description: `delete a ${r.kind}`,
        action: "delete",
        gvk,
        params: DELETE_PARAMS,
        body: { definition: DELETE_OPTIONS, required: false },
        responses: [ok(deleteResult), accepted(deleteResult)],
      }),
    );
  if (has("patch"))
    itemOps.push(
      op({
        method: "patch",
        operationId: `patch${id}${scope}${r.kind}`,
        description: `partially update the specified ${r.kind}`,
        action: "patch",
        gvk,
        params: PATCH_PARAMS,
        body: { definition: PATCH, required: true },
        consumes: PATCH_CONTENT_TYPES,
        responses: [ok(kindDef), created(kindDef)],
      }),
    );
  if (itemOps.length)
    out.push({
      path: item,
      groupVersion: gv,
      params: [nameParam(r.kind), ...scopeParams, P.pretty],
      operations: itemOps,
    });

  for (const sub of r.subresources) {
    if (sub.connect) continue;
    const { gvk: subGvk, schema } = subresourceKind(r, sub);
    const def = schema.name;
    const suffix = capitalize(sub.name);
    const subOps: OperationSpec[] = [];
    const subHas = (v: Verb) => sub.verbs.includes(v);
    if (subHas("get"))
      subOps.push(
        op({
          method: "get",
          operationId: `read${id}${scope}${r.kind}${suffix}`,
          description: `read ${sub.name} of the specified ${r.kind}`,
          action: "get",
          gvk: subGvk,
          params: [],
          responses: [ok(def)],
        }),
      );
    if (subHas("create"))
      subOps.push(
        op({
          method: "post",
          operationId: `create${id}${scope}${r.kind}${suffix}`,
          description: `create ${sub.name} of a ${r.kind}`,
          action: "post",
          gvk: subGvk,
          params: WRITE_PARAMS,
          body: { definition: def, required: true },
          responses: [ok(def), created(def), accepted(def)],
        }),
      );
    if (subHas("update"))
      subOps.push(
        op({
          method: "put",
          operationId: `replace${id}${scope}${r.kind}${suffix}`,
          description: `replace ${sub.name} of the specified ${r.kind}`,
          action: "put",
          gvk: subGvk,
          params: WRITE_PARAMS,
          body: { definition: def, required: true },
          responses: [ok(def), created(def)],
        }),
      );
    if (subHas("patch"))
      subOps.push(
        op({
          method: "patch",
          operationId: `patch${id}${scope}${r.kind}${suffix}`,
          description: `partially update ${sub.name} of the specified ${r.kind}`,
          action: "patch",
          gvk: subGvk,
          params: PATCH_PARAMS,
          body: { definition: PATCH, required: true },
          consumes: PATCH_CONTENT_TYPES,
          responses: [ok(def), created(def)],
        }),
      );
    if (subOps.length)
      out.push({
        path: `${item}/${sub.name}`,
        groupVersion: gv,
        params: [nameParam(sub.kind ?? r.kind), ...scopeParams, P.pretty],
        operations: subOps,
      });
  }

  if (r.namespaced && has("list"))
    out.push({
      path: `${prefix}/${r.resource}`,
      groupVersion: gv,
      params: [P.pretty],
      operations: [
        op({
          method: "get",
          operationId: `list${id}${r.kind}ForAllNamespaces`,
          description: `list or watch objects of kind ${r.kind}`,
          action: "list",
          gvk,
          params: LIST_PARAMS,
          produces: PRODUCES_STREAM,
          responses: [ok(listDef)],
        }),
      ],
    });

  if (has("watch")) {
    const watchOp = (operationId: string, action: string, description: string): OperationSpec =>
      op({
        method: "get",
        operationId,
        description,
        action,
        gvk,
        params: LIST_PARAMS,
        produces: PRODUCES_STREAM,
        responses: [ok(WATCH_EVENT)],
      });
    const watchPrefix = `${prefix}/watch`;
    const deprecated = "deprecated: use the 'watch' parameter with a list operation instead";
    out.push({
      path: `${watchPrefix}${nsPart}/${r.resource}`,
      groupVersion: gv,
      params: [...scopeParams, P.pretty],
      operations: [
        watchOp(
          `watch${id}${scope}${r.kind}List`,
          "watchlist",
          `watch individual changes to a list of ${r.kind}. ${deprecated}.`,
        ),
      ],
    });
    out.push({
      path: `${watchPrefix}${nsPart}/${r.resource}/{name}`,
      groupVersion: gv,
      params: [nameParam(r.kind), ...scopeParams, P.pretty],
      operations: [
        watchOp(
          `watch${id}${scope}${r.kind}`,
          "watch",
          `watch changes to an object of kind ${r.kind}. ${deprecated}, filtered to a single item with the 'fieldSelector' parameter.`,
        ),
      ],
    });
    if (r.namespaced)
      out.push({
        path: `${watchPrefix}/${r.resource}`,
        groupVersion: gv,
        params: [P.pretty],
        operations: [
          watchOp(
            `watch${id}${r.kind}ListForAllNamespaces`,
            "watchlist",
            `watch individual changes to a list of ${r.kind}. ${deprecated}.`,
          ),
        ],
      });
  }
  return out;
}

/** Every path loci serves, sorted by path as kube-apiserver's documents are. */
export function buildPathSpecs(resources: ResourceInfo[] = RESOURCES): PathSpec[] {
  return resources.flatMap(pathsOf).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** The kinds a set of paths needs definitions for, with the wire-only ones the operations mention. */
export function kindSchemasOf(resources: ResourceInfo[]): ObjectSchema[] {
  const out: ObjectSchema[] = [];
  for (const r of resources) {
    out.push(r.schema());
    for (const sub of r.subresources) if (sub.kind && !sub.connect) out.push(subresourceKind(r, sub).schema);
  }
  return out;
}
