// What the agent needs from a container runtime. The pod state machine (pod-worker.ts) drives containers
// through this interface only, so the process runtime and later ones share every lifecycle rule.

/** cpu (millicores) and memory (bytes) limits of a container. */
export interface ContainerLimits {
  memory?: number;
  milliCpu?: number;
}

/** Everything needed to start one run of a container (already resolved: env expanded, image mapped). */
export interface ContainerLaunch {
  podUid: string;
  /** `<namespace>_<pod>_<uid>`: the pod's log folder name. */
  podLogName: string;
  containerName: string;
  /** Which run of the container this is (its restartCount when started); names its log file. */
  attempt: number;
  command: string[];
  env: Record<string, string>;
  workingDir?: string;
  /** The container's stdin stays open for `kubectl attach -i`. */
  stdin?: boolean;
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

export interface ContainerRuntime {
  /** `process://<version>` etc., for the Node's `containerRuntimeVersion`. */
  readonly version: string;
  /** Why cpu and memory limits are not enforced, or undefined when they are. */
  readonly limitsNotEnforced?: string;
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
  /** Path to write a running container's stdin to (containers started with `stdin`), or undefined. */
  stdinPath(podUid: string, containerName: string, attempt: number): string | undefined;
}
