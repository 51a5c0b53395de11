// One pod's lifecycle on this node, as the kubelet's pod worker runs it: init containers in order, then the app
// containers; restarts by restartPolicy with CrashLoopBackOff; status posted when it changes; on deletion the
// containers stopped within the grace period and the pod removed with a grace-0 DELETE. Level-based: every
// `sync()` starts from the runtime's records and the latest pod, so a restarted agent picks up where the last
// one stopped (running containers are adopted, never started twice).
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { ApiError } from "../api/errors.ts";
import type { KubeObject } from "../api/object.ts";
import { type ApiClient, PODS } from "../client/client.ts";
import type { Clock, TimerHandle } from "../controllers/runtime/clock.ts";
import type { EventRecorder } from "../controllers/runtime/events.ts";
import { podStatusDiffers, podStatusPatch } from "../hollow/pod-status.ts";
import {
  ContainerConfigError,
  containerEnv,
  containerLimits,
  expandCommand,
  type SourceLookup,
} from "./container-env.ts";
import { ContainerProbes } from "./container-probes.ts";
import { type ImageMap, imageNotRunMessage, resolveCommand } from "./image-map.ts";
import { ImagePuller } from "./image-pull.ts";
import { agentPodStatus, type ContainerView } from "./pod-status.ts";
import { type ProbeTarget, runProbe } from "./probe.ts";
import type { ContainerRecord, ContainerRuntime } from "./runtime/runtime.ts";
import { containerMounts, setUpVolumes, VolumeError } from "./volumes.ts";

/** CrashLoopBackOff: 10 s doubling to 5 min; forgotten after 10 min without a crash (kubelet's backoff). */
export const BACKOFF_INITIAL_MS = 10_000;
export const BACKOFF_MAX_MS = 300_000;
/** How often a running pod's configMap, secret and downwardAPI volumes are refreshed. */
export const VOLUME_REFRESH_MS = 10_000;

export interface PodWorkerContext {
  client: ApiClient;
  runtime: ContainerRuntime;
  recorder: EventRecorder;
  clock: Clock;
  images: ImageMap;
  lookup: SourceLookup;
  hostIP: string;
  nodeAllocatable: Record<string, string>;
  /** Where pods' own volumes (emptyDir, configMap, …) live: `<volumesDir>/<pod uid>/`. */
  volumesDir: string;
  /** Volumes can be bind-mounted at their mountPaths (root, with util-linux unshare). */
  canMount: boolean;
  log(line: string): void;
}

interface Backoff {
  delayMs: number;
  /** When the delay was last set (clock ms). */
  at: number;
}

export class PodWorker {
  private pod: KubeObject;
  /** The pod is gone from the API (DELETED seen): stop at once and forget it. */
  private gone = false;
  private running = false;
  private again = false;
  private done = false;
  private timer?: TimerHandle;
  private readonly backoff = new Map<string, Backoff>();
  /** Waiting reasons set by this worker (CrashLoopBackOff, CreateContainerConfigError). */
  private readonly waiting = new Map<string, { reason: string; message?: string }>();
  private failed = false;
  private readonly standInWarned = new Set<string>();
  /** Volume name → host path, once set up; when they were last refreshed. */
  private volumes?: Map<string, string>;
  private volumesAt = 0;
  /** Probes of the current run of each container that has any. */
  private readonly probes = new Map<string, ContainerProbes>();
  /** The sandbox exists (this agent made or found it); its IP when it has its own network. */
  private sandboxReady = false;
  private sandboxIP?: string;
  /** Pulls this pod's images, with their back-off (runtimes that run images). */
  private readonly puller?: ImagePuller;

  constructor(
    private readonly ctx: PodWorkerContext,
    pod: KubeObject,
    private readonly onFinished: (uid: string) => void,
  ) {
    this.pod = pod;
    if (ctx.runtime.images) this.puller = new ImagePuller(ctx.runtime.images, ctx.clock);
  }

  get uid(): string {
    return this.pod.metadata.uid ?? "";
  }

  update(pod: KubeObject): void {
    this.pod = pod;
    this.kick();
  }

  /** The pod was deleted from the API without us (force delete): kill its containers now. */
  forget(): void {
    this.gone = true;
    this.kick();
  }

  kick(): void {
    if (this.done) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    this.sync()
      .catch((e) => this.ctx.log(`pod ${this.key}: ${(e as Error).message}`))
      .finally(() => {
        this.running = false;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  private get key(): string {
    return `${this.pod.metadata.namespace}/${this.pod.metadata.name}`;
  }

  /** The pod's IP: its sandbox's, else (host network, or before the sandbox is known) the node's. */
  private get podIP(): string {
    return this.sandboxIP ?? (this.sandboxReady ? undefined : this.pod.status?.podIP) ?? this.ctx.hostIP;
  }

  private wakeAt(ms: number): void {
    this.timer?.cancel();
    this.timer = this.ctx.clock.after(Math.max(0, ms - this.ctx.clock.now()), () => this.kick());
  }

  private graceMs(): number {
    const secs = this.pod.metadata.deletionGracePeriodSeconds ?? this.pod.spec?.terminationGracePeriodSeconds ?? 30;
    return secs * 1000;
  }

  /** Stops every container of the pod (in parallel), with Killing events for pods the API knows. */
  async stopAll(graceMs: number): Promise<void> {
    const records = await this.ctx.runtime.inspect(this.uid);
    const specs = new Map<string, any>();
    for (const c of [...(this.pod.spec?.initContainers ?? []), ...(this.pod.spec?.containers ?? [])])
      specs.set(c.name, c);
    // App containers (and ordinary init containers) first, sidecars after them, as the kubelet does.
    const started = Date.now();
    for (const sidecars of [false, true]) {
      const stops: Promise<void>[] = [];
      for (const [name, rec] of records) {
        if (rec.finishedAt !== undefined || (specs.get(name)?.restartPolicy === "Always") !== sidecars) continue;
        if (this.pod.metadata.namespace) {
          this.ctx.recorder.event(this.pod, "Normal", "Killing", `Stopping container ${name}`);
        }
        const left = graceMs === 0 ? 0 : Math.max(graceMs - (Date.now() - started), 2000);
        stops.push(this.stopContainer(specs.get(name), name, left));
      }
      await Promise.all(stops);
    }
  }

  /**
   * The kubelet's killContainer: the preStop hook first (its time counts against the grace period), then
   * SIGTERM, then SIGKILL when the rest of the grace period (at least 2 s after a hook) is over.
   */
  private async stopContainer(c: any, name: string, graceMs: number): Promise<void> {
    const hook = c?.lifecycle?.preStop;
    let remaining = graceMs;
    if (hook && graceMs > 0) {
      const started = Date.now();
      const result = await this.runHook(c, hook, graceMs);
      if (!result.ok && this.pod.metadata.namespace) {
        const what = hook.exec ? `Exec lifecycle hook (${JSON.stringify(hook.exec.command ?? [])})` : "PreStop hook";
        this.ctx.recorder.event(
          this.pod,
          "Warning",
          "FailedPreStopHook",
          `${what} for Container "${name}" in Pod "${this.pod.metadata.name}_${this.pod.metadata.namespace}(${this.uid})" failed - error: ${result.output}`,
        );
      }
      remaining = Math.max(graceMs - (Date.now() - started), 2000);
    }
    await this.ctx.runtime.stop(this.uid, name, remaining);
  }

  /** Runs a lifecycle handler (exec, httpGet, tcpSocket, sleep) within `timeoutMs`. */
  private async runHook(c: any, handler: any, timeoutMs: number) {
    if (handler.sleep) {
      await new Promise((r) => setTimeout(r, Math.min((handler.sleep.seconds ?? 0) * 1000, timeoutMs)));
      return { ok: true, output: "" };
    }
    return runProbe({ ...handler, timeoutSeconds: Math.max(1, Math.ceil(timeoutMs / 1000)) }, this.probeTarget(c));
  }

  /** Where `kubectl exec` runs in a container, or undefined when that container is not running. */
  async execTarget(name: string): Promise<ProbeTarget | undefined> {
    const c = [...(this.pod.spec?.initContainers ?? []), ...(this.pod.spec?.containers ?? [])].find(
      (x: any) => x.name === name,
    );
    const record = (await this.ctx.runtime.inspect(this.uid)).get(name);
    if (!c || !record || record.finishedAt !== undefined) return undefined;
    return this.probeTarget(c);
  }

  /** Where probes and hooks of a container run: its pod's IP and ports, and exec through its runtime. */
  private probeTarget(c: any): ProbeTarget {
    return {
      podIP: this.podIP,
      ports: c.ports ?? [],
      exec: (command, opts) => this.ctx.runtime.exec(this.uid, c.name, command, opts ?? {}),
    };
  }

  /** The agent is shutting down: no more syncs; wait for a running one, then stop the containers. */
  async shutdown(maxGraceMs: number): Promise<void> {
    this.done = true;
    this.timer?.cancel();
    this.stopProbes();
    while (this.running) await new Promise((r) => setTimeout(r, 20));
    await this.stopAll(Math.min(this.graceMs(), maxGraceMs));
  }

  private async sync(): Promise<void> {
    if (this.gone) {
      await this.stopAll(0);
      await this.removeAll();
      return;
    }
    if (this.pod.metadata.deletionTimestamp) {
      await this.stopAll(this.graceMs());
      await this.postStatus(await this.views());
      try {
        await this.ctx.client.delete(PODS, this.pod.metadata.namespace ?? "", this.pod.metadata.name ?? "", {
          gracePeriodSeconds: 0,
          preconditions: { uid: this.uid },
        });
      } catch (e) {
        if (!(e instanceof ApiError && (e.code === 404 || e.code === 409))) throw e;
      }
      await this.removeAll();
      return;
    }
    const phase = this.pod.status?.phase;
    if (phase === "Succeeded" || phase === "Failed") {
      await this.stopAll(this.graceMs());
      return;
    }
    await this.advance();
    await this.postStatus(await this.views());
  }

  /** The pod is gone for good: its containers' records, logs and volumes go, and the worker ends. */
  private async removeAll(): Promise<void> {
    await this.ctx.runtime.remove(this.uid);
    await rm(join(this.ctx.volumesDir, this.uid), { recursive: true, force: true });
    this.finish();
  }

  private finish(): void {
    this.done = true;
    this.timer?.cancel();
    this.stopProbes();
    this.onFinished(this.uid);
  }

  /** Starts or restarts what should run now. */
  /**
   * Sets up the pod's volumes before its first container, and refreshes them while it runs. A volume that cannot
   * be set up is a FailedMount Warning; no container starts until it can (retried every 10 s).
   */
  private async ensureVolumes(): Promise<boolean> {
    const now = this.ctx.clock.now();
    if (this.volumes && now - this.volumesAt < VOLUME_REFRESH_MS) return true;
    try {
      this.volumes = await setUpVolumes({
        pod: this.pod,
        podDir: join(this.ctx.volumesDir, this.uid),
        lookup: this.ctx.lookup,
        hostIP: this.ctx.hostIP,
        podIP: this.podIP,
        nodeAllocatable: this.ctx.nodeAllocatable,
      });
      this.volumesAt = now;
      return true;
    } catch (e) {
      if (!(e instanceof VolumeError)) throw e;
      this.ctx.recorder.event(this.pod, "Warning", "FailedMount", e.message);
      this.volumesAt = now;
      this.wakeAt(now + VOLUME_REFRESH_MS);
      // Volumes already in use stay as they were; a pod that never got them waits.
      return this.volumes !== undefined;
    }
  }

  /** The pod's sandbox, before its volumes (downward API podIP) and first container; retried every 10 s. */
  private async ensureSandbox(): Promise<boolean> {
    if (this.sandboxReady) return true;
    try {
      this.sandboxIP = await this.ctx.runtime.sandbox(this.pod);
      this.sandboxReady = true;
      return true;
    } catch (e) {
      this.ctx.recorder.event(
        this.pod,
        "Warning",
        "FailedCreatePodSandBox",
        `Failed to create pod sandbox: ${(e as Error).message}`,
      );
      this.wakeAt(this.ctx.clock.now() + VOLUME_REFRESH_MS);
      return false;
    }
  }

  private async advance(): Promise<void> {
    if (!(await this.ensureSandbox())) return;
    if (!(await this.ensureVolumes())) return;
    const records = await this.ctx.runtime.inspect(this.uid);
    const policy = this.pod.spec?.restartPolicy ?? "Always";
    // Once an app container has run, initialization is over: only sidecars are looked after.
    const initialized = (this.pod.spec?.containers ?? []).some((c: any) => records.has(c.name));
    for (const c of this.pod.spec?.initContainers ?? []) {
      const rec = records.get(c.name);
      if (c.restartPolicy === "Always") {
        // A sidecar: started in order, the next one waits until it has started, restarted whenever it exits.
        if (!rec) {
          await this.start(c, 0);
          return;
        }
        if (rec.finishedAt !== undefined) {
          await this.restart(c, rec);
          if (initialized) continue;
          return;
        }
        if (!(this.probes.get(c.name)?.started ?? true) && !initialized) return;
        continue;
      }
      if (initialized) continue;
      if (!rec) {
        await this.start(c, 0);
        return;
      }
      if (rec.finishedAt === undefined) return;
      if (rec.exitCode === 0) continue;
      if (policy === "Never") {
        this.failed = true;
        return;
      }
      await this.restart(c, rec);
      return;
    }
    for (const c of this.pod.spec?.containers ?? []) {
      const rec = records.get(c.name);
      if (!rec) {
        await this.start(c, 0);
        continue;
      }
      if (rec.finishedAt === undefined) {
        this.waiting.delete(c.name);
        continue;
      }
      if (policy === "Always" || (policy === "OnFailure" && rec.exitCode !== 0)) await this.restart(c, rec);
    }
  }

  /** Restarts a finished container unless it is backing off (kubelet's doBackOff). */
  private async restart(c: any, rec: ContainerRecord): Promise<void> {
    const now = this.ctx.clock.now();
    const finished = rec.finishedAt ?? now;
    const b = this.backoff.get(c.name);
    const expired = !b || finished - b.at > 2 * BACKOFF_MAX_MS;
    if (b && !expired && now - finished < b.delayMs) {
      const message = `back-off ${Math.round(b.delayMs / 1000)}s restarting failed container=${c.name} pod=${this.pod.metadata.name}_${this.pod.metadata.namespace}(${this.uid})`;
      if (this.waiting.get(c.name)?.reason !== "CrashLoopBackOff") {
        this.ctx.recorder.event(
          this.pod,
          "Warning",
          "BackOff",
          `Back-off restarting failed container ${c.name} in pod ${this.pod.metadata.name}_${this.pod.metadata.namespace}(${this.uid})`,
        );
      }
      this.waiting.set(c.name, { reason: "CrashLoopBackOff", message });
      this.wakeAt(finished + b.delayMs);
      return;
    }
    this.backoff.set(c.name, {
      delayMs: expired ? BACKOFF_INITIAL_MS : Math.min(b.delayMs * 2, BACKOFF_MAX_MS),
      at: now,
    });
    await this.start(c, rec.attempt + 1);
  }

  private async start(c: any, attempt: number): Promise<void> {
    const { pod } = this;
    let env: Record<string, string>;
    try {
      env = await this.envFor(c);
    } catch (e) {
      if (!(e instanceof ContainerConfigError)) throw e;
      this.waiting.set(c.name, { reason: "CreateContainerConfigError", message: e.message });
      this.ctx.recorder.event(pod, "Warning", "Failed", `Error: ${e.message}`);
      this.wakeAt(this.ctx.clock.now() + 10_000);
      return;
    }
    const resolved = resolveCommand(c, this.ctx.images);
    if (this.puller) {
      const image = await this.puller.ensure(c, {
        event: (type, reason, message) => this.ctx.recorder.event(pod, type, reason, message),
      });
      if (!image.ok) {
        this.waiting.set(c.name, { reason: image.reason, message: image.message });
        this.wakeAt(image.retryAt);
        return;
      }
    } else {
      if (resolved.standIn && !this.standInWarned.has(c.name)) {
        this.standInWarned.add(c.name);
        this.ctx.recorder.event(pod, "Warning", "ImageNotRun", imageNotRunMessage(c.image));
      }
      this.ctx.recorder.event(pod, "Normal", "Pulled", `Container image "${c.image}" already present on machine`);
    }
    const runsImages = this.ctx.runtime.images !== undefined;
    const mounts = resolved.standIn && !runsImages ? [] : await containerMounts(c, this.volumes ?? new Map());
    // On the host, a volume already at its mountPath (hostPath, same path, writable) needs no mount.
    const needed = runsImages ? mounts : mounts.filter((m) => m.source !== m.target || m.readOnly);
    if (needed.length && !runsImages && !this.ctx.canMount) {
      const message = `mounting volumes at ${needed.map((m) => m.target).join(", ")} needs a mount namespace: run the agent as root (with util-linux unshare)`;
      if (this.waiting.get(c.name)?.reason !== "CreateContainerError") {
        this.ctx.recorder.event(pod, "Warning", "Failed", `Error: ${message}`);
      }
      this.waiting.set(c.name, { reason: "CreateContainerError", message });
      this.wakeAt(this.ctx.clock.now() + VOLUME_REFRESH_MS);
      return;
    }
    await this.ctx.runtime.start({
      podUid: this.uid,
      podNamespace: pod.metadata.namespace ?? "",
      podName: pod.metadata.name ?? "",
      mounts: needed,
      limits: containerLimits(c),
      stdin: !!c.stdin,
      stdinOnce: !!c.stdinOnce,
      tty: !!c.tty,
      pidNamespace: pod.spec?.hostPID ? "host" : pod.spec?.shareProcessNamespace ? "pod" : undefined,
      securityContext: { ...(pod.spec?.securityContext ?? {}), ...(c.securityContext ?? {}) },
      podLogName: `${pod.metadata.namespace}_${pod.metadata.name}_${this.uid}`,
      containerName: c.name,
      attempt,
      image: c.image ?? "",
      command: c.command ? expandCommand(c.command, env) : undefined,
      args: c.args ? expandCommand(c.args, env) : undefined,
      hostCommand: resolved.standIn ? resolved.words : expandCommand(resolved.words, env),
      hostname: pod.spec?.hostname ?? pod.metadata.name ?? "",
      env,
      workingDir: c.workingDir,
    });
    this.waiting.delete(c.name);
    this.ctx.recorder.event(pod, "Normal", "Created", `Created container: ${c.name}`);
    this.ctx.recorder.event(pod, "Normal", "Started", `Started container ${c.name}`);
  }

  private stopProbes(): void {
    for (const p of this.probes.values()) p.stop();
    this.probes.clear();
  }

  private async views(): Promise<Map<string, ContainerView>> {
    const records = await this.ctx.runtime.inspect(this.uid);
    const views = new Map<string, ContainerView>();
    const terminating = !!this.pod.metadata.deletionTimestamp;
    for (const c of [...(this.pod.spec?.initContainers ?? []), ...(this.pod.spec?.containers ?? [])]) {
      const record = records.get(c.name);
      const running = record !== undefined && record.finishedAt === undefined;
      const waiting = running ? undefined : this.waiting.get(c.name);
      const probes = running && !terminating ? await this.probesFor(c, record) : undefined;
      if (!running) this.dropProbes(c.name);
      views.set(c.name, {
        record,
        previous: record?.previous,
        waiting,
        ready: running && (probes?.ready ?? true),
        started: running && (probes?.started ?? true),
      });
    }
    return views;
  }

  private dropProbes(name: string): void {
    this.probes.get(name)?.stop();
    this.probes.delete(name);
  }

  /** The probes of a container's current run, started on first sight of that run. */
  private async probesFor(c: any, record: ContainerRecord): Promise<ContainerProbes | undefined> {
    if (!c.startupProbe && !c.readinessProbe && !c.livenessProbe) return undefined;
    const existing = this.probes.get(c.name);
    if (existing?.containerID === record.containerID) return existing;
    this.dropProbes(c.name);
    const probes = new ContainerProbes(record.containerID, c, record.startedAt, this.probeTarget(c), {
      clock: this.ctx.clock,
      run: runProbe,
      unhealthy: (message) => this.ctx.recorder.event(this.pod, "Warning", "Unhealthy", message),
      changed: () => this.kick(),
      failed: (kind, _output) => {
        this.ctx.recorder.event(
          this.pod,
          "Normal",
          "Killing",
          `Container ${c.name} failed ${kind} probe, will be restarted`,
        );
        const probe = kind === "liveness" ? c.livenessProbe : c.startupProbe;
        const graceMs =
          (probe.terminationGracePeriodSeconds ?? this.pod.spec?.terminationGracePeriodSeconds ?? 30) * 1000;
        this.ctx.runtime
          .stop(this.uid, c.name, graceMs)
          .catch((e) => this.ctx.log(`pod ${this.key}: stop ${c.name}: ${(e as Error).message}`))
          .finally(() => this.kick());
      },
    });
    this.probes.set(c.name, probes);
    return probes;
  }

  private envFor(c: any): Promise<Record<string, string>> {
    return containerEnv({
      pod: this.pod,
      container: c,
      hostIP: this.ctx.hostIP,
      podIP: this.podIP,
      nodeAllocatable: this.ctx.nodeAllocatable,
      lookup: this.ctx.lookup,
    });
  }

  private async postStatus(views: Map<string, ContainerView>): Promise<void> {
    const status = agentPodStatus({
      pod: this.pod,
      views,
      nowMs: this.ctx.clock.now(),
      hostIP: this.ctx.hostIP,
      podIP: this.podIP,
      failed: this.failed,
    });
    if (!podStatusDiffers(this.pod, status)) return;
    const { namespace, name } = this.pod.metadata;
    try {
      const updated = await this.ctx.client.patch(
        PODS,
        namespace ?? "",
        name ?? "",
        "strategic",
        podStatusPatch(this.pod, status),
        { subresource: "status" },
      );
      if (Number(updated.metadata.resourceVersion) >= Number(this.pod.metadata.resourceVersion)) this.pod = updated;
    } catch (e) {
      if (e instanceof ApiError && (e.code === 404 || e.code === 409)) return;
      throw e;
    }
  }
}
