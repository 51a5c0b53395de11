// The status the agent posts for a pod, computed from what the runtime reports (pure, no I/O). Follows the
// kubelet's generateAPIPodStatus and getPhase: container states from the latest run and the one before it,
// phase from how many containers run, wait or have stopped, and the conditions with upstream's reasons and
// messages. Transition times already on the pod are kept while a condition keeps its status.
import type { KubeObject } from "../api/object.ts";
import { normalizeImage } from "../hollow/image-ref.ts";
import { condition, goList, rfc3339 } from "../hollow/pod-status.ts";
import type { ContainerRecord } from "./runtime/runtime.ts";

/** What the agent knows about one container beyond the runtime's record. */
export interface ContainerView {
  /** The latest run; undefined before the first start. */
  record?: ContainerRecord;
  /** The run before it (lastState). */
  previous?: ContainerRecord;
  /** Why it is not running now, when it is not (ContainerCreating, CrashLoopBackOff, …). */
  waiting?: { reason: string; message?: string };
  /** Readiness (probe result, or running when there is no readiness probe). */
  ready: boolean;
  /** Startup probe passed (or none). */
  started: boolean;
}

export interface PodStatusInput {
  pod: KubeObject;
  views: Map<string, ContainerView>;
  nowMs: number;
  hostIP: string;
  podIP: string;
  /** Set when the pod failed as a whole (e.g. an init container failed under restartPolicy Never). */
  failed?: boolean;
}

function terminatedState(r: ContainerRecord) {
  const t: Record<string, unknown> = {
    exitCode: r.exitCode ?? 0,
    reason: r.reason ?? (r.exitCode === 0 ? "Completed" : "Error"),
    startedAt: rfc3339(r.startedAt),
    finishedAt: rfc3339(r.finishedAt ?? r.startedAt),
    containerID: r.containerID,
  };
  if (r.message) t.message = r.message;
  return t;
}

function containerStatus(c: any, v: ContainerView | undefined): Record<string, any> {
  const r = v?.record;
  const running = r !== undefined && r.finishedAt === undefined;
  let state: Record<string, unknown>;
  if (v?.waiting || !r) {
    const w = v?.waiting ?? { reason: "ContainerCreating" };
    state = { waiting: w.message ? { reason: w.reason, message: w.message } : { reason: w.reason } };
  } else if (running) {
    state = { running: { startedAt: rfc3339(r.startedAt) } };
  } else {
    state = { terminated: terminatedState(r) };
  }
  // A container waiting to restart shows its last run as lastState; otherwise the run before the latest.
  const last = v?.waiting && r?.finishedAt !== undefined ? r : v?.previous;
  const s: Record<string, any> = {
    name: c.name,
    state,
    lastState: last ? { terminated: terminatedState(last) } : {},
    ready: running && !!v?.ready,
    restartCount: r?.attempt ?? 0,
    image: normalizeImage(c.image ?? ""),
    imageID: r ? (r.imageID ?? normalizeImage(c.image ?? "")) : "",
    started: running && !!v?.started,
  };
  if (r) s.containerID = r.containerID;
  return s;
}

/** Upstream getPhase for the app containers once initialization is done. */
function appPhase(restartPolicy: string, statuses: any[]): string {
  let running = 0;
  let waiting = 0;
  let stopped = 0;
  let succeeded = 0;
  for (const s of statuses) {
    if (s.state.running) running++;
    else if (s.state.terminated) {
      stopped++;
      if (s.state.terminated.exitCode === 0) succeeded++;
    } else if (s.lastState.terminated) stopped++;
    else waiting++;
  }
  if (waiting > 0) return "Pending";
  if (running > 0) return "Running";
  if (stopped > 0) {
    if (restartPolicy === "Always") return "Running";
    if (stopped === succeeded) return "Succeeded";
    if (restartPolicy === "Never") return "Failed";
    return "Running";
  }
  return "Pending";
}

export function agentPodStatus(input: PodStatusInput): Record<string, any> {
  const { pod, views } = input;
  const now = rfc3339(input.nowMs);
  const cur = pod.status ?? {};
  const prevConds = new Map<string, any>();
  for (const c of cur.conditions ?? []) prevConds.set(c.type, c);
  const restartPolicy = pod.spec?.restartPolicy ?? "Always";
  const inits: any[] = pod.spec?.initContainers ?? [];
  const apps: any[] = pod.spec?.containers ?? [];

  const initStatuses = inits.map((c) => containerStatus(c, views.get(c.name)));
  const appStatuses = apps.map((c) => containerStatus(c, views.get(c.name)));
  const sidecar = new Set(inits.filter((c) => c.restartPolicy === "Always").map((c) => c.name));
  // A sidecar counts as initialized once it runs and has started; an ordinary init container once it succeeded.
  const initDone = (s: any) => (sidecar.has(s.name) ? !!s.started : s.state.terminated?.exitCode === 0);
  const incompleteInits = initStatuses.filter((s) => !initDone(s)).map((s) => s.name);
  // Once an app container has run the pod stays initialized, whatever its sidecars do afterwards.
  const initialized = incompleteInits.length === 0 || apps.some((c) => views.get(c.name)?.record !== undefined);

  let phase: string;
  if (input.failed) phase = "Failed";
  else if (!initialized) phase = "Pending";
  else phase = appPhase(restartPolicy, appStatuses);

  const unready = [...initStatuses.filter((s) => sidecar.has(s.name)), ...appStatuses]
    .filter((s) => !s.ready)
    .map((s) => s.name);
  const completed = phase === "Succeeded" || phase === "Failed";
  const readyReason = completed ? "PodCompleted" : "ContainersNotReady";
  const readyMessage = completed ? undefined : `containers with unready status: ${goList(unready)}`;
  const conditions = [
    condition(
      "PodReadyToStartContainers",
      !completed,
      undefined,
      undefined,
      prevConds.get("PodReadyToStartContainers"),
      now,
    ),
    condition(
      "Initialized",
      initialized,
      "ContainersNotInitialized",
      `containers with incomplete status: ${goList(incompleteInits)}`,
      prevConds.get("Initialized"),
      now,
    ),
    condition("Ready", unready.length === 0 && !completed, readyReason, readyMessage, prevConds.get("Ready"), now),
    condition(
      "ContainersReady",
      unready.length === 0 && !completed,
      readyReason,
      readyMessage,
      prevConds.get("ContainersReady"),
      now,
    ),
    condition("PodScheduled", true, undefined, undefined, prevConds.get("PodScheduled"), now),
  ];
  const status: Record<string, any> = {
    phase,
    conditions,
    hostIP: input.hostIP,
    hostIPs: [{ ip: input.hostIP }],
    podIP: input.podIP,
    podIPs: [{ ip: input.podIP }],
    startTime: cur.startTime ?? now,
    containerStatuses: appStatuses,
    qosClass: cur.qosClass,
  };
  if (initStatuses.length) status.initContainerStatuses = initStatuses;
  if (status.qosClass === undefined) delete status.qosClass;
  return status;
}
