// Is a node still heard from? (upstream `tryUpdateNodeHealth`). The controller never trusts the timestamps a node
// writes: it remembers *when it saw* the Ready heartbeat or the Lease renew time change (probeTimestamp, on its own
// clock). A freshly started controller therefore gives every node a full grace period, and clock skew between
// nodes and the control plane does not matter. Pure: the controller stores the returned health and writes the
// returned conditions.
import type { KubeObject } from "../../api/object.ts";
import { type NodeCondition, nodeCondition } from "./node-taints.ts";

export interface NodeHealth {
  /** Controller time when it last saw a sign of life. */
  probeTimestamp: number;
  /** Controller time when it last saw the Ready condition transition. */
  readyTransitionTimestamp: number;
  /** The Ready condition's timestamps as last seen; undefined when the node had no Ready condition. */
  ready?: { lastHeartbeatTime?: string; lastTransitionTime?: string };
  /** The Lease's spec.renewTime as last seen. */
  leaseRenewTime?: string;
}

export interface HealthOptions {
  gracePeriodMs: number;
  startupGracePeriodMs: number;
}

export interface HealthAssessment {
  /** Health to remember now (also when the write below fails). */
  health: NodeHealth;
  gracePeriodMs: number;
  /** The Ready condition as the node has it (an Unknown stand-in when it never posted one). */
  observedReady: NodeCondition;
  /** The Ready condition after this pass: the node's, or the Unknown one about to be written. */
  currentReady?: NodeCondition;
  /** New status.conditions to write through nodes/<n>/status, when the node went silent and Ready changes. */
  writeConditions?: NodeCondition[];
  /** Health to remember once that write succeeded. */
  healthAfterWrite?: NodeHealth;
}

/** The four conditions a silent node's kubelet would own (NetworkUnavailable belongs to the network plugin). */
export const KUBELET_CONDITIONS = ["Ready", "MemoryPressure", "DiskPressure", "PIDPressure"] as const;

/** RFC 3339 with second precision, as metav1.Time serialises. */
export function rfc3339(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(".000Z", "Z");
}

function parseTime(s: string | undefined): number {
  return s ? Date.parse(s) : Number.NaN;
}

/** Is lease renew time `b` later than `a`? Unparseable times count as newer when they differ. */
function renewedSince(a: string | undefined, b: string): boolean {
  if (a === undefined) return true;
  if (a === b) return false;
  const ta = parseTime(a);
  const tb = parseTime(b);
  if (Number.isNaN(ta) || Number.isNaN(tb)) return true;
  // Same millisecond but different text (microseconds): compare the text, which sorts like the time.
  return tb > ta || (tb === ta && b > a);
}

function readyTimes(c: NodeCondition | undefined): NodeHealth["ready"] {
  return c ? { lastHeartbeatTime: c.lastHeartbeatTime, lastTransitionTime: c.lastTransitionTime } : undefined;
}

export function assessNodeHealth(
  prev: NodeHealth | undefined,
  node: KubeObject,
  leaseRenewTime: string | undefined,
  now: number,
  opts: HealthOptions,
): HealthAssessment {
  const created = node.metadata.creationTimestamp;
  const createdMs = Number.isNaN(parseTime(created)) ? now : parseTime(created);
  const currentReady = nodeCondition(node, "Ready");
  let observedReady: NodeCondition;
  let gracePeriodMs: number;
  let health = prev ? { ...prev } : undefined;
  if (!currentReady) {
    // Never posted status: pretend Unknown since creation and allow the longer startup grace period.
    observedReady = { type: "Ready", status: "Unknown", lastHeartbeatTime: created, lastTransitionTime: created };
    gracePeriodMs = opts.startupGracePeriodMs;
    if (health) health.ready = undefined;
    else health = { probeTimestamp: createdMs, readyTransitionTimestamp: createdMs, ready: undefined };
  } else {
    observedReady = { ...currentReady };
    gracePeriodMs = opts.gracePeriodMs;
  }

  const saved = health?.ready;
  const savedLease = health?.leaseRenewTime;
  if (!health || (!saved && currentReady)) {
    // First sight (e.g. after a restart): the grace period starts now, whatever the timestamps say.
    health = {
      probeTimestamp: now,
      readyTransitionTimestamp: now,
      ready: readyTimes(currentReady),
      leaseRenewTime: savedLease,
    };
  } else if (saved && currentReady && saved.lastHeartbeatTime !== currentReady.lastHeartbeatTime) {
    const transitioned = saved.lastTransitionTime !== currentReady.lastTransitionTime;
    health = {
      probeTimestamp: now,
      readyTransitionTimestamp: transitioned ? now : health.readyTransitionTimestamp,
      ready: readyTimes(currentReady),
      leaseRenewTime: savedLease,
    };
  }
  // A renewed lease is a sign of life even when the node status is not rewritten.
  if (leaseRenewTime !== undefined && renewedSince(savedLease, leaseRenewTime)) {
    health = { ...health, leaseRenewTime, probeTimestamp: now };
  }

  if (!(now > health.probeTimestamp + gracePeriodMs)) {
    return { health, gracePeriodMs, observedReady, currentReady };
  }

  // Silent for longer than the grace period: every kubelet-owned condition becomes Unknown.
  const nowStr = rfc3339(now);
  const conditions: NodeCondition[] = ((node.status?.conditions as NodeCondition[] | undefined) ?? []).map((c) => ({
    ...c,
  }));
  for (const type of KUBELET_CONDITIONS) {
    const c = conditions.find((x) => x.type === type);
    if (!c) {
      conditions.push({
        type,
        status: "Unknown",
        lastHeartbeatTime: created,
        lastTransitionTime: nowStr,
        reason: "NodeStatusNeverUpdated",
        message: "Kubelet never posted node status.",
      });
    } else if (c.status !== "Unknown") {
      c.status = "Unknown";
      c.reason = "NodeStatusUnknown";
      c.message = "Kubelet stopped posting node status.";
      c.lastTransitionTime = nowStr;
    }
  }
  const newReady = conditions.find((c) => c.type === "Ready")!;
  if (sameCondition(newReady, observedReady)) {
    return { health, gracePeriodMs, observedReady, currentReady: newReady };
  }
  return {
    health,
    gracePeriodMs,
    observedReady,
    currentReady: newReady,
    writeConditions: conditions,
    healthAfterWrite: {
      probeTimestamp: health.probeTimestamp,
      readyTransitionTimestamp: now,
      ready: readyTimes(newReady),
      leaseRenewTime: health.leaseRenewTime,
    },
  };
}

function sameCondition(a: NodeCondition, b: NodeCondition): boolean {
  return (
    a.status === b.status &&
    (a.reason ?? "") === (b.reason ?? "") &&
    (a.message ?? "") === (b.message ?? "") &&
    a.lastHeartbeatTime === b.lastHeartbeatTime &&
    a.lastTransitionTime === b.lastTransitionTime
  );
}
