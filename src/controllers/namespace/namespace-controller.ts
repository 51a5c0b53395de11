// The namespace controller (upstream pkg/controller/namespace): a namespace being deleted (deletionTimestamp,
// phase Terminating, `kubernetes` in spec.finalizers) has all its content deleted; the controller looks again
// until everything is gone (graceful pods and finalizers take time), reports progress in status conditions, then
// removes `kubernetes` from spec.finalizers through the finalize subresource so the server removes the namespace.
import { ApiError } from "../../api/errors.ts";
import type { KubeObject } from "../../api/object.ts";
import { type ApiClient, NAMESPACES, PODS } from "../../client/client.ts";
import type { Controller, ControllerContext } from "../runtime/controller.ts";
import type { Informer } from "../runtime/informer.ts";
import { runWorkers, WorkQueue } from "../runtime/workqueue.ts";
import { FINALIZER_ESTIMATE_SECONDS, podGraceEstimateSeconds, requeueDelayMs } from "./grace-estimate.ts";
import {
  type ContentTotals,
  contentConditions,
  mergeConditions,
  type NamespaceCondition,
} from "./namespace-conditions.ts";
import { type NamespacedResource, namespacedResources } from "./namespaced-resources.ts";

function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d+Z$/, "Z");
}

export const KUBERNETES_FINALIZER = "kubernetes";
const DEFAULT_WORKERS = 10;
const CONFLICT_RETRIES = 5;

export interface NamespaceControllerOptions {
  workers?: number;
  onError?: (key: string, err: unknown) => void;
}

/** Thrown by a pass that had to leave content behind for now. */
export class ResourcesRemainingError extends Error {
  constructor(readonly estimateSeconds: number) {
    super(`some content remains in the namespace, estimate ${estimateSeconds} seconds before it is removed`);
  }
}

export class NamespaceController implements Controller {
  readonly name = "namespace-controller";
  private readonly client: ApiClient;
  private readonly namespaces: Informer;
  private readonly queue: WorkQueue;
  private readonly resources: NamespacedResource[] = namespacedResources();
  private workers?: Promise<void>;

  constructor(
    private readonly ctx: ControllerContext,
    private readonly opts: NamespaceControllerOptions = {},
  ) {
    this.client = ctx.client;
    this.namespaces = ctx.informers.informer(NAMESPACES);
    // Upstream: per-item backoff from 5 ms up to 60 s.
    this.queue = new WorkQueue({ clock: ctx.clock, baseDelayMs: 5, maxDelayMs: 60_000 });
  }

  start(): void {
    const enqueue = (ns: KubeObject) => {
      if (ns.metadata.deletionTimestamp) this.queue.add(ns.metadata.name!);
    };
    this.namespaces.addHandlers({ onAdd: enqueue, onUpdate: (_old, cur) => enqueue(cur) });
    this.workers = runWorkers(
      this.queue,
      this.opts.workers ?? DEFAULT_WORKERS,
      async (name) => {
        try {
          await this.sync(name);
        } catch (e) {
          if (!(e instanceof ResourcesRemainingError)) throw e;
          this.queue.addAfter(name, requeueDelayMs(e.estimateSeconds));
        }
      },
      this.opts.onError,
    );
  }

  async stop(): Promise<void> {
    this.queue.shutDown();
    await this.workers;
  }

  /** One deletion pass over a namespace (upstream namespacedResourcesDeleter.Delete). */
  async sync(name: string): Promise<void> {
    let ns = await this.getNamespace(name);
    if (!ns?.metadata.deletionTimestamp) return;
    if (ns.status?.phase !== "Terminating") {
      ns = await this.updateStatus(ns, (s) => ({ ...s, phase: "Terminating" }));
      if (!ns?.metadata.deletionTimestamp) return;
    }
    if (!(ns.spec?.finalizers ?? []).includes(KUBERNETES_FINALIZER)) return;
    const estimate = await this.deleteAllContent(ns);
    if (estimate > 0) throw new ResourcesRemainingError(estimate);
    await this.finalize(name);
  }

  private async getNamespace(name: string): Promise<KubeObject | undefined> {
    try {
      return await this.client.get(NAMESPACES, "", name);
    } catch (e) {
      if (e instanceof ApiError && e.code === 404) return undefined;
      throw e;
    }
  }

  /** PUT status with `change` applied, re-reading on conflicts; undefined when the namespace is gone. */
  private async updateStatus(
    ns: KubeObject,
    change: (status: Record<string, any>) => Record<string, any>,
  ): Promise<KubeObject | undefined> {
    let current: KubeObject | undefined = ns;
    for (let attempt = 0; current; attempt++) {
      const next = structuredClone(current);
      next.status = change(next.status ?? {});
      try {
        return await this.client.update(NAMESPACES, "", next, { subresource: "status" });
      } catch (e) {
        if (e instanceof ApiError && e.code === 404) return undefined;
        if (!(e instanceof ApiError && e.code === 409) || attempt >= CONFLICT_RETRIES) throw e;
        current = await this.getNamespace(ns.metadata.name!);
        if (current && current.metadata.uid !== ns.metadata.uid)
          throw new Error("namespace uid has changed across retries");
      }
    }
    return undefined;
  }

  /**
   * Deletes every namespaced object and counts what is left; returns seconds to wait before looking again (0 when
   * the namespace is empty). Errors of single resource types are kept for the conditions, then thrown.
   */
  private async deleteAllContent(ns: KubeObject): Promise<number> {
    const name = ns.metadata.name!;
    const deletedAt = Date.parse(ns.metadata.deletionTimestamp!);
    const totals: ContentTotals = { remainingByResource: new Map(), remainingByFinalizer: new Map(), deleteErrors: [] };
    let estimate = 0;
    for (const res of this.resources) {
      try {
        const r = await this.deleteResourceContent(res, name, deletedAt);
        estimate = Math.max(estimate, r.estimate);
        if (r.remaining > 0) totals.remainingByResource.set(res.display, r.remaining);
        for (const [f, n] of r.finalizers)
          totals.remainingByFinalizer.set(f, (totals.remainingByFinalizer.get(f) ?? 0) + n);
      } catch (e) {
        totals.deleteErrors.push((e as Error).message);
      }
    }
    const fresh = contentConditions(totals);
    const merged = mergeConditions(
      (ns.status?.conditions ?? []) as NamespaceCondition[],
      fresh,
      rfc3339(this.ctx.clock.now()),
    );
    if (merged.changed) {
      try {
        await this.updateStatus(ns, (s) => ({ ...s, conditions: merged.conditions }));
      } catch (e) {
        // Upstream only logs a failed condition update; the next pass writes them again.
        this.opts.onError?.(name, e);
      }
    }
    if (totals.deleteErrors.length) {
      throw new Error(`failed to delete content of namespace ${name}: ${totals.deleteErrors.join("; ")}`);
    }
    return estimate;
  }

  private async deleteResourceContent(
    res: NamespacedResource,
    namespace: string,
    deletedAt: number,
  ): Promise<{ estimate: number; remaining: number; finalizers: Map<string, number> }> {
    const before = (await this.client.list(res, namespace)).items;
    const estimate =
      res.group === PODS.group && res.resource === PODS.resource
        ? podGraceEstimateSeconds(before, deletedAt, this.ctx.clock.now())
        : 0;
    for (const item of before) {
      if (item.metadata.deletionTimestamp) continue;
      try {
        // Background: the namespace controller waits for everything itself, no orphan finalizer wanted.
        await this.client.delete(res, namespace, item.metadata.name!, {
          propagationPolicy: "Background",
          preconditions: { uid: item.metadata.uid },
        });
      } catch (e) {
        if (!(e instanceof ApiError && (e.code === 404 || e.code === 409 || e.code === 405))) throw e;
      }
    }
    if (before.length === 0) return { estimate: 0, remaining: 0, finalizers: new Map() };
    const after = (await this.client.list(res, namespace)).items;
    if (after.length === 0) return { estimate: 0, remaining: 0, finalizers: new Map() };
    const finalizers = new Map<string, number>();
    for (const item of after)
      for (const f of item.metadata.finalizers ?? []) finalizers.set(f, (finalizers.get(f) ?? 0) + 1);
    if (estimate > 0) return { estimate, remaining: after.length, finalizers };
    if (finalizers.size > 0) return { estimate: FINALIZER_ESTIMATE_SECONDS, remaining: after.length, finalizers };
    throw new Error(
      `unexpected items still remain in namespace: ${namespace} for gvr: ${res.group}/${res.version}, Resource=${res.resource}`,
    );
  }

  /**
   * Removes `kubernetes` from spec.finalizers (PUT namespaces/NAME/finalize). When nothing else holds the
   * namespace and it is still there afterwards, DELETE it again so the server completes the removal.
   */
  private async finalize(name: string): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const ns = await this.getNamespace(name);
      if (!ns) return;
      const uid = ns.metadata.uid;
      const finalizers: string[] = ns.spec?.finalizers ?? [];
      if (!finalizers.includes(KUBERNETES_FINALIZER)) return;
      const body = structuredClone(ns);
      body.spec = {
        ...body.spec,
        finalizers: [...new Set(finalizers.filter((f) => f !== KUBERNETES_FINALIZER))].sort(),
      };
      let result: KubeObject;
      try {
        result = await this.client.update(NAMESPACES, "", body, { subresource: "finalize" });
      } catch (e) {
        if (e instanceof ApiError && e.code === 404) return;
        if (e instanceof ApiError && e.code === 409 && attempt < CONFLICT_RETRIES) continue;
        throw e;
      }
      if ((result.spec?.finalizers ?? []).includes(KUBERNETES_FINALIZER)) {
        throw new Error(`namespace ${name}: the finalize subresource kept the ${KUBERNETES_FINALIZER} finalizer`);
      }
      if ((result.spec?.finalizers ?? []).length > 0 || (result.metadata.finalizers ?? []).length > 0) return;
      try {
        await this.client.delete(NAMESPACES, "", name, { preconditions: { uid } });
      } catch (e) {
        if (!(e instanceof ApiError && (e.code === 404 || e.code === 409))) throw e;
      }
      return;
    }
  }
}
