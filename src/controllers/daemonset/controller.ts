// The DaemonSet controller (upstream pkg/controller/daemon): keeps one pod of each DaemonSet on every node its
// template fits, replaces pods on template change per the update strategy, keeps ControllerRevision history
// and reports status. Reads go through shared informers with indexes (pods by owner and by target node), so a
// sync costs O(nodes + this DaemonSet's pods) and node changes cost O(DaemonSets).
import { ApiError } from "../../api/errors.ts";
import type { KubeObject } from "../../api/object.ts";
import { targetNodeName } from "../../api/scheduling/node-affinity.ts";
import { controllerRef, isPodReady } from "../../api/scheduling/pod-conditions.ts";
import {
  isEverything,
  type LabelSelectorRequirements,
  matchesLabels,
  selectorFromLabelSelector,
} from "../../api/selectors/label-selector.ts";
import { type ApiClient, CONTROLLER_REVISIONS, DAEMON_SETS, NODES, PODS } from "../../client/client.ts";
import type { Clock, TimerHandle } from "../runtime/clock.ts";
import type { Controller, ControllerContext } from "../runtime/controller.ts";
import type { EventRecorder } from "../runtime/events.ts";
import { type Informer, objectKey, splitKey } from "../runtime/informer.ts";
import { runWorkers, WorkQueue } from "../runtime/workqueue.ts";
import { BACKOFF_GC_INTERVAL_MS, Backoff } from "./backoff.ts";
import { Expectations } from "./expectations.ts";
import { failedPodsBackoffKey, groupPodsByNode, podsShouldBeOnNode, unscheduledPodsWithoutNode } from "./manage.ts";
import { daemonPodTemplate, newDaemonPod } from "./new-pod.ts";
import { adoptPatch, claimAction, releasePatch } from "./ownership.ts";
import { type Placement, placementChecker } from "./placement.ts";
import {
  computeTemplateHash,
  maxRevision,
  newRevision,
  pickCurrent,
  REVISION_HASH_LABEL,
  revisionMatches,
  revisionNumber,
  revisionsToDelete,
  splitHistories,
  templateGeneration,
  templatePatchData,
} from "./revisions.ts";
import { allowsSurge, planRollingUpdate, rollingUpdateBudget } from "./rolling-update.ts";
import { computeCounts, statusUpToDate, withCounts } from "./status.ts";

/** Creates and deletes issued per sync at most (`BurstReplicas`). */
export const BURST_REPLICAS = 250;
/** First create batch; batches double after each fully successful one. */
export const SLOW_START_INITIAL_BATCH_SIZE = 1;

export const INDEX_POD_OWNER = "daemonset/owner-uid";
export const INDEX_POD_ORPHAN_NS = "daemonset/orphan-namespace";
export const INDEX_POD_NODE = "daemonset/target-node";
const INDEX_REV_OWNER = "daemonset/owner-uid";
const INDEX_REV_ORPHAN_NS = "daemonset/orphan-namespace";
const INDEX_DS_NS = "daemonset/namespace";

const COMPONENT = "daemonset-controller";

function ownerIndex(obj: KubeObject): string[] {
  const ref = controllerRef(obj);
  return ref && ref.kind === "DaemonSet" ? [ref.uid] : [];
}

function orphanIndex(obj: KubeObject): string[] {
  return controllerRef(obj) ? [] : [obj.metadata.namespace ?? ""];
}

function sameLabels(a: Record<string, string> | undefined, b: Record<string, string> | undefined): boolean {
  const ak = Object.keys(a ?? {});
  if (ak.length !== Object.keys(b ?? {}).length) return false;
  return ak.every((k) => b?.[k] === a?.[k]);
}

function sameRef(a: KubeObject["metadata"]["ownerReferences"], b: KubeObject["metadata"]["ownerReferences"]) {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

function isNamespaceTerminating(e: unknown): boolean {
  return e instanceof ApiError && (e.details?.causes ?? []).some((c) => c.reason === "NamespaceTerminating");
}

const isNotFound = (e: unknown) => e instanceof ApiError && e.code === 404;
const isInvalid = (e: unknown) => e instanceof ApiError && e.code === 422;

/** The DaemonSet as an event's involved object (cached list items may lack kind and apiVersion). */
function asDaemonSet(ds: KubeObject): KubeObject {
  return ds.kind === "DaemonSet" && ds.apiVersion === "apps/v1"
    ? ds
    : { ...ds, apiVersion: "apps/v1", kind: "DaemonSet" };
}

class AggregateSyncError extends Error {
  constructor(readonly errors: unknown[]) {
    super(errors.map((e) => (e instanceof Error ? e.message : String(e))).join(", "));
  }
}

/** Per-sync memory of claims, so the several pod reads of one sync patch each pod at most once. */
interface SyncState {
  ds: KubeObject;
  selector: LabelSelectorRequirements;
  adopted: Map<string, KubeObject>;
  handled: Set<string>;
  canAdopt?: Promise<void>;
  /**
   * The DaemonSet's pods by node (deleted and terminal pods left out), computed once per sync: manage, the rolling
   * update and the status all start from it. Dropped when the sync creates or deletes pods.
   */
  nodeToPods?: Map<string, KubeObject[]>;
}

export class DaemonSetController implements Controller {
  readonly name = COMPONENT;
  readonly queue: WorkQueue;
  readonly expectations: Expectations;
  readonly backoff: Backoff;
  private readonly client: ApiClient;
  private readonly clock: Clock;
  private readonly recorder: EventRecorder;
  private readonly dsInformer: Informer;
  private readonly podInformer: Informer;
  private readonly nodeInformer: Informer;
  private readonly revInformer: Informer;
  private workers?: Promise<void>;
  private gcTimer?: TimerHandle;
  private stopped = false;

  constructor(private readonly ctx: ControllerContext) {
    this.client = ctx.client;
    this.clock = ctx.clock;
    this.recorder = ctx.recorder(COMPONENT);
    this.queue = new WorkQueue({ clock: ctx.clock });
    this.expectations = new Expectations(ctx.clock);
    this.backoff = new Backoff(ctx.clock);
    this.dsInformer = ctx.informers.informer(DAEMON_SETS);
    this.podInformer = ctx.informers.informer(PODS);
    this.nodeInformer = ctx.informers.informer(NODES);
    this.revInformer = ctx.informers.informer(CONTROLLER_REVISIONS);
    this.dsInformer.addIndex(INDEX_DS_NS, (ds) => [ds.metadata.namespace ?? ""]);
    this.podInformer.addIndex(INDEX_POD_OWNER, ownerIndex);
    this.podInformer.addIndex(INDEX_POD_ORPHAN_NS, orphanIndex);
    this.podInformer.addIndex(INDEX_POD_NODE, (pod) => {
      const n = targetNodeName(pod);
      return n === undefined ? [] : [n];
    });
    this.revInformer.addIndex(INDEX_REV_OWNER, ownerIndex);
    this.revInformer.addIndex(INDEX_REV_ORPHAN_NS, orphanIndex);
  }

  start(): void {
    this.dsInformer.addHandlers({
      onAdd: (ds) => this.enqueue(ds),
      onUpdate: (old, cur) => {
        if (old.metadata.uid !== cur.metadata.uid) this.onDaemonSetDelete(old);
        this.enqueue(cur);
      },
      onDelete: (ds) => this.onDaemonSetDelete(ds),
    });
    this.podInformer.addHandlers({
      onAdd: (pod) => this.onPodAdd(pod),
      onUpdate: (old, cur) => this.onPodUpdate(old, cur),
      onDelete: (pod) => this.onPodDelete(pod),
    });
    this.nodeInformer.addHandlers({
      onAdd: (node) => this.onNodeAdd(node),
      onUpdate: (old, cur) => this.onNodeUpdate(old, cur),
    });
    this.revInformer.addHandlers({
      onAdd: (rev) => this.onRevisionAdd(rev),
      onUpdate: (old, cur) => this.onRevisionUpdate(old, cur),
      onDelete: (rev) => this.enqueueOwner(rev),
    });
    this.scheduleBackoffGc();
    const informers = [this.dsInformer, this.podInformer, this.nodeInformer, this.revInformer];
    this.workers = (async () => {
      // Never decide on a half-filled cache: that would create duplicate pods.
      await Promise.all(informers.map((i) => i.waitForSync()));
      if (this.stopped) return;
      await runWorkers(this.queue, Math.max(1, this.ctx.options.concurrentDaemonSetSyncs), (key) =>
        this.syncDaemonSet(key),
      );
    })();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.queue.shutDown();
    this.gcTimer?.cancel();
    await this.workers;
  }

  private scheduleBackoffGc(): void {
    this.gcTimer = this.clock.after(BACKOFF_GC_INTERVAL_MS, () => {
      if (this.stopped) return;
      this.backoff.gc();
      this.scheduleBackoffGc();
    });
  }

  // ---- event handlers (upstream addPod/updatePod/… ) ----

  private enqueue(ds: KubeObject): void {
    this.queue.add(objectKey(ds));
  }

  /**
   * For pod status changes (Running, Ready…), which only move status: a sync costs time proportional to the
   * DaemonSet's pods, so with thousands of pods reporting one after another the sync waits a little (up to
   * 200 ms at 10,000 pods) to take many changes at once instead of re-reading every pod for each one. Creations,
   * deletions and ownership changes still sync at once.
   */
  private enqueueCoalesced(ds: KubeObject): void {
    const pods = this.podInformer.countByIndex(INDEX_POD_OWNER, ds.metadata.uid ?? "");
    const delayMs = Math.min(500, Math.floor(pods / 50));
    if (delayMs < 1) this.enqueue(ds);
    else this.queue.addAfter(objectKey(ds), delayMs);
  }

  private onDaemonSetDelete(ds: KubeObject): void {
    const key = objectKey(ds);
    // A DaemonSet re-created under the same name starts with fresh expectations.
    this.expectations.delete(key);
    this.queue.add(key);
  }

  private resolveControllerRef(namespace: string, ref: { kind: string; name: string; uid: string }) {
    if (ref.kind !== "DaemonSet") return undefined;
    const ds = this.dsInformer.get(namespace, ref.name);
    return ds && ds.metadata.uid === ref.uid ? ds : undefined;
  }

  /** DaemonSets of the object's namespace whose (non-empty) selector matches its labels. */
  private daemonSetsSelecting(obj: KubeObject): KubeObject[] {
    const out: KubeObject[] = [];
    for (const ds of this.dsInformer.byIndex(INDEX_DS_NS, obj.metadata.namespace ?? "")) {
      let sel: LabelSelectorRequirements;
      try {
        sel = selectorFromLabelSelector(ds.spec?.selector);
      } catch {
        continue;
      }
      if (isEverything(sel) || !matchesLabels(sel, obj.metadata.labels)) continue;
      out.push(ds);
    }
    return out;
  }

  private onPodAdd(pod: KubeObject): void {
    if (pod.metadata.deletionTimestamp) {
      // Shows up already terminating (e.g. after a restart): not a creation to observe.
      this.onPodDelete(pod);
      return;
    }
    const ref = controllerRef(pod);
    if (ref) {
      const ds = this.resolveControllerRef(pod.metadata.namespace ?? "", ref);
      if (!ds) return;
      this.expectations.creationObserved(objectKey(ds));
      this.enqueue(ds);
      return;
    }
    for (const ds of this.daemonSetsSelecting(pod)) this.enqueue(ds);
  }

  /** Compares the controllers of two versions; a former owner that lost the object is enqueued. */
  private controllerRefChange(old: KubeObject, cur: KubeObject) {
    const curRef = controllerRef(cur);
    const oldRef = controllerRef(old);
    const refChanged = !sameRef(curRef ? [curRef] : undefined, oldRef ? [oldRef] : undefined);
    if (refChanged && oldRef) {
      const ds = this.resolveControllerRef(old.metadata.namespace ?? "", oldRef);
      if (ds) this.enqueue(ds);
    }
    return { curRef, refChanged };
  }

  private onPodUpdate(old: KubeObject, cur: KubeObject): void {
    if (old.metadata.resourceVersion === cur.metadata.resourceVersion) return;
    if (cur.metadata.deletionTimestamp) {
      // Graceful deletion started: count it as observed now rather than when the node agent finishes.
      if (!old.metadata.deletionTimestamp) this.onPodDelete(cur);
      else this.enqueueOwner(cur);
      return;
    }
    const { curRef, refChanged } = this.controllerRefChange(old, cur);
    if (curRef) {
      const ds = this.resolveControllerRef(cur.metadata.namespace ?? "", curRef);
      if (!ds) return;
      if (refChanged) this.enqueue(ds);
      else this.enqueueCoalesced(ds);
      const minReady = Number(ds.spec?.minReadySeconds ?? 0);
      if (!isPodReady(old) && isPodReady(cur) && minReady > 0) {
        this.queue.addAfter(objectKey(ds), minReady * 1000 + 1000);
      }
      return;
    }
    if (refChanged || !sameLabels(old.metadata.labels, cur.metadata.labels)) {
      for (const ds of this.daemonSetsSelecting(cur)) this.enqueue(ds);
    }
  }

  /** Enqueues the DaemonSet controlling a pod or ControllerRevision. */
  private enqueueOwner(obj: KubeObject): void {
    const ref = controllerRef(obj);
    if (!ref) return;
    const ds = this.resolveControllerRef(obj.metadata.namespace ?? "", ref);
    if (ds) this.enqueue(ds);
  }

  private onPodDelete(pod: KubeObject): void {
    const ref = controllerRef(pod);
    if (!ref) return;
    const ds = this.resolveControllerRef(pod.metadata.namespace ?? "", ref);
    if (!ds) return;
    this.expectations.deletionObserved(objectKey(ds));
    this.enqueue(ds);
  }

  private onNodeAdd(node: KubeObject): void {
    for (const ds of this.dsInformer.list()) {
      if (placementChecker(ds)(node).shouldRun) this.enqueue(ds);
    }
  }

  private onNodeUpdate(old: KubeObject, cur: KubeObject): void {
    // Placement only reads labels and taints; heartbeats and status changes are ignored.
    if (
      sameLabels(old.metadata.labels, cur.metadata.labels) &&
      JSON.stringify(old.spec?.taints ?? []) === JSON.stringify(cur.spec?.taints ?? [])
    ) {
      return;
    }
    for (const ds of this.dsInformer.list()) {
      const check = placementChecker(ds);
      const a = check(old);
      const b = check(cur);
      if (a.shouldRun !== b.shouldRun || a.shouldContinueRunning !== b.shouldContinueRunning) this.enqueue(ds);
    }
  }

  private onRevisionAdd(rev: KubeObject): void {
    if (rev.metadata.deletionTimestamp) {
      this.enqueueOwner(rev);
      return;
    }
    const ref = controllerRef(rev);
    if (ref) {
      // Upstream only resolves the owner here; the owner's own sync created it.
      return;
    }
    for (const ds of this.daemonSetsSelecting(rev)) this.enqueue(ds);
  }

  private onRevisionUpdate(old: KubeObject, cur: KubeObject): void {
    if (old.metadata.resourceVersion === cur.metadata.resourceVersion) return;
    const { curRef, refChanged } = this.controllerRefChange(old, cur);
    if (curRef) {
      const ds = this.resolveControllerRef(cur.metadata.namespace ?? "", curRef);
      if (ds) this.enqueue(ds);
      return;
    }
    if (refChanged || !sameLabels(old.metadata.labels, cur.metadata.labels)) {
      for (const ds of this.daemonSetsSelecting(cur)) this.enqueue(ds);
    }
  }

  // ---- sync ----

  /** Upstream `syncDaemonSet`, in the same order of steps. */
  async syncDaemonSet(key: string): Promise<void> {
    const [namespace, name] = splitKey(key);
    const cached = this.dsInformer.get(namespace, name);
    if (!cached) {
      this.expectations.delete(key);
      return;
    }
    const ds = asDaemonSet(cached);
    const nodes = this.nodeInformer.list();
    const selector = selectorFromLabelSelector(ds.spec?.selector);
    if (isEverything(selector)) {
      this.recorder.event(
        ds,
        "Warning",
        "SelectingAll",
        "This daemon set is selecting all pods. A non-empty selector is required.",
      );
      return;
    }
    if (ds.metadata.deletionTimestamp) return;
    const state: SyncState = { ds, selector, adopted: new Map(), handled: new Set() };
    const { cur, old } = await this.constructHistory(state);
    const hash = cur.metadata.labels?.[REVISION_HASH_LABEL] ?? "";
    if (!this.expectations.satisfied(key)) {
      await this.updateStatus(state, nodes, hash, false);
      return;
    }
    let syncErr: unknown;
    try {
      await this.manage(state, nodes, hash);
      if (this.expectations.satisfied(key) && ds.spec?.updateStrategy?.type === "RollingUpdate") {
        await this.rollingUpdate(state, nodes, hash);
      }
      await this.cleanupHistory(state, old);
    } catch (e) {
      syncErr = e;
    }
    try {
      await this.updateStatus(state, nodes, hash, true);
    } catch (statusErr) {
      if (syncErr === undefined) throw statusErr;
    }
    if (syncErr !== undefined) throw syncErr;
  }

  /** Claims (adopts/releases) and returns the DaemonSet's pods; `getDaemonPods` upstream. */
  private async daemonPods(state: SyncState): Promise<KubeObject[]> {
    const { ds, selector } = state;
    const uid = ds.metadata.uid ?? "";
    const candidates = [
      ...this.podInformer.byIndex(INDEX_POD_OWNER, uid),
      ...this.podInformer.byIndex(INDEX_POD_ORPHAN_NS, ds.metadata.namespace ?? ""),
    ];
    const owned: KubeObject[] = [];
    const errors: unknown[] = [];
    for (const pod of candidates) {
      const podUid = pod.metadata.uid ?? "";
      const adopted = state.adopted.get(podUid);
      if (adopted) {
        owned.push(adopted);
        continue;
      }
      const action = claimAction(ds, selector, pod, true);
      if (action === "owned") {
        owned.push(pod);
        continue;
      }
      if (action === "ignore" || state.handled.has(podUid)) continue;
      state.handled.add(podUid);
      try {
        if (action === "release") {
          await this.client.patch(
            PODS,
            pod.metadata.namespace ?? "",
            pod.metadata.name ?? "",
            "strategic",
            releasePatch(ds, pod),
          );
        } else {
          await this.recheckCanAdopt(state);
          await this.client.patch(
            PODS,
            pod.metadata.namespace ?? "",
            pod.metadata.name ?? "",
            "strategic",
            adoptPatch(ds, pod),
          );
          state.adopted.set(podUid, pod);
          owned.push(pod);
        }
      } catch (e) {
        if (isNotFound(e) || (action === "release" && isInvalid(e))) continue;
        errors.push(e);
      }
    }
    if (errors.length > 0) throw new AggregateSyncError(errors);
    return owned;
  }

  /** Before the first adoption of a sync: an uncached read proving the DaemonSet is still alive and the same. */
  private recheckCanAdopt(state: SyncState): Promise<void> {
    state.canAdopt ??= (async () => {
      const { ds } = state;
      const fresh = await this.client.get(DAEMON_SETS, ds.metadata.namespace ?? "", ds.metadata.name ?? "");
      if (fresh.metadata.uid !== ds.metadata.uid) {
        throw new Error(
          `original DaemonSet ${ds.metadata.namespace}/${ds.metadata.name} is gone: got uid ${fresh.metadata.uid}, wanted ${ds.metadata.uid}`,
        );
      }
      if (fresh.metadata.deletionTimestamp) {
        throw new Error(
          `${ds.metadata.namespace}/${ds.metadata.name} has just been deleted at ${fresh.metadata.deletionTimestamp}`,
        );
      }
    })();
    return state.canAdopt;
  }

  private async nodeToDaemonPods(state: SyncState, includeDeletedTerminal: boolean) {
    if (includeDeletedTerminal) return groupPodsByNode(await this.daemonPods(state), true);
    state.nodeToPods ??= groupPodsByNode(await this.daemonPods(state), false);
    return state.nodeToPods;
  }

  /** Upstream `manage`: per-node creates and deletes, then unbound pods aimed at vanished nodes. */
  private async manage(state: SyncState, nodes: readonly KubeObject[], hash: string): Promise<void> {
    const { ds } = state;
    const nodeToPods = await this.nodeToDaemonPods(state, false);
    const placement = placementChecker(ds);
    const surge = allowsSurge(ds);
    const minReadySeconds = Number(ds.spec?.minReadySeconds ?? 0);
    const now = new Date(this.clock.now());
    const dsKey = objectKey(ds);
    const nodesNeeding: string[] = [];
    const podsToDelete: string[] = [];
    const nodeNames = new Set<string>();
    for (const node of nodes) {
      const nodeName = node.metadata.name ?? "";
      nodeNames.add(nodeName);
      const decision = podsShouldBeOnNode({
        nodeName,
        placement: placement(node),
        pods: nodeToPods.get(nodeName),
        hash,
        surge,
        minReadySeconds,
        now,
        allowFailedPodDelete: (pod) => {
          const backoffKey = failedPodsBackoffKey(ds, nodeName);
          const t = this.clock.now();
          if (this.backoff.isInBackOffSinceUpdate(backoffKey, t)) {
            this.queue.addAfter(dsKey, this.backoff.get(backoffKey));
            return false;
          }
          this.backoff.next(backoffKey, t);
          this.recorder.event(
            ds,
            "Warning",
            "FailedDaemonPod",
            `Found failed daemon pod ${pod.metadata.namespace}/${pod.metadata.name} on node ${nodeName}, will try to kill it`,
          );
          return true;
        },
      });
      for (const pod of decision.succeededPods) {
        this.recorder.event(
          ds,
          "Normal",
          "SucceededDaemonPod",
          `Found succeeded daemon pod ${pod.metadata.namespace}/${pod.metadata.name} on node ${nodeName}, will try to delete it`,
        );
      }
      if (decision.createOnNode) nodesNeeding.push(nodeName);
      for (const pod of decision.podsToDelete) podsToDelete.push(pod.metadata.name ?? "");
    }
    for (const pod of unscheduledPodsWithoutNode(nodeNames, nodeToPods)) podsToDelete.push(pod.metadata.name ?? "");
    if (podsToDelete.length > 0 || nodesNeeding.length > 0) state.nodeToPods = undefined;
    await this.syncNodes(ds, podsToDelete, nodesNeeding, hash);
  }

  /** Upstream `syncNodes`: expectations first, creates in slow-start batches, deletes all at once. */
  private async syncNodes(ds: KubeObject, podsToDelete: string[], nodesNeeding: string[], hash: string) {
    const dsKey = objectKey(ds);
    const namespace = ds.metadata.namespace ?? "";
    const createDiff = Math.min(nodesNeeding.length, BURST_REPLICAS);
    const deleteDiff = Math.min(podsToDelete.length, BURST_REPLICAS);
    this.expectations.set(dsKey, createDiff, deleteDiff);
    const errors: unknown[] = [];
    const template = daemonPodTemplate(ds, hash);
    let batch = Math.min(createDiff, SLOW_START_INITIAL_BATCH_SIZE);
    for (let pos = 0; pos < createDiff; ) {
      const before = errors.length;
      await Promise.all(
        nodesNeeding.slice(pos, pos + batch).map(async (nodeName) => {
          try {
            const created = await this.client.create(PODS, namespace, newDaemonPod(ds, nodeName, template));
            this.recorder.event(ds, "Normal", "SuccessfulCreate", `Created pod: ${created.metadata.name}`);
          } catch (e) {
            // A namespace being torn down fails every create: nothing to report or wait for.
            if (isNamespaceTerminating(e)) return;
            this.recorder.event(ds, "Warning", "FailedCreate", `Error creating: ${(e as Error).message}`);
            this.expectations.creationObserved(dsKey);
            errors.push(e);
          }
        }),
      );
      const skipped = createDiff - (pos + batch);
      if (errors.length > before && skipped > 0) {
        this.expectations.lower(dsKey, skipped, 0);
        break;
      }
      pos += batch;
      batch = Math.min(2 * batch, createDiff - pos);
    }
    await Promise.all(
      podsToDelete.slice(0, deleteDiff).map(async (podName) => {
        try {
          await this.client.delete(PODS, namespace, podName);
          this.recorder.event(ds, "Normal", "SuccessfulDelete", `Deleted pod: ${podName}`);
        } catch (e) {
          this.expectations.deletionObserved(dsKey);
          if (isNotFound(e)) return;
          this.recorder.event(ds, "Warning", "FailedDelete", `Error deleting: ${(e as Error).message}`);
          errors.push(e);
        }
      }),
    );
    if (errors.length > 0) throw new AggregateSyncError(errors);
  }

  /** Upstream `rollingUpdate`. */
  private async rollingUpdate(state: SyncState, nodes: readonly KubeObject[], hash: string): Promise<void> {
    const { ds } = state;
    // A copy: nodes without pods get an entry here, which the status must not see.
    const nodeToPods = new Map(await this.nodeToDaemonPods(state, false));
    const placement = placementChecker(ds);
    const byName = new Map<string, Placement>();
    let desired = 0;
    for (const node of nodes) {
      const p = placement(node);
      const name = node.metadata.name ?? "";
      byName.set(name, p);
      if (!p.shouldRun) continue;
      desired++;
      if (!nodeToPods.has(name)) nodeToPods.set(name, []);
    }
    const { maxSurge, maxUnavailable } = rollingUpdateBudget(ds, desired);
    const plan = planRollingUpdate({
      nodeToPods,
      desired,
      maxSurge,
      maxUnavailable,
      hash,
      generation: templateGeneration(ds),
      minReadySeconds: Number(ds.spec?.minReadySeconds ?? 0),
      now: new Date(this.clock.now()),
      shouldRun: (nodeName) => byName.get(nodeName)?.shouldRun,
    });
    if (plan.podsToDelete.length > 0 || plan.nodesToCreate.length > 0) state.nodeToPods = undefined;
    await this.syncNodes(ds, plan.podsToDelete, plan.nodesToCreate, hash);
  }

  /** Claims the DaemonSet's ControllerRevisions (adopt/release), as `controlledHistories` upstream. */
  private async controlledHistories(state: SyncState): Promise<KubeObject[]> {
    const { ds, selector } = state;
    const candidates = [
      ...this.revInformer.byIndex(INDEX_REV_OWNER, ds.metadata.uid ?? ""),
      ...this.revInformer.byIndex(INDEX_REV_ORPHAN_NS, ds.metadata.namespace ?? ""),
    ];
    const owned: KubeObject[] = [];
    for (const rev of candidates) {
      const action = claimAction(ds, selector, rev, true);
      const ns = rev.metadata.namespace ?? "";
      const name = rev.metadata.name ?? "";
      try {
        if (action === "owned") owned.push(rev);
        else if (action === "release") {
          await this.client.patch(CONTROLLER_REVISIONS, ns, name, "strategic", releasePatch(ds, rev));
        } else if (action === "adopt") {
          await this.recheckCanAdopt(state);
          owned.push(await this.client.patch(CONTROLLER_REVISIONS, ns, name, "strategic", adoptPatch(ds, rev)));
        }
      } catch (e) {
        if (isNotFound(e) || (action === "release" && isInvalid(e))) continue;
        throw e;
      }
    }
    return owned;
  }

  /** Upstream `constructHistory`: finds or creates the current revision and renumbers it to be the newest. */
  private async constructHistory(state: SyncState): Promise<{ cur: KubeObject; old: KubeObject[] }> {
    const { ds } = state;
    const namespace = ds.metadata.namespace ?? "";
    const histories: KubeObject[] = [];
    for (let rev of await this.controlledHistories(state)) {
      if (rev.metadata.labels?.[REVISION_HASH_LABEL] === undefined) {
        // Older revisions without the label get their own name as hash (no collision worries).
        const toUpdate = structuredClone(rev);
        toUpdate.metadata.labels = {
          ...(toUpdate.metadata.labels ?? {}),
          [REVISION_HASH_LABEL]: rev.metadata.name ?? "",
        };
        rev = await this.client.update(CONTROLLER_REVISIONS, namespace, toUpdate);
      }
      histories.push(rev);
    }
    const patchData = templatePatchData(ds);
    const { current, old } = splitHistories(histories, patchData);
    const currRevision = maxRevision(old) + 1;
    if (current.length === 0) return { cur: await this.snapshot(ds, patchData, currRevision), old };
    const cur = await this.dedupCurrentHistories(state, current);
    if (revisionNumber(cur) < currRevision) {
      const toUpdate = structuredClone(cur);
      toUpdate.revision = currRevision;
      await this.client.update(CONTROLLER_REVISIONS, namespace, toUpdate);
    }
    return { cur, old };
  }

  private async dedupCurrentHistories(state: SyncState, current: KubeObject[]): Promise<KubeObject> {
    if (current.length === 1) return current[0];
    const { ds } = state;
    const namespace = ds.metadata.namespace ?? "";
    const keep = pickCurrent(current);
    const keepHash = keep.metadata.labels?.[REVISION_HASH_LABEL] ?? "";
    for (const pod of await this.daemonPods(state)) {
      if (pod.metadata.labels?.[REVISION_HASH_LABEL] === keepHash) continue;
      await this.client.patch(PODS, namespace, pod.metadata.name ?? "", "merge", {
        metadata: { labels: { [REVISION_HASH_LABEL]: keepHash } },
      });
    }
    for (const rev of current) {
      if (rev.metadata.name === keep.metadata.name) continue;
      await this.client.delete(CONTROLLER_REVISIONS, namespace, rev.metadata.name ?? "");
    }
    return keep;
  }

  /** Upstream `snapshot`: creates the revision; a name clash with other data bumps `status.collisionCount`. */
  private async snapshot(ds: KubeObject, patchData: string, revision: number): Promise<KubeObject> {
    const namespace = ds.metadata.namespace ?? "";
    const hash = computeTemplateHash(ds.spec?.template, ds.status?.collisionCount);
    const rev = newRevision(ds, hash, patchData, revision);
    try {
      return await this.client.create(CONTROLLER_REVISIONS, namespace, rev);
    } catch (e) {
      if (!(e instanceof ApiError) || e.reason !== "AlreadyExists") throw e;
      const existing = await this.client.get(CONTROLLER_REVISIONS, namespace, rev.metadata.name ?? "");
      if (revisionMatches(patchData, existing)) return existing;
      const fresh = await this.client.get(DAEMON_SETS, namespace, ds.metadata.name ?? "");
      const freshCount = fresh.status?.collisionCount ?? null;
      const cachedCount = ds.status?.collisionCount ?? null;
      if (freshCount !== cachedCount) {
        throw new Error(
          `found a stale collision count (${cachedCount}, expected ${freshCount}) of DaemonSet "${ds.metadata.name}" while processing; will retry until it is updated`,
        );
      }
      fresh.status = { ...(fresh.status ?? {}), collisionCount: (freshCount ?? 0) + 1 };
      await this.client.update(DAEMON_SETS, namespace, fresh, { subresource: "status" });
      throw e;
    }
  }

  /** Upstream `cleanupHistory`: keep `revisionHistoryLimit` old revisions, never one a live pod still uses. */
  private async cleanupHistory(state: SyncState, old: KubeObject[]): Promise<void> {
    const { ds } = state;
    const limit = Number(ds.spec?.revisionHistoryLimit ?? 10);
    if (old.length <= limit) return;
    const liveHashes = new Set<string>();
    for (const pods of (await this.nodeToDaemonPods(state, true)).values()) {
      for (const pod of pods) {
        const h = pod.metadata.labels?.[REVISION_HASH_LABEL];
        if (h) liveHashes.add(h);
      }
    }
    for (const rev of revisionsToDelete(old, limit, liveHashes)) {
      await this.client.delete(CONTROLLER_REVISIONS, ds.metadata.namespace ?? "", rev.metadata.name ?? "");
    }
  }

  /** Upstream `updateDaemonSetStatus` + `storeDaemonSetStatus` (one retry after a fresh GET). */
  private async updateStatus(state: SyncState, nodes: readonly KubeObject[], hash: string, observe: boolean) {
    const { ds } = state;
    const minReadySeconds = Number(ds.spec?.minReadySeconds ?? 0);
    const counts = computeCounts({
      nodes,
      placement: placementChecker(ds),
      nodeToPods: await this.nodeToDaemonPods(state, false),
      hash,
      generation: templateGeneration(ds),
      minReadySeconds,
      now: new Date(this.clock.now()),
    });
    if (!statusUpToDate(ds, counts)) {
      const namespace = ds.metadata.namespace ?? "";
      const observed = observe ? ds.metadata.generation : undefined;
      try {
        await this.client.update(DAEMON_SETS, namespace, withCounts(ds, counts, observed), { subresource: "status" });
      } catch (e) {
        if (e instanceof ApiError && e.code === 404) throw e;
        const fresh = await this.client.get(DAEMON_SETS, namespace, ds.metadata.name ?? "");
        await this.client.update(DAEMON_SETS, namespace, withCounts(fresh, counts, observed), {
          subresource: "status",
        });
      }
    }
    if (minReadySeconds > 0 && counts.numberReady !== counts.numberAvailable) {
      this.queue.addAfter(objectKey(ds), minReadySeconds * 1000);
    }
  }

  /** Pods of the cluster aimed at `nodeName` (all owners), from the target-node index. */
  podsTargetingNode(nodeName: string): KubeObject[] {
    return this.podInformer.byIndex(INDEX_POD_NODE, nodeName);
  }
}
