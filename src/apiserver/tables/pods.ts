// `kubectl get pods`: upstream printPod (pkg/printers/internalversion/printers.go). The Status cell is the
// subtle part: phase or status.reason, overridden by init-container progress, then by the last container's
// waiting/terminated reason, then Terminating/Unknown for pods being deleted.
import type { KubeObject } from "../../api/object.ts";
import {
  ageColumn,
  ageOf,
  column,
  list,
  nameColumn,
  nameOf,
  str,
  type TablePrinter,
  type TableRowCondition,
} from "./columns.ts";
import { humanDuration, parseTimestamp } from "./human-duration.ts";

const isRestartableInit = (c: any): boolean => c?.restartPolicy === "Always";

const conditionTrue = (pod: KubeObject, type: string): boolean =>
  list(pod.status?.conditions).some((c) => c?.type === type && c?.status === "True");

/** The later of two optional instants (upstream keeps the latest `finishedAt` of any restart). */
const later = (a: number | undefined, b: number | undefined) => (b !== undefined && (a === undefined || a < b) ? b : a);

const lastTerminatedAt = (cs: any): number | undefined =>
  cs?.lastState?.terminated ? parseTimestamp(cs.lastState.terminated.finishedAt) : undefined;

export interface PodSummary {
  ready: string;
  status: string;
  restarts: string;
}

/** Ready (`r/t`), Status and Restarts as upstream computes them. */
export function summarizePod(pod: KubeObject, now: Date): PodSummary {
  const spec = pod.spec ?? {};
  const status = pod.status ?? {};
  const initSpecs = list(spec.initContainers);
  let totalContainers = list(spec.containers).length;
  let readyContainers = 0;
  let restarts = 0;
  let sidecarRestarts = 0;
  let lastRestart: number | undefined;
  let lastSidecarRestart: number | undefined;

  const phase = str(status.phase);
  let reason = str(status.reason) || phase;
  for (const c of list(status.conditions)) {
    if (c?.type === "PodScheduled" && c?.reason === "SchedulingGated") reason = "SchedulingGated";
  }

  const initByName = new Map<string, any>();
  for (const c of initSpecs) {
    initByName.set(str(c?.name), c);
    if (isRestartableInit(c)) totalContainers++; // sidecars count as containers
  }

  let initializing = false;
  const initStatuses = list(status.initContainerStatuses);
  for (let i = 0; i < initStatuses.length; i++) {
    const cs = initStatuses[i];
    const count = Number(cs?.restartCount) || 0;
    restarts += count;
    lastRestart = later(lastRestart, lastTerminatedAt(cs));
    const sidecar = isRestartableInit(initByName.get(str(cs?.name)));
    if (sidecar) {
      sidecarRestarts += count;
      lastSidecarRestart = later(lastSidecarRestart, lastTerminatedAt(cs));
    }
    const terminated = cs?.state?.terminated;
    const waiting = cs?.state?.waiting;
    if (terminated && (Number(terminated.exitCode) || 0) === 0) continue;
    if (sidecar && cs?.started === true) {
      if (cs?.ready === true) readyContainers++;
      continue;
    }
    if (terminated) {
      if (str(terminated.reason)) reason = `Init:${terminated.reason}`;
      else if (Number(terminated.signal)) reason = `Init:Signal:${terminated.signal}`;
      else reason = `Init:ExitCode:${Number(terminated.exitCode) || 0}`;
    } else if (waiting && str(waiting.reason) && waiting.reason !== "PodInitializing") {
      reason = `Init:${waiting.reason}`;
    } else {
      reason = `Init:${i}/${initSpecs.length}`;
    }
    initializing = true;
    break;
  }

  if (!initializing || conditionTrue(pod, "Initialized")) {
    restarts = sidecarRestarts;
    lastRestart = lastSidecarRestart;
    let hasRunning = false;
    const statuses = list(status.containerStatuses);
    for (let i = statuses.length - 1; i >= 0; i--) {
      const cs = statuses[i];
      restarts += Number(cs?.restartCount) || 0;
      lastRestart = later(lastRestart, lastTerminatedAt(cs));
      const waiting = cs?.state?.waiting;
      const terminated = cs?.state?.terminated;
      if (waiting && str(waiting.reason)) reason = waiting.reason;
      else if (terminated && str(terminated.reason)) reason = terminated.reason;
      else if (terminated) {
        reason = Number(terminated.signal)
          ? `Signal:${terminated.signal}`
          : `ExitCode:${Number(terminated.exitCode) || 0}`;
      } else if (cs?.ready === true && cs?.state?.running) {
        hasRunning = true;
        readyContainers++;
      }
    }
    // A "Completed" container beside a running one is not a completed pod.
    if (reason === "Completed" && hasRunning) reason = conditionTrue(pod, "Ready") ? "Running" : "NotReady";
  }

  if (pod.metadata?.deletionTimestamp && status.reason === "NodeLost") reason = "Unknown";
  else if (pod.metadata?.deletionTimestamp && phase !== "Succeeded" && phase !== "Failed") reason = "Terminating";

  let restartsText = String(restarts);
  if (restarts !== 0 && lastRestart !== undefined) {
    restartsText = `${restarts} (${humanDuration(now.getTime() - lastRestart)} ago)`;
  }
  return { ready: `${readyContainers}/${totalContainers}`, status: reason, restarts: restartsText };
}

function readinessGates(pod: KubeObject): string {
  const gates = list(pod.spec?.readinessGates);
  if (gates.length === 0) return "<none>";
  const conditions = list(pod.status?.conditions);
  const met = gates.filter((g) => conditions.find((c) => c?.type === g?.conditionType)?.status === "True").length;
  return `${met}/${gates.length}`;
}

const orNone = (s: string) => s || "<none>";

export const podTable: TablePrinter = {
  columns: [
    nameColumn,
    column("Ready", "string", "The aggregate readiness state of this pod for accepting traffic."),
    column("Status", "string", "The aggregate status of the containers in this pod."),
    column(
      "Restarts",
      "string",
      "The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.",
    ),
    ageColumn,
    column("IP", "string", "IP address allocated to the pod.", { priority: 1 }),
    column("Node", "string", "Node the pod is bound to.", { priority: 1 }),
    column("Nominated Node", "string", "Node the scheduler nominated for this pod after preemption.", {
      priority: 1,
    }),
    column("Readiness Gates", "string", "Extra conditions that must hold for the pod to be ready.", {
      priority: 1,
    }),
  ],
  cells(pod, now) {
    const s = summarizePod(pod, now);
    const podIP = str(list(pod.status?.podIPs)[0]?.ip) || str(pod.status?.podIP);
    return [
      nameOf(pod),
      s.ready,
      s.status,
      s.restarts,
      ageOf(pod, now),
      orNone(podIP),
      orNone(str(pod.spec?.nodeName)),
      orNone(str(pod.status?.nominatedNodeName)),
      readinessGates(pod),
    ];
  },
  conditions(pod): TableRowCondition[] | undefined {
    switch (pod.status?.phase) {
      case "Succeeded":
        return [
          { type: "Completed", status: "True", reason: "Succeeded", message: "The pod has completed successfully." },
        ];
      case "Failed":
        return [{ type: "Completed", status: "True", reason: "Failed", message: "The pod failed." }];
      default:
        return undefined;
    }
  },
};
