// Per-key exponential backoff (client-go `flowcontrol.Backoff`) used to rate-limit deleting failed daemon pods:
// 1 s, 2 s, 4 s … capped at 15 min; an entry untouched for twice the cap starts over and is garbage-collected.
import type { Clock } from "../runtime/clock.ts";

export const FAILED_POD_BACKOFF_INITIAL_MS = 1_000;
export const FAILED_POD_BACKOFF_MAX_MS = 15 * 60 * 1000;
export const BACKOFF_GC_INTERVAL_MS = 60_000;

interface Entry {
  backoffMs: number;
  lastUpdate: number;
}

export class Backoff {
  private readonly entries = new Map<string, Entry>();

  constructor(
    readonly clock: Clock,
    private readonly initialMs = FAILED_POD_BACKOFF_INITIAL_MS,
    private readonly maxMs = FAILED_POD_BACKOFF_MAX_MS,
  ) {}

  private expired(e: Entry, now: number): boolean {
    return now - e.lastUpdate > 2 * this.maxMs;
  }

  /** Current delay of `key` (0 when unknown). */
  get(key: string): number {
    return this.entries.get(key)?.backoffMs ?? 0;
  }

  /** Records an attempt at `now`: starts at the initial delay or doubles up to the cap. */
  next(key: string, now = this.clock.now()): void {
    const e = this.entries.get(key);
    if (!e || this.expired(e, now)) {
      this.entries.set(key, { backoffMs: this.initialMs, lastUpdate: now });
      return;
    }
    e.backoffMs = Math.min(e.backoffMs * 2, this.maxMs);
    e.lastUpdate = now;
  }

  /** Still within the delay since the last recorded attempt? */
  isInBackOffSinceUpdate(key: string, now = this.clock.now()): boolean {
    const e = this.entries.get(key);
    if (!e || this.expired(e, now)) return false;
    return now - e.lastUpdate < e.backoffMs;
  }

  /** Drops entries idle for longer than twice the cap. */
  gc(now = this.clock.now()): void {
    for (const [k, e] of this.entries) if (this.expired(e, now)) this.entries.delete(k);
  }

  get size(): number {
    return this.entries.size;
  }
}
