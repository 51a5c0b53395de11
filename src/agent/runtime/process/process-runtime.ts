// The process runtime: each container is a host process group under its own supervisor (supervisor.mjs),
// detached from the agent. Layout under the agent's data directory:
//   containers/<podUID>/<container>/<attempt>/{spec.json,state.json}   what to run and what happened
//   pods/<namespace>_<pod>_<podUID>/<container>/<attempt>.log           CRI-format logs
// The files are the runtime's whole memory, so a restarted agent finds its containers again.
import { spawn } from "node:child_process";
import { createWriteStream, existsSync, readdirSync, readFileSync } from "node:fs";
import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { Writable } from "node:stream";
import { fileURLToPath } from "node:url";
import { LOCI_VERSION } from "../../../apiserver/server.ts";
import {
  type AttachStreams,
  type ContainerLaunch,
  type ContainerRecord,
  type ContainerRuntime,
  containerLogPath,
  type ExecOptions,
  type ExecProcess,
} from "../runtime.ts";
import { type CgroupMode, createGroups, oomKilled, removeGroups } from "./cgroups.ts";
import { hostExec, shellQuote } from "./host-exec.ts";
import { followLog } from "./log-attach.ts";

const SUPERVISOR = join(dirname(fileURLToPath(import.meta.url)), "supervisor.mjs");

/** What spec.json holds (supervisor.mjs reads it). */
interface SupervisorSpec {
  podUid: string;
  containerName: string;
  command: string[];
  workingDir?: string;
  env: Record<string, string>;
  /** The container runs in its own mount namespace (volumes bind-mounted): exec enters it. */
  mountNamespace: boolean;
  logPath: string;
  logMaxBytes: number;
  logMaxFiles: number;
  stdin: boolean;
  /** Run on a pseudo-terminal (node-pty). */
  tty: boolean;
}

interface SupervisorState {
  supervisorPid: number;
  pid?: number;
  startedAt: number;
  finishedAt?: number;
  exitCode?: number;
  reason?: string;
  message?: string;
}

export interface ProcessRuntimeOptions {
  dataDir: string;
  logMaxBytes: number;
  logMaxFiles: number;
  /** How limits are enforced (detectCgroups()); unset: not at all. */
  cgroups?: CgroupMode;
}

const cgroupId = (podUid: string, container: string, attempt: number) => `${podUid}_${container}_${attempt}`;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function alive(pid: number | undefined): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The supervisor is still the process behind its pid (not a recycled pid). */
function supervisorAlive(pid: number): boolean {
  if (!alive(pid)) return false;
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "latin1").includes("supervisor.mjs");
  } catch {
    return process.platform !== "linux";
  }
}

function signalGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (!pid) return;
  try {
    process.kill(-pid, signal);
  } catch {}
}

export class ProcessRuntime implements ContainerRuntime {
  readonly version = `process://${LOCI_VERSION}`;
  private readonly containersDir: string;
  private readonly podsDir: string;

  readonly cgroups: CgroupMode;

  constructor(private readonly opts: ProcessRuntimeOptions) {
    this.cgroups = opts.cgroups ?? { version: 0, why: "not configured" };
    this.containersDir = join(opts.dataDir, "containers");
    this.podsDir = join(opts.dataDir, "pods");
  }

  logPath(podLogName: string, containerName: string, attempt: number): string {
    return containerLogPath(this.podsDir, podLogName, containerName, attempt);
  }

  /** Processes share the node's network: pods have the node's IP. */
  async sandbox(): Promise<undefined> {
    return undefined;
  }

  /** The latest run of a container while it runs: its folder, state and spec. */
  private async runningRun(
    podUid: string,
    containerName: string,
  ): Promise<{ attempt: number; dir: string; state: SupervisorState; spec: SupervisorSpec } | undefined> {
    const attempt = await this.latestAttempt(podUid, containerName);
    if (attempt === undefined) return undefined;
    const dir = this.runDir(podUid, containerName, attempt);
    const state = await this.readState(dir);
    if (!state?.pid || state.finishedAt !== undefined || !supervisorAlive(state.supervisorPid)) return undefined;
    try {
      return { attempt, dir, state, spec: JSON.parse(await readFile(join(dir, "spec.json"), "utf8")) };
    } catch {
      return undefined;
    }
  }

  async attach(podUid: string, containerName: string, opts: { stdin: boolean }): Promise<AttachStreams | undefined> {
    const run = await this.runningRun(podUid, containerName);
    if (!run) return undefined;
    const output = await followLog(run.spec.logPath, async () => {
      const now = await this.readState(run.dir);
      const latest = await this.latestAttempt(podUid, containerName);
      return !now || latest !== run.attempt || now.finishedAt !== undefined || !supervisorAlive(now.supervisorPid);
    });
    const fifo = join(run.dir, "stdin");
    let stdin: Writable | undefined;
    if (opts.stdin && existsSync(fifo)) {
      stdin = createWriteStream(fifo, { flags: "a" });
      stdin.on("error", () => {});
    }
    return { ...output, stdin };
  }

  /** Runs a command with the container's environment and working directory, inside its mount namespace. */
  async exec(
    podUid: string,
    containerName: string,
    command: string[],
    opts: ExecOptions,
  ): Promise<ExecProcess | undefined> {
    const run = await this.runningRun(podUid, containerName);
    if (!run) return undefined;
    const { spec, state } = run;
    const argv = spec.mountNamespace ? ["nsenter", "-t", String(state.pid), "-m", "--", ...command] : command;
    return hostExec(argv, { env: spec.env, cwd: spec.workingDir, tty: opts.tty, stdin: opts.stdin });
  }

  private runDir(podUid: string, containerName: string, attempt: number): string {
    return join(this.containersDir, podUid, containerName, String(attempt));
  }

  async start(launch: ContainerLaunch): Promise<ContainerRecord> {
    const dir = this.runDir(launch.podUid, launch.containerName, launch.attempt);
    const logPath = this.logPath(launch.podLogName, launch.containerName, launch.attempt);
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    await mkdir(dirname(logPath), { recursive: true });
    const limits = launch.limits ?? {};
    const cgroupDirs =
      limits.memory !== undefined || limits.milliCpu !== undefined
        ? createGroups(this.cgroups, cgroupId(launch.podUid, launch.containerName, launch.attempt), limits)
        : [];
    const spec: SupervisorSpec = {
      podUid: launch.podUid,
      containerName: launch.containerName,
      command: wrapCommand({ mounts: launch.mounts, cgroupDirs }, launch.hostCommand),
      workingDir: launch.workingDir,
      env: {
        PATH: process.env.PATH ?? "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        HOSTNAME: launch.hostname,
        HOME: process.env.HOME ?? "/",
        ...launch.env,
        LOCI_POD_UID: launch.podUid,
        LOCI_CONTAINER_NAME: launch.containerName,
      },
      mountNamespace: (launch.mounts?.length ?? 0) > 0,
      logPath,
      logMaxBytes: this.opts.logMaxBytes,
      logMaxFiles: this.opts.logMaxFiles,
      stdin: !!launch.stdin,
      tty: !!launch.tty,
    };
    await writeFile(join(dir, "spec.json"), JSON.stringify(spec));
    // Only the latest run and the one before it matter (status and `logs --previous`), as in the kubelet.
    if (launch.attempt >= 2) {
      const old = launch.attempt - 2;
      await rm(this.runDir(launch.podUid, launch.containerName, old), { recursive: true, force: true });
      await rm(this.logPath(launch.podLogName, launch.containerName, old), { force: true });
    }
    const child = spawn(process.execPath, [SUPERVISOR, dir], {
      detached: true,
      stdio: "ignore",
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin" },
    });
    child.unref();
    for (let waited = 0; waited < 10_000; waited += 20) {
      const state = await this.readState(dir);
      if (state) return this.record(launch.podUid, launch.containerName, launch.attempt, state);
      await sleep(20);
    }
    throw new Error(`container ${launch.containerName}: the supervisor did not report within 10 s`);
  }

  private async readState(dir: string): Promise<SupervisorState | undefined> {
    try {
      return JSON.parse(await readFile(join(dir, "state.json"), "utf8")) as SupervisorState;
    } catch {
      return undefined;
    }
  }

  get limitsNotEnforced(): string | undefined {
    return this.cgroups.version === 0 ? this.cgroups.why : undefined;
  }

  private record(podUid: string, containerName: string, attempt: number, state: SupervisorState): ContainerRecord {
    const rec: ContainerRecord = {
      containerName,
      attempt,
      containerID: `process://${podUid}/${containerName}/${attempt}`,
      pid: state.pid,
      startedAt: state.startedAt,
    };
    if (state.finishedAt !== undefined) {
      rec.finishedAt = state.finishedAt;
      rec.exitCode = state.exitCode;
      if (state.exitCode === 137 && oomKilled(this.cgroups, cgroupId(podUid, containerName, attempt))) {
        rec.reason = "OOMKilled";
      }
      if (state.reason) rec.reason = state.reason;
      if (state.message) rec.message = state.message;
    } else if (!supervisorAlive(state.supervisorPid)) {
      // The supervisor is gone without recording an end (machine reboot, someone killed it): upstream's answer
      // for a container the runtime lost.
      rec.finishedAt = Date.now();
      rec.exitCode = 137;
      rec.reason = "ContainerStatusUnknown";
      rec.message = "The container could not be located when the pod was terminated";
    }
    return rec;
  }

  private async latestAttempt(podUid: string, containerName: string): Promise<number | undefined> {
    let entries: string[];
    try {
      entries = await readdir(join(this.containersDir, podUid, containerName));
    } catch {
      return undefined;
    }
    const attempts = entries.filter((e) => /^\d+$/.test(e)).map(Number);
    return attempts.length ? Math.max(...attempts) : undefined;
  }

  async inspect(podUid: string): Promise<Map<string, ContainerRecord>> {
    const out = new Map<string, ContainerRecord>();
    let names: string[];
    try {
      names = await readdir(join(this.containersDir, podUid));
    } catch {
      return out;
    }
    for (const name of names) {
      const attempt = await this.latestAttempt(podUid, name);
      if (attempt === undefined) continue;
      const state = await this.readState(this.runDir(podUid, name, attempt));
      if (!state) continue;
      const rec = this.record(podUid, name, attempt, state);
      const before = attempt > 0 ? await this.readState(this.runDir(podUid, name, attempt - 1)) : undefined;
      if (before) rec.previous = this.record(podUid, name, attempt - 1, before);
      out.set(name, rec);
    }
    return out;
  }

  async pods(): Promise<string[]> {
    try {
      return await readdir(this.containersDir);
    } catch {
      return [];
    }
  }

  async stop(podUid: string, containerName: string, graceMs: number): Promise<void> {
    const attempt = await this.latestAttempt(podUid, containerName);
    if (attempt === undefined) return;
    const dir = this.runDir(podUid, containerName, attempt);
    const ended = async () => {
      const s = await this.readState(dir);
      return !s || s.finishedAt !== undefined || !supervisorAlive(s.supervisorPid);
    };
    const state = await this.readState(dir);
    if (!state || (await ended())) {
      killMarked(podUid, containerName);
      return;
    }
    signalGroup(state.pid, "SIGTERM");
    const deadline = Date.now() + graceMs;
    while (Date.now() < deadline) {
      if (await ended()) return;
      await sleep(100);
    }
    signalGroup(state.pid, "SIGKILL");
    killMarked(podUid, containerName);
    for (let waited = 0; waited < 5000 && !(await ended()); waited += 50) await sleep(50);
  }

  async remove(podUid: string): Promise<void> {
    for (const name of await readdir(join(this.containersDir, podUid)).catch(() => [] as string[])) {
      for (const attempt of await readdir(join(this.containersDir, podUid, name)).catch(() => [] as string[])) {
        removeGroups(this.cgroups, cgroupId(podUid, name, Number(attempt)));
      }
    }
    await rm(join(this.containersDir, podUid), { recursive: true, force: true });
    let logDirs: string[] = [];
    try {
      logDirs = await readdir(this.podsDir);
    } catch {}
    for (const d of logDirs) {
      if (d.endsWith(`_${podUid}`)) await rm(join(this.podsDir, d), { recursive: true, force: true });
    }
  }
}

/**
 * The container's command, wrapped when it needs setting up first: joining its cgroups (`echo $$ > …/cgroup.procs`,
 * so everything it starts is inside) and, for volumes, a private mount namespace (util-linux `unshare`, needs root)
 * with each volume bind-mounted at its mountPath, parents first; mount points missing on the host are created
 * (empty), as for hostPath. `unshare` and the shell exec into the command, so it keeps the container's pid.
 */
export function wrapCommand(
  setup: { mounts?: { source: string; target: string; readOnly: boolean }[]; cgroupDirs?: string[] },
  command: string[],
): string[] {
  const mounts = setup.mounts ?? [];
  const lines: string[] = [];
  for (const d of setup.cgroupDirs ?? []) lines.push(`echo $$ > ${shellQuote(join(d, "cgroup.procs"))}`);
  for (const m of [...mounts].sort((a, b) => a.target.length - b.target.length)) {
    const src = shellQuote(m.source);
    const dst = shellQuote(m.target);
    lines.push(
      `if [ -d ${src} ]; then mkdir -p ${dst}; else mkdir -p "$(dirname ${dst})"; [ -e ${dst} ] || : > ${dst}; fi`,
    );
    lines.push(`mount --bind ${src} ${dst}`);
    if (m.readOnly) lines.push(`mount -o remount,bind,ro ${dst}`);
  }
  if (lines.length === 0) return command;
  lines.push('exec "$@"');
  const shell = ["/bin/sh", "-ec", lines.join("\n"), "sh", ...command];
  return mounts.length ? ["unshare", "--mount", "--propagation", "private", "--", ...shell] : shell;
}

/** Kills processes carrying a container's markers (what a dead supervisor can no longer clean up). */
export function killMarked(podUid: string, containerName?: string): number {
  if (!existsSync("/proc")) return 0;
  let killed = 0;
  for (const pid of markedPids(podUid, containerName)) {
    try {
      process.kill(pid, "SIGKILL");
      killed++;
    } catch {}
  }
  return killed;
}

/**
 * Pids whose environment carries `LOCI_POD_UID=<uid>` (and the container's name, when given). supervisor.mjs has
 * its own copy of this scan: it runs without the TypeScript loader and imports nothing of the agent's.
 */
export function markedPids(podUid: string, containerName?: string): number[] {
  const want = [`LOCI_POD_UID=${podUid}`];
  if (containerName) want.push(`LOCI_CONTAINER_NAME=${containerName}`);
  const pids: number[] = [];
  let entries: string[];
  try {
    entries = readdirSync("/proc");
  } catch {
    return pids;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    let env: string[];
    try {
      env = readFileSync(`/proc/${entry}/environ`, "latin1").split("\0");
    } catch {
      continue;
    }
    if (want.every((w) => env.includes(w))) pids.push(Number(entry));
  }
  return pids;
}
