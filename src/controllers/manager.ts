// Runs the control loops of `loci server` while this server holds the controller-manager Lease: on gaining
// leadership it builds fresh informers and controllers, on losing it stops them all (another server takes
// over), so several servers on one store run each controller exactly once.

import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import type { ApiClient } from "../client/client.ts";
import { type Clock, realClock } from "./runtime/clock.ts";
import type { Controller, ControllerContext, ControllerOptions } from "./runtime/controller.ts";
import { EventRecorder } from "./runtime/events.ts";
import { LeaderElector } from "./runtime/leader-election.ts";
import { SharedInformers } from "./runtime/shared-informers.ts";

export interface ControllerFactory {
  name: string;
  create(ctx: ControllerContext): Controller;
}

export interface ManagerOptions {
  client: ApiClient;
  factories: ControllerFactory[];
  options: ControllerOptions;
  clock?: Clock;
  /** Lease identity; default `<hostname>_<uuid>` as upstream. */
  identity?: string;
  leaseName?: string;
  leaseDurationMs?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
  onError?: (controller: string, err: unknown) => void;
}

export class ControllerManager {
  private readonly elector: LeaderElector;
  private running?: { informers: SharedInformers; controllers: Controller[] };
  /** Serialises start/stop transitions. */
  private transition: Promise<void> = Promise.resolve();
  readonly identity: string;

  constructor(private readonly opts: ManagerOptions) {
    this.identity = opts.identity ?? `${hostname()}_${randomUUID()}`;
    this.elector = new LeaderElector({
      client: opts.client,
      clock: opts.clock,
      namespace: "kube-system",
      name: opts.leaseName ?? "loci-controller-manager",
      identity: this.identity,
      leaseDurationMs: opts.leaseDurationMs,
      renewDeadlineMs: opts.renewDeadlineMs,
      retryPeriodMs: opts.retryPeriodMs,
      onStartedLeading: () => this.enqueue(() => this.startControllers()),
      onStoppedLeading: () => this.enqueue(() => this.stopControllers()),
    });
  }

  get isLeader(): boolean {
    return this.elector.isLeader;
  }

  /** Names of the controllers running now (empty when not leading). */
  get runningControllers(): string[] {
    return this.running?.controllers.map((c) => c.name) ?? [];
  }

  start(): void {
    this.elector.start();
  }

  async stop(): Promise<void> {
    await this.elector.stop();
    await this.enqueue(() => this.stopControllers());
  }

  /** Resolves once the controllers run with synced informers (tests, `loci up` progress). */
  async waitUntilRunning(timeoutMs = 30_000): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (!this.running) {
      if (Date.now() > end) throw new Error("controllers did not start in time");
      await new Promise((r) => setTimeout(r, 10));
    }
    await this.transition;
  }

  private enqueue(step: () => Promise<void>): Promise<void> {
    this.transition = this.transition.then(step, step);
    return this.transition;
  }

  private async startControllers(): Promise<void> {
    if (this.running || !this.elector.isLeader) return;
    const clock = this.opts.clock ?? realClock;
    const informers = new SharedInformers(this.opts.client, clock);
    const recorders = new Map<string, EventRecorder>();
    const ctx: ControllerContext = {
      client: this.opts.client,
      informers,
      clock,
      options: this.opts.options,
      recorder: (component) => {
        let r = recorders.get(component);
        if (!r) {
          r = new EventRecorder(this.opts.client, component, clock);
          recorders.set(component, r);
        }
        return r;
      },
    };
    const controllers: Controller[] = [];
    for (const f of this.opts.factories) {
      try {
        const c = f.create(ctx);
        c.start();
        controllers.push(c);
      } catch (e) {
        this.opts.onError?.(f.name, e);
      }
    }
    informers.start();
    this.running = { informers, controllers };
    await informers.waitForSync();
  }

  private async stopControllers(): Promise<void> {
    const r = this.running;
    if (!r) return;
    this.running = undefined;
    await Promise.all(r.controllers.map((c) => c.stop().catch((e) => this.opts.onError?.(c.name, e))));
    r.informers.stop();
  }
}
