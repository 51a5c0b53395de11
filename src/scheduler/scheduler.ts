// The default scheduler as a control loop of `loci server` (upstream kube-scheduler, default profile reduced to
// the filters in filters.ts). It places pods whose `spec.schedulerName` is `default-scheduler` (or unset) and that
// have no node yet: one decision at a time from the queue, then the bind runs in the background (up to
// `parallelBinds` at once) while the pod already counts on its node ("assumed"), so a burst never overcommits.
// A pod that fits nowhere gets upstream's FailedScheduling event and PodScheduled=False condition and waits in the
// queue until the cluster changes.
import { ApiError } from "../api/errors.ts";
import type { KubeObject } from "../api/object.ts";
import { isPodTerminal, isPodTerminating, podCondition } from "../api/scheduling/pod-conditions.ts";
import { type ApiClient, NODES, PODS } from "../client/client.ts";
import type { Clock } from "../controllers/runtime/clock.ts";
import type { Controller, ControllerContext } from "../controllers/runtime/controller.ts";
import type { EventRecorder } from "../controllers/runtime/events.ts";
import type { Informer } from "../controllers/runtime/informer.ts";
import { podToSchedule } from "./filters.ts";
import { truncateMessage } from "./fit-error.ts";
import { nodeSchedulingChanged, podKey, SchedulerCache } from "./node-info.ts";
import { SchedulingAlgorithm } from "./schedule-one.ts";
import { type QueuedPod, SchedulingQueue, type SchedulingQueueOptions } from "./scheduling-queue.ts";

export const DEFAULT_SCHEDULER_NAME = "default-scheduler";

export interface SchedulerOptions extends SchedulingQueueOptions {
  /** Pods naming this scheduler are ours (default `default-scheduler`; an unset name means the default). */
  schedulerName?: string;
  /** Binds in flight at once (default 16). */
  parallelBinds?: number;
}

/** Does `pod` wait for this scheduler? */
export function needsScheduling(pod: KubeObject, schedulerName = DEFAULT_SCHEDULER_NAME): boolean {
  if (pod.spec?.nodeName) return false;
  if ((pod.spec?.schedulerName || DEFAULT_SCHEDULER_NAME) !== schedulerName) return false;
  return !isPodTerminating(pod) && !isPodTerminal(pod);
}

/** How long the scheduling loop may run before yielding to the event loop. */
const TURN_BUDGET_MS = 5;

export class Scheduler implements Controller {
  readonly name = "scheduler";
  readonly cache = new SchedulerCache();
  readonly queue: SchedulingQueue;
  private readonly algorithm: SchedulingAlgorithm;
  private readonly client: ApiClient;
  private readonly clock: Clock;
  private readonly recorder: EventRecorder;
  private readonly pods: Informer;
  private readonly nodes: Informer;
  private readonly schedulerName: string;
  private readonly parallelBinds: number;
  private readonly binds = new Set<Promise<void>>();
  private slotWaiters: Array<() => void> = [];
  private loop?: Promise<void>;
  private running = false;

  constructor(ctx: ControllerContext, opts: SchedulerOptions = {}) {
    this.client = ctx.client;
    this.clock = ctx.clock;
    this.recorder = ctx.recorder(DEFAULT_SCHEDULER_NAME);
    this.pods = ctx.informers.informer(PODS);
    this.nodes = ctx.informers.informer(NODES);
    this.schedulerName = opts.schedulerName ?? DEFAULT_SCHEDULER_NAME;
    this.parallelBinds = opts.parallelBinds ?? 256;
    this.queue = new SchedulingQueue(ctx.clock, opts);
    this.algorithm = new SchedulingAlgorithm(this.cache);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.nodes.addHandlers({
      onAdd: (n) => this.running && this.onNode(undefined, n),
      onUpdate: (o, n) => this.running && this.onNode(o, n),
      onDelete: (n) => this.running && this.cache.removeNode(n.metadata.name ?? ""),
    });
    this.pods.addHandlers({
      onAdd: (p) => this.running && this.onPod(undefined, p),
      onUpdate: (o, p) => this.running && this.onPod(o, p),
      onDelete: (p) => this.running && this.onPodDeleted(p),
    });
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.queue.close();
    for (const w of this.slotWaiters.splice(0)) w();
    await this.loop;
    await Promise.all([...this.binds]);
    await this.recorder.flush();
  }

  private onNode(old: KubeObject | undefined, node: KubeObject): void {
    this.cache.setNode(node);
    if (!old || nodeSchedulingChanged(old, node)) this.queue.moveForNode(node.metadata.name ?? "");
  }

  private onPod(old: KubeObject | undefined, pod: KubeObject): void {
    const nodeName: string | undefined = pod.spec?.nodeName;
    if (nodeName) {
      this.queue.delete(podKey(pod));
      this.cache.setPod(pod);
      // A pod that finished frees its share of the node.
      if (old?.spec?.nodeName && !isPodTerminal(old) && isPodTerminal(pod)) this.queue.moveForNode(nodeName);
      return;
    }
    if (!needsScheduling(pod, this.schedulerName)) {
      this.queue.delete(podKey(pod));
      return;
    }
    // A bind is already under way for it (our status patch echoes back unbound).
    if (this.cache.isAssumed(pod)) return;
    this.queue.addOrUpdate(pod);
  }

  private onPodDeleted(pod: KubeObject): void {
    this.queue.delete(podKey(pod));
    this.cache.removePod(pod);
    const nodeName: string | undefined = pod.spec?.nodeName;
    if (nodeName && !isPodTerminal(pod)) this.queue.moveForNode(nodeName);
  }

  private async run(): Promise<void> {
    // Decide only on a full picture: pods placed before every node and bound pod is known would be misjudged.
    while (this.running && !(this.pods.hasSynced() && this.nodes.hasSynced())) {
      await Promise.all([this.pods.waitForSync(), this.nodes.waitForSync()]);
      if (!(this.pods.hasSynced() && this.nodes.hasSynced())) await new Promise((r) => setTimeout(r, 10));
    }
    let turnStarted = performance.now();
    while (this.running) {
      await this.bindSlot();
      const entry = await this.queue.pop();
      if (!entry || !this.running) break;
      try {
        this.scheduleOne(entry);
      } catch {
        this.queue.retryWithBackoff(entry.key);
      }
      // Decide a batch of pods per event-loop turn (a turn may hold a store commit, so one pod per turn would cap
      // scheduling at the commit rate), then let watch events and bind completions in.
      if (performance.now() - turnStarted > TURN_BUDGET_MS) {
        await new Promise((r) => setImmediate(r));
        turnStarted = performance.now();
      }
    }
  }

  private bindSlot(): Promise<void> {
    if (this.binds.size < this.parallelBinds) return Promise.resolve();
    return new Promise((r) => this.slotWaiters.push(r));
  }

  private scheduleOne(entry: QueuedPod): void {
    const pod = this.pods.getByKey(entry.key);
    if (!pod || !needsScheduling(pod, this.schedulerName) || this.cache.isAssumed(pod)) {
      this.queue.done(entry.key);
      return;
    }
    const result = this.algorithm.schedule(podToSchedule(pod));
    if ("node" in result) {
      this.cache.assume(pod, result.node);
      this.queue.done(entry.key);
      this.startBind(pod, result.node, entry.attempts);
      return;
    }
    this.reportFailure(pod, result.message, "Unschedulable");
    this.queue.unschedulable(entry.key);
  }

  private startBind(pod: KubeObject, nodeName: string, attempts: number): void {
    const p = this.bind(pod, nodeName, attempts).finally(() => {
      this.binds.delete(p);
      this.slotWaiters.shift()?.();
    });
    this.binds.add(p);
  }

  private async bind(pod: KubeObject, nodeName: string, attempts: number): Promise<void> {
    const ns = pod.metadata.namespace ?? "";
    const name = pod.metadata.name ?? "";
    try {
      await this.client.bind(ns, name, nodeName, pod.metadata.uid);
      this.recorder.event(asPod(pod), "Normal", "Scheduled", `Successfully assigned ${ns}/${name} to ${nodeName}`);
    } catch (e) {
      this.cache.forget(pod);
      // Its share of the node is free again for pods that were turned away meanwhile.
      this.queue.moveForNode(nodeName);
      if (!this.running) return;
      if (e instanceof ApiError && e.code === 404) return; // deleted meanwhile
      const current = this.pods.getByKey(podKey(pod));
      if (!current || current.metadata.uid !== pod.metadata.uid || !needsScheduling(current, this.schedulerName)) {
        return; // gone, replaced, or bound after all
      }
      const msg = `Binding rejected: ${e instanceof Error ? e.message : String(e)}`;
      this.reportFailure(current, msg, "SchedulerError");
      this.queue.requeueAfterBindFailure(current, attempts);
    }
  }

  /** Warning event plus the PodScheduled=False condition, written only when it changes (as upstream). */
  private reportFailure(pod: KubeObject, message: string, reason: "Unschedulable" | "SchedulerError"): void {
    const msg = truncateMessage(message);
    this.recorder.event(asPod(pod), "Warning", "FailedScheduling", msg);
    const prior = podCondition(pod, "PodScheduled");
    if (prior?.status === "False" && prior.reason === reason && prior.message === msg) return;
    const now = new Date(this.clock.now()).toISOString().replace(/\.\d+Z$/, "Z");
    const condition = {
      type: "PodScheduled",
      status: "False",
      lastProbeTime: null,
      lastTransitionTime: prior?.status === "False" && prior.lastTransitionTime ? prior.lastTransitionTime : now,
      reason,
      message: msg,
    };
    const patch = { status: { conditions: [condition] } };
    this.client
      .patch(PODS, pod.metadata.namespace ?? "", pod.metadata.name ?? "", "strategic", patch, { subresource: "status" })
      .catch(() => {
        // Best effort: the pod may be gone or bound by now; the next attempt writes it again.
      });
  }
}

/** Events need the involved object's apiVersion and kind, which list items may lack. */
function asPod(pod: KubeObject): KubeObject {
  return pod.kind === "Pod" && pod.apiVersion ? pod : { ...pod, apiVersion: "v1", kind: "Pod" };
}
