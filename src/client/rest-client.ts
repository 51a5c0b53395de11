// The verbs of `ApiClient` in terms of one request primitive, so the HTTP and in-process clients differ only in
// how a request travels (and how a watch streams), never in paths, query parameters or bodies.
import type { KubeObject } from "../api/object.ts";
import {
  type ApiClient,
  type DeleteOptions,
  type ListOptions,
  type ObjectList,
  PATCH_CONTENT_TYPES,
  type PatchType,
  PODS,
  type ResourceRef,
  resourcePath,
  type Watch,
  type WatchEvent,
  type WatchOptions,
  type WriteOptions,
} from "./client.ts";

export type Query = Record<string, string | undefined>;

export abstract class RestClient implements ApiClient {
  /** Sends one request and resolves with the decoded JSON answer; failures reject with an ApiError. */
  protected abstract call(
    method: string,
    path: string,
    query: Query,
    body?: unknown,
    contentType?: string,
  ): Promise<any>;

  abstract watch<T extends KubeObject = KubeObject>(
    res: ResourceRef,
    namespace: string,
    opts: WatchOptions,
    onEvent: (ev: WatchEvent<T>) => void,
  ): Promise<Watch>;

  abstract close(): Promise<void>;

  /** The query of a watch request, shared by both transports. */
  protected watchQuery(opts: WatchOptions): Query {
    return {
      watch: "true",
      labelSelector: opts.labelSelector,
      fieldSelector: opts.fieldSelector,
      resourceVersion: opts.resourceVersion,
      allowWatchBookmarks: opts.allowWatchBookmarks ? "true" : undefined,
      timeoutSeconds: opts.timeoutSeconds ? String(opts.timeoutSeconds) : undefined,
    };
  }

  get<T extends KubeObject>(res: ResourceRef, namespace: string, name: string): Promise<T> {
    return this.call("GET", resourcePath(res, namespace, name), {});
  }

  list<T extends KubeObject>(res: ResourceRef, namespace: string, opts: ListOptions = {}): Promise<ObjectList<T>> {
    return this.call("GET", resourcePath(res, namespace), {
      labelSelector: opts.labelSelector,
      fieldSelector: opts.fieldSelector,
      limit: opts.limit ? String(opts.limit) : undefined,
      continue: opts.continue,
      resourceVersion: opts.resourceVersion,
    });
  }

  create<T extends KubeObject>(
    res: ResourceRef,
    namespace: string,
    obj: KubeObject,
    opts: WriteOptions & { subresource?: string; name?: string } = {},
  ): Promise<T> {
    return this.call(
      "POST",
      resourcePath(res, namespace, opts.subresource ? opts.name : undefined, opts.subresource),
      { dryRun: opts.dryRun, fieldManager: opts.fieldManager },
      obj,
    );
  }

  update<T extends KubeObject>(
    res: ResourceRef,
    namespace: string,
    obj: KubeObject,
    opts: WriteOptions & { subresource?: string } = {},
  ): Promise<T> {
    return this.call(
      "PUT",
      resourcePath(res, namespace, obj.metadata.name, opts.subresource),
      { dryRun: opts.dryRun, fieldManager: opts.fieldManager },
      obj,
    );
  }

  patch<T extends KubeObject>(
    res: ResourceRef,
    namespace: string,
    name: string,
    type: PatchType,
    patch: unknown,
    opts: WriteOptions & { subresource?: string } = {},
  ): Promise<T> {
    return this.call(
      "PATCH",
      resourcePath(res, namespace, name, opts.subresource),
      { dryRun: opts.dryRun, fieldManager: opts.fieldManager },
      patch,
      PATCH_CONTENT_TYPES[type],
    );
  }

  delete(res: ResourceRef, namespace: string, name: string, opts?: DeleteOptions): Promise<KubeObject> {
    const body = opts && Object.keys(opts).length ? { kind: "DeleteOptions", apiVersion: "v1", ...opts } : undefined;
    return this.call("DELETE", resourcePath(res, namespace, name), {}, body);
  }

  async bind(namespace: string, podName: string, nodeName: string, podUid?: string): Promise<void> {
    const metadata: Record<string, unknown> = { name: podName, namespace };
    if (podUid) metadata.uid = podUid;
    await this.call(
      "POST",
      resourcePath(PODS, namespace, podName, "binding"),
      {},
      {
        kind: "Binding",
        apiVersion: "v1",
        metadata,
        target: { kind: "Node", apiVersion: "v1", name: nodeName },
      },
    );
  }
}
