// Controller expectations (upstream `controller.ControllerExpectations`): after issuing creates and deletes a
// DaemonSet waits until the pod informer has observed them before making new decisions, so a stale cache
// never causes duplicate pods. Records expire after 5 minutes in case a watch event was lost.
import type { Clock } from "../runtime/clock.ts";

export const EXPECTATIONS_TIMEOUT_MS = 5 * 60 * 1000;

interface Record {
  add: number;
  del: number;
  at: number;
}

export class Expectations {
  private readonly records = new Map<string, Record>();

  constructor(private readonly clock: Clock) {}

  /** Replaces whatever was expected for `key`. */
  set(key: string, add: number, del: number): void {
    this.records.set(key, { add, del, at: this.clock.now() });
  }

  /** Lowers the outstanding counts (a create or delete that will never be observed). */
  lower(key: string, add: number, del: number): void {
    const r = this.records.get(key);
    if (!r) return;
    r.add -= add;
    r.del -= del;
  }

  creationObserved(key: string): void {
    this.lower(key, 1, 0);
  }

  deletionObserved(key: string): void {
    this.lower(key, 0, 1);
  }

  /** True when nothing is outstanding, the record expired, or there is no record. */
  satisfied(key: string): boolean {
    const r = this.records.get(key);
    if (!r) return true;
    if (r.add <= 0 && r.del <= 0) return true;
    return this.clock.now() - r.at > EXPECTATIONS_TIMEOUT_MS;
  }

  delete(key: string): void {
    this.records.delete(key);
  }

  /** Outstanding counts, for tests and debugging. */
  get(key: string): { add: number; del: number } | undefined {
    const r = this.records.get(key);
    return r ? { add: r.add, del: r.del } : undefined;
  }
}
