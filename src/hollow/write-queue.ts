// Bounded concurrency for a fleet's API calls: at most `maxInFlight` run at once, the rest wait in FIFO order.
// Two lanes: urgent work (Lease renewals, the liveness signal) is started before normal work (pod and node
// status), so a burst of pod writes cannot make 10,000 leases expire.

type Task = () => Promise<unknown>;

interface Entry {
  task: Task;
  resolve(v: unknown): void;
  reject(e: unknown): void;
}

/** A FIFO that pops from the front in O(1) (an index instead of Array.shift). */
class Fifo<T> {
  private items: (T | undefined)[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  push(x: T): void {
    this.items.push(x);
  }

  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const x = this.items[this.head];
    this.items[this.head++] = undefined;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return x;
  }

  clear(): T[] {
    const rest = this.items.slice(this.head) as T[];
    this.items = [];
    this.head = 0;
    return rest;
  }
}

export class QueueStoppedError extends Error {
  constructor() {
    super("write queue stopped");
  }
}

export class WriteQueue {
  private readonly urgent = new Fifo<Entry>();
  private readonly normal = new Fifo<Entry>();
  private running = 0;
  private stopped = false;
  private idleWaiters: (() => void)[] = [];

  constructor(readonly maxInFlight = 64) {}

  /** Runs `task` when a slot is free; resolves or rejects with its outcome. */
  run<T>(task: () => Promise<T>, urgent = false): Promise<T> {
    if (this.stopped) return Promise.reject(new QueueStoppedError());
    return new Promise<T>((resolve, reject) => {
      (urgent ? this.urgent : this.normal).push({ task, resolve: resolve as (v: unknown) => void, reject });
      this.pump();
    });
  }

  /** Calls waiting or running. */
  get size(): number {
    return this.running + this.urgent.length + this.normal.length;
  }

  get inFlight(): number {
    return this.running;
  }

  /** Resolves once nothing waits or runs. */
  idle(): Promise<void> {
    if (this.size === 0) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  /** Drops waiting calls (they reject with QueueStoppedError); running ones finish. */
  stop(): void {
    this.stopped = true;
    for (const e of [...this.urgent.clear(), ...this.normal.clear()]) e.reject(new QueueStoppedError());
    this.checkIdle();
  }

  private pump(): void {
    while (this.running < this.maxInFlight) {
      const e = this.urgent.shift() ?? this.normal.shift();
      if (!e) break;
      this.running++;
      let p: Promise<unknown>;
      try {
        p = e.task();
      } catch (err) {
        p = Promise.reject(err);
      }
      p.then(e.resolve, e.reject).finally(() => {
        this.running--;
        this.pump();
        this.checkIdle();
      });
    }
  }

  private checkIdle(): void {
    if (this.size !== 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }
}
