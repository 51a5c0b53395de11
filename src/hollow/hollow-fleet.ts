// N hollow nodes in one process: registration in parallel batches, one shared write queue (bounded
// concurrency, Lease renewals first), one ticker that walks the nodes for due Lease renewals and status
// heartbeats, and one watch on Nodes that notices when someone changed or deleted one of ours.
import type { KubeObject } from "../api/object.ts";
import { type ApiClient, NODES, type Watch, type WatchEvent } from "../client/client.ts";
import { type Clock, realClock, type TimerHandle } from "../controllers/runtime/clock.ts";
import type { Taint } from "./flags.ts";
import { imageMatcher } from "./glob.ts";
import { type FleetContext, HollowNode } from "./hollow-node.ts";
import { WriteQueue } from "./write-queue.ts";

export interface HollowFleetOptions {
  client: ApiClient;
  /** How many nodes (`--nodes`). */
  nodes: number;
  namePrefix?: string;
  startIndex?: number;
  labels?: Record<string, string>;
  taints?: Taint[];
  /** Quantities as given on the command line (already validated). */
  cpu?: string;
  memory?: string;
  maxPods?: number;
  readyDelayMs?: number;
  stopDelayMs?: number;
  failImages?: string[];
  unreadyImages?: string[];
  clock?: Clock;
  random?: () => number;
  /** Upstream kubelet values by default; tests shorten them. */
  leaseDurationSeconds?: number;
  leaseRenewIntervalMs?: number;
  statusReportIntervalMs?: number;
  /** How long ErrImagePull shows before ImagePullBackOff (kubelet's pod worker back-off, 10 s). */
  pullBackOffMs?: number;
  retryMs?: number;
  /** How often the ticker walks the nodes. */
  tickMs?: number;
  maxInFlight?: number;
  /** Nodes registering at once. */
  registerBatch?: number;
  /** Where warnings go (one line each; rate-limited); default stderr. */
  log?: (line: string) => void;
}

export const FLEET_DEFAULTS = {
  namePrefix: "hollow-",
  startIndex: 0,
  cpu: "4",
  memory: "16Gi",
  maxPods: 110,
  leaseDurationSeconds: 40,
  leaseRenewIntervalMs: 10_000,
  statusReportIntervalMs: 300_000,
  pullBackOffMs: 10_000,
  retryMs: 1_000,
  tickMs: 250,
  maxInFlight: 64,
  registerBatch: 256,
} as const;

/** Warnings at most once per interval, with a count of what was held back, so an outage does not flood. */
class RateLimitedLog {
  private last = Number.NEGATIVE_INFINITY;
  private held = 0;

  constructor(
    private readonly clock: Clock,
    private readonly out: (line: string) => void,
    private readonly everyMs = 5_000,
  ) {}

  warn(message: string): void {
    const now = this.clock.now();
    if (now - this.last < this.everyMs) {
      this.held++;
      return;
    }
    this.last = now;
    const more = this.held ? ` (and ${this.held} more warnings)` : "";
    this.held = 0;
    this.out(`loci hollow: ${message}${more}`);
  }
}

export class HollowFleet {
  readonly nodes: HollowNode[];
  private readonly byName = new Map<string, HollowNode>();
  private readonly ctx: FleetContext;
  private readonly tickMs: number;
  private readonly registerBatch: number;
  private ticker?: TimerHandle;
  private nodeWatch?: Watch;
  private nodeWatchRV = "";
  private nodeWatchRetry?: TimerHandle;
  private started = false;

  constructor(opts: HollowFleetOptions) {
    const clock = opts.clock ?? realClock;
    const d = FLEET_DEFAULTS;
    const log = new RateLimitedLog(clock, opts.log ?? ((l) => process.stderr.write(`${l}\n`)));
    this.ctx = {
      client: opts.client,
      clock,
      queue: new WriteQueue(opts.maxInFlight ?? d.maxInFlight),
      random: opts.random ?? Math.random,
      leaseDurationSeconds: opts.leaseDurationSeconds ?? d.leaseDurationSeconds,
      leaseRenewIntervalMs: opts.leaseRenewIntervalMs ?? d.leaseRenewIntervalMs,
      statusReportIntervalMs: opts.statusReportIntervalMs ?? d.statusReportIntervalMs,
      readyDelayMs: opts.readyDelayMs ?? 0,
      stopDelayMs: opts.stopDelayMs ?? 0,
      pullBackOffMs: opts.pullBackOffMs ?? d.pullBackOffMs,
      retryMs: opts.retryMs ?? d.retryMs,
      failImage: imageMatcher(opts.failImages ?? []),
      unreadyImage: imageMatcher(opts.unreadyImages ?? []),
      warn: (m) => log.warn(m),
      stopping: false,
    };
    this.tickMs = opts.tickMs ?? d.tickMs;
    this.registerBatch = opts.registerBatch ?? d.registerBatch;
    const prefix = opts.namePrefix ?? d.namePrefix;
    const start = opts.startIndex ?? d.startIndex;
    this.nodes = [];
    for (let i = 0; i < opts.nodes; i++) {
      const index = start + i;
      const node = new HollowNode(this.ctx, {
        name: `${prefix}${index}`,
        index,
        labels: opts.labels ?? {},
        taints: opts.taints ?? [],
        cpu: opts.cpu ?? d.cpu,
        memory: opts.memory ?? d.memory,
        maxPods: opts.maxPods ?? d.maxPods,
      });
      this.nodes.push(node);
      this.byName.set(node.name, node);
    }
  }

  /**
   * Registers every node (Node, Lease, pod watch), then starts the ticker and the node watch. Resolves when all
   * are registered; rejects on the first permanent failure (bad credentials, invalid object), after stopping.
   */
  async start(): Promise<void> {
    if (this.started) throw new Error("hollow fleet already started");
    this.started = true;
    // The ticker runs during registration too, so early nodes renew their Leases while later ones register.
    this.tick();
    try {
      for (let i = 0; i < this.nodes.length; i += this.registerBatch) {
        await Promise.all(this.nodes.slice(i, i + this.registerBatch).map((n) => n.register()));
        if (this.ctx.stopping) return;
      }
      await this.openNodeWatch();
    } catch (e) {
      await this.stop();
      throw e;
    }
  }

  /** Stops watches, timers and queued calls; waits for running calls. Nodes and Leases are left in place. */
  async stop(): Promise<void> {
    if (this.ctx.stopping) return;
    this.ctx.stopping = true;
    this.ticker?.cancel();
    this.nodeWatchRetry?.cancel();
    this.nodeWatch?.stop();
    for (const n of this.nodes) n.stop();
    this.ctx.queue.stop();
    await this.ctx.queue.idle();
  }

  /** Calls waiting or running in the shared queue (for tests and diagnostics). */
  get pendingWrites(): number {
    return this.ctx.queue.size;
  }

  node(name: string): HollowNode | undefined {
    return this.byName.get(name);
  }

  private tick(): void {
    if (this.ctx.stopping) return;
    const now = this.ctx.clock.now();
    for (const n of this.nodes) {
      if (n.state !== "registered") continue;
      if (now >= n.nextLeaseAt && !n.leaseBusy) n.renewLease();
      if (now >= n.nextStatusAt && !n.statusBusy) n.postStatus();
    }
    this.ticker = this.ctx.clock.after(this.tickMs, () => this.tick());
  }

  /** One watch on all Nodes (cheaper than 10,000 single-node ones); ours are looked up by name. */
  private async openNodeWatch(): Promise<void> {
    const { client, clock } = this.ctx;
    const opened = clock.now();
    const onEvent = (ev: WatchEvent) => {
      if (ev.type === "ERROR") {
        if ((ev.object as { code?: number }).code === 410) this.nodeWatchRV = "";
        this.nodeWatch?.stop();
        return;
      }
      const obj = ev.object as KubeObject;
      if (obj?.metadata?.resourceVersion) this.nodeWatchRV = obj.metadata.resourceVersion;
      if (ev.type === "BOOKMARK") return;
      this.byName.get(obj.metadata.name ?? "")?.observeNode(ev.type, obj);
    };
    let w: Watch;
    try {
      // No version at first: the current Nodes arrive as ADDED events, so a stale status is corrected at once.
      w = await client.watch(
        NODES,
        "",
        { resourceVersion: this.nodeWatchRV || undefined, allowWatchBookmarks: true },
        onEvent,
      );
    } catch (e) {
      // The fleet works without it (only slower to notice changed Nodes); keep trying.
      if (!this.ctx.stopping) this.ctx.warn(`watch nodes: ${(e as Error).message.split("\n")[0]}`);
      this.retryNodeWatch();
      return;
    }
    if (this.ctx.stopping) {
      w.stop();
      return;
    }
    this.nodeWatch = w;
    w.done.then(() => {
      if (this.nodeWatch !== w) return;
      this.nodeWatch = undefined;
      if (clock.now() - opened < 1000) this.retryNodeWatch();
      else void this.openNodeWatch();
    });
  }

  private retryNodeWatch(): void {
    if (this.ctx.stopping) return;
    this.nodeWatchRetry = this.ctx.clock.after(this.ctx.retryMs * 5, () => {
      this.nodeWatchRetry = undefined;
      void this.openNodeWatch();
    });
  }
}
