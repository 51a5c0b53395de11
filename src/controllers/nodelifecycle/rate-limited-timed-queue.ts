// The per-zone queue that paces NoExecute tainting (upstream scheduler.RateLimitedTimedQueue): each node is queued
// at most once until explicitly removed, processed in `processAt` order, one token of the zone's bucket per try.
import type { Clock } from "../runtime/clock.ts";

/** Upstream's EvictionRateLimiterBurst. */
export const TAINTING_BURST = 1;

/** A token bucket (golang.org/x/time/rate semantics: starts full, refills at `qps`); qps <= 0 never accepts. */
export class TokenBucket {
  private tokens: number;
  private at: number;

  constructor(
    readonly qps: number,
    private readonly burst: number,
    private readonly clock: Clock,
  ) {
    this.tokens = qps > 0 ? burst : 0;
    this.at = clock.now();
  }

  tryAccept(): boolean {
    if (this.qps <= 0) return false;
    const now = this.clock.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.at) / 1000) * this.qps);
    this.at = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

export interface TimedValue {
  value: string;
  uid: string;
  addedAt: number;
  processAt: number;
}

/** What an action reports: done, or retry no earlier than `retryAfterMs` from now. */
export type ActionResult = { done: true } | { done: false; retryAfterMs: number };

export class RateLimitedTimedQueue {
  /** Values waiting, sorted by processAt (ties in insertion order); `members` also keeps processed ones. */
  private readonly items: TimedValue[] = [];
  private readonly members = new Set<string>();
  private limiter: TokenBucket;

  constructor(
    qps: number,
    private readonly clock: Clock,
  ) {
    this.limiter = new TokenBucket(qps, TAINTING_BURST, clock);
  }

  get qps(): number {
    return this.limiter.qps;
  }

  /** Queues `value` unless it was added before and not removed since; true if queued. */
  add(value: string, uid: string): boolean {
    if (this.members.has(value)) return false;
    const now = this.clock.now();
    this.members.add(value);
    this.insert({ value, uid, addedAt: now, processAt: now });
    return true;
  }

  /** Forgets `value` entirely so it can be added again; true if it was known. */
  remove(value: string): boolean {
    if (!this.members.has(value)) return false;
    this.members.delete(value);
    this.drop(value);
    return true;
  }

  has(value: string): boolean {
    return this.members.has(value);
  }

  /** Values still waiting to be processed. */
  pending(): number {
    return this.items.length;
  }

  private insert(v: TimedValue): void {
    let lo = 0;
    let hi = this.items.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.items[mid]!.processAt <= v.processAt) lo = mid + 1;
      else hi = mid;
    }
    this.items.splice(lo, 0, v);
  }

  private drop(value: string): TimedValue | undefined {
    const i = this.items.findIndex((v) => v.value === value);
    return i < 0 ? undefined : this.items.splice(i, 1)[0];
  }

  /**
   * Processes due values while the limiter allows: a token is spent per look at the head, as upstream, so the
   * pace holds even when actions fail. Done values stay members (not re-added) until `remove`.
   */
  async try(action: (v: TimedValue) => Promise<ActionResult>): Promise<void> {
    let v = this.items[0];
    while (v) {
      if (!this.limiter.tryAccept()) break;
      const now = this.clock.now();
      if (now < v.processAt) break;
      const result = await action(v);
      // The action may have raced with remove/add; only settle the value it was given.
      if (this.items.includes(v)) {
        this.drop(v.value);
        if (!result.done) this.insert({ ...v, processAt: this.clock.now() + result.retryAfterMs + 1 });
      }
      v = this.items[0];
    }
  }

  /** Switches to a new rate; a bucket currently empty hands its emptiness to the new one (burst 1). */
  swapLimiter(qps: number): void {
    if (this.limiter.qps === qps) return;
    const next = new TokenBucket(qps, TAINTING_BURST, this.clock);
    if (qps > 0 && !this.limiter.tryAccept()) next.tryAccept();
    this.limiter = next;
  }
}
