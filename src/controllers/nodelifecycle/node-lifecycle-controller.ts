// The node lifecycle controller (upstream pkg/controller/nodelifecycle): watches node heartbeats (Ready condition
// and Lease), turns silent nodes' conditions Unknown, marks their pods not ready, mirrors conditions and cordons as
// NoSchedule taints, and adds the NoExecute not-ready/unreachable taints through per-zone rate limiters that slow
// down or stop when a zone (or the whole cluster) looks partitioned rather than broken node by node.
import { ApiError } from "../../api/errors.ts";
import type { KubeObject } from "../../api/object.ts";
import type { Taint } from "../../api/scheduling/taints.ts";
import { LEASES, NODES, PODS } from "../../client/client.ts";
import type { TimerHandle } from "../runtime/clock.ts";
import type { Controller, ControllerContext } from "../runtime/controller.ts";
import type { EventRecorder } from "../runtime/events.ts";
import { type Informer, objectKey } from "../runtime/informer.ts";
import { runWorkers, WorkQueue } from "../runtime/workqueue.ts";
import { markPodsNotReady } from "./mark-pods-not-ready.ts";
import { assessNodeHealth, type NodeHealth } from "./node-health.ts";
import {
  hasTaint,
  NOT_READY_NO_EXECUTE,
  type NodeCondition,
  nodeCondition,
  noScheduleTaintDiff,
  UNREACHABLE_NO_EXECUTE,
} from "./node-taints.ts";
import { POD_NODE_NAME_INDEX, podsByNodeName } from "./pods-by-node.ts";
import { type ActionResult, RateLimitedTimedQueue, type TimedValue } from "./rate-limited-timed-queue.ts";
import { swapNodeTaints } from "./taint-writer.ts";
import { computeZoneState, isExcludedFromDisruptionChecks, type ZoneState, zoneKey, zoneTaintingQps } from "./zones.ts";

export const NODE_LEASE_NAMESPACE = "kube-node-lease";
/** How often the NoExecute tainting queues are tried (upstream NodeEvictionPeriod). */
export const TAINTING_PERIOD_MS = 100;
const NODE_UPDATE_WORKERS = 8;
const POD_UPDATE_WORKERS = 4;
/** Upstream NodeHealthUpdateRetry: attempts at writing one node's Unknown status per pass. */
const STATUS_UPDATE_ATTEMPTS = 5;

export class NodeLifecycleController implements Controller {
  readonly name = "node-lifecycle-controller";
  private readonly nodes: Informer;
  private readonly leases: Informer;
  private readonly pods: Informer;
  private readonly recorder: EventRecorder;
  /** What the controller last observed of each node's liveness, on its own clock. */
  private readonly health = new Map<string, NodeHealth>();
  /** Nodes seen by the monitor (upstream knownNodeSet): drives RegisteredNode/RemovingNode. */
  private readonly known = new Map<string, KubeObject>();
  private readonly zoneStates = new Map<string, ZoneState>();
  private readonly tainters = new Map<string, RateLimitedTimedQueue>();
  /** Nodes whose pods still have to be marked not ready after a failure. */
  private readonly nodesToRetry = new Set<string>();
  private readonly nodeQueue: WorkQueue;
  private readonly podQueue: WorkQueue;
  private readonly workers: Promise<void>[] = [];
  private monitorTimer?: TimerHandle;
  private taintingTimer?: TimerHandle;
  private currentPass?: Promise<void>;
  private currentTainting?: Promise<void>;
  private stopped = false;
  private completedPasses = 0;

  constructor(private readonly ctx: ControllerContext) {
    this.nodes = ctx.informers.informer(NODES);
    this.leases = ctx.informers.informer(LEASES);
    this.pods = ctx.informers.informer(PODS);
    this.pods.addIndex(POD_NODE_NAME_INDEX, podsByNodeName);
    this.recorder = ctx.recorder("node-controller");
    this.nodeQueue = new WorkQueue({ clock: ctx.clock });
    this.podQueue = new WorkQueue({ clock: ctx.clock });
  }

  start(): void {
    this.nodes.addHandlers({
      onAdd: (n) => this.nodeQueue.add(n.metadata.name!),
      onUpdate: (_, n) => this.nodeQueue.add(n.metadata.name!),
      onDelete: (n) => this.nodesToRetry.delete(n.metadata.name!),
    });
    this.pods.addHandlers({
      onAdd: (p) => this.podUpdated(undefined, p),
      onUpdate: (old, p) => this.podUpdated(old, p),
    });
    this.workers.push(runWorkers(this.nodeQueue, NODE_UPDATE_WORKERS, (k) => this.syncNoScheduleTaints(k)));
    this.workers.push(runWorkers(this.podQueue, POD_UPDATE_WORKERS, (k) => this.processPod(k)));
    // The manager starts the informers right after every controller's start(): wait for them first.
    void Promise.resolve()
      .then(() => this.run())
      .catch(() => {});
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.monitorTimer?.cancel();
    this.taintingTimer?.cancel();
    this.nodeQueue.shutDown();
    this.podQueue.shutDown();
    await Promise.all(this.workers);
    await Promise.all([this.currentPass, this.currentTainting]);
  }

  private async run(): Promise<void> {
    const informers = [this.nodes, this.leases, this.pods];
    await Promise.all(informers.map((i) => i.waitForSync()));
    if (this.stopped) return;
    if (!informers.every((i) => i.hasSynced())) {
      this.monitorTimer = this.ctx.clock.after(TAINTING_PERIOD_MS, () => void this.run());
      return;
    }
    this.monitorLoop();
    this.taintingLoop();
  }

  /** Runs a pass now, then again a period after it finished (upstream wait.Until). */
  private monitorLoop(): void {
    if (this.stopped) return;
    this.currentPass = this.monitorNodeHealth()
      .catch(() => {})
      .then(() => {
        this.completedPasses++;
        if (!this.stopped)
          this.monitorTimer = this.ctx.clock.after(this.ctx.options.nodeMonitorPeriodMs, () => this.monitorLoop());
      });
  }

  private taintingLoop(): void {
    if (this.stopped) return;
    this.currentTainting = this.doNoExecuteTaintingPass()
      .catch(() => {})
      .then(() => {
        if (!this.stopped) this.taintingTimer = this.ctx.clock.after(TAINTING_PERIOD_MS, () => this.taintingLoop());
      });
  }

  // ---- NoSchedule taints, on every node change ----

  private async syncNoScheduleTaints(name: string): Promise<void> {
    const node = this.nodes.get("", name);
    if (!node) return;
    const { add, remove } = noScheduleTaintDiff(node);
    if (add.length === 0 && remove.length === 0) return;
    await swapNodeTaints(this.ctx.client, node, add, remove, this.ctx.clock.now());
  }

  // ---- Pods bound to a node that is not ready ----

  private podUpdated(old: KubeObject | undefined, pod: KubeObject): void {
    const nodeName = pod.spec?.nodeName;
    if (nodeName && nodeName !== old?.spec?.nodeName) this.podQueue.add(objectKey(pod));
  }

  private async processPod(key: string): Promise<void> {
    const pod = this.pods.getByKey(key);
    if (!pod) return;
    const nodeName = pod.spec?.nodeName as string;
    if (!this.health.has(nodeName)) return; // not monitored yet: the next pass handles it
    const node = this.nodes.get("", nodeName);
    if (!node) throw new Error(`node ${nodeName} of pod ${key} not in cache`);
    const ready = nodeCondition(node, "Ready");
    if (!ready || ready.status === "True") return;
    await markPodsNotReady(this.ctx.client, this.recorder, [pod], nodeName, this.ctx.clock.now());
  }

  // ---- Health monitoring, every nodeMonitorPeriod ----

  /** One monitoring pass over every node: O(nodes) over the caches, API calls only for what changes. */
  private async monitorNodeHealth(): Promise<void> {
    const nodes = this.nodes.list();
    const { added, deleted, newZoneRepresentatives } = this.classifyNodes(nodes);
    for (const n of newZoneRepresentatives) this.addTainterForZone(n);
    for (const n of added) {
      const name = n.metadata.name!;
      this.nodeEvent(n, "RegisteredNode", `Node ${name} event: Registered Node ${name} in Controller`);
      this.known.set(name, n);
      this.addTainterForZone(n);
      await this.markNodeAsReachable(n).catch(() => {});
    }
    for (const n of deleted) {
      const name = n.metadata.name!;
      this.nodeEvent(n, "RemovingNode", `Node ${name} event: Removing Node ${name} from Controller`);
      this.known.delete(name);
      this.health.delete(name);
      this.nodesToRetry.delete(name);
    }

    const zoneReady = new Map<string, (string | undefined)[]>();
    let next = 0;
    const worker = async () => {
      while (next < nodes.length) {
        const node = nodes[next++]!;
        try {
          await this.updateNode(node, zoneReady);
        } catch {
          // One node's failure must not stop the pass; it is looked at again next period.
        }
      }
    };
    await Promise.all(Array.from({ length: NODE_UPDATE_WORKERS }, worker));
    await this.handleDisruption(zoneReady, nodes);
  }

  private classifyNodes(all: KubeObject[]): {
    added: KubeObject[];
    deleted: KubeObject[];
    newZoneRepresentatives: KubeObject[];
  } {
    const added: KubeObject[] = [];
    const newZoneRepresentatives: KubeObject[] = [];
    for (const n of all) {
      if (!this.known.has(n.metadata.name!)) added.push(n);
      else if (!this.zoneStates.has(zoneKey(n))) newZoneRepresentatives.push(n);
    }
    const deleted: KubeObject[] = [];
    if (this.known.size + added.length !== all.length) {
      const present = new Set(all.map((n) => n.metadata.name!));
      for (const [name, n] of this.known) if (!present.has(name)) deleted.push(n);
    }
    return { added, deleted, newZoneRepresentatives };
  }

  private addTainterForZone(node: KubeObject): void {
    const zone = zoneKey(node);
    if (this.zoneStates.has(zone)) return;
    this.zoneStates.set(zone, "Initial");
    this.tainters.set(zone, new RateLimitedTimedQueue(this.ctx.options.nodeEvictionRate, this.ctx.clock));
  }

  private tainter(node: KubeObject): RateLimitedTimedQueue {
    const zone = zoneKey(node);
    let q = this.tainters.get(zone);
    if (!q) {
      q = new RateLimitedTimedQueue(this.ctx.options.nodeEvictionRate, this.ctx.clock);
      this.tainters.set(zone, q);
    }
    return q;
  }

  private async updateNode(cached: KubeObject, zoneReady: Map<string, (string | undefined)[]>): Promise<void> {
    const name = cached.metadata.name!;
    const opts = {
      gracePeriodMs: this.ctx.options.nodeMonitorGracePeriodMs,
      startupGracePeriodMs: this.ctx.options.nodeStartupGracePeriodMs,
    };
    let node = cached;
    let observedReady: NodeCondition | undefined;
    let currentReady: NodeCondition | undefined;
    for (let attempt = 1; ; attempt++) {
      const renewTime = this.leases.get(NODE_LEASE_NAMESPACE, name)?.spec?.renewTime as string | undefined;
      const a = assessNodeHealth(this.health.get(name), node, renewTime, this.ctx.clock.now(), opts);
      this.health.set(name, a.health);
      observedReady = a.observedReady;
      currentReady = a.currentReady;
      if (!a.writeConditions) break;
      try {
        node = await this.ctx.client.update(
          NODES,
          "",
          { ...node, status: { ...node.status, conditions: a.writeConditions } },
          { subresource: "status" },
        );
        this.health.set(name, a.healthAfterWrite!);
        break;
      } catch (e) {
        if (attempt >= STATUS_UPDATE_ATTEMPTS || (e instanceof ApiError && e.code === 404)) return;
      }
      node = await this.ctx.client.get(NODES, "", name);
    }

    if (!isExcludedFromDisruptionChecks(node)) {
      const zone = zoneKey(node);
      const list = zoneReady.get(zone);
      if (list) list.push(currentReady?.status);
      else zoneReady.set(zone, [currentReady?.status]);
    }
    if (currentReady) {
      await this.processTaintBasedEviction(node, observedReady);
      const leftReady = currentReady.status !== "True" && observedReady.status === "True";
      if (leftReady) this.nodeEvent(node, "NodeNotReady", `Node ${name} status is now: NodeNotReady`);
      if (leftReady || (this.nodesToRetry.has(name) && observedReady.status !== "True")) {
        const pods = this.pods.byIndex(POD_NODE_NAME_INDEX, name);
        try {
          await markPodsNotReady(this.ctx.client, this.recorder, pods, name, this.ctx.clock.now());
        } catch {
          this.nodesToRetry.add(name);
          return;
        }
      }
    }
    this.nodesToRetry.delete(name);
  }

  /** Queues NoExecute tainting for a node that was seen not ready, or clears its taints once Ready again. */
  private async processTaintBasedEviction(node: KubeObject, observedReady: NodeCondition): Promise<void> {
    const now = this.ctx.clock.now();
    switch (observedReady.status) {
      case "False":
        // Already tainted the other way: swap at once (the two taints mirror one condition).
        if (hasTaint(node, UNREACHABLE_NO_EXECUTE)) {
          await swapNodeTaints(this.ctx.client, node, [NOT_READY_NO_EXECUTE], [UNREACHABLE_NO_EXECUTE], now).catch(
            () => {},
          );
        } else this.markNodeForTainting(node, NOT_READY_NO_EXECUTE);
        break;
      case "Unknown":
        if (hasTaint(node, NOT_READY_NO_EXECUTE)) {
          await swapNodeTaints(this.ctx.client, node, [UNREACHABLE_NO_EXECUTE], [NOT_READY_NO_EXECUTE], now).catch(
            () => {},
          );
        } else this.markNodeForTainting(node, UNREACHABLE_NO_EXECUTE);
        break;
      case "True":
        await this.markNodeAsReachable(node).catch(() => {});
        break;
    }
  }

  private markNodeForTainting(node: KubeObject, taint: Taint): void {
    const q = this.tainter(node);
    // Until the taint is really there, re-queue the node so a processed entry does not block it.
    if (!hasTaint(node, taint)) q.remove(node.metadata.name!);
    q.add(node.metadata.name!, node.metadata.uid ?? "");
  }

  private async markNodeAsReachable(node: KubeObject): Promise<void> {
    this.tainter(node).remove(node.metadata.name!);
    await swapNodeTaints(
      this.ctx.client,
      node,
      [],
      [UNREACHABLE_NO_EXECUTE, NOT_READY_NO_EXECUTE],
      this.ctx.clock.now(),
    );
  }

  private async handleDisruption(zoneReady: Map<string, (string | undefined)[]>, nodes: KubeObject[]): Promise<void> {
    const newStates = new Map<string, ZoneState>();
    let allAreFullyDisrupted = true;
    for (const [zone, statuses] of zoneReady) {
      const { state } = computeZoneState(statuses, this.ctx.options.unhealthyZoneThreshold);
      if (state !== "FullDisruption") allAreFullyDisrupted = false;
      newStates.set(zone, state);
      if (!this.zoneStates.has(zone)) this.zoneStates.set(zone, "Initial");
    }
    let allWereFullyDisrupted = true;
    for (const [zone, state] of [...this.zoneStates]) {
      if (!zoneReady.has(zone)) {
        this.zoneStates.delete(zone);
        continue;
      }
      if (state !== "FullDisruption") allWereFullyDisrupted = false;
    }
    if (allAreFullyDisrupted && allWereFullyDisrupted) return;

    if (allAreFullyDisrupted) {
      // Every zone is dark: more likely the control plane lost the network than every node died. Evict nothing.
      for (const n of nodes) await this.markNodeAsReachable(n).catch(() => {});
      for (const zone of this.zoneStates.keys()) {
        this.tainters.get(zone)?.swapLimiter(0);
        this.zoneStates.set(zone, "FullDisruption");
      }
      return;
    }
    if (allWereFullyDisrupted) {
      // Back from a full disruption: give every node a fresh grace period before judging it.
      const now = this.ctx.clock.now();
      for (const n of nodes) {
        const h = this.health.get(n.metadata.name!);
        if (h) this.health.set(n.metadata.name!, { ...h, probeTimestamp: now, readyTransitionTimestamp: now });
      }
      for (const zone of this.zoneStates.keys()) {
        const state = newStates.get(zone)!;
        this.setLimiterInZone(zone, zoneReady.get(zone)!.length, state);
        this.zoneStates.set(zone, state);
      }
      return;
    }
    for (const [zone, state] of this.zoneStates) {
      const next = newStates.get(zone)!;
      if (state === next) continue;
      this.setLimiterInZone(zone, zoneReady.get(zone)!.length, next);
      this.zoneStates.set(zone, next);
    }
  }

  private setLimiterInZone(zone: string, zoneSize: number, state: ZoneState): void {
    const qps = zoneTaintingQps(state, zoneSize, this.ctx.options);
    if (qps !== undefined) this.tainters.get(zone)?.swapLimiter(qps);
  }

  /** Completed monitoring passes (tests wait on it after moving the clock). */
  get passes(): number {
    return this.completedPasses;
  }

  /** Zone state as last computed (tests, diagnostics). */
  zoneState(zone: string): ZoneState | undefined {
    return this.zoneStates.get(zone);
  }

  // ---- NoExecute tainting, paced per zone ----

  private async doNoExecuteTaintingPass(): Promise<void> {
    for (const q of [...this.tainters.values()]) await q.try((v) => this.applyNoExecuteTaint(v));
  }

  private async applyNoExecuteTaint(v: TimedValue): Promise<ActionResult> {
    const node = this.nodes.get("", v.value);
    if (!node) return { done: true };
    const ready = nodeCondition(node, "Ready");
    if (!ready) return { done: false, retryAfterMs: 50 };
    let add: Taint;
    let remove: Taint;
    if (ready.status === "False") [add, remove] = [NOT_READY_NO_EXECUTE, UNREACHABLE_NO_EXECUTE];
    else if (ready.status === "Unknown") [add, remove] = [UNREACHABLE_NO_EXECUTE, NOT_READY_NO_EXECUTE];
    else return { done: true }; // ready again meanwhile
    try {
      await swapNodeTaints(this.ctx.client, node, [add], [remove], this.ctx.clock.now());
      return { done: true };
    } catch {
      return { done: false, retryAfterMs: 0 };
    }
  }

  private nodeEvent(node: KubeObject, reason: string, message: string): void {
    const involved = { apiVersion: "v1", kind: "Node", metadata: { name: node.metadata.name, uid: node.metadata.uid } };
    this.recorder.event(involved, "Normal", reason, message);
  }
}
