// Per-node decisions of the manage loop (upstream `podsShouldBeOnNode`, `getNodesToDaemonPods`,
// `getUnscheduledPodsWithoutNode`, `podByCreationTimestampAndPhase`), free of API calls.
import type { KubeObject } from "../../api/object.ts";
import { targetNodeName } from "../../api/scheduling/node-affinity.ts";
import { isPodAvailable, isPodReady, isPodTerminal } from "../../api/scheduling/pod-conditions.ts";
import type { Placement } from "./placement.ts";
import { REVISION_HASH_LABEL } from "./revisions.ts";

/** Scheduled pods first, then older creationTimestamp, then name. */
export function comparePodsOldestFirst(a: KubeObject, b: KubeObject): number {
  const aBound = !!a.spec?.nodeName;
  const bBound = !!b.spec?.nodeName;
  if (aBound !== bBound) return aBound ? -1 : 1;
  const ta = Date.parse(a.metadata.creationTimestamp ?? "") || 0;
  const tb = Date.parse(b.metadata.creationTimestamp ?? "") || 0;
  if (ta !== tb) return ta - tb;
  const na = a.metadata.name ?? "";
  const nb = b.metadata.name ?? "";
  return na < nb ? -1 : na > nb ? 1 : 0;
}

export function sortPodsOldestFirst(pods: readonly KubeObject[]): KubeObject[] {
  return [...pods].sort(comparePodsOldestFirst);
}

/**
 * Owned pods grouped by target node. Pods that are terminal and already deleted are left out unless
 * `includeDeletedTerminal` (history cleanup counts them); pods without a recoverable target node are skipped.
 */
export function groupPodsByNode(
  pods: readonly KubeObject[],
  includeDeletedTerminal: boolean,
): Map<string, KubeObject[]> {
  const out = new Map<string, KubeObject[]>();
  for (const pod of pods) {
    if (!includeDeletedTerminal && isPodTerminal(pod) && pod.metadata.deletionTimestamp) continue;
    const node = targetNodeName(pod);
    if (node === undefined) continue;
    let list = out.get(node);
    if (!list) {
      list = [];
      out.set(node, list);
    }
    list.push(pod);
  }
  return out;
}

/** `"<dsUID>/<observedGeneration>/<node>"`: failed pods are deleted with backoff per DaemonSet generation and node. */
export function failedPodsBackoffKey(ds: KubeObject, nodeName: string): string {
  return `${ds.metadata.uid ?? ""}/${ds.status?.observedGeneration ?? 0}/${nodeName}`;
}

export interface NodeDecisionInput {
  nodeName: string;
  placement: Placement;
  /** This DaemonSet's pods targeting the node; undefined when it has none at all. */
  pods: readonly KubeObject[] | undefined;
  hash: string;
  /** maxSurge > 0 with the RollingUpdate strategy. */
  surge: boolean;
  minReadySeconds: number;
  now: Date;
  /** Backoff for deleting a failed pod: `true` = delete now (the caller advanced the backoff). */
  allowFailedPodDelete(pod: KubeObject): boolean;
}

export interface NodeDecision {
  createOnNode: boolean;
  podsToDelete: KubeObject[];
  failedPods: KubeObject[];
  succeededPods: KubeObject[];
}

/** Upstream `podsShouldBeOnNode` for one node. */
export function podsShouldBeOnNode(input: NodeDecisionInput): NodeDecision {
  const decision: NodeDecision = { createOnNode: false, podsToDelete: [], failedPods: [], succeededPods: [] };
  const { placement, pods } = input;
  const exists = pods !== undefined;
  if (placement.shouldRun && !exists) {
    decision.createOnNode = true;
    return decision;
  }
  if (placement.shouldContinueRunning) {
    const running: KubeObject[] = [];
    for (const pod of pods ?? []) {
      if (pod.metadata.deletionTimestamp) continue;
      const phase = pod.status?.phase;
      if (phase === "Failed") {
        // Kubelets that keep rejecting a pod would otherwise make us hot-loop delete and recreate.
        if (!input.allowFailedPodDelete(pod)) continue;
        decision.failedPods.push(pod);
        decision.podsToDelete.push(pod);
      } else if (phase === "Succeeded") {
        decision.succeededPods.push(pod);
        decision.podsToDelete.push(pod);
      } else {
        running.push(pod);
      }
    }
    if (!input.surge) {
      if (running.length > 1) decision.podsToDelete.push(...sortPodsOldestFirst(running).slice(1));
      return decision;
    }
    if (running.length <= 1) {
      if (running.length === 0 && placement.shouldRun) decision.createOnNode = true;
      return decision;
    }
    // Surge: keep at most the oldest new pod and the oldest old pod.
    let oldestNew: KubeObject | undefined;
    let oldestOld: KubeObject | undefined;
    for (const pod of sortPodsOldestFirst(running)) {
      const isNew = pod.metadata.labels?.[REVISION_HASH_LABEL] === input.hash;
      if (isNew && !oldestNew) oldestNew = pod;
      else if (!isNew && !oldestOld) oldestOld = pod;
      else decision.podsToDelete.push(pod);
    }
    if (oldestNew && oldestOld) {
      if (!isPodReady(oldestOld) || isPodAvailable(oldestNew, input.minReadySeconds, input.now)) {
        decision.podsToDelete.push(oldestOld);
      }
    }
    return decision;
  }
  if (exists) {
    for (const pod of pods) if (!pod.metadata.deletionTimestamp) decision.podsToDelete.push(pod);
  }
  return decision;
}

/** Unbound pods whose target node is not in the node list: the pod GC cannot remove them, so we do. */
export function unscheduledPodsWithoutNode(
  nodeNames: ReadonlySet<string>,
  nodeToPods: ReadonlyMap<string, readonly KubeObject[]>,
): KubeObject[] {
  const out: KubeObject[] = [];
  for (const [node, pods] of nodeToPods) {
    if (nodeNames.has(node)) continue;
    for (const pod of pods) if (!pod.spec?.nodeName) out.push(pod);
  }
  return out;
}
