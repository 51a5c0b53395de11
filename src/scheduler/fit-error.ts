// Why a pod fits nowhere, in upstream's words (framework `Diagnosis`, `FitError.Error()`, DefaultPreemption's
// PostFilter message): "0/N nodes are available: <count reason, ...>. preemption: 0/N nodes are available:
// <count reason, ...>." Reasons are counted per string and sorted as strings ("10 x" before "2 y"), as upstream.
import type { KubeObject } from "../api/object.ts";
import type { FilterStatus } from "./filters.ts";

export const NO_NODES_AVAILABLE = "no nodes available to schedule pods";
export const PREEMPTION_NOT_HELPFUL = "Preemption is not helpful for scheduling";
export const NO_PREEMPTION_VICTIMS = "No preemption victims found for incoming pod";
export const PREEMPTION_POLICY_NEVER = "not eligible due to preemptionPolicy=Never.";
/** Events and conditions carry at most this much of the message (upstream `truncateMessage`). */
export const MAX_MESSAGE_LENGTH = 1024;

/** Per-node statuses of one scheduling attempt, kept as counts (a node's name never shows in the message). */
export class Diagnosis {
  readonly reasons = new Map<string, number>();
  /** Nodes where evicting pods would not help (UnschedulableAndUnresolvable). */
  unresolvableNodes = 0;
  /** Nodes rejected only for lack of room (Unschedulable). */
  resolvableNodes = 0;
  /** Set when PreFilter rejected the pod outright; every node then shares that status. */
  preFilterMessage?: string;

  /** Records `count` nodes that failed with `status`. */
  add(status: FilterStatus, count = 1): void {
    if (count <= 0) return;
    for (const r of status.reasons) this.reasons.set(r, (this.reasons.get(r) ?? 0) + count);
    if (status.unresolvable) this.unresolvableNodes += count;
    else this.resolvableNodes += count;
  }
}

/** `count reason` entries sorted as strings and joined with ", " (upstream `sortReasonsHistogram`). */
export function reasonHistogram(counts: ReadonlyMap<string, number>): string {
  return [...counts]
    .map(([reason, n]) => `${n} ${reason}`)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .join(", ");
}

/**
 * DefaultPreemption's verdict. loci does not evict pods: nodes short of room are reported as having no victims,
 * which is what upstream says whenever no lower-priority pod could make room.
 */
export function preemptionMessage(pod: KubeObject, numAllNodes: number, d: Diagnosis): string {
  if (pod.spec?.preemptionPolicy === "Never") return `preemption: ${PREEMPTION_POLICY_NEVER}`;
  const counts = new Map<string, number>();
  if (d.unresolvableNodes > 0) counts.set(PREEMPTION_NOT_HELPFUL, d.unresolvableNodes);
  if (d.resolvableNodes > 0) counts.set(NO_PREEMPTION_VICTIMS, d.resolvableNodes);
  const hist = reasonHistogram(counts);
  return `preemption: 0/${numAllNodes} nodes are available${hist ? `: ${hist}.` : ":"}`;
}

/** The FailedScheduling message of a pod that fits no node, preemption part included. */
export function fitErrorMessage(pod: KubeObject, numAllNodes: number, d: Diagnosis): string {
  let msg = `0/${numAllNodes} nodes are available:`;
  if (d.preFilterMessage) msg += ` ${d.preFilterMessage}.`;
  else {
    const hist = reasonHistogram(d.reasons);
    if (hist) msg += ` ${hist}.`;
  }
  return `${msg} ${preemptionMessage(pod, numAllNodes, d)}`;
}

export function truncateMessage(message: string): string {
  if (message.length <= MAX_MESSAGE_LENGTH) return message;
  const suffix = " ...";
  return message.slice(0, MAX_MESSAGE_LENGTH - suffix.length) + suffix;
}
