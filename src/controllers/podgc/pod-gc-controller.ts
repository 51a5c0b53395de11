// The pod garbage collector (upstream pkg/controller/podgc): every 20 s
// - deletes the oldest terminated pods above --terminated-pod-gc-threshold,
// - force-deletes terminating pods on NotReady nodes tainted node.kubernetes.io/out-of-service,
// - marks Failed (DisruptionTarget condition) and force-deletes pods bound to nodes that no longer exist, after a
//   quarantine and a confirming GET of the node,
// - force-deletes unscheduled pods that are terminating.
// Pods are indexed by node name (and terminal / unscheduled-terminating sets), so a pass costs O(nodes), not a
// scan of every pod.
import { ApiError } from "../../api/errors.ts";
import type { KubeObject } from "../../api/object.ts";
import { isPodTerminal, isPodTerminating } from "../../api/scheduling/pod-conditions.ts";
import { type ApiClient, NODES, PODS } from "../../client/client.ts";
import { waitForInformers } from "../garbagecollector/wait-for-informers.ts";
import type { TimerHandle } from "../runtime/clock.ts";
import type { Controller, ControllerContext } from "../runtime/controller.ts";
import { type Informer, objectKey, splitKey } from "../runtime/informer.ts";
import { NodeQuarantine, terminatedPodsToDelete } from "./pod-gc-plan.ts";

export const GC_CHECK_PERIOD_MS = 20_000;
export const OUT_OF_SERVICE_TAINT = "node.kubernetes.io/out-of-service";

export class PodGCController implements Controller {
  readonly name = "pod-garbage-collector";
  private readonly client: ApiClient;
  private readonly pods: Informer;
  private readonly nodes: Informer;
  private readonly podsByNode = new Map<string, Set<string>>();
  private readonly terminal = new Set<string>();
  private readonly unscheduledTerminating = new Set<string>();
  private readonly quarantine = new NodeQuarantine();
  private timer?: TimerHandle;
  private running?: Promise<void>;
  private stopped = false;
  private passes = 0;

  constructor(
    private readonly ctx: ControllerContext,
    private readonly opts: { onError?: (err: unknown) => void } = {},
  ) {
    this.client = ctx.client;
    this.pods = ctx.informers.informer(PODS);
    this.nodes = ctx.informers.informer(NODES);
  }

  start(): void {
    this.pods.addHandlers({
      onAdd: (p) => this.track(undefined, p),
      onUpdate: (old, cur) => this.track(old, cur),
      onDelete: (p) => this.track(p, undefined),
    });
    this.running = (async () => {
      if (!(await waitForInformers([this.pods, this.nodes], () => this.stopped))) return;
      await this.tick();
    })();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.timer?.cancel();
    await this.running;
  }

  /** Passes completed so far (tests wait on it). */
  get completedPasses(): number {
    return this.passes;
  }

  private async tick(): Promise<void> {
    if (this.stopped) return;
    try {
      await this.gc();
    } catch (e) {
      this.opts.onError?.(e);
    }
    this.passes++;
    if (this.stopped) return;
    // As upstream's wait.Until: the next pass starts a period after this one ended.
    this.timer = this.ctx.clock.after(GC_CHECK_PERIOD_MS, () => {
      this.running = this.tick();
    });
  }

  private track(old: KubeObject | undefined, cur: KubeObject | undefined): void {
    const obj = cur ?? old;
    if (!obj) return;
    const key = objectKey(obj);
    const oldNode = old?.spec?.nodeName;
    const newNode = cur?.spec?.nodeName;
    if (oldNode && oldNode !== newNode) {
      const set = this.podsByNode.get(oldNode);
      set?.delete(key);
      if (set?.size === 0) this.podsByNode.delete(oldNode);
    }
    if (newNode) {
      let set = this.podsByNode.get(newNode);
      if (!set) {
        set = new Set();
        this.podsByNode.set(newNode, set);
      }
      set.add(key);
    }
    toggle(this.terminal, key, !!cur && isPodTerminal(cur));
    toggle(this.unscheduledTerminating, key, !!cur && !newNode && isPodTerminating(cur));
  }

  /** One pass, in upstream's order. */
  async gc(): Promise<void> {
    const threshold = this.ctx.options.terminatedPodGcThreshold;
    if (threshold > 0 && this.terminal.size > threshold) await this.gcTerminated(threshold);
    await this.gcTerminatingOutOfService();
    await this.gcOrphaned();
    await this.gcUnscheduledTerminating();
  }

  private podsOn(nodeName: string): KubeObject[] {
    const out: KubeObject[] = [];
    for (const key of this.podsByNode.get(nodeName) ?? []) {
      const p = this.pods.getByKey(key);
      if (p) out.push(p);
    }
    return out;
  }

  private async gcTerminated(threshold: number): Promise<void> {
    const terminated = [...this.terminal].map((k) => this.pods.getByKey(k)).filter((p): p is KubeObject => !!p);
    await Promise.all(terminatedPodsToDelete(terminated, threshold).map((p) => this.forceDelete(p)));
  }

  private async gcTerminatingOutOfService(): Promise<void> {
    for (const node of this.nodes.list()) {
      const tainted = (node.spec?.taints ?? []).some((t: { key: string }) => t.key === OUT_OF_SERVICE_TAINT);
      if (!tainted || isNodeReady(node)) continue;
      for (const pod of this.podsOn(node.metadata.name!)) {
        if (isPodTerminating(pod)) await this.markFailedAndDelete(pod, undefined);
      }
    }
  }

  private async gcOrphaned(): Promise<void> {
    const due = this.quarantine.pass(
      this.podsByNode.keys(),
      (name) => this.nodes.get("", name) !== undefined,
      this.ctx.clock.now(),
      this.ctx.options.podGcQuarantineMs,
    );
    for (const nodeName of due) {
      // The cache may lag: only a 404 from the server proves the node is gone.
      if (await this.nodeExists(nodeName)) {
        this.quarantine.found(nodeName);
        continue;
      }
      const condition = {
        type: "DisruptionTarget",
        status: "True",
        reason: "DeletionByPodGC",
        message: "PodGC: node no longer exists",
        lastTransitionTime: rfc3339(this.ctx.clock.now()),
      };
      await Promise.all(this.podsOn(nodeName).map((p) => this.markFailedAndDelete(p, condition)));
    }
  }

  private async gcUnscheduledTerminating(): Promise<void> {
    for (const key of [...this.unscheduledTerminating]) {
      const pod = this.pods.getByKey(key);
      if (pod) await this.markFailedAndDelete(pod, undefined);
    }
  }

  private async nodeExists(name: string): Promise<boolean> {
    try {
      await this.client.get(NODES, "", name);
      return true;
    } catch (e) {
      if (e instanceof ApiError && e.code === 404) return false;
      throw e;
    }
  }

  /** Non-terminal pods become Failed (with the condition, if any) before the force delete, as upstream. */
  private async markFailedAndDelete(pod: KubeObject, condition: Record<string, string> | undefined): Promise<void> {
    const [ns, name] = splitKey(objectKey(pod));
    try {
      if (!isPodTerminal(pod)) {
        const status: Record<string, unknown> = { phase: "Failed" };
        if (condition) status.conditions = [condition];
        await this.client.patch(PODS, ns, name, "strategic", { status }, { subresource: "status" });
      }
      await this.forceDelete(pod);
    } catch (e) {
      if (e instanceof ApiError && (e.code === 404 || e.code === 409)) return;
      this.opts.onError?.(e);
    }
  }

  private async forceDelete(pod: KubeObject): Promise<void> {
    const [ns, name] = splitKey(objectKey(pod));
    try {
      await this.client.delete(PODS, ns, name, { gracePeriodSeconds: 0, preconditions: { uid: pod.metadata.uid } });
    } catch (e) {
      if (e instanceof ApiError && (e.code === 404 || e.code === 409)) return;
      this.opts.onError?.(e);
    }
  }
}

function toggle(set: Set<string>, key: string, on: boolean): void {
  if (on) set.add(key);
  else set.delete(key);
}

function isNodeReady(node: KubeObject): boolean {
  return (node.status?.conditions ?? []).some(
    (c: { type: string; status: string }) => c.type === "Ready" && c.status === "True",
  );
}

function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d+Z$/, "Z");
}
