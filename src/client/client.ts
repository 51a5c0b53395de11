// The one way controllers, the scheduler, hollow nodes and the agent reach the API. Two implementations share
// this interface: `InProcessClient` (inside `loci server`, through the same handlers as HTTP, no sockets) and
// `HttpClient` (HTTP/2 to a remote server). Failures are thrown as `ApiError` (src/api/errors.ts) carrying the
// server's Status code, reason and details, so callers test `e.code === 404` or `e.reason === "Conflict"`.
import type { KubeObject } from "../api/object.ts";

/** Which resource a call is about, e.g. `{ group: "apps", version: "v1", resource: "daemonsets" }`. */
export interface ResourceRef {
  group: string;
  version: string;
  resource: string;
}

export const PODS: ResourceRef = { group: "", version: "v1", resource: "pods" };
export const NODES: ResourceRef = { group: "", version: "v1", resource: "nodes" };
export const NAMESPACES: ResourceRef = { group: "", version: "v1", resource: "namespaces" };
export const EVENTS: ResourceRef = { group: "", version: "v1", resource: "events" };
export const SERVICE_ACCOUNTS: ResourceRef = { group: "", version: "v1", resource: "serviceaccounts" };
export const CONFIG_MAPS: ResourceRef = { group: "", version: "v1", resource: "configmaps" };
export const SECRETS: ResourceRef = { group: "", version: "v1", resource: "secrets" };
export const DAEMON_SETS: ResourceRef = { group: "apps", version: "v1", resource: "daemonsets" };
export const CONTROLLER_REVISIONS: ResourceRef = { group: "apps", version: "v1", resource: "controllerrevisions" };
export const LEASES: ResourceRef = { group: "coordination.k8s.io", version: "v1", resource: "leases" };

export interface ListOptions {
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
  resourceVersion?: string;
}

export interface ObjectList<T extends KubeObject = KubeObject> {
  items: T[];
  metadata: { resourceVersion: string; continue?: string; remainingItemCount?: number };
}

export interface WatchOptions {
  labelSelector?: string;
  fieldSelector?: string;
  /** Start after this version; unset = current state as ADDED events first (upstream semantics). */
  resourceVersion?: string;
  allowWatchBookmarks?: boolean;
  timeoutSeconds?: number;
}

export type WatchEventType = "ADDED" | "MODIFIED" | "DELETED" | "BOOKMARK" | "ERROR";

export interface WatchEvent<T extends KubeObject = KubeObject> {
  type: WatchEventType;
  /** The object; for ERROR a Status (`{ code: 410, reason: "Expired" }` when the version was compacted). */
  object: T;
}

export interface Watch {
  /** Ends the watch; `done` then resolves. */
  stop(): void;
  /** Resolves when the stream ends (server timeout, stop(), connection loss); rejects only on setup failure. */
  done: Promise<void>;
}

export interface WriteOptions {
  /** `"All"` to validate without persisting. */
  dryRun?: "All";
  fieldManager?: string;
}

export interface DeleteOptions {
  gracePeriodSeconds?: number;
  propagationPolicy?: "Background" | "Foreground" | "Orphan";
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: "All";
}

export type PatchType = "strategic" | "merge" | "json";

export const PATCH_CONTENT_TYPES: Record<PatchType, string> = {
  strategic: "application/strategic-merge-patch+json",
  merge: "application/merge-patch+json",
  json: "application/json-patch+json",
};

/** Namespace "" for cluster-scoped resources, and for "all namespaces" in list/watch. */
export interface ApiClient {
  get<T extends KubeObject = KubeObject>(res: ResourceRef, namespace: string, name: string): Promise<T>;
  list<T extends KubeObject = KubeObject>(
    res: ResourceRef,
    namespace: string,
    opts?: ListOptions,
  ): Promise<ObjectList<T>>;
  /** `onEvent` is called in order, synchronously per event; the returned Watch is live once `list`-less setup is done. */
  watch<T extends KubeObject = KubeObject>(
    res: ResourceRef,
    namespace: string,
    opts: WatchOptions,
    onEvent: (ev: WatchEvent<T>) => void,
  ): Promise<Watch>;
  create<T extends KubeObject = KubeObject>(
    res: ResourceRef,
    namespace: string,
    obj: KubeObject,
    opts?: WriteOptions & { subresource?: string; name?: string },
  ): Promise<T>;
  /** PUT; `subresource` "status" writes status only. */
  update<T extends KubeObject = KubeObject>(
    res: ResourceRef,
    namespace: string,
    obj: KubeObject,
    opts?: WriteOptions & { subresource?: string },
  ): Promise<T>;
  patch<T extends KubeObject = KubeObject>(
    res: ResourceRef,
    namespace: string,
    name: string,
    type: PatchType,
    patch: unknown,
    opts?: WriteOptions & { subresource?: string },
  ): Promise<T>;
  /** Returns the object (when it lingers with a deletionTimestamp or finalizers) or the Status of a removal. */
  delete(res: ResourceRef, namespace: string, name: string, opts?: DeleteOptions): Promise<KubeObject>;
  /** POST pods/NAME/binding. */
  bind(namespace: string, podName: string, nodeName: string, podUid?: string): Promise<void>;
  /** Releases connections; later calls fail. */
  close(): Promise<void>;
}

/** Path of a resource collection or object, as the API server routes it. */
export function resourcePath(res: ResourceRef, namespace: string, name?: string, subresource?: string): string {
  let p = res.group ? `/apis/${res.group}/${res.version}` : `/api/${res.version}`;
  if (namespace) p += `/namespaces/${encodeURIComponent(namespace)}`;
  p += `/${res.resource}`;
  if (name !== undefined) p += `/${encodeURIComponent(name)}`;
  if (subresource) p += `/${subresource}`;
  return p;
}

/** Query string (with `?`) from defined options, values stringified. */
export function queryString(params: Record<string, string | number | boolean | undefined>): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === "") continue;
    parts.push(`${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`);
  }
  return parts.length ? `?${parts.join("&")}` : "";
}
