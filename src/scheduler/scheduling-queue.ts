// The scheduler's queue of pending pods (upstream `PriorityQueue`): an active heap (higher `spec.priority` first,
// then first come), a backoff heap (1 s doubling to 10 s per attempt) and the unschedulable pool. Pods in the pool
// wait for a cluster event that could help them — a node added or changed, a bound pod gone — or for the periodic
// flush after 5 minutes. A pod pinned to one node (a daemon pod) is only woken by events on that node, so node
// churn in a large cluster does not re-run thousands of pinned pods.
import type { KubeObject } from "../api/object.ts";
import type { Clock, TimerHandle } from "../controllers/runtime/clock.ts";
import { preFilterNodeNames } from "./filters.ts";
import { podKey } from "./node-info.ts";

export interface QueuedPod {
  key: string;
  /** The latest version of the pod seen. */
  pod: KubeObject;
  /** Scheduling attempts so far (drives the backoff). */
  attempts: number;
  /** The node a pinned pod can only go to, else undefined. */
  pinnedNode?: string;
}

type State = "active" | "backoff" | "unschedulable" | "inFlight";

interface Entry extends QueuedPod {
  state: State;
  seq: number;
  priority: number;
  backoffUntil: number;
  unschedulableSince: number;
  lastAttemptAt: number;
  /** Move counter when popped: events after it mean the attempt may have missed a change. */
  poppedAtMove: number;
  updatedInFlight: boolean;
  deleted: boolean;
}

export interface SchedulingQueueOptions {
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** Longest a pod stays in the unschedulable pool without a retry (upstream podMaxInUnschedulablePodsDuration). */
  maxUnschedulableMs?: number;
  /** How often the pool is checked for such pods. */
  flushIntervalMs?: number;
}

/** A binary heap ordered by `less`. */
class Heap<T> {
  private readonly items: T[] = [];
  constructor(private readonly less: (a: T, b: T) => boolean) {}
  get size(): number {
    return this.items.length;
  }
  peek(): T | undefined {
    return this.items[0];
  }
  push(x: T): void {
    const a = this.items;
    a.push(x);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(a[i], a[p])) break;
      [a[i], a[p]] = [a[p], a[i]];
      i = p;
    }
  }
  pop(): T | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (a.length > 0 && last !== undefined) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && this.less(a[l], a[m])) m = l;
        if (r < a.length && this.less(a[r], a[m])) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m], a[i]];
        i = m;
      }
    }
    return top;
  }
}

export class SchedulingQueue {
  private readonly entries = new Map<string, Entry>();
  // Heaps hold entries lazily: an entry whose state changed since it was pushed is skipped when it surfaces.
  private readonly active = new Heap<{ e: Entry; seq: number }>(
    (a, b) => a.e.priority > b.e.priority || (a.e.priority === b.e.priority && a.seq < b.seq),
  );
  private readonly backoff = new Heap<{ e: Entry; seq: number; at: number }>((a, b) => a.at < b.at);
  private readonly unschedulableGeneral = new Set<Entry>();
  private readonly unschedulablePinned = new Map<string, Set<Entry>>();
  private activeCount = 0;
  private seq = 0;
  private moves = 0;
  private lastMoveAll = 0;
  private readonly lastMoveForNode = new Map<string, number>();
  private waiters: Array<(e: QueuedPod | undefined) => void> = [];
  private backoffTimer?: { at: number; handle: TimerHandle };
  private flushTimer?: TimerHandle;
  private closed = false;
  private readonly initialBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly maxUnschedulableMs: number;
  private readonly flushIntervalMs: number;

  constructor(
    private readonly clock: Clock,
    opts: SchedulingQueueOptions = {},
  ) {
    this.initialBackoffMs = opts.initialBackoffMs ?? 1000;
    this.maxBackoffMs = opts.maxBackoffMs ?? 10_000;
    this.maxUnschedulableMs = opts.maxUnschedulableMs ?? 5 * 60_000;
    this.flushIntervalMs = opts.flushIntervalMs ?? 30_000;
    this.scheduleFlush();
  }

  /** Pods waiting to be popped now. */
  get activeLength(): number {
    return this.activeCount;
  }

  /** How many pods are known to the queue in any state (in flight included). */
  get size(): number {
    return this.entries.size;
  }

  /** Keys in the unschedulable pool, for tests and metrics. */
  unschedulableKeys(): string[] {
    return [...this.entries.values()].filter((e) => e.state === "unschedulable").map((e) => e.key);
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  /** A new or changed pending pod. A changed pod in the pool is retried (its spec may now fit). */
  addOrUpdate(pod: KubeObject): void {
    if (this.closed) return;
    const key = podKey(pod);
    const e = this.entries.get(key);
    if (!e) {
      const entry = this.newEntry(key, pod);
      this.entries.set(key, entry);
      this.toActive(entry);
      return;
    }
    const changed = specChanged(e.pod, pod);
    e.pod = pod;
    if (!changed) return;
    if (e.state === "inFlight") {
      e.updatedInFlight = true;
      e.pinnedNode = pinnedNodeOf(pod);
      e.priority = pod.spec?.priority ?? 0;
      return;
    }
    const wasUnschedulable = e.state === "unschedulable";
    // Leave the current heap or pool before the ordering keys change.
    this.leaveState(e);
    e.pinnedNode = pinnedNodeOf(pod);
    e.priority = pod.spec?.priority ?? 0;
    if (wasUnschedulable) this.toBackoffOrActive(e);
    else if (e.state === "active") this.toActive(e);
    else this.pushBackoff(e);
  }

  delete(key: string): void {
    const e = this.entries.get(key);
    if (!e) return;
    if (e.state === "inFlight") {
      e.deleted = true;
      return;
    }
    this.leaveState(e);
    this.entries.delete(key);
  }

  /** The next pod to schedule; waits while none is active; undefined once closed. */
  pop(): Promise<QueuedPod | undefined> {
    if (this.closed) return Promise.resolve(undefined);
    const e = this.popActive();
    if (e) return Promise.resolve(e);
    return new Promise((r) => this.waiters.push(r));
  }

  /** The attempt ended with a bind under way (or the pod no longer needs scheduling): forget it. */
  done(key: string): void {
    const e = this.entries.get(key);
    if (e?.state === "inFlight") this.entries.delete(key);
  }

  /**
   * The attempt found no node. The pod parks in the pool, unless something relevant happened during the attempt
   * (then it retries after its backoff).
   */
  unschedulable(key: string): void {
    const e = this.entries.get(key);
    if (e?.state !== "inFlight") return;
    if (e.deleted) {
      this.entries.delete(key);
      return;
    }
    if (e.updatedInFlight || this.movedSince(e)) {
      this.toBackoffOrActive(e);
      return;
    }
    e.state = "unschedulable";
    e.unschedulableSince = this.clock.now();
    if (e.pinnedNode !== undefined) {
      let set = this.unschedulablePinned.get(e.pinnedNode);
      if (!set) {
        set = new Set();
        this.unschedulablePinned.set(e.pinnedNode, set);
      }
      set.add(e);
    } else {
      this.unschedulableGeneral.add(e);
    }
  }

  /** The attempt failed for another reason (an API error): retry after the backoff. */
  retryWithBackoff(key: string): void {
    const e = this.entries.get(key);
    if (e?.state !== "inFlight") return;
    if (e.deleted) {
      this.entries.delete(key);
      return;
    }
    this.toBackoff(e);
  }

  /** Re-adds a pod whose bind failed, keeping its attempt count when it is still known. */
  requeueAfterBindFailure(pod: KubeObject, attempts: number): void {
    if (this.closed) return;
    const key = podKey(pod);
    let e = this.entries.get(key);
    if (!e) {
      e = this.newEntry(key, pod);
      e.attempts = attempts;
      this.entries.set(key, e);
    }
    if (e.state !== "inFlight") {
      this.leaveState(e);
      this.toBackoff(e);
    }
  }

  /** A change on `nodeName` (node added/updated, a pod there gone): wake pods pinned to it and all unpinned ones. */
  moveForNode(nodeName: string): void {
    this.moves++;
    this.lastMoveForNode.set(nodeName, this.moves);
    const pinned = this.unschedulablePinned.get(nodeName);
    if (pinned) for (const e of [...pinned]) this.moveOut(e);
    for (const e of [...this.unschedulableGeneral]) this.moveOut(e);
  }

  /** Wake every pod in the pool. */
  moveAll(): void {
    this.moves++;
    this.lastMoveAll = this.moves;
    for (const e of [...this.entries.values()]) if (e.state === "unschedulable") this.moveOut(e);
  }

  close(): void {
    this.closed = true;
    this.backoffTimer?.handle.cancel();
    this.flushTimer?.cancel();
    for (const w of this.waiters.splice(0)) w(undefined);
  }

  private newEntry(key: string, pod: KubeObject): Entry {
    return {
      key,
      pod,
      attempts: 0,
      pinnedNode: pinnedNodeOf(pod),
      state: "active",
      seq: 0,
      priority: pod.spec?.priority ?? 0,
      backoffUntil: 0,
      unschedulableSince: 0,
      lastAttemptAt: 0,
      poppedAtMove: 0,
      updatedInFlight: false,
      deleted: false,
    };
  }

  private movedSince(e: Entry): boolean {
    if (this.lastMoveAll > e.poppedAtMove) return true;
    if (e.pinnedNode !== undefined) return (this.lastMoveForNode.get(e.pinnedNode) ?? 0) > e.poppedAtMove;
    return this.moves > e.poppedAtMove;
  }

  private popActive(): Entry | undefined {
    for (;;) {
      const top = this.active.pop();
      if (!top) return undefined;
      const e = top.e;
      if (e.state !== "active" || e.seq !== top.seq || this.entries.get(e.key) !== e) continue;
      this.activeCount--;
      e.state = "inFlight";
      e.attempts++;
      e.lastAttemptAt = this.clock.now();
      e.poppedAtMove = this.moves;
      e.updatedInFlight = false;
      return e;
    }
  }

  private leaveState(e: Entry): void {
    if (e.state === "active") this.activeCount--;
    else if (e.state === "unschedulable") {
      this.unschedulableGeneral.delete(e);
      if (e.pinnedNode !== undefined) {
        const set = this.unschedulablePinned.get(e.pinnedNode);
        set?.delete(e);
        if (set?.size === 0) this.unschedulablePinned.delete(e.pinnedNode);
      }
    }
    e.seq = ++this.seq; // invalidates heap records
  }

  private moveOut(e: Entry): void {
    this.leaveState(e);
    this.toBackoffOrActive(e);
  }

  private toActive(e: Entry): void {
    e.state = "active";
    e.seq = ++this.seq;
    this.activeCount++;
    const w = this.waiters.shift();
    if (w) {
      // Hand it straight to a waiting popper.
      this.active.push({ e, seq: e.seq });
      const next = this.popActive();
      if (next) w(next);
      else this.waiters.unshift(w);
      return;
    }
    this.active.push({ e, seq: e.seq });
  }

  private backoffMs(attempts: number): number {
    if (attempts <= 0) return 0;
    return Math.min(this.maxBackoffMs, this.initialBackoffMs * 2 ** Math.min(attempts - 1, 30));
  }

  private toBackoffOrActive(e: Entry): void {
    e.backoffUntil = e.lastAttemptAt + this.backoffMs(e.attempts);
    if (e.backoffUntil > this.clock.now()) this.pushBackoff(e);
    else this.toActive(e);
  }

  private toBackoff(e: Entry): void {
    e.backoffUntil = this.clock.now() + this.backoffMs(Math.max(1, e.attempts));
    this.pushBackoff(e);
  }

  private pushBackoff(e: Entry): void {
    e.state = "backoff";
    e.seq = ++this.seq;
    this.backoff.push({ e, seq: e.seq, at: e.backoffUntil });
    this.armBackoffTimer();
  }

  private armBackoffTimer(): void {
    let top = this.backoff.peek();
    while (top && (top.e.state !== "backoff" || top.e.seq !== top.seq)) {
      this.backoff.pop();
      top = this.backoff.peek();
    }
    if (!top || this.closed) return;
    if (this.backoffTimer && this.backoffTimer.at <= top.at) return;
    this.backoffTimer?.handle.cancel();
    const at = top.at;
    this.backoffTimer = {
      at,
      handle: this.clock.after(at - this.clock.now(), () => {
        this.backoffTimer = undefined;
        this.flushBackoff();
      }),
    };
  }

  private flushBackoff(): void {
    const now = this.clock.now();
    for (;;) {
      const top = this.backoff.peek();
      if (!top || top.at > now) break;
      this.backoff.pop();
      if (top.e.state !== "backoff" || top.e.seq !== top.seq || this.entries.get(top.e.key) !== top.e) continue;
      this.toActive(top.e);
    }
    this.armBackoffTimer();
  }

  private scheduleFlush(): void {
    if (this.closed) return;
    this.flushTimer = this.clock.after(this.flushIntervalMs, () => {
      this.flushUnschedulable();
      this.scheduleFlush();
    });
  }

  /** Retries pods that waited in the pool longer than `maxUnschedulableMs` (upstream flushUnschedulablePodsLeftover). */
  private flushUnschedulable(): void {
    const now = this.clock.now();
    for (const e of [...this.entries.values()]) {
      if (e.state === "unschedulable" && now - e.unschedulableSince >= this.maxUnschedulableMs) this.moveOut(e);
    }
  }
}

function pinnedNodeOf(pod: KubeObject): string | undefined {
  const names = preFilterNodeNames(pod);
  return names?.size === 1 ? [...names][0] : undefined;
}

/** Whether an update could change the scheduling outcome (status-only updates cannot). */
function specChanged(old: KubeObject, cur: KubeObject): boolean {
  return (
    JSON.stringify(old.spec ?? null) !== JSON.stringify(cur.spec ?? null) ||
    JSON.stringify(old.metadata.labels ?? null) !== JSON.stringify(cur.metadata.labels ?? null)
  );
}
