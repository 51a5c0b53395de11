// The Docker runtime: pods as Docker containers through the Engine API (dockerode), the way dockershim and
// cri-dockerd ran them. Each pod has a sandbox (a pause container owning its network and IPC namespaces, on
// loci's bridge network, or on the host's network for `hostNetwork`); each run of a container is a Docker
// container joined to it, named `k8s_<container>_<pod>_<namespace>_<uid>_<attempt>` and labelled with the pod, the
// container, the attempt and the node. The labels are the runtime's whole memory: a restarted agent lists them
// and finds every container again. Output is copied from Docker into the agent's CRI log files.
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { PassThrough, type Readable, Writable } from "node:stream";
import Docker from "dockerode";
import type { KubeObject } from "../../../api/object.ts";
import {
  type AttachStreams,
  type ContainerLaunch,
  type ContainerRecord,
  type ContainerRuntime,
  containerLogPath,
  type ExecOptions,
  type ExecProcess,
  type ImageStore,
} from "../runtime.ts";
import { DockerLogCopier } from "./docker-logs.ts";
import { ensurePauseImage, LOCI_PAUSE_IMAGE } from "./pause-image.ts";

const LABEL_POD_UID = "io.kubernetes.pod.uid";
const LABEL_POD_NAME = "io.kubernetes.pod.name";
const LABEL_POD_NAMESPACE = "io.kubernetes.pod.namespace";
const LABEL_CONTAINER_NAME = "io.kubernetes.container.name";
const LABEL_TYPE = "io.kubernetes.docker.type";
const LABEL_ATTEMPT = "loci.attempt";
const LABEL_NODE = "loci.node";
/** `<namespace>_<pod>_<uid>`: where the container's log files are. */
const LABEL_LOG_NAME = "loci.log-name";

const SANDBOX = "podsandbox";
const CONTAINER = "container";
const NEVER = "0001-01-01T00:00:00Z";
/** How long one listing of the node's containers is reused. */
const LIST_TTL_MS = 250;

export interface DockerRuntimeOptions {
  /** Unix socket of the Docker Engine. */
  socketPath: string;
  nodeName: string;
  dataDir: string;
  logMaxBytes: number;
  logMaxFiles: number;
  /** Subnet of loci's bridge network, shared by every agent on this Docker Engine. */
  podCIDR: string;
  /** Image of pod sandboxes; loci's own pause image when unset. */
  podInfraImage?: string;
}

/** Docker answers `_ping` on this socket within `timeoutMs`. */
export async function dockerAnswers(socketPath: string, timeoutMs = 1000): Promise<boolean> {
  const docker = new Docker({ socketPath, timeout: timeoutMs });
  try {
    await docker.ping();
    return true;
  } catch {
    return false;
  }
}

/** The Engine's error text (its JSON `message`) rather than dockerode's wrapping. */
function engineError(e: unknown): Error {
  const err = e as { json?: { message?: string }; message?: string; statusCode?: number };
  const message = err.json?.message ?? err.message ?? String(e);
  return Object.assign(new Error(message), { statusCode: err.statusCode });
}

const statusOf = (e: unknown) => (e as { statusCode?: number }).statusCode;

/** Docker's container names allow [a-zA-Z0-9_.-]. */
const nameSafe = (s: string) => s.replace(/[^a-zA-Z0-9_.-]/g, "-");

/** The connection Docker hands over for exec and attach: output to read, stdin to write. */
type HijackedStream = Readable & NodeJS.WritableStream & { destroy(): void };

interface Cached {
  state: string;
  record: ContainerRecord;
}

export class DockerRuntime implements ContainerRuntime {
  readonly images: ImageStore;
  private readonly logs: DockerLogCopier;
  private readonly podsDir: string;
  /** Records of containers by ID, reused while Docker reports the same state. */
  private readonly cache = new Map<string, Cached>();
  private listing?: {
    at: number;
    items: Promise<{ all: Docker.ContainerInfo[]; byPod: Map<string, Docker.ContainerInfo[]> }>;
  };

  private constructor(
    private readonly docker: Docker,
    private readonly opts: DockerRuntimeOptions,
    readonly version: string,
    private readonly networkName: string,
    private readonly pauseImage: string,
  ) {
    this.podsDir = join(opts.dataDir, "pods");
    this.logs = new DockerLogCopier(docker, opts.logMaxBytes, opts.logMaxFiles);
    this.images = {
      present: async (image) => {
        try {
          const info = await docker.getImage(image).inspect();
          return { id: info.Id, size: info.Size };
        } catch (e) {
          if (statusOf(e) === 404) return undefined;
          throw engineError(e);
        }
      },
      pull: async (image) => {
        try {
          const stream = await docker.pull(image);
          await new Promise<void>((resolve, reject) =>
            docker.modem.followProgress(stream, (err: Error | null) => (err ? reject(err) : resolve())),
          );
        } catch (e) {
          throw new Error(`Error response from daemon: ${engineError(e).message}`);
        }
      },
    };
  }

  /** Connects to the Engine, and makes loci's bridge network and the sandbox image exist. */
  static async connect(opts: DockerRuntimeOptions): Promise<DockerRuntime> {
    const docker = new Docker({ socketPath: opts.socketPath });
    const version = (await docker.version()).Version;
    const network = await ensureNetwork(docker, opts.podCIDR);
    let pause = opts.podInfraImage;
    if (!pause) pause = await ensurePauseImage(docker);
    return new DockerRuntime(docker, opts, `docker://${version}`, network, pause);
  }

  /** Docker enforces cpu and memory limits itself. */
  readonly limitsNotEnforced = undefined;

  logPath(podLogName: string, containerName: string, attempt: number): string {
    return containerLogPath(this.podsDir, podLogName, containerName, attempt);
  }

  /**
   * Containers (sandboxes too) of this node, optionally of one pod. One listing of the node, indexed by pod, serves
   * every pod for LIST_TTL_MS (the agent looks at each pod every second), and is dropped whenever this runtime
   * changes a container.
   */
  private async list(podUid?: string): Promise<Docker.ContainerInfo[]> {
    const now = Date.now();
    if (!this.listing || now - this.listing.at > LIST_TTL_MS) {
      const items = this.docker
        .listContainers({ all: true, filters: { label: [`${LABEL_NODE}=${this.opts.nodeName}`] } })
        .then((all) => {
          const byPod = new Map<string, Docker.ContainerInfo[]>();
          for (const c of all) {
            const uid = c.Labels[LABEL_POD_UID];
            const list = byPod.get(uid);
            if (list) list.push(c);
            else byPod.set(uid, [c]);
          }
          return { all, byPod };
        });
      this.listing = { at: now, items };
      items.catch(() => {
        if (this.listing?.items === items) this.listing = undefined;
      });
    }
    const { all, byPod } = await this.listing.items;
    return podUid === undefined ? all : (byPod.get(podUid) ?? []);
  }

  /** This runtime changed containers: the next look lists them again. */
  private changed(): void {
    this.listing = undefined;
  }

  async sandbox(pod: KubeObject): Promise<string | undefined> {
    const uid = pod.metadata.uid ?? "";
    const hostNetwork = !!pod.spec?.hostNetwork;
    const existing = (await this.list(uid)).find((c) => c.Labels[LABEL_TYPE] === SANDBOX);
    if (existing?.State === "running") return hostNetwork ? undefined : this.sandboxIP(existing.Id);
    // A sandbox that stopped (the Engine restarted) is made anew, as the kubelet does.
    if (existing) await this.removeContainer(existing.Id);
    const { name = "", namespace = "" } = pod.metadata;
    try {
      const created = await this.docker.createContainer({
        name: nameSafe(`k8s_POD_${name}_${namespace}_${uid}_0`),
        Image: this.pauseImage,
        Entrypoint: this.pauseImage === LOCI_PAUSE_IMAGE ? ["/pause"] : undefined,
        Hostname: hostNetwork ? undefined : (pod.spec?.hostname ?? name).slice(0, 63),
        Labels: this.labels(pod.metadata, SANDBOX, "POD", 0),
        HostConfig: {
          NetworkMode: hostNetwork ? "host" : this.networkName,
          IpcMode: pod.spec?.hostIPC ? "host" : "shareable",
          PidMode: pod.spec?.hostPID ? "host" : undefined,
        },
      });
      await created.start();
      this.changed();
      return hostNetwork ? undefined : this.sandboxIP(created.id);
    } catch (e) {
      throw engineError(e);
    }
  }

  private async sandboxIP(id: string): Promise<string> {
    const info = await this.docker.getContainer(id).inspect();
    const ip = info.NetworkSettings.Networks[this.networkName]?.IPAddress;
    if (!ip) throw new Error(`sandbox ${id.slice(0, 12)} has no address on network ${this.networkName}`);
    return ip;
  }

  private labels(
    meta: { uid?: string; name?: string; namespace?: string },
    type: string,
    container: string,
    attempt: number,
  ): Record<string, string> {
    return {
      [LABEL_POD_UID]: meta.uid ?? "",
      [LABEL_POD_NAME]: meta.name ?? "",
      [LABEL_POD_NAMESPACE]: meta.namespace ?? "",
      [LABEL_CONTAINER_NAME]: container,
      [LABEL_TYPE]: type,
      [LABEL_ATTEMPT]: String(attempt),
      [LABEL_NODE]: this.opts.nodeName,
      [LABEL_LOG_NAME]: `${meta.namespace}_${meta.name}_${meta.uid}`,
    };
  }

  async start(launch: ContainerLaunch): Promise<ContainerRecord> {
    const all = await this.list(launch.podUid);
    const sandbox = all.find((c) => c.Labels[LABEL_TYPE] === SANDBOX);
    if (!sandbox) throw new Error(`pod ${launch.podNamespace}/${launch.podName} has no sandbox`);
    // Only the latest run and the one before it matter (status and `logs --previous`), as in the kubelet.
    for (const c of all) {
      if (c.Labels[LABEL_CONTAINER_NAME] !== launch.containerName || c.Labels[LABEL_TYPE] !== CONTAINER) continue;
      const attempt = Number(c.Labels[LABEL_ATTEMPT]);
      if (attempt <= launch.attempt - 2 || attempt === launch.attempt) await this.removeContainer(c.Id);
      if (attempt <= launch.attempt - 2) {
        await rm(this.logPath(launch.podLogName, launch.containerName, attempt), { force: true });
      }
    }
    const sc = launch.securityContext ?? {};
    const limits = launch.limits ?? {};
    const joined = `container:${sandbox.Id}`;
    const user =
      sc.runAsUser !== undefined
        ? `${sc.runAsUser}${sc.runAsGroup !== undefined ? `:${sc.runAsGroup}` : ""}`
        : undefined;
    const command = launch.command?.length ? launch.command : undefined;
    let id: string;
    try {
      const created = await this.docker.createContainer({
        name: nameSafe(
          `k8s_${launch.containerName}_${launch.podName}_${launch.podNamespace}_${launch.podUid}_${launch.attempt}`,
        ),
        Image: launch.image,
        Entrypoint: command,
        // With a command of its own the image's cmd does not apply, as in Kubernetes.
        Cmd: command ? (launch.args ?? []) : launch.args,
        Env: Object.entries(launch.env).map(([k, v]) => `${k}=${v}`),
        WorkingDir: launch.workingDir || undefined,
        Tty: !!launch.tty,
        OpenStdin: !!launch.stdin,
        StdinOnce: !!launch.stdinOnce,
        User: user,
        Labels: this.labels(
          { uid: launch.podUid, name: launch.podName, namespace: launch.podNamespace },
          CONTAINER,
          launch.containerName,
          launch.attempt,
        ),
        HostConfig: {
          NetworkMode: joined,
          IpcMode: joined,
          PidMode: launch.pidNamespace === "host" ? "host" : launch.pidNamespace === "pod" ? joined : undefined,
          Binds: (launch.mounts ?? []).map((m) => `${m.source}:${m.target}${m.readOnly ? ":ro" : ""}`),
          Memory: limits.memory,
          NanoCpus: limits.milliCpu !== undefined ? limits.milliCpu * 1_000_000 : undefined,
          Privileged: !!sc.privileged,
          CapAdd: sc.capabilities?.add,
          CapDrop: sc.capabilities?.drop,
          ReadonlyRootfs: !!sc.readOnlyRootFilesystem,
        },
      });
      id = created.id;
    } catch (e) {
      throw engineError(e);
    }
    try {
      await this.docker.getContainer(id).start();
    } catch {
      // Docker keeps the container with the error in its state: the record says StartError.
    }
    this.changed();
    return this.record(id);
  }

  /** A container's record from `docker inspect` (cached while its state is unchanged). */
  private async record(id: string, state?: string): Promise<ContainerRecord> {
    const hit = this.cache.get(id);
    if (hit && state !== undefined && hit.state === state) return hit.record;
    const info = await this.docker.getContainer(id).inspect();
    const s = info.State;
    const rec: ContainerRecord = {
      containerName: info.Config.Labels[LABEL_CONTAINER_NAME] ?? "",
      attempt: Number(info.Config.Labels[LABEL_ATTEMPT] ?? 0),
      containerID: `docker://${info.Id}`,
      imageID: `docker://${info.Image}`,
      pid: s.Pid || undefined,
      startedAt: s.StartedAt && s.StartedAt !== NEVER ? Date.parse(s.StartedAt) : Date.parse(info.Created),
    };
    if (s.Status === "created") {
      rec.finishedAt = Date.parse(info.Created);
      rec.exitCode = 128;
      rec.reason = "StartError";
      rec.message = s.Error || "the container was created but never started";
    } else if (!s.Running && !s.Paused && !s.Restarting) {
      rec.finishedAt = s.FinishedAt && s.FinishedAt !== NEVER ? Date.parse(s.FinishedAt) : Date.now();
      rec.exitCode = s.ExitCode;
      if (s.OOMKilled) rec.reason = "OOMKilled";
      else if (s.Error) {
        rec.reason = "StartError";
        rec.exitCode = 128;
        rec.message = s.Error;
      }
    }
    // Output is copied from the first sight of a container (after an agent restart too); an ended run's last
    // lines reach its file before anyone reads them as the previous run's.
    const logName = info.Config.Labels[LABEL_LOG_NAME];
    if (logName) {
      const copied = this.logs.copy(id, this.logPath(logName, rec.containerName, rec.attempt), !!info.Config.Tty);
      if (rec.finishedAt !== undefined) await Promise.race([copied, new Promise((r) => setTimeout(r, 2000))]);
    }
    this.cache.set(id, { state: info.State.Status, record: rec });
    return rec;
  }

  async inspect(podUid: string): Promise<Map<string, ContainerRecord>> {
    const byName = new Map<string, Docker.ContainerInfo[]>();
    for (const c of await this.list(podUid)) {
      if (c.Labels[LABEL_TYPE] !== CONTAINER) continue;
      const name = c.Labels[LABEL_CONTAINER_NAME];
      const runs = byName.get(name);
      if (runs) runs.push(c);
      else byName.set(name, [c]);
    }
    const out = new Map<string, ContainerRecord>();
    for (const [name, runs] of byName) {
      runs.sort((a, b) => Number(b.Labels[LABEL_ATTEMPT]) - Number(a.Labels[LABEL_ATTEMPT]));
      const latest = { ...(await this.record(runs[0].Id, runs[0].State)) };
      if (runs[1]) latest.previous = await this.record(runs[1].Id, runs[1].State);
      out.set(name, latest);
    }
    return out;
  }

  async pods(): Promise<string[]> {
    return [...new Set((await this.list()).map((c) => c.Labels[LABEL_POD_UID]))];
  }

  private async latest(podUid: string, containerName: string): Promise<Docker.ContainerInfo | undefined> {
    let best: Docker.ContainerInfo | undefined;
    for (const c of await this.list(podUid)) {
      if (c.Labels[LABEL_TYPE] !== CONTAINER || c.Labels[LABEL_CONTAINER_NAME] !== containerName) continue;
      if (!best || Number(c.Labels[LABEL_ATTEMPT]) > Number(best.Labels[LABEL_ATTEMPT])) best = c;
    }
    return best;
  }

  /** `docker stop`: the image's stop signal (SIGTERM), then SIGKILL after the grace period. */
  async stop(podUid: string, containerName: string, graceMs: number): Promise<void> {
    const c = await this.latest(podUid, containerName);
    if (c?.State !== "running") return;
    try {
      await this.docker.getContainer(c.Id).stop({ t: Math.ceil(graceMs / 1000) });
    } catch (e) {
      if (statusOf(e) !== 304 && statusOf(e) !== 404) throw engineError(e);
    } finally {
      this.changed();
    }
  }

  private async removeContainer(id: string): Promise<void> {
    try {
      await this.docker.getContainer(id).remove({ force: true });
    } catch (e) {
      if (statusOf(e) !== 404) throw engineError(e);
    }
    this.changed();
    this.cache.delete(id);
    this.logs.forget(id);
  }

  async remove(podUid: string): Promise<void> {
    const all = await this.list(podUid);
    // Containers first, the sandbox whose namespaces they use last.
    for (const c of all.filter((x) => x.Labels[LABEL_TYPE] !== SANDBOX)) await this.removeContainer(c.Id);
    for (const c of all.filter((x) => x.Labels[LABEL_TYPE] === SANDBOX)) await this.removeContainer(c.Id);
    const logName = all.find((c) => c.Labels[LABEL_LOG_NAME])?.Labels[LABEL_LOG_NAME];
    if (logName) await rm(join(this.podsDir, logName), { recursive: true, force: true });
  }

  async exec(
    podUid: string,
    containerName: string,
    command: string[],
    opts: ExecOptions,
  ): Promise<ExecProcess | undefined> {
    const c = await this.latest(podUid, containerName);
    if (c?.State !== "running") return undefined;
    const exec = await this.docker
      .getContainer(c.Id)
      .exec({
        Cmd: command,
        AttachStdin: !!opts.stdin,
        AttachStdout: true,
        AttachStderr: true,
        Tty: !!opts.tty,
      })
      .catch((e) => {
        throw engineError(e);
      });
    const stream = (await exec.start({
      hijack: true,
      stdin: !!opts.stdin,
      Tty: !!opts.tty,
    })) as unknown as HijackedStream;
    const { stdout, stderr, ended } = splitOutput(this.docker, stream, !!opts.tty);
    const exited = ended.then(async () => {
      // The exit code is set once Docker has seen the process end, which can trail the stream's end.
      try {
        for (let i = 0; i < 50; i++) {
          const info = await exec.inspect();
          if (!info.Running && info.ExitCode !== null) return info.ExitCode;
          await new Promise((r) => setTimeout(r, 20));
        }
        return 137;
      } catch (e) {
        throw engineError(e);
      }
    });
    const stdin = opts.stdin ? streamWriter(stream) : new Writable({ write: (_c, _e, done) => done() });
    const resize = opts.tty
      ? (cols: number, rows: number) => void exec.resize({ h: rows, w: cols }).catch(() => {})
      : undefined;
    return { stdin, stdout, stderr, exited, kill: () => stream.destroy(), resize };
  }

  /** Docker's attach: the container's own output stream (a terminal's prompt too) and its stdin. */
  async attach(podUid: string, containerName: string, opts: { stdin: boolean }): Promise<AttachStreams | undefined> {
    const c = await this.latest(podUid, containerName);
    if (c?.State !== "running") return undefined;
    const container = this.docker.getContainer(c.Id);
    const tty = (await container.inspect()).Config.Tty;
    const stream = (await container
      .attach({ stream: true, stdout: true, stderr: true, stdin: opts.stdin, hijack: true })
      .catch((e) => {
        throw engineError(e);
      })) as unknown as HijackedStream;
    const { stdout, stderr } = splitOutput(this.docker, stream, tty);
    return {
      stdout,
      stderr,
      stdin: opts.stdin ? streamWriter(stream) : undefined,
      close: () => stream.destroy(),
      resize: tty ? (cols, rows) => void container.resize({ h: rows, w: cols }).catch(() => {}) : undefined,
    };
  }
}

/**
 * A hijacked stream's output as stdout and stderr: raw with a terminal, otherwise Docker's multiplexed frames.
 * Both end, and `ended` resolves, when the stream does.
 */
function splitOutput(docker: Docker, stream: HijackedStream, tty: boolean) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  if (tty) stream.pipe(stdout);
  else docker.modem.demuxStream(stream, stdout, stderr);
  const ended = new Promise<void>((resolve) => {
    const end = () => {
      stdout.end();
      stderr.end();
      resolve();
    };
    stream.once("end", end);
    stream.once("close", end);
    stream.on("error", () => {});
  });
  return { stdout, stderr, ended };
}

/** A Writable onto a hijacked Docker stream; ending it half-closes the stream (the process sees end of input). */
function streamWriter(stream: HijackedStream): Writable {
  return new Writable({
    write: (chunk, _enc, done) => {
      stream.write(chunk);
      done();
    },
    final: (done) => {
      stream.end();
      done();
    },
  });
}

/** loci's bridge network on `podCIDR`, created on first use; one with another subnet is an error. */
async function ensureNetwork(docker: Docker, podCIDR: string): Promise<string> {
  const name = "loci";
  const found = (await docker.listNetworks({ filters: { name: [name] } })).find((n) => n.Name === name);
  if (found) {
    const subnets = (found.IPAM?.Config ?? []).map((c) => c.Subnet);
    if (!subnets.includes(podCIDR)) {
      throw new Error(`docker network ${name} has subnet ${subnets.join(",") || "none"}, not --pod-cidr ${podCIDR}`);
    }
    return name;
  }
  try {
    await docker.createNetwork({
      Name: name,
      Driver: "bridge",
      IPAM: { Driver: "default", Config: [{ Subnet: podCIDR }] },
      Options: { "com.docker.network.bridge.name": "loci0" },
    });
  } catch (e) {
    // Another agent on this Engine made it first.
    if (statusOf(e) !== 409) throw engineError(e);
  }
  return name;
}
