// The node agent: registers this machine as a Node (or re-adopts it), keeps its Lease and status fresh, watches
// only the pods bound to it, and runs each through a PodWorker on the container runtime. Containers outlive the
// agent: on start it adopts what the runtime still runs and cleans up after pods deleted while it was away.
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Duplex } from "node:stream";
import { ApiError } from "../api/errors.ts";
import type { KubeObject } from "../api/object.ts";
import { type ApiClient, CONFIG_MAPS, LEASES, NODES, PODS, SECRETS } from "../client/client.ts";
import { type Clock, realClock, type TimerHandle } from "../controllers/runtime/clock.ts";
import { EventRecorder } from "../controllers/runtime/events.ts";
import { Informer } from "../controllers/runtime/informer.ts";
import type { Taint } from "../hollow/flags.ts";
import {
  leaseOwner,
  microTime,
  missingLabels,
  NODE_LEASE_NAMESPACE,
  type NodeShape,
  newLease,
  newNode,
  nodeStatus,
  nodeStatusDiffers,
} from "../hollow/node-object.ts";
import type { SourceLookup } from "./container-env.ts";
import { hostFacts } from "./host-info.ts";
import type { ImageMap } from "./image-map.ts";
import { NodeServer } from "./node-server.ts";
import { PodWorker, type PodWorkerContext } from "./pod-worker.ts";
import type { ContainerRuntime } from "./runtime/runtime.ts";

/** kubelet's nodeStatusReportFrequency: the status is re-posted at least this often even when unchanged. */
const STATUS_REPORT_MS = 5 * 60_000;
/** How often running pods are compared with the runtime (container exits, restarts due). */
const POD_POLL_MS = 1000;

export interface AgentOptions {
  client: ApiClient;
  name: string;
  dataDir: string;
  nodeIP: string;
  labels: Record<string, string>;
  taints: Taint[];
  runtime: ContainerRuntime;
  images: ImageMap;
  clock?: Clock;
  statusUpdateFrequencyMs?: number;
  leaseDurationSeconds?: number;
  maxPods?: number;
  log?: (line: string) => void;
  /** Opens the agent's tunnel to the API server (logs); without it the node serves no such requests. */
  openTunnel?: (path: string) => Promise<Duplex>;
}

export class Agent {
  private readonly clock: Clock;
  private readonly shape: NodeShape;
  private readonly recorder: EventRecorder;
  private readonly workers = new Map<string, PodWorker>();
  private readonly pods: Informer;
  private readonly workerCtx: PodWorkerContext;
  private nodeUid = "";
  private conditions?: any[];
  private lastStatusAt = 0;
  private timers: TimerHandle[] = [];
  private ticker?: NodeJS.Timeout;
  private nodeServer?: NodeServer;
  private stopped = false;

  constructor(private readonly opts: AgentOptions) {
    this.clock = opts.clock ?? realClock;
    const facts = hostFacts(opts.dataDir, opts.runtime.version);
    this.shape = {
      name: opts.name,
      index: 0,
      labels: {
        "beta.kubernetes.io/arch": facts.arch,
        "beta.kubernetes.io/os": facts.os,
        "kubernetes.io/arch": facts.arch,
        "kubernetes.io/os": facts.os,
        ...opts.labels,
      },
      taints: opts.taints,
      cpu: facts.cpu,
      memory: facts.memory,
      maxPods: opts.maxPods ?? 110,
      internalIP: opts.nodeIP,
      nodeInfo: facts.nodeInfo,
      extraCapacity: facts.ephemeralStorage ? { "ephemeral-storage": facts.ephemeralStorage } : undefined,
      readyMessage: opts.runtime.limitsNotEnforced
        ? `kubelet is posting ready status; cpu and memory limits are not enforced: ${opts.runtime.limitsNotEnforced}`
        : undefined,
    };
    this.recorder = new EventRecorder(opts.client, "kubelet", this.clock, opts.name);
    this.pods = new Informer(opts.client, PODS, {
      fieldSelector: `spec.nodeName=${opts.name}`,
      clock: this.clock,
      onError: (e) => this.log(`pod watch: ${(e as Error).message}`),
    });
    this.workerCtx = {
      client: opts.client,
      runtime: opts.runtime,
      recorder: this.recorder,
      clock: this.clock,
      images: opts.images,
      lookup: this.lookup,
      hostIP: opts.nodeIP,
      nodeAllocatable: { cpu: facts.cpu, memory: facts.memory },
      volumesDir: join(opts.dataDir, "volumes"),
      canMount: process.getuid?.() === 0 && existsSync("/usr/bin/unshare"),
      log: (l) => this.log(l),
    };
  }

  get name(): string {
    return this.opts.name;
  }

  private log(line: string): void {
    this.opts.log?.(`${this.opts.name}: ${line}`);
  }

  private readonly lookup: SourceLookup = async (kind, namespace, name) => {
    try {
      const obj = await this.opts.client.get(kind === "ConfigMap" ? CONFIG_MAPS : SECRETS, namespace, name);
      const out: Record<string, Buffer> = {};
      const o = obj as any;
      if (kind === "Secret") {
        for (const [k, v] of Object.entries(o.data ?? {})) out[k] = Buffer.from(String(v), "base64");
        for (const [k, v] of Object.entries(o.stringData ?? {})) out[k] = Buffer.from(String(v));
      } else {
        for (const [k, v] of Object.entries(o.data ?? {})) out[k] = Buffer.from(String(v));
        for (const [k, v] of Object.entries(o.binaryData ?? {})) out[k] = Buffer.from(String(v), "base64");
      }
      return out;
    } catch (e) {
      if (e instanceof ApiError && e.code === 404) return undefined;
      throw e;
    }
  };

  /** Registers the Node and Lease, adopts running containers and starts watching pods. */
  async start(): Promise<void> {
    await this.registerNode();
    await this.ensureLease();
    if (this.opts.runtime.limitsNotEnforced) {
      this.recorder.event(
        { apiVersion: "v1", kind: "Node", metadata: { name: this.name, uid: this.nodeUid } },
        "Warning",
        "LimitsNotEnforced",
        `cpu and memory limits of containers are not enforced on this node: ${this.opts.runtime.limitsNotEnforced}`,
      );
    }
    this.pods.addHandlers({
      onAdd: (p) => this.podChanged(p),
      onUpdate: (_o, p) => this.podChanged(p),
      onDelete: (p) => this.workers.get(p.metadata.uid ?? "")?.forget(),
    });
    this.pods.start();
    await this.pods.waitForSync();
    // Containers of pods that were deleted while the agent was away.
    const known = new Set(this.pods.list().map((p) => p.metadata.uid ?? ""));
    for (const uid of await this.opts.runtime.pods()) {
      if (known.has(uid) || this.workers.has(uid)) continue;
      const orphan = new PodWorker(this.workerCtx, { metadata: { uid, name: uid, namespace: "" } }, (u) =>
        this.workers.delete(u),
      );
      this.workers.set(uid, orphan);
      orphan.forget();
    }
    if (this.opts.openTunnel) {
      this.nodeServer = new NodeServer({
        nodeName: this.name,
        runtime: this.opts.runtime,
        findPod: (ns, name) => this.pods.get(ns, name),
        execTarget: async (ns, name, container) => {
          const uid = this.pods.get(ns, name)?.metadata.uid;
          return uid ? this.workers.get(uid)?.execTarget(container) : undefined;
        },
        openTunnel: this.opts.openTunnel,
        log: (l) => this.log(l),
      });
      this.nodeServer.start();
    }
    this.ticker = setInterval(() => this.tick(), POD_POLL_MS);
    this.schedule(this.leaseRenewMs(), () => this.renewLease());
    this.schedule(this.opts.statusUpdateFrequencyMs ?? 10_000, () => this.syncNodeStatus());
  }

  private leaseRenewMs(): number {
    return ((this.opts.leaseDurationSeconds ?? 40) * 1000) / 4;
  }

  /** Runs `fn` every `everyMs` after the previous run ended; one pending timer per loop. */
  private schedule(everyMs: number, fn: () => Promise<void>): void {
    const slot = this.timers.length;
    const loop = () => {
      if (this.stopped) return;
      fn()
        .catch((e) => this.log((e as Error).message))
        .finally(() => {
          if (!this.stopped) this.timers[slot] = this.clock.after(everyMs, loop);
        });
    };
    this.timers[slot] = this.clock.after(everyMs, loop);
  }

  private tick(): void {
    for (const w of this.workers.values()) w.kick();
  }

  private podChanged(pod: KubeObject): void {
    const uid = pod.metadata.uid ?? "";
    const existing = this.workers.get(uid);
    if (existing) {
      existing.update(pod);
      return;
    }
    if (this.stopped) return;
    const worker = new PodWorker(this.workerCtx, pod, (u) => this.workers.delete(u));
    this.workers.set(uid, worker);
    worker.kick();
  }

  private async registerNode(): Promise<void> {
    const { client } = this.opts;
    try {
      const created = await client.create(NODES, "", newNode(this.shape, this.clock.now()));
      this.nodeUid = created.metadata.uid ?? "";
      this.conditions = created.status?.conditions;
      this.lastStatusAt = this.clock.now();
      this.log("registered");
      return;
    } catch (e) {
      if (!(e instanceof ApiError && e.code === 409)) throw e;
    }
    let node = await client.get(NODES, "", this.name);
    const labels = missingLabels(node, this.shape);
    if (labels) node = await client.patch(NODES, "", this.name, "merge", { metadata: { labels } });
    this.nodeUid = node.metadata.uid ?? "";
    this.conditions = node.status?.conditions;
    await this.writeNodeStatus();
  }

  private async writeNodeStatus(): Promise<void> {
    const status = nodeStatus(this.shape, this.clock.now(), { conditions: this.conditions });
    const updated = await this.opts.client.patch(
      NODES,
      "",
      this.name,
      "strategic",
      { status },
      { subresource: "status" },
    );
    this.conditions = updated.status?.conditions;
    this.lastStatusAt = this.clock.now();
  }

  /** Every status period: post when something changed (or someone overwrote it), else every 5 minutes. */
  private async syncNodeStatus(): Promise<void> {
    const node = await this.opts.client.get(NODES, "", this.name);
    this.conditions = node.status?.conditions;
    if (nodeStatusDiffers(node.status, this.shape) || this.clock.now() - this.lastStatusAt >= STATUS_REPORT_MS) {
      await this.writeNodeStatus();
    }
  }

  private async ensureLease(): Promise<void> {
    const { client } = this.opts;
    const lease = newLease(this.name, this.nodeUid, this.opts.leaseDurationSeconds ?? 40, this.clock.now());
    try {
      await client.create(LEASES, NODE_LEASE_NAMESPACE, lease);
      return;
    } catch (e) {
      if (!(e instanceof ApiError && e.code === 409)) throw e;
    }
    const existing = await client.get(LEASES, NODE_LEASE_NAMESPACE, this.name);
    const others = (existing.metadata.ownerReferences ?? []).filter(
      (o) => !(o.kind === "Node" && o.name === this.name),
    );
    await client.update(LEASES, NODE_LEASE_NAMESPACE, {
      ...existing,
      metadata: { ...existing.metadata, ownerReferences: [...others, leaseOwner(this.name, this.nodeUid)] },
      spec: { ...existing.spec, ...lease.spec },
    });
  }

  private async renewLease(): Promise<void> {
    const spec = {
      holderIdentity: this.name,
      leaseDurationSeconds: this.opts.leaseDurationSeconds ?? 40,
      renewTime: microTime(this.clock.now()),
    };
    try {
      await this.opts.client.patch(LEASES, NODE_LEASE_NAMESPACE, this.name, "merge", { spec });
    } catch (e) {
      if (!(e instanceof ApiError && e.code === 404)) throw e;
      await this.ensureLease();
    }
  }

  /**
   * Stops watching and heartbeating. With `stopPods`, every container is stopped first (grace capped at
   * `maxGraceMs`); without, containers keep running for the next agent to adopt.
   */
  async stop(opts: { stopPods: boolean; maxGraceMs?: number }): Promise<void> {
    this.stopped = true;
    if (this.ticker) clearInterval(this.ticker);
    for (const t of this.timers) t.cancel();
    this.nodeServer?.stop();
    this.pods.stop();
    if (opts.stopPods) {
      const uids = new Set([...this.workers.keys(), ...(await this.opts.runtime.pods())]);
      await Promise.all(
        [...uids].map((uid) => {
          const w =
            this.workers.get(uid) ??
            new PodWorker(this.workerCtx, { metadata: { uid, name: uid, namespace: "" } }, () => {});
          return w.shutdown(opts.maxGraceMs ?? 30_000);
        }),
      );
    }
    await this.recorder.flush();
  }
}
