// One simulated kubelet: registers (or re-adopts) its Node and Lease, watches the pods bound to it and reports
// them Running/Ready (or failing, per the image globs), and finishes deletions with a grace-0 DELETE. It owns no
// timers of its own for the periodic work (the fleet's single ticker decides when its Lease or status is due);
// the only timers are per pod and per failure (ready delay, stop delay, retry), so 10,000 idle nodes cost
// little memory. Every API call goes through the fleet's shared write queue.
import { ApiError } from "../api/errors.ts";
import type { KubeObject } from "../api/object.ts";
import { type ApiClient, LEASES, NODES, PODS, type Watch, type WatchEvent } from "../client/client.ts";
import type { Clock, TimerHandle } from "../controllers/runtime/clock.ts";
import {
  hostIPFor,
  leaseOwner,
  microTime,
  missingLabels,
  NODE_LEASE_NAMESPACE,
  type NodeShape,
  newLease,
  newNode,
  nodeStatus,
  nodeStatusDiffers,
  podIPFor,
} from "./node-object.ts";
import {
  desiredPodStatus,
  nextReadyInMs,
  type PodSimulation,
  podStatusDiffers,
  podStatusPatch,
  pullFailureShown,
} from "./pod-status.ts";
import type { WriteQueue } from "./write-queue.ts";

/** What all nodes of a fleet share (one object, referenced by every node). */
export interface FleetContext {
  client: ApiClient;
  clock: Clock;
  queue: WriteQueue;
  random: () => number;
  leaseDurationSeconds: number;
  leaseRenewIntervalMs: number;
  statusReportIntervalMs: number;
  readyDelayMs: number;
  stopDelayMs: number;
  pullBackOffMs: number;
  /** Delay before retrying a failed call (doubled per attempt during registration, capped at 30 s). */
  retryMs: number;
  failImage(image: string): boolean;
  unreadyImage(image: string): boolean;
  /** Reports a problem (the fleet rate-limits these). */
  warn(message: string): void;
  stopping: boolean;
}

interface PodTrack {
  /** Latest version seen, reduced to what the status needs. */
  pod: KubeObject;
  podIP: string;
  /** A status write is queued or running; `again` asks for another pass when it is done. */
  writing: boolean;
  again: boolean;
  deleting: boolean;
  /** When this process started the containers (for `--ready-delay`); unset for pods found running. */
  startedMs?: number;
  /** The ErrImagePull has been shown long enough: show ImagePullBackOff. */
  pullBackOff: boolean;
  timer?: TimerHandle;
}

export type NodeState = "new" | "registered" | "gone" | "stopped";

/** Errors worth retrying: no answer, throttling, server trouble, optimistic-concurrency conflicts. */
export function isTransient(e: unknown): boolean {
  if (!(e instanceof ApiError)) return true;
  return e.code === 409 || e.code === 429 || e.code >= 500;
}

function code(e: unknown): number | undefined {
  return e instanceof ApiError ? e.code : undefined;
}

function describe(e: unknown): string {
  return (e as Error)?.message?.split("\n")[0] ?? String(e);
}

function trimPod(pod: KubeObject): KubeObject {
  const m = pod.metadata;
  const spec = pod.spec ?? {};
  const slim = (cs: any[] | undefined) =>
    cs?.map((c) =>
      c.restartPolicy
        ? { name: c.name, image: c.image, restartPolicy: c.restartPolicy }
        : { name: c.name, image: c.image },
    );
  const t: KubeObject = {
    metadata: { name: m.name, namespace: m.namespace, uid: m.uid, resourceVersion: m.resourceVersion },
    spec: { nodeName: spec.nodeName, containers: slim(spec.containers) },
    status: pod.status ?? {},
  };
  if (m.deletionTimestamp) t.metadata.deletionTimestamp = m.deletionTimestamp;
  if (spec.initContainers) t.spec.initContainers = slim(spec.initContainers);
  if (spec.readinessGates) t.spec.readinessGates = spec.readinessGates;
  return t;
}

function newer(a: KubeObject, than: KubeObject): boolean {
  const x = Number(a.metadata.resourceVersion);
  const y = Number(than.metadata.resourceVersion);
  return !(Number.isFinite(x) && Number.isFinite(y)) || x >= y;
}

export class HollowNode {
  state: NodeState = "new";
  uid = "";
  /** When the fleet's ticker should renew the Lease / re-post the status next (clock ms). */
  nextLeaseAt = 0;
  nextStatusAt = 0;
  leaseBusy = false;
  statusBusy = false;
  /** Conditions last seen on the server (for transition times). */
  private conditions?: any[];
  private pods?: Map<string, PodTrack>;
  private watch?: Watch;
  private podRV = "";
  private podSeq = 0;
  private watchExpired = false;
  private watchRetry?: TimerHandle;

  constructor(
    private readonly ctx: FleetContext,
    readonly shape: NodeShape,
  ) {}

  get name(): string {
    return this.shape.name;
  }

  /** Pods currently tracked (bound here and not yet seen deleted). */
  get podCount(): number {
    return this.pods?.size ?? 0;
  }

  // ------------------------------------------------------------------------------------------- registration

  /** Creates or re-adopts the Node and Lease and starts the pod watch; retries transient failures. */
  async register(): Promise<void> {
    await this.withRetry("register node", () => this.registerNode());
    await this.withRetry("create lease", () => this.ensureLease());
    await this.withRetry("watch pods", () => this.startPodWatch());
    if (this.ctx.stopping) return;
    const now = this.ctx.clock.now();
    // Uniform phases spread the fleet's renewals and heartbeats over their periods.
    this.nextLeaseAt = now + this.ctx.random() * this.ctx.leaseRenewIntervalMs;
    this.nextStatusAt = now + this.ctx.random() * this.ctx.statusReportIntervalMs;
    this.state = "registered";
  }

  private async withRetry(what: string, fn: () => Promise<void>): Promise<void> {
    let delay = this.ctx.retryMs;
    for (;;) {
      if (this.ctx.stopping) return;
      try {
        return await fn();
      } catch (e) {
        if (this.ctx.stopping) return;
        if (!isTransient(e)) throw new Error(`${this.name}: ${what}: ${describe(e)}`);
        this.ctx.warn(`${this.name}: ${what}: ${describe(e)} (retrying)`);
        await new Promise<void>((r) => this.ctx.clock.after(delay, r));
        delay = Math.min(delay * 2, 30_000);
      }
    }
  }

  private run<T>(fn: () => Promise<T>, urgent = false): Promise<T> {
    return this.ctx.queue.run(fn, urgent);
  }

  private async registerNode(): Promise<void> {
    const { client, clock } = this.ctx;
    try {
      const created = await this.run(() => client.create(NODES, "", newNode(this.shape, clock.now())));
      this.uid = created.metadata.uid ?? "";
      this.conditions = created.status?.conditions;
      return;
    } catch (e) {
      if (code(e) !== 409) throw e;
    }
    // Re-registration: keep the Node (its uid, taints, other labels), add our labels, post a fresh status.
    let node = await this.run(() => client.get(NODES, "", this.name));
    const labels = missingLabels(node, this.shape);
    if (labels) node = await this.run(() => client.patch(NODES, "", this.name, "merge", { metadata: { labels } }));
    this.uid = node.metadata.uid ?? "";
    this.conditions = node.status?.conditions;
    await this.writeStatus();
  }

  private async ensureLease(): Promise<void> {
    const { client, clock } = this.ctx;
    const lease = newLease(this.name, this.uid, this.ctx.leaseDurationSeconds, clock.now());
    try {
      await this.run(() => client.create(LEASES, NODE_LEASE_NAMESPACE, lease), true);
      return;
    } catch (e) {
      if (code(e) !== 409) throw e;
    }
    const existing = await this.run(() => client.get(LEASES, NODE_LEASE_NAMESPACE, this.name), true);
    const others = (existing.metadata.ownerReferences ?? []).filter(
      (o) => !(o.kind === "Node" && o.name === this.name),
    );
    existing.metadata.ownerReferences = [...others, leaseOwner(this.name, this.uid)];
    existing.spec = { ...existing.spec, ...lease.spec };
    await this.run(() => client.update(LEASES, NODE_LEASE_NAMESPACE, existing), true);
  }

  // ------------------------------------------------------------------------------- periodic (fleet ticker)

  /** Renews the Lease (urgent lane); called by the ticker when `nextLeaseAt` is due. */
  renewLease(): void {
    if (this.state !== "registered" || this.leaseBusy) return;
    this.leaseBusy = true;
    const { client, clock } = this.ctx;
    const spec = {
      holderIdentity: this.name,
      leaseDurationSeconds: this.ctx.leaseDurationSeconds,
      renewTime: microTime(clock.now()),
    };
    this.run(() => client.patch(LEASES, NODE_LEASE_NAMESPACE, this.name, "merge", { spec }), true)
      .then(
        () => this.scheduleLease(true),
        async (e) => {
          if (this.ctx.stopping) return;
          if (code(e) === 404) {
            // Deleted (by hand, or collected with a recreated Node): create it again.
            try {
              await this.ensureLease();
              return this.scheduleLease(true);
            } catch (e2) {
              e = e2;
            }
          }
          this.ctx.warn(`${this.name}: renew lease: ${describe(e)}`);
          this.scheduleLease(false);
        },
      )
      .finally(() => {
        this.leaseBusy = false;
      });
  }

  private scheduleLease(ok: boolean): void {
    const now = this.ctx.clock.now();
    const every = this.ctx.leaseRenewIntervalMs;
    if (!ok) {
      this.nextLeaseAt = now + Math.min(every, this.ctx.retryMs);
      return;
    }
    // Keep the node's phase in the period (the spread), unless it fell a whole period behind.
    this.nextLeaseAt += every;
    if (this.nextLeaseAt <= now) this.nextLeaseAt = now + every * (0.5 + 0.5 * this.ctx.random());
  }

  /** Posts the node status (heartbeat); called by the ticker when due and on a change seen by the fleet watch. */
  postStatus(): void {
    if (this.state !== "registered" || this.statusBusy) return;
    this.statusBusy = true;
    const every = this.ctx.statusReportIntervalMs;
    this.writeStatus()
      .then(
        () => {
          const now = this.ctx.clock.now();
          this.nextStatusAt += every;
          if (this.nextStatusAt <= now) this.nextStatusAt = now + every;
        },
        (e) => {
          if (this.ctx.stopping) return;
          if (code(e) === 404) return this.markGone("node not found");
          this.ctx.warn(`${this.name}: update node status: ${describe(e)}`);
          this.nextStatusAt = this.ctx.clock.now() + this.ctx.retryMs;
        },
      )
      .finally(() => {
        this.statusBusy = false;
      });
  }

  private async writeStatus(): Promise<void> {
    const { client, clock } = this.ctx;
    const status = nodeStatus(this.shape, clock.now(), { conditions: this.conditions });
    const updated = await this.run(() =>
      client.patch(NODES, "", this.name, "strategic", { status }, { subresource: "status" }),
    );
    this.conditions = updated.status?.conditions;
  }

  /** A version of this node seen by the fleet's node watch. */
  observeNode(type: string, node: KubeObject): void {
    if (this.state !== "registered" || node.metadata.uid !== this.uid) return;
    if (type === "DELETED") {
      this.markGone("node deleted");
      return;
    }
    this.conditions = node.status?.conditions;
    // Someone else changed what we report (e.g. the node lifecycle controller set Ready Unknown): correct it.
    if (nodeStatusDiffers(node.status, this.shape)) this.postStatus();
  }

  /** The Node was deleted: like a kubelet that registered once, stop reporting until the process restarts. */
  private markGone(why: string): void {
    if (this.state !== "registered") return;
    this.ctx.warn(`${this.name}: ${why}; this hollow node stops until restarted`);
    this.state = "gone";
    this.stopPods();
  }

  // ------------------------------------------------------------------------------------------------- pods

  private get fieldSelector(): string {
    return `spec.nodeName=${this.name}`;
  }

  /** Lists this node's pods, reconciles what is tracked, then watches from the list's version. */
  private async startPodWatch(): Promise<void> {
    const { client } = this.ctx;
    const list = await this.run(() => client.list(PODS, "", { fieldSelector: this.fieldSelector }));
    if (this.ctx.stopping || this.state === "gone") return;
    const seen = new Set<string>();
    for (const pod of list.items) {
      seen.add(pod.metadata.uid ?? "");
      this.podChanged(pod);
    }
    for (const uid of [...(this.pods?.keys() ?? [])]) if (!seen.has(uid)) this.podGone(uid);
    this.podRV = list.metadata.resourceVersion;
    this.watchExpired = false;
    await this.openWatch();
  }

  private async openWatch(): Promise<void> {
    const { client, clock } = this.ctx;
    const opened = clock.now();
    const w = await this.run(() =>
      client.watch(
        PODS,
        "",
        { fieldSelector: this.fieldSelector, resourceVersion: this.podRV, allowWatchBookmarks: true },
        (ev: WatchEvent) => this.onPodEvent(ev),
      ),
    );
    if (this.ctx.stopping || this.state === "gone" || this.state === "stopped") {
      w.stop();
      return;
    }
    this.watch = w;
    w.done.then(() => {
      if (this.watch !== w) return;
      this.watch = undefined;
      // A stream that ends at once would loop hot: wait a little before opening the next one.
      const quick = clock.now() - opened < 1000;
      this.rewatch(quick ? this.ctx.retryMs : 0);
    });
  }

  private rewatch(delayMs: number): void {
    if (this.ctx.stopping || this.state === "gone" || this.state === "stopped") return;
    const go = () => {
      this.watchRetry = undefined;
      if (this.ctx.stopping || this.state === "gone" || this.state === "stopped") return;
      const p = this.watchExpired ? this.startPodWatch() : this.openWatch();
      p.catch((e) => {
        if (this.ctx.stopping) return;
        this.ctx.warn(`${this.name}: watch pods: ${describe(e)}`);
        if (code(e) === 410) this.watchExpired = true;
        this.rewatch(this.ctx.retryMs);
      });
    };
    if (delayMs <= 0) go();
    else this.watchRetry = this.ctx.clock.after(delayMs, go);
  }

  private onPodEvent(ev: WatchEvent): void {
    const obj = ev.object;
    if (ev.type === "ERROR") {
      if ((obj as { code?: number }).code === 410) this.watchExpired = true;
      this.watch?.stop();
      return;
    }
    if (obj?.metadata?.resourceVersion) this.podRV = obj.metadata.resourceVersion;
    if (ev.type === "BOOKMARK") return;
    if (ev.type === "DELETED") this.podGone(obj.metadata.uid ?? "");
    else this.podChanged(obj);
  }

  private podChanged(pod: KubeObject): void {
    if (this.state === "gone" || this.state === "stopped" || pod.spec?.nodeName !== this.name) return;
    const uid = pod.metadata.uid ?? "";
    this.pods ??= new Map();
    let t = this.pods.get(uid);
    if (!t) {
      t = {
        pod: trimPod(pod),
        podIP: podIPFor(this.shape.index, this.podSeq++),
        writing: false,
        again: false,
        deleting: false,
        pullBackOff: false,
      };
      this.pods.set(uid, t);
    } else if (newer(pod, t.pod)) {
      t.pod = trimPod(pod);
    }
    if (t.pod.metadata.deletionTimestamp) {
      this.beginDelete(t);
      return;
    }
    const phase = t.pod.status?.phase;
    if (phase === "Succeeded" || phase === "Failed") return;
    this.syncPod(t);
  }

  private podGone(uid: string): void {
    const t = this.pods?.get(uid);
    if (!t) return;
    t.timer?.cancel();
    this.pods!.delete(uid);
    if (this.pods!.size === 0) this.pods = undefined;
  }

  private simulation(t: PodTrack): PodSimulation {
    const ctx = this.ctx;
    const nowMs = ctx.clock.now();
    const anyRunning = [
      ...(t.pod.status?.initContainerStatuses ?? []),
      ...(t.pod.status?.containerStatuses ?? []),
    ].some((s: any) => s.state?.running);
    if (t.startedMs === undefined && !anyRunning) t.startedMs = nowMs;
    return {
      nowMs,
      startedMs: t.startedMs,
      hostIP: hostIPFor(this.shape.index),
      podIP: t.podIP,
      readyDelayMs: ctx.readyDelayMs,
      failImage: ctx.failImage,
      unreadyImage: ctx.unreadyImage,
      pullFailure:
        t.pullBackOff || pullFailureShown(t.pod.status) === "ImagePullBackOff" ? "ImagePullBackOff" : "ErrImagePull",
    };
  }

  private tracked(t: PodTrack): boolean {
    const live = this.state === "new" || this.state === "registered";
    return live && !this.ctx.stopping && this.pods?.get(t.pod.metadata.uid ?? "") === t;
  }

  /** Brings the pod's status to what it should show now; one write in flight per pod. */
  private syncPod(t: PodTrack): void {
    if (t.deleting) return;
    if (t.writing) {
      t.again = true;
      return;
    }
    const sim = this.simulation(t);
    const desired = desiredPodStatus(t.pod, sim);
    if (!podStatusDiffers(t.pod, desired)) {
      this.followUp(t, sim);
      return;
    }
    t.writing = true;
    const { client } = this.ctx;
    const { namespace = "", name = "" } = t.pod.metadata;
    this.run(() =>
      client.patch(PODS, namespace, name, "strategic", podStatusPatch(t.pod, desired), { subresource: "status" }),
    )
      .then(
        (updated) => {
          if (updated.metadata.uid === t.pod.metadata.uid && newer(updated, t.pod)) t.pod = trimPod(updated);
        },
        (e) => {
          if (!this.tracked(t)) return;
          // Gone or replaced (uid mismatch): the watch brings the news. Anything else: try again soon.
          if (code(e) === 404 || code(e) === 409 || code(e) === 422) return;
          this.ctx.warn(`${this.name}: update status of pod ${namespace}/${name}: ${describe(e)}`);
          this.setTimer(t, this.ctx.retryMs, () => this.syncPod(t));
        },
      )
      .finally(() => {
        t.writing = false;
        if (!this.tracked(t)) return;
        if (t.again) {
          t.again = false;
          this.syncPod(t);
        } else if (!t.timer) {
          this.followUp(t, this.simulation(t));
        }
      });
  }

  /** Timers for what changes with time alone: `--ready-delay` and the ErrImagePull → ImagePullBackOff step. */
  private followUp(t: PodTrack, sim: PodSimulation): void {
    if (t.deleting || t.timer) return;
    const status = t.pod.status ?? {};
    if (!t.pullBackOff && pullFailureShown(status) === "ErrImagePull") {
      this.setTimer(t, this.ctx.pullBackOffMs, () => {
        t.pullBackOff = true;
        this.syncPod(t);
      });
      return;
    }
    const wait = nextReadyInMs(t.pod, status, sim);
    if (wait !== undefined) this.setTimer(t, wait, () => this.syncPod(t));
  }

  private setTimer(t: PodTrack, ms: number, fn: () => void): void {
    t.timer?.cancel();
    t.timer = this.ctx.clock.after(ms, () => {
      t.timer = undefined;
      if (this.tracked(t)) fn();
    });
  }

  /** deletionTimestamp set: "stop the containers" for `--stop-delay`, then remove the pod for good. */
  private beginDelete(t: PodTrack): void {
    if (t.deleting) return;
    t.deleting = true;
    t.timer?.cancel();
    t.timer = undefined;
    if (this.ctx.stopDelayMs > 0) this.setTimer(t, this.ctx.stopDelayMs, () => this.finalDelete(t));
    else this.finalDelete(t);
  }

  private finalDelete(t: PodTrack): void {
    const { client } = this.ctx;
    const { namespace = "", name = "", uid } = t.pod.metadata;
    this.run(() => client.delete(PODS, namespace, name, { gracePeriodSeconds: 0, preconditions: { uid } })).catch(
      (e) => {
        if (!this.tracked(t) || code(e) === 404 || code(e) === 409) return;
        this.ctx.warn(`${this.name}: delete pod ${namespace}/${name}: ${describe(e)}`);
        this.setTimer(t, this.ctx.retryMs, () => this.finalDelete(t));
      },
    );
  }

  private stopPods(): void {
    if (this.watchRetry) this.watchRetry.cancel();
    this.watchRetry = undefined;
    const w = this.watch;
    this.watch = undefined;
    w?.stop();
    for (const t of this.pods?.values() ?? []) t.timer?.cancel();
    this.pods = undefined;
  }

  /** Ends the watch and timers (the fleet stops; Node and Lease stay, as with a stopped kubelet). */
  stop(): void {
    this.state = "stopped";
    this.stopPods();
  }
}
