// Evictions waiting for their time (upstream TimedWorkerQueue): one timer per pod key, on the controller's clock.
// An entry stays while its work runs, so the same pod is not scheduled twice meanwhile.
import type { Clock, TimerHandle } from "../runtime/clock.ts";

export interface TimedWork {
  key: string;
  createdAt: number;
  fireAt: number;
  /** Undefined once the work is running. */
  timer?: TimerHandle;
}

export class TimedWorkerQueue {
  private readonly workers = new Map<string, TimedWork>();
  private readonly running = new Set<Promise<void>>();

  constructor(
    private readonly clock: Clock,
    private readonly work: (key: string, fireAt: number) => Promise<void>,
  ) {}

  /** Schedules work for `key` at `fireAt` unless some is already scheduled or running. */
  add(key: string, createdAt: number, fireAt: number): void {
    if (this.workers.has(key)) return;
    const entry: TimedWork = { key, createdAt, fireAt };
    this.workers.set(key, entry);
    const delay = fireAt - this.clock.now();
    if (delay <= 0) this.fire(entry);
    else entry.timer = this.clock.after(delay, () => this.fire(entry));
  }

  /** Cancels scheduled work; true only when a timer was really cancelled (not when the work already runs). */
  cancel(key: string): boolean {
    const entry = this.workers.get(key);
    if (!entry) return false;
    this.workers.delete(key);
    if (!entry.timer) return false;
    entry.timer.cancel();
    return true;
  }

  get(key: string): TimedWork | undefined {
    return this.workers.get(key);
  }

  get size(): number {
    return this.workers.size;
  }

  /** Cancels every timer and waits for running work. */
  async cancelAll(): Promise<void> {
    for (const e of this.workers.values()) e.timer?.cancel();
    this.workers.clear();
    await Promise.all([...this.running]);
  }

  private fire(entry: TimedWork): void {
    if (this.workers.get(entry.key) !== entry) return;
    entry.timer = undefined;
    const p = this.work(entry.key, entry.fireAt)
      .catch(() => {})
      .finally(() => {
        if (this.workers.get(entry.key) === entry) this.workers.delete(entry.key);
        this.running.delete(p);
      });
    this.running.add(p);
  }
}
