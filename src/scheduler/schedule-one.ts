// One scheduling decision (upstream `schedulePod` / `findNodesThatFitPod`), pure over the cache: PreFilter narrows
// a pod pinned by `matchFields metadata.name` to its node (so a daemon pod costs O(1), not O(nodes)), filters run
// on the candidates starting where the previous pod stopped, and the feasible nodes are scored. Nodes left out by
// PreFilter are still counted in the message, as upstream does, without being looked at.

import {
  NODE_AFFINITY_PLUGIN,
  type PodToSchedule,
  PREFILTER_CONFLICT,
  preFilterNodeNames,
  runFilters,
} from "./filters.ts";
import { Diagnosis, fitErrorMessage, NO_NODES_AVAILABLE } from "./fit-error.ts";
import type { NodeInfo, SchedulerCache } from "./node-info.ts";
import { selectHost } from "./score.ts";

export type ScheduleResult =
  | { node: string; evaluatedNodes: number }
  /** Fits nowhere: `message` is the FailedScheduling text; the pod waits for a cluster change. */
  | { unschedulable: true; message: string; diagnosis?: Diagnosis };

/** Below this many nodes every node is checked; above it, enough to score (upstream minFeasibleNodesToFind). */
const MIN_FEASIBLE_NODES_TO_FIND = 100;
const MIN_FEASIBLE_NODES_PERCENTAGE = 5;

/** Upstream `numFeasibleNodesToFind` with the adaptive default percentage. */
export function numFeasibleNodesToFind(numAllNodes: number): number {
  if (numAllNodes < MIN_FEASIBLE_NODES_TO_FIND) return numAllNodes;
  const percentage = Math.max(MIN_FEASIBLE_NODES_PERCENTAGE, 50 - Math.trunc(numAllNodes / 125));
  return Math.max(MIN_FEASIBLE_NODES_TO_FIND, Math.trunc((numAllNodes * percentage) / 100));
}

export class SchedulingAlgorithm {
  /** Where the next full scan starts, so every node gets its turn (upstream nextStartNodeIndex). */
  private nextStartNodeIndex = 0;

  constructor(private readonly cache: SchedulerCache) {}

  schedule(p: PodToSchedule): ScheduleResult {
    const numAllNodes = this.cache.numNodes();
    if (numAllNodes === 0) return { unschedulable: true, message: NO_NODES_AVAILABLE };
    const diagnosis = new Diagnosis();
    const pinned = preFilterNodeNames(p.pod);
    if (pinned && pinned.size === 0) {
      diagnosis.preFilterMessage = PREFILTER_CONFLICT;
      diagnosis.add({ reasons: [PREFILTER_CONFLICT], unresolvable: true }, numAllNodes);
      return this.fitError(p, numAllNodes, diagnosis);
    }

    let feasible: NodeInfo[];
    let evaluated: number;
    if (pinned) {
      feasible = [];
      evaluated = 0;
      for (const name of pinned) {
        const info = this.cache.node(name);
        if (!info) continue;
        evaluated++;
        const status = runFilters(p, info);
        if (status) diagnosis.add(status);
        else feasible.push(info);
      }
      diagnosis.add(
        { reasons: [`node(s) didn't satisfy plugin(s) [${NODE_AFFINITY_PLUGIN}]`], unresolvable: true },
        numAllNodes - evaluated,
      );
    } else {
      ({ feasible, evaluated } = this.scan(p, diagnosis));
    }

    if (feasible.length === 0) return this.fitError(p, numAllNodes, diagnosis);
    if (feasible.length === 1) return { node: feasible[0].name, evaluatedNodes: evaluated };
    return { node: selectHost(p.pod, p.nonZero, feasible), evaluatedNodes: evaluated };
  }

  private scan(p: PodToSchedule, diagnosis: Diagnosis): { feasible: NodeInfo[]; evaluated: number } {
    const nodes = this.cache.nodeList();
    const n = nodes.length;
    const want = numFeasibleNodesToFind(n);
    const feasible: NodeInfo[] = [];
    let evaluated = 0;
    const start = this.nextStartNodeIndex % n;
    for (let i = 0; i < n && feasible.length < want; i++) {
      const info = nodes[(start + i) % n];
      evaluated++;
      const status = runFilters(p, info);
      if (status) diagnosis.add(status);
      else feasible.push(info);
    }
    this.nextStartNodeIndex = (start + evaluated) % n;
    return { feasible, evaluated };
  }

  private fitError(p: PodToSchedule, numAllNodes: number, diagnosis: Diagnosis): ScheduleResult {
    return { unschedulable: true, message: fitErrorMessage(p.pod, numAllNodes, diagnosis), diagnosis };
  }
}
