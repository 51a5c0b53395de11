// What a hollow kubelet reports for a pod bound to it, computed from the pod alone (pure, no I/O), so the same
// answer comes out after a restart. Follows kubelet's `generateAPIPodStatus`: phase from the container
// states, conditions PodReadyToStartContainers/Initialized/Ready/ContainersReady/PodScheduled with upstream
// reasons and messages, container statuses as a runtime reports them. Timestamps already on the pod are kept
// while the state they describe holds, so an unchanged pod yields an unchanged status (no write).

import { pullBackOffMessage } from "../agent/image-pull.ts";
import type { KubeObject } from "../api/object.ts";
import { fakeImageID, normalizeImage } from "./image-ref.ts";

export type PullFailureReason = "ErrImagePull" | "ImagePullBackOff";

export interface PodSimulation {
  /** Current time, ms. */
  nowMs: number;
  hostIP: string;
  /** Used only when the pod has no IP yet. */
  podIP: string;
  /** A running container turns ready this long after it started (`--ready-delay`). */
  readyDelayMs: number;
  /** `--fail-images`: such containers never start. */
  failImage(image: string): boolean;
  /** `--unready-images`: such containers run but never turn ready. */
  unreadyImage(image: string): boolean;
  /**
   * When this process started the containers, ms: more precise than the seconds of `startedAt`, which is what
   * counts for `--ready-delay` when unset (a pod already running before a restart).
   */
  startedMs?: number;
  /** What a failing pull shows: first ErrImagePull, then ImagePullBackOff. */
  pullFailure: PullFailureReason;
}

/** The condition types the kubelet owns; others (e.g. DisruptionTarget) are left as they are. */
export const KUBELET_CONDITIONS = [
  "PodReadyToStartContainers",
  "Initialized",
  "Ready",
  "ContainersReady",
  "PodScheduled",
] as const;

/** Kubernetes `Time`: RFC 3339 with whole seconds. */
export function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d+Z$/, "Z");
}

function containerID(pod: KubeObject, name: string): string {
  return `hollow://${pod.metadata.uid}/${name}`;
}

function pullFailureMessage(image: string, reason: PullFailureReason): string {
  const err = `failed to pull and unpack image "${normalizeImage(image)}": image matches --fail-images on this hollow node`;
  return reason === "ErrImagePull" ? err : pullBackOffMessage(image, err);
}

/** A pod condition; its transition time stays while its status does. */
export function condition(
  type: string,
  ok: boolean,
  reason: string | undefined,
  message: string | undefined,
  prev: any,
  now: string,
) {
  const status = ok ? "True" : "False";
  const c: Record<string, unknown> = {
    type,
    status,
    lastTransitionTime: prev?.status === status && prev.lastTransitionTime ? prev.lastTransitionTime : now,
  };
  if (!ok && reason) c.reason = reason;
  if (!ok && message) c.message = message;
  return c;
}

function startedMsOf(startedAt: string, sim: PodSimulation): number {
  return Math.max(Date.parse(startedAt), sim.startedMs ?? Number.NEGATIVE_INFINITY);
}

/** Go's `%s` of a []string: `[a b]`. */
export function goList(names: string[]): string {
  return `[${names.join(" ")}]`;
}

/** The status the kubelet would post for this pod now (the kubelet-owned part of it). */
export function desiredPodStatus(pod: KubeObject, sim: PodSimulation): Record<string, any> {
  const now = rfc3339(sim.nowMs);
  const cur = pod.status ?? {};
  const prevStatuses = new Map<string, any>();
  for (const s of [...(cur.initContainerStatuses ?? []), ...(cur.containerStatuses ?? [])]) prevStatuses.set(s.name, s);

  const running = (c: any, readyNow: (startedAt: string) => boolean) => {
    const prev = prevStatuses.get(c.name);
    const startedAt: string = prev?.state?.running?.startedAt ?? now;
    return {
      name: c.name,
      state: { running: { startedAt } },
      lastState: {},
      ready: readyNow(startedAt),
      restartCount: 0,
      image: normalizeImage(c.image),
      imageID: fakeImageID(c.image),
      containerID: containerID(pod, c.name),
      started: true,
    };
  };
  const waiting = (c: any, reason: string, message?: string) => ({
    name: c.name,
    state: { waiting: message ? { reason, message } : { reason } },
    lastState: {},
    ready: false,
    restartCount: 0,
    image: c.image,
    imageID: "",
    started: false,
  });
  const fails = (c: any) => sim.failImage(c.image) || sim.failImage(normalizeImage(c.image));
  const unready = (c: any) => sim.unreadyImage(c.image) || sim.unreadyImage(normalizeImage(c.image));
  const readyAfterDelay = (c: any) => (startedAt: string) =>
    !unready(c) && sim.nowMs - startedMsOf(startedAt, sim) >= sim.readyDelayMs;

  // Init containers run in order; a failing pull stops the ones after it and every app container.
  const initStatuses: any[] = [];
  const incompleteInit: string[] = [];
  let initBlocked = false;
  for (const c of pod.spec?.initContainers ?? []) {
    if (initBlocked) {
      initStatuses.push(waiting(c, "PodInitializing"));
      incompleteInit.push(c.name);
    } else if (fails(c)) {
      initStatuses.push(waiting(c, sim.pullFailure, pullFailureMessage(c.image, sim.pullFailure)));
      incompleteInit.push(c.name);
      initBlocked = true;
    } else if (c.restartPolicy === "Always") {
      initStatuses.push(running(c, readyAfterDelay(c)));
    } else {
      const prev = prevStatuses.get(c.name)?.state?.terminated;
      const at = prev?.finishedAt ?? now;
      initStatuses.push({
        name: c.name,
        state: {
          terminated: {
            exitCode: 0,
            reason: "Completed",
            startedAt: prev?.startedAt ?? at,
            finishedAt: at,
            containerID: containerID(pod, c.name),
          },
        },
        lastState: {},
        ready: true,
        restartCount: 0,
        image: normalizeImage(c.image),
        imageID: fakeImageID(c.image),
        containerID: containerID(pod, c.name),
        started: false,
      });
    }
  }

  let anyWaiting = initBlocked;
  const containerStatuses = (pod.spec?.containers ?? []).map((c: any) => {
    if (initBlocked) return waiting(c, "PodInitializing");
    if (fails(c)) {
      anyWaiting = true;
      return waiting(c, sim.pullFailure, pullFailureMessage(c.image, sim.pullFailure));
    }
    return running(c, readyAfterDelay(c));
  });
  const unreadyNames = containerStatuses.filter((s: any) => !s.ready).map((s: any) => s.name);
  // Sidecars (restartable init containers) count for readiness too, as upstream does.
  for (const s of initStatuses) if (s.state.running && !s.ready) unreadyNames.unshift(s.name);

  const prevConds = new Map<string, any>();
  for (const c of cur.conditions ?? []) prevConds.set(c.type, c);
  const containersReadyMsg = unreadyNames.length ? `containers with unready status: ${goList(unreadyNames)}` : "";
  const containersReady = unreadyNames.length === 0;
  let podReady = containersReady;
  let readyReason = containersReady ? undefined : "ContainersNotReady";
  let readyMsg = containersReadyMsg;
  if (podReady) {
    // Readiness gates: every named condition must exist and be True (upstream GeneratePodReadyCondition).
    const unreadyGates: string[] = [];
    for (const g of pod.spec?.readinessGates ?? []) {
      const c = prevConds.get(g.conditionType);
      if (!c) unreadyGates.push(`corresponding condition of pod readiness gate "${g.conditionType}" does not exist.`);
      else if (c.status !== "True") {
        unreadyGates.push(`the status of pod readiness gate "${g.conditionType}" is not "True", but ${c.status}`);
      }
    }
    if (unreadyGates.length) {
      podReady = false;
      readyReason = "ReadinessGatesNotReady";
      readyMsg = unreadyGates.join(", ");
    }
  }

  const conditions = [
    condition("PodReadyToStartContainers", true, undefined, undefined, prevConds.get("PodReadyToStartContainers"), now),
    condition(
      "Initialized",
      incompleteInit.length === 0,
      "ContainersNotInitialized",
      `containers with incomplete status: ${goList(incompleteInit)}`,
      prevConds.get("Initialized"),
      now,
    ),
    condition("Ready", podReady, readyReason, readyMsg, prevConds.get("Ready"), now),
    condition(
      "ContainersReady",
      containersReady,
      "ContainersNotReady",
      containersReadyMsg,
      prevConds.get("ContainersReady"),
      now,
    ),
    condition("PodScheduled", true, undefined, undefined, prevConds.get("PodScheduled"), now),
  ];

  const podIP: string = cur.podIP ?? sim.podIP;
  const hostIP: string = cur.hostIP ?? sim.hostIP;
  const status: Record<string, any> = {
    phase: anyWaiting ? "Pending" : "Running",
    conditions,
    hostIP,
    hostIPs: [{ ip: hostIP }],
    podIP,
    podIPs: [{ ip: podIP }],
    startTime: cur.startTime ?? now,
    containerStatuses,
  };
  if (initStatuses.length) status.initContainerStatuses = initStatuses;
  return status;
}

/** The parts of a status the kubelet owns, reduced to what matters for "did it change". */
function ownedView(status: any): string {
  const conds = (status?.conditions ?? [])
    .filter((c: any) => (KUBELET_CONDITIONS as readonly string[]).includes(c.type))
    .map((c: any) => [c.type, c.status, c.reason ?? "", c.message ?? ""])
    .sort((a: string[], b: string[]) => a[0].localeCompare(b[0]));
  const containers = (list: any[] | undefined) =>
    (list ?? []).map((s) => [
      s.name,
      s.state,
      s.ready,
      s.started,
      s.restartCount,
      s.image,
      s.imageID ?? "",
      s.containerID ?? "",
    ]);
  return JSON.stringify([
    status?.phase,
    conds,
    status?.hostIP,
    status?.podIP,
    status?.startTime,
    containers(status?.initContainerStatuses),
    containers(status?.containerStatuses),
  ]);
}

/** True when posting `desired` would change what the pod shows. */
export function podStatusDiffers(pod: KubeObject, desired: Record<string, any>): boolean {
  return ownedView(pod.status) !== ownedView(desired);
}

/**
 * A strategic-merge patch for `pods/<name>/status`: conditions merge by type (other writers' conditions stay),
 * container status lists are replaced; the uid makes the write fail on a recreated pod of the same name.
 */
export function podStatusPatch(pod: KubeObject, desired: Record<string, any>): Record<string, unknown> {
  return { metadata: { uid: pod.metadata.uid }, status: desired };
}

/** Milliseconds until the next container turns ready under `--ready-delay`, or undefined if none waits. */
export function nextReadyInMs(pod: KubeObject, status: Record<string, any>, sim: PodSimulation): number | undefined {
  const images = new Map<string, string>();
  for (const c of [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])]) images.set(c.name, c.image);
  let next: number | undefined;
  for (const s of [...(status.initContainerStatuses ?? []), ...(status.containerStatuses ?? [])]) {
    const startedAt = s.state?.running?.startedAt;
    if (!startedAt || s.ready) continue;
    const image = images.get(s.name) ?? s.image;
    if (sim.unreadyImage(image) || sim.unreadyImage(normalizeImage(image))) continue;
    const wait = startedMsOf(startedAt, sim) + sim.readyDelayMs - sim.nowMs;
    if (wait > 0 && (next === undefined || wait < next)) next = wait;
  }
  return next;
}

/** True when the status shows a failed pull (some container waits on ErrImagePull or ImagePullBackOff). */
export function pullFailureShown(status: any): PullFailureReason | undefined {
  let found: PullFailureReason | undefined;
  for (const s of [...(status?.initContainerStatuses ?? []), ...(status?.containerStatuses ?? [])]) {
    const r = s.state?.waiting?.reason;
    if (r === "ImagePullBackOff") return r;
    if (r === "ErrImagePull") found = r;
  }
  return found;
}
