// Records core/v1 Events the way client-go's recorder does: identical repeats bump `count` and `lastTimestamp`
// on the existing Event, more than 10 similar events (same object and reason, other messages) within 10 minutes
// are combined, and a per-object token bucket (burst 25, one more every 5 minutes) keeps a looping controller
// from flooding the store. Writes are fire-and-forget: an event must never block or fail a control loop.
import type { KubeObject } from "../../api/object.ts";
import { type ApiClient, EVENTS } from "../../client/client.ts";
import { type Clock, realClock } from "./clock.ts";

const SPAM_BURST = 25;
const SPAM_REFILL_MS = 5 * 60_000;
const AGGREGATE_MAX = 10;
const AGGREGATE_WINDOW_MS = 10 * 60_000;
const CACHE_SIZE = 4096;
const MAX_IN_FLIGHT = 16;

interface Seen {
  name: string;
  namespace: string;
  count: number;
  /** The write of this event so far: a repeat's PATCH waits for the CREATE. */
  written: Promise<unknown>;
}

/** An LRU map: the correlator's caches are bounded as upstream's. */
class Lru<V> {
  private readonly map = new Map<string, V>();
  constructor(private readonly size: number) {}
  get(k: string): V | undefined {
    const v = this.map.get(k);
    if (v !== undefined) {
      this.map.delete(k);
      this.map.set(k, v);
    }
    return v;
  }
  set(k: string, v: V): void {
    this.map.delete(k);
    this.map.set(k, v);
    if (this.map.size > this.size) this.map.delete(this.map.keys().next().value as string);
  }
}

export class EventRecorder {
  private readonly clock: Clock;
  private readonly buckets = new Lru<{ tokens: number; at: number }>(CACHE_SIZE);
  private readonly similar = new Lru<{ messages: Set<string>; since: number }>(CACHE_SIZE);
  private readonly seen = new Lru<Seen>(CACHE_SIZE);
  private readonly pending: Array<() => Promise<unknown>> = [];
  private inFlight = 0;
  private idle: Array<() => void> = [];
  private seq = 0n;

  constructor(
    private readonly client: ApiClient,
    readonly component: string,
    clock?: Clock,
    private readonly host = "",
  ) {
    this.clock = clock ?? realClock;
  }

  event(involved: KubeObject, type: "Normal" | "Warning", reason: string, message: string): void {
    const ref = {
      kind: involved.kind,
      namespace: involved.metadata.namespace,
      name: involved.metadata.name,
      uid: involved.metadata.uid,
      apiVersion: involved.apiVersion,
      resourceVersion: involved.metadata.resourceVersion,
    };
    const objectKey = [this.component, this.host, ref.kind, ref.namespace, ref.name, ref.uid, ref.apiVersion].join(
      "\0",
    );
    if (!this.allow(objectKey)) return;
    const now = this.clock.now();
    const aggregateKey = `${objectKey}\0${type}\0${reason}`;
    let agg = this.similar.get(aggregateKey);
    if (!agg || now - agg.since > AGGREGATE_WINDOW_MS) {
      agg = { messages: new Set(), since: now };
      this.similar.set(aggregateKey, agg);
    }
    agg.messages.add(message);
    let msg = message;
    let dedupKey = `${aggregateKey}\0${message}`;
    if (agg.messages.size > AGGREGATE_MAX) {
      msg = `(combined from similar events): ${message}`;
      dedupKey = `${aggregateKey}\0(combined)`;
    }
    const ts = new Date(now).toISOString().replace(/\.\d+Z$/, "Z");
    const prior = this.seen.get(dedupKey);
    if (prior) {
      prior.count++;
      const { name, namespace, count } = prior;
      const before = prior.written;
      prior.written = this.enqueue(async () => {
        await before;
        try {
          await this.client.patch(EVENTS, namespace, name, "strategic", { count, lastTimestamp: ts, message: msg });
        } catch {
          // The event expired (TTL) or was deleted: start a new one under a new name.
          const fresh = this.eventName(ref.name ?? "", now);
          if (await this.create(ref, type, reason, msg, ts, fresh)) {
            prior.name = fresh;
            prior.count = 1;
          }
        }
      });
      return;
    }
    const namespace = ref.namespace || "default";
    const name = this.eventName(ref.name ?? "", now);
    const record: Seen = { name, namespace, count: 1, written: Promise.resolve() };
    this.seen.set(dedupKey, record);
    record.written = this.enqueue(() => this.create(ref, type, reason, msg, ts, name));
  }

  /** Waits until every recorded event has been written (or failed). */
  flush(): Promise<void> {
    if (this.inFlight === 0 && this.pending.length === 0) return Promise.resolve();
    return new Promise((r) => this.idle.push(r));
  }

  private eventName(objName: string, nowMs: number): string {
    // Upstream: `<name>.<hex unix nanos>`; a counter keeps names unique within one millisecond.
    const nanos = BigInt(nowMs) * 1_000_000n + (this.seq++ % 1_000_000n);
    return `${objName}.${nanos.toString(16)}`;
  }

  private async create(
    ref: Record<string, unknown>,
    type: string,
    reason: string,
    message: string,
    ts: string,
    name: string,
  ): Promise<boolean> {
    const namespace = (ref.namespace as string) || "default";
    const involvedObject = Object.fromEntries(Object.entries(ref).filter(([, v]) => v !== undefined && v !== ""));
    try {
      await this.client.create(EVENTS, namespace, {
        apiVersion: "v1",
        kind: "Event",
        metadata: { name, namespace },
        involvedObject,
        reason,
        message,
        source: this.host ? { component: this.component, host: this.host } : { component: this.component },
        firstTimestamp: ts,
        lastTimestamp: ts,
        count: 1,
        type,
        reportingComponent: this.component,
        reportingInstance: this.host,
      });
      return true;
    } catch {
      // Events are best effort (e.g. the namespace is terminating).
      return false;
    }
  }

  private allow(key: string): boolean {
    const now = this.clock.now();
    let b = this.buckets.get(key);
    if (!b) {
      b = { tokens: SPAM_BURST, at: now };
      this.buckets.set(key, b);
    }
    b.tokens = Math.min(SPAM_BURST, b.tokens + (now - b.at) / SPAM_REFILL_MS);
    b.at = now;
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }

  private enqueue(work: () => Promise<unknown>): Promise<void> {
    return new Promise((resolve) => {
      this.pending.push(() => work().finally(resolve));
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < MAX_IN_FLIGHT && this.pending.length > 0) {
      const work = this.pending.shift()!;
      this.inFlight++;
      void work()
        .catch(() => {})
        .finally(() => {
          this.inFlight--;
          this.pump();
          if (this.inFlight === 0 && this.pending.length === 0) for (const r of this.idle.splice(0)) r();
        });
    }
  }
}
