// Ranking of feasible nodes, a simplified default profile: NodeResourcesFit (least allocated, weight 1),
// NodeResourcesBalancedAllocation (1), TaintToleration (PreferNoSchedule taints, 3) and NodeAffinity (preferred
// terms, 2), each 0..100 as upstream. Upstream breaks ties at random; loci takes the smallest name so runs repeat.

import type { KubeObject } from "../api/object.ts";
import { nodeSelectorTermMatches } from "../api/scheduling/node-affinity.ts";
import { taintTolerated } from "../api/scheduling/taints.ts";
import type { NodeInfo } from "./node-info.ts";
import type { Resources } from "./resources.ts";

export const MAX_NODE_SCORE = 100;

function fraction(requested: number, capacity: number): number {
  if (capacity <= 0) return 1;
  return Math.min(1, requested / capacity);
}

/** Least allocated: free share of cpu and memory after placing the pod (integer math as upstream). */
export function leastAllocatedScore(podNonZero: Resources, info: NodeInfo): number {
  const one = (req: number, cap: number) => {
    if (cap <= 0 || req > cap) return 0;
    return Math.floor(((cap - req) * MAX_NODE_SCORE) / cap);
  };
  const cpu = one(info.nonZeroRequested.milliCPU + podNonZero.milliCPU, info.allocatable.milliCPU);
  const mem = one(info.nonZeroRequested.memory + podNonZero.memory, info.allocatable.memory);
  return Math.floor((cpu + mem) / 2);
}

/** Balanced allocation: nodes whose cpu and memory fill up evenly score higher. */
export function balancedAllocationScore(podNonZero: Resources, info: NodeInfo): number {
  const cpu = fraction(info.nonZeroRequested.milliCPU + podNonZero.milliCPU, info.allocatable.milliCPU);
  const mem = fraction(info.nonZeroRequested.memory + podNonZero.memory, info.allocatable.memory);
  const std = Math.abs(cpu - mem) / 2;
  return Math.floor((1 - std) * MAX_NODE_SCORE);
}

/** Untolerated PreferNoSchedule taints (lower is better; normalized in reverse). */
export function intolerablePreferNoScheduleTaints(pod: KubeObject, node: KubeObject): number {
  const tolerations = (pod.spec?.tolerations ?? []).filter(
    (t: { effect?: string }) => !t.effect || t.effect === "PreferNoSchedule",
  );
  let n = 0;
  for (const taint of node.spec?.taints ?? []) {
    if (taint.effect === "PreferNoSchedule" && !taintTolerated(taint, tolerations)) n++;
  }
  return n;
}

/** Sum of the weights of the preferred node-affinity terms the node matches. */
export function preferredAffinityWeight(pod: KubeObject, node: KubeObject): number {
  let sum = 0;
  for (const p of pod.spec?.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []) {
    if (p?.weight && p.preference && nodeSelectorTermMatches(p.preference, node)) sum += p.weight;
  }
  return sum;
}

/** Upstream `DefaultNormalizeScore`: scale to 0..100 by the maximum, optionally reversed. */
export function normalizeScores(scores: number[], reverse: boolean): number[] {
  const max = Math.max(0, ...scores);
  if (max === 0) return scores.map(() => (reverse ? MAX_NODE_SCORE : 0));
  return scores.map((s) => {
    const v = Math.floor((MAX_NODE_SCORE * s) / max);
    return reverse ? MAX_NODE_SCORE - v : v;
  });
}

/** The best node among `feasible` (non-empty); equal totals go to the smallest name. */
export function selectHost(pod: KubeObject, podNonZero: Resources, feasible: readonly NodeInfo[]): string {
  const taints = normalizeScores(
    feasible.map((i) => intolerablePreferNoScheduleTaints(pod, i.node!)),
    true,
  );
  const affinity = normalizeScores(
    feasible.map((i) => preferredAffinityWeight(pod, i.node!)),
    false,
  );
  let best = "";
  let bestScore = -1;
  feasible.forEach((info, i) => {
    const total =
      leastAllocatedScore(podNonZero, info) +
      balancedAllocationScore(podNonZero, info) +
      3 * taints[i] +
      2 * affinity[i];
    if (total > bestScore || (total === bestScore && info.name < best)) {
      best = info.name;
      bestScore = total;
    }
  });
  return best;
}
