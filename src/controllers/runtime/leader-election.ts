// Leader election over a coordination.k8s.io/v1 Lease, as client-go's leaderelection: several servers on one
// store run each controller once. A candidate takes a Lease that is free or whose holder has not renewed it for
// leaseDuration as *observed on the candidate's own clock* (clocks of different machines are never compared),
// renews it every retryPeriod, and gives up leadership if it cannot renew within renewDeadline.
import { ApiError } from "../../api/errors.ts";
import type { KubeObject } from "../../api/object.ts";
import { type ApiClient, LEASES } from "../../client/client.ts";
import { type Clock, realClock, type TimerHandle } from "./clock.ts";

export interface LeaderElectionOptions {
  client: ApiClient;
  namespace: string;
  name: string;
  identity: string;
  clock?: Clock;
  leaseDurationMs?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
  onStartedLeading(): void;
  onStoppedLeading(): void;
}

/** RFC 3339 with microseconds (a MicroTime). */
export function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, ".$1000Z");
}

export class LeaderElector {
  private readonly clock: Clock;
  private readonly leaseDurationMs: number;
  private readonly renewDeadlineMs: number;
  private readonly retryPeriodMs: number;
  private leading = false;
  private stopped = true;
  private timer?: TimerHandle;
  /** The lease as last read, and when (our clock) its holder/renewTime last changed. */
  private observed?: { holder: string; renewTime: string; at: number };
  private lastRenew = 0;

  constructor(private readonly opts: LeaderElectionOptions) {
    this.clock = opts.clock ?? realClock;
    this.leaseDurationMs = opts.leaseDurationMs ?? 15_000;
    this.renewDeadlineMs = opts.renewDeadlineMs ?? 10_000;
    this.retryPeriodMs = opts.retryPeriodMs ?? 2_000;
  }

  get isLeader(): boolean {
    return this.leading;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    void this.tick();
  }

  /** Stops competing; a leader releases the Lease so another candidate takes over at once. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.timer?.cancel();
    if (this.leading) {
      this.leading = false;
      this.opts.onStoppedLeading();
      try {
        const lease = await this.opts.client.get(LEASES, this.opts.namespace, this.opts.name);
        if (lease.spec?.holderIdentity === this.opts.identity) {
          await this.opts.client.update(LEASES, this.opts.namespace, {
            ...lease,
            spec: {
              ...lease.spec,
              holderIdentity: "",
              leaseDurationSeconds: 1,
              renewTime: microTime(this.clock.now()),
            },
          });
        }
      } catch {
        // Best effort: the Lease expires on its own.
      }
    }
  }

  private schedule(): void {
    if (this.stopped) return;
    // Jitter as upstream (JitterUntil with factor 1.2) so candidates do not retry in lockstep.
    const delay = this.leading ? this.retryPeriodMs : this.retryPeriodMs * (1 + Math.random() * 0.2);
    this.timer = this.clock.after(delay, () => void this.tick());
  }

  private async tick(): Promise<void> {
    if (this.stopped) return;
    let ok = false;
    try {
      ok = await this.tryAcquireOrRenew();
    } catch {
      ok = false;
    }
    if (this.stopped) return;
    const now = this.clock.now();
    if (ok) {
      this.lastRenew = now;
      if (!this.leading) {
        this.leading = true;
        this.opts.onStartedLeading();
      }
    } else if (this.leading && now - this.lastRenew >= this.renewDeadlineMs) {
      this.leading = false;
      this.opts.onStoppedLeading();
    }
    this.schedule();
  }

  private async tryAcquireOrRenew(): Promise<boolean> {
    const { client, namespace, name, identity } = this.opts;
    const now = this.clock.now();
    const spec = (acquireTime: string, transitions: number) => ({
      holderIdentity: identity,
      leaseDurationSeconds: Math.ceil(this.leaseDurationMs / 1000),
      acquireTime,
      renewTime: microTime(now),
      leaseTransitions: transitions,
    });
    let lease: KubeObject;
    try {
      lease = await client.get(LEASES, namespace, name);
    } catch (e) {
      if (!(e instanceof ApiError) || e.code !== 404) throw e;
      await client.create(LEASES, namespace, {
        apiVersion: "coordination.k8s.io/v1",
        kind: "Lease",
        metadata: { name, namespace },
        spec: spec(microTime(now), 0),
      });
      this.observed = { holder: identity, renewTime: microTime(now), at: now };
      return true;
    }
    const holder: string = lease.spec?.holderIdentity ?? "";
    const renewTime: string = lease.spec?.renewTime ?? "";
    if (!this.observed || this.observed.holder !== holder || this.observed.renewTime !== renewTime) {
      this.observed = { holder, renewTime, at: now };
    }
    const durationMs = (lease.spec?.leaseDurationSeconds ?? 15) * 1000;
    if (holder && holder !== identity && this.observed.at + durationMs > now) return false;
    const transitions: number = lease.spec?.leaseTransitions ?? 0;
    const next =
      holder === identity
        ? { ...spec(lease.spec?.acquireTime ?? microTime(now), transitions) }
        : spec(microTime(now), transitions + 1);
    const updated = await client.update(LEASES, namespace, { ...lease, spec: { ...lease.spec, ...next } });
    this.observed = { holder: identity, renewTime: updated.spec?.renewTime ?? "", at: now };
    return true;
  }
}
