// Taint-based eviction (upstream pkg/controller/tainteviction): pods bound to a node with NoExecute taints are
// deleted at once when they do not tolerate a taint, or after the shortest matching tolerationSeconds counted from
// when this controller saw the taint; a toleration without seconds keeps the pod forever (daemon pods).
// Everything but the deletion is in-memory, so informer events are handled synchronously, in order: no races
// between a node's taints and its pods' tolerations.
import { ApiError } from "../../api/errors.ts";
import type { KubeObject } from "../../api/object.ts";
import { podCondition } from "../../api/scheduling/pod-conditions.ts";
import type { Taint, Toleration } from "../../api/scheduling/taints.ts";
import { NODES, PODS } from "../../client/client.ts";
import { rfc3339 } from "../nodelifecycle/node-health.ts";
import { POD_NODE_NAME_INDEX, podsByNodeName } from "../nodelifecycle/pods-by-node.ts";
import type { Controller, ControllerContext } from "../runtime/controller.ts";
import type { EventRecorder } from "../runtime/events.ts";
import { type Informer, objectKey, splitKey } from "../runtime/informer.ts";
import { evictionDecision, noExecuteTaints } from "./eviction-time.ts";
import { TimedWorkerQueue } from "./timed-worker-queue.ts";

const DELETE_ATTEMPTS = 5;
/** After a deletion failed every attempt, look at the pod again this much later. */
const REEVALUATE_AFTER_FAILURE_MS = 5_000;

export const DISRUPTION_TARGET_REASON = "DeletionByTaintManager";
export const DISRUPTION_TARGET_MESSAGE = "Taint manager: deleting due to NoExecute taint";

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? []) === JSON.stringify(b ?? []);
}

export class TaintEvictionController implements Controller {
  readonly name = "taint-eviction-controller";
  private readonly nodes: Informer;
  private readonly pods: Informer;
  private readonly recorder: EventRecorder;
  /** NoExecute taints of every node that has some. */
  private readonly taintedNodes = new Map<string, Taint[]>();
  private readonly evictions: TimedWorkerQueue;
  private stopped = false;

  constructor(private readonly ctx: ControllerContext) {
    this.nodes = ctx.informers.informer(NODES);
    this.pods = ctx.informers.informer(PODS);
    this.pods.addIndex(POD_NODE_NAME_INDEX, podsByNodeName);
    this.recorder = ctx.recorder("taint-eviction-controller");
    this.evictions = new TimedWorkerQueue(ctx.clock, (key, fireAt) => this.evict(key, fireAt));
  }

  start(): void {
    this.nodes.addHandlers({
      onAdd: (n) => this.nodeChanged(n),
      onUpdate: (old, n) => {
        if (!sameJson(noExecuteTaints(old.spec?.taints), noExecuteTaints(n.spec?.taints))) this.nodeChanged(n);
      },
      onDelete: (n) => {
        if (!this.stopped) this.taintedNodes.delete(n.metadata.name!);
      },
    });
    this.pods.addHandlers({
      onAdd: (p) => this.podChanged(p),
      onUpdate: (old, p) => {
        if (old.spec?.nodeName !== p.spec?.nodeName || !sameJson(old.spec?.tolerations, p.spec?.tolerations)) {
          this.podChanged(p);
        }
      },
      onDelete: (p) => {
        if (!this.stopped) this.cancelWithEvent(objectKey(p), p);
      },
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.evictions.cancelAll();
  }

  /** Evictions scheduled or running (tests, diagnostics). */
  scheduled(key: string): { createdAt: number; fireAt: number } | undefined {
    const w = this.evictions.get(key);
    return w && { createdAt: w.createdAt, fireAt: w.fireAt };
  }

  private nodeChanged(node: KubeObject): void {
    if (this.stopped) return;
    const name = node.metadata.name!;
    const taints = noExecuteTaints(node.spec?.taints);
    if (taints.length) this.taintedNodes.set(name, taints);
    else this.taintedNodes.delete(name);
    const pods = this.pods.byIndex(POD_NODE_NAME_INDEX, name);
    if (taints.length === 0) {
      for (const p of pods) this.cancelWithEvent(objectKey(p), p);
      return;
    }
    const now = this.ctx.clock.now();
    for (const p of pods) this.processPodOnNode(p, taints, now);
  }

  private podChanged(pod: KubeObject): void {
    if (this.stopped) return;
    const nodeName = pod.spec?.nodeName;
    if (!nodeName) return;
    const taints = this.taintedNodes.get(nodeName);
    // No NoExecute taints: either none ever, or their removal already cancelled everything.
    if (!taints) return;
    this.processPodOnNode(pod, taints, this.ctx.clock.now());
  }

  private processPodOnNode(pod: KubeObject, taints: Taint[], now: number): void {
    const key = objectKey(pod);
    // Already being deleted: the kubelet (or pod GC) finishes it; scheduling again would only repeat events.
    if (pod.metadata.deletionTimestamp) return;
    const decision = evictionDecision(taints, pod.spec?.tolerations as Toleration[] | undefined);
    switch (decision.kind) {
      case "none":
        this.cancelWithEvent(key, pod);
        return;
      case "now":
        this.cancelWithEvent(key, pod);
        this.evictions.add(key, now, now);
        return;
      case "after": {
        const existing = this.evictions.get(key);
        if (!existing) {
          this.evictions.add(key, now, now + decision.delayMs);
          return;
        }
        if (!existing.timer) return; // deleting right now
        // Keep counting from when the taint was first seen; only the deadline follows the new toleration.
        const fireAt = existing.createdAt + decision.delayMs;
        if (fireAt === existing.fireAt) return;
        this.evictions.cancel(key);
        this.evictions.add(key, existing.createdAt, fireAt);
      }
    }
  }

  private cancelWithEvent(key: string, pod: KubeObject | undefined): void {
    if (!this.evictions.cancel(key)) return;
    const [ns, name] = splitKey(key);
    this.recorder.event(podRef(ns, name, pod), "Normal", "TaintManagerEviction", `Cancelling deletion of Pod ${key}`);
  }

  private async evict(key: string, _fireAt: number): Promise<void> {
    if (this.stopped) return;
    const [ns, name] = splitKey(key);
    const cached = this.pods.getByKey(key);
    if (cached?.metadata.deletionTimestamp) return;
    this.recorder.event(podRef(ns, name, cached), "Normal", "TaintManagerEviction", `Marking for deletion Pod ${key}`);
    let failure: unknown;
    for (let i = 0; i < DELETE_ATTEMPTS && !this.stopped; i++) {
      try {
        await this.addConditionAndDelete(ns, name);
        return;
      } catch (e) {
        if (e instanceof ApiError && e.code === 404) return;
        failure = e;
      }
    }
    if (this.stopped) return;
    // Upstream gives up here; looking again later keeps a transient API failure from leaving the pod in place.
    this.ctx.clock.after(REEVALUATE_AFTER_FAILURE_MS, () => {
      const p = this.pods.getByKey(key);
      if (p) this.podChanged(p);
    });
    throw failure;
  }

  private async addConditionAndDelete(ns: string, name: string): Promise<void> {
    const pod = await this.ctx.client.get(PODS, ns, name);
    if (pod.metadata.deletionTimestamp) return;
    const c = podCondition(pod, "DisruptionTarget");
    if (c?.status !== "True" || c.reason !== DISRUPTION_TARGET_REASON || c.message !== DISRUPTION_TARGET_MESSAGE) {
      const condition = {
        type: "DisruptionTarget",
        status: "True",
        reason: DISRUPTION_TARGET_REASON,
        message: DISRUPTION_TARGET_MESSAGE,
        lastTransitionTime: c?.status === "True" ? c.lastTransitionTime : rfc3339(this.ctx.clock.now()),
      };
      await this.ctx.client.patch(
        PODS,
        ns,
        name,
        "strategic",
        { metadata: { uid: pod.metadata.uid }, status: { conditions: [condition] } },
        { subresource: "status" },
      );
    }
    await this.ctx.client.delete(PODS, ns, name, { preconditions: { uid: pod.metadata.uid } });
  }
}

/** The event's involved object: the pod, with its uid when known so `kubectl describe pod` lists the event. */
function podRef(namespace: string, name: string, pod: KubeObject | undefined): KubeObject {
  return { apiVersion: "v1", kind: "Pod", metadata: { namespace, name, uid: pod?.metadata.uid } };
}
