// What the agent needs from a container runtime. The pod state machine (pod-worker.ts) drives containers
// through this interface only, so the process and Docker runtimes share every lifecycle rule.
import { join } from "node:path";
import type { Readable, Writable } from "node:stream";
import type { KubeObject } from "../../api/object.ts";

/** Where a container run's CRI log is, under a runtime's `pods/` folder: `<ns>_<pod>_<uid>/<container>/<attempt>.log`. */
export function containerLogPath(podsDir: string, podLogName: string, containerName: string, attempt: number): string {
  return join(podsDir, podLogName, containerName, `${attempt}.log`);
}

/** cpu (millicores) and memory (bytes) limits of a container. */
export interface ContainerLimits {
  memory?: number;
  milliCpu?: number;
}

/** Everything needed to start one run of a container (already resolved: env and `$(VAR)` expanded). */
export interface ContainerLaunch {
  podUid: string;
  podNamespace: string;
  podName: string;
  /** `<namespace>_<pod>_<uid>`: the pod's log folder name. */
  podLogName: string;
  containerName: string;
  /** Which run of the container this is (its restartCount when started); names its log file. */
  attempt: number;
  /** The image as the pod names it. */
  image: string;
  /** Runtimes that run images: the pod's command and args (undefined: the image's entrypoint and cmd). */
  command?: string[];
  args?: string[];
  /** Runtimes without images: the host command line to run (the image map applied). */
  hostCommand: string[];
  /** The pod's host name (the process runtime's HOSTNAME; a sandbox carries it otherwise). */
  hostname: string;
  env: Record<string, string>;
  workingDir?: string;
  /** The container's stdin stays open for `kubectl attach -i`. */
  stdin?: boolean;
  stdinOnce?: boolean;
  tty?: boolean;
  /** Whose PID namespace the container shares: the node's (`hostPID`), the pod's (`shareProcessNamespace`). */
  pidNamespace?: "host" | "pod";
  /** The pod's and the container's securityContext merged (the container's fields win). */
  securityContext?: Record<string, any>;
  /** cpu (millicores) and memory (bytes) limits, enforced where the runtime can. */
  limits?: ContainerLimits;
  /** Bind mounts into the container's own mount namespace (volumes at their mountPaths). */
  mounts?: { source: string; target: string; readOnly: boolean }[];
}

/** A container run as the runtime last saw it. */
export interface ContainerRecord {
  containerName: string;
  attempt: number;
  /** `<runtime>://<id>`. */
  containerID: string;
  /** `docker://sha256:…` where the runtime runs images. */
  imageID?: string;
  pid?: number;
  startedAt: number;
  /** Set once the run is over. */
  finishedAt?: number;
  exitCode?: number;
  /** Set when the process never started (e.g. `StartError`). */
  reason?: string;
  message?: string;
  /** The run before this one, when there was one (the status' lastState). */
  previous?: ContainerRecord;
}

/** A command running in a container (`kubectl exec`, exec probes and hooks). */
export interface ExecProcess {
  readonly stdin: Writable;
  readonly stdout: Readable;
  /** With a terminal everything arrives on stdout. */
  readonly stderr: Readable;
  /** The exit code (128 + the signal's number when killed); rejects when the command could not start. */
  readonly exited: Promise<number>;
  /** Ends the command where the runtime can, and its streams. */
  kill(): void;
  /** With a terminal: its new size. */
  resize?(cols: number, rows: number): void;
}

/** A running container's streams for `kubectl attach`; stdout and stderr end when the run ends. */
export interface AttachStreams {
  stdout: Readable;
  /** With a terminal everything arrives on stdout. */
  stderr: Readable;
  stdin?: Writable;
  /** Stops following (the container keeps running). */
  close(): void;
  /** The container's terminal's new size, where the runtime can change it. */
  resize?(cols: number, rows: number): void;
}

export interface ExecOptions {
  tty?: boolean;
  stdin?: boolean;
}

/** Images, for runtimes that run them. */
export interface ImageStore {
  /** The local image's ID (`sha256:…`) and size, or undefined when it is not on this machine. */
  present(image: string): Promise<{ id: string; size: number } | undefined>;
  /** Pulls the image; rejects with the registry's (or daemon's) error. */
  pull(image: string): Promise<void>;
}

export interface ContainerRuntime {
  /** `process://<version>` etc., for the Node's `containerRuntimeVersion`. */
  readonly version: string;
  /** Why cpu and memory limits are not enforced, or undefined when they are. */
  readonly limitsNotEnforced?: string;
  /** Set where the runtime runs real images; without it images map to host commands (image map). */
  readonly images?: ImageStore;
  /**
   * Makes the pod's sandbox (network and IPC namespaces its containers share) exist; resolves with its IP, or
   * undefined when the pod uses the node's network (the process runtime, `hostNetwork`).
   */
  sandbox(pod: KubeObject): Promise<string | undefined>;
  start(launch: ContainerLaunch): Promise<ContainerRecord>;
  /** The latest run of each container of a pod, by container name (runs that survived an agent restart too). */
  inspect(podUid: string): Promise<Map<string, ContainerRecord>>;
  /** Pod UIDs the runtime has containers (running or not) for. */
  pods(): Promise<string[]>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the run has ended. */
  stop(podUid: string, containerName: string, graceMs: number): Promise<void>;
  /** Forgets a pod's containers and their logs (after they have stopped). */
  remove(podUid: string): Promise<void>;
  /** Path of a container run's log file. */
  logPath(podLogName: string, containerName: string, attempt: number): string;
  /** Runs a command in the container's current run; undefined when that run is not running. */
  exec(podUid: string, containerName: string, command: string[], opts: ExecOptions): Promise<ExecProcess | undefined>;
  /** The current run's output from now on and, when asked and it has one, its stdin; undefined when not running. */
  attach(podUid: string, containerName: string, opts: { stdin: boolean }): Promise<AttachStreams | undefined>;
}
