// The garbage collector (upstream pkg/controller/garbagecollector, simplified): follows ownerReferences of every
// monitored resource in an owner graph and
// - deletes dependents whose owners are all gone (background cascading),
// - deletes the dependents of an owner in foreground deletion and removes its `foregroundDeletion` finalizer once
//   no dependent with blockOwnerDeletion remains,
// - strips an owner with the `orphan` finalizer from its dependents, then removes that finalizer.
// One work queue of object UIDs; a sync recomputes from the caches (and live GETs of owners it cannot see).
import { ApiError } from "../../api/errors.ts";
import type { KubeObject, OwnerReference } from "../../api/object.ts";
import type { ApiClient, ResourceRef } from "../../client/client.ts";
import type { Controller, ControllerContext } from "../runtime/controller.ts";
import type { Informer } from "../runtime/informer.ts";
import { runWorkers, WorkQueue } from "../runtime/workqueue.ts";
import { AbsentOwnerCache } from "./absent-owner-cache.ts";
import {
  type ClassifiedReference,
  decideDependentAction,
  type OwnerState,
  removeFinalizerPatch,
  removeOwnerReferencesPatch,
} from "./dependent-decision.ts";
import { monitoredResources, ownerResource, resourceRef } from "./monitored-resources.ts";
import { FOREGROUND_FINALIZER, type GraphNode, ORPHAN_FINALIZER, OwnerGraph, sameOwners } from "./owner-graph.ts";
import { waitForInformers } from "./wait-for-informers.ts";

const DEFAULT_WORKERS = 20;
const FINALIZER_RETRIES = 5;

export interface GarbageCollectorOptions {
  workers?: number;
  onError?: (key: string, err: unknown) => void;
}

export class GarbageCollector implements Controller {
  readonly name = "garbage-collector";
  private readonly client: ApiClient;
  private readonly graph = new OwnerGraph();
  private readonly absent = new AbsentOwnerCache();
  private readonly queue: WorkQueue;
  private readonly informers = new Map<string, Informer>();
  /** Owners in foreground deletion whose dependents were already queued for deletion. */
  private readonly foregroundStarted = new Set<string>();
  private workers?: Promise<void>;
  private stopped = false;

  constructor(
    ctx: ControllerContext,
    private readonly opts: GarbageCollectorOptions = {},
  ) {
    this.client = ctx.client;
    this.queue = new WorkQueue({ clock: ctx.clock });
    for (const info of monitoredResources()) {
      const res = resourceRef(info);
      this.informers.set(resKey(res), ctx.informers.informer(res));
    }
  }

  start(): void {
    for (const inf of this.informers.values()) {
      const res = inf.res;
      inf.addHandlers({
        onAdd: (obj) => this.observe(res, obj),
        onUpdate: (_old, cur) => this.observe(res, cur),
        onDelete: (obj) => this.forget(obj),
      });
    }
    this.workers = (async () => {
      // Deciding on partial caches would remove foreground finalizers too early.
      if (!(await waitForInformers([...this.informers.values()], () => this.stopped))) return;
      await runWorkers(this.queue, this.opts.workers ?? DEFAULT_WORKERS, (uid) => this.sync(uid), this.opts.onError);
    })();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.queue.shutDown();
    await this.workers;
  }

  /** The graph, for tests and debugging. */
  get ownerGraph(): OwnerGraph {
    return this.graph;
  }

  // ---- graph maintenance (informer events) ----

  private observe(res: ResourceRef, obj: KubeObject): void {
    const uid = obj.metadata.uid;
    if (!uid) return;
    const finalizers = obj.metadata.finalizers ?? [];
    const beingDeleted = !!obj.metadata.deletionTimestamp;
    const node: GraphNode = {
      uid,
      res,
      namespace: obj.metadata.namespace ?? "",
      name: obj.metadata.name ?? "",
      owners: obj.metadata.ownerReferences ?? [],
      beingDeleted,
      deletingDependents: beingDeleted && finalizers.includes(FOREGROUND_FINALIZER),
      orphaning: beingDeleted && finalizers.includes(ORPHAN_FINALIZER),
    };
    const prev = this.graph.upsert(node);
    if (node.deletingDependents || node.orphaning) this.queue.add(uid);
    if (prev && sameOwners(prev.owners, node.owners)) return;
    // Owners changed: this object may now be garbage, and owners waiting on it may be free.
    let check = false;
    for (const ref of node.owners) {
      const owner = this.graph.get(ref.uid);
      if (!owner || owner.deletingDependents) check = true;
    }
    if (check) this.queue.add(uid);
    for (const ref of prev?.owners ?? []) {
      if (this.graph.get(ref.uid)?.deletingDependents) this.queue.add(ref.uid);
    }
  }

  private forget(obj: KubeObject): void {
    const uid = obj.metadata.uid;
    if (!uid) return;
    const node = this.graph.get(uid);
    if (!node) return;
    this.graph.remove(uid);
    this.foregroundStarted.delete(uid);
    // UIDs never come back: every sibling of this object's dependents can skip the GET.
    this.absent.add(node.namespace, uid);
    for (const dep of this.graph.dependentsOf(uid)) this.queue.add(dep);
    for (const ref of node.owners) {
      if (this.graph.get(ref.uid)?.deletingDependents) this.queue.add(ref.uid);
    }
  }

  // ---- sync ----

  private current(node: GraphNode): KubeObject | undefined {
    const obj = this.informers.get(resKey(node.res))?.get(node.namespace, node.name);
    return obj?.metadata.uid === node.uid ? obj : undefined;
  }

  private async sync(uid: string): Promise<void> {
    const node = this.graph.get(uid);
    if (!node) return;
    const obj = this.current(node);
    if (!obj) return;
    if (node.orphaning) {
      await this.orphanDependents(node);
      return;
    }
    if (node.deletingDependents) {
      await this.processDeletingDependents(node);
      return;
    }
    // Already on its way out: nothing to decide for it.
    if (node.beingDeleted) return;
    await this.attemptToDelete(node, obj);
  }

  private async attemptToDelete(node: GraphNode, obj: KubeObject): Promise<void> {
    const refs = obj.metadata.ownerReferences ?? [];
    if (refs.length === 0) return;
    const classified: ClassifiedReference[] = [];
    for (const ref of refs) classified.push({ ref, state: await this.ownerState(ref, node.namespace) });
    const action = decideDependentAction(classified, {
      hasDependents: this.graph.hasDependents(node.uid),
      finalizers: obj.metadata.finalizers ?? [],
    });
    switch (action.kind) {
      case "none":
        return;
      case "removeReferences":
        await ignoreGone(
          this.client.patch(
            node.res,
            node.namespace,
            node.name,
            "strategic",
            removeOwnerReferencesPatch(node.uid, action.ownerUids),
          ),
        );
        return;
      case "delete":
        await ignoreGone(
          this.client.delete(node.res, node.namespace, node.name, {
            propagationPolicy: action.policy,
            preconditions: { uid: node.uid },
          }),
        );
        return;
    }
  }

  /**
   * Whether an owner still holds: trusted from the graph when the owner is observed there, otherwise checked with
   * a live GET in the dependent's namespace (the cache may simply not have seen it yet).
   */
  private async ownerState(ref: OwnerReference, dependentNamespace: string): Promise<OwnerState> {
    const info = ownerResource(ref);
    // A kind loci does not serve cannot be checked: never collect on a guess.
    if (!info) return "solid";
    // A cluster-scoped object cannot be owned by a namespaced one: upstream treats the owner as absent.
    if (info.namespaced && !dependentNamespace) return "dangling";
    const namespace = info.namespaced ? dependentNamespace : "";
    const known = this.graph.get(ref.uid);
    if (known && known.namespace === namespace) return known.deletingDependents ? "waiting" : "solid";
    if (this.absent.has(namespace, ref.uid)) return "dangling";
    let owner: KubeObject;
    try {
      owner = await this.client.get(resourceRef(info), namespace, ref.name);
    } catch (e) {
      if (e instanceof ApiError && e.code === 404) {
        this.absent.add(namespace, ref.uid);
        return "dangling";
      }
      throw e;
    }
    if (owner.metadata.uid !== ref.uid) {
      this.absent.add(namespace, ref.uid);
      return "dangling";
    }
    const waiting = !!owner.metadata.deletionTimestamp && !!owner.metadata.finalizers?.includes(FOREGROUND_FINALIZER);
    return waiting ? "waiting" : "solid";
  }

  private async processDeletingDependents(owner: GraphNode): Promise<void> {
    if (this.graph.blockingCount(owner.uid) === 0) {
      await this.removeFinalizer(owner, FOREGROUND_FINALIZER);
      return;
    }
    // Queue every dependent once; later arrivals are queued by observe(), failures retry on their own key.
    if (this.foregroundStarted.has(owner.uid)) return;
    this.foregroundStarted.add(owner.uid);
    for (const dep of this.graph.dependentsOf(owner.uid)) this.queue.add(dep);
  }

  private async orphanDependents(owner: GraphNode): Promise<void> {
    const failures: unknown[] = [];
    await Promise.all(
      [...this.graph.dependentsOf(owner.uid)].map(async (uid) => {
        const dep = this.graph.get(uid);
        if (!dep) return;
        try {
          await ignoreGone(
            this.client.patch(
              dep.res,
              dep.namespace,
              dep.name,
              "strategic",
              removeOwnerReferencesPatch(uid, [owner.uid]),
            ),
          );
        } catch (e) {
          failures.push(e);
        }
      }),
    );
    if (failures.length) throw failures[0];
    await this.removeFinalizer(owner, ORPHAN_FINALIZER);
  }

  /** Removes one finalizer from the live object, re-reading it on conflicts (upstream retries the same way). */
  private async removeFinalizer(node: GraphNode, finalizer: string): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      let live: KubeObject;
      try {
        live = await this.client.get(node.res, node.namespace, node.name);
      } catch (e) {
        if (e instanceof ApiError && e.code === 404) return;
        throw e;
      }
      const finalizers = live.metadata.finalizers ?? [];
      if (live.metadata.uid !== node.uid || !finalizers.includes(finalizer)) return;
      try {
        await this.client.patch(
          node.res,
          node.namespace,
          node.name,
          "merge",
          removeFinalizerPatch(finalizers, finalizer, live.metadata.resourceVersion),
        );
        return;
      } catch (e) {
        if (e instanceof ApiError && e.code === 404) return;
        if (e instanceof ApiError && e.code === 409 && attempt < FINALIZER_RETRIES) continue;
        throw e;
      }
    }
  }
}

function resKey(res: ResourceRef): string {
  return `${res.group}/${res.resource}`;
}

/** A 404 (already gone) or a 409 on a UID precondition (a different object now) means there is nothing to do. */
async function ignoreGone(p: Promise<unknown>): Promise<void> {
  try {
    await p;
  } catch (e) {
    if (e instanceof ApiError && (e.code === 404 || e.code === 409)) return;
    throw e;
  }
}
