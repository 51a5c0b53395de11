// The filter plugins of the default profile that loci runs, in upstream's order, each returning upstream's reason
// strings (pkg/scheduler/framework/plugins/{nodeunschedulable,nodename,tainttoleration,nodeaffinity,noderesources}).
// A node passes when every filter returns undefined; the first failing filter decides the node's status.

import type { KubeObject } from "../api/object.ts";
import { podMatchesNodeSelectorAndAffinity } from "../api/scheduling/node-affinity.ts";
import { findUntoleratedTaint, TAINT_UNSCHEDULABLE, type Taint, taintTolerated } from "../api/scheduling/taints.ts";
import type { NodeInfo } from "./node-info.ts";
import { podRequests, type Resources, requestsNothing } from "./resources.ts";

/**
 * Why a node was rejected. `unresolvable` is upstream's UnschedulableAndUnresolvable: evicting pods would not
 * help (preemption reports "Preemption is not helpful for scheduling" for such nodes).
 */
export interface FilterStatus {
  reasons: string[];
  unresolvable: boolean;
}

export const REASON_UNSCHEDULABLE = "node(s) were unschedulable";
export const REASON_NODE_NAME = "node(s) didn't match the requested node name";
export const REASON_NODE_AFFINITY = "node(s) didn't match Pod's node affinity/selector";
export const REASON_TOO_MANY_PODS = "Too many pods";

/** The pod as the filters see it: the object plus its requests, computed once per attempt. */
export interface PodToSchedule {
  pod: KubeObject;
  requests: Resources;
  /** Requests with scoring defaults (see `podRequests(pod, true)`). */
  nonZero: Resources;
}

export function podToSchedule(pod: KubeObject): PodToSchedule {
  return { pod, requests: podRequests(pod), nonZero: podRequests(pod, true) };
}

export function nodeUnschedulableFilter(pod: KubeObject, node: KubeObject): FilterStatus | undefined {
  if (!node.spec?.unschedulable) return undefined;
  const taint: Taint = { key: TAINT_UNSCHEDULABLE, effect: "NoSchedule" };
  if (taintTolerated(taint, pod.spec?.tolerations)) return undefined;
  return { reasons: [REASON_UNSCHEDULABLE], unresolvable: true };
}

export function nodeNameFilter(pod: KubeObject, node: KubeObject): FilterStatus | undefined {
  const want = pod.spec?.nodeName;
  if (!want || want === node.metadata.name) return undefined;
  return { reasons: [REASON_NODE_NAME], unresolvable: true };
}

const DO_NOT_SCHEDULE = ["NoSchedule", "NoExecute"];

export function taintTolerationFilter(pod: KubeObject, node: KubeObject): FilterStatus | undefined {
  const taint = findUntoleratedTaint(node.spec?.taints, pod.spec?.tolerations, DO_NOT_SCHEDULE);
  if (!taint) return undefined;
  return { reasons: [`node(s) had untolerated taint {${taint.key}: ${taint.value ?? ""}}`], unresolvable: true };
}

export function nodeAffinityFilter(pod: KubeObject, node: KubeObject): FilterStatus | undefined {
  if (podMatchesNodeSelectorAndAffinity(pod.spec, node)) return undefined;
  return { reasons: [REASON_NODE_AFFINITY], unresolvable: true };
}

/**
 * NodeResourcesFit: a free pod slot, then every requested resource against allocatable minus what the node's pods
 * already request. A shortage the pod could not fit even on the empty node is unresolvable.
 */
export function resourcesFitFilter(requests: Resources, info: NodeInfo): FilterStatus | undefined {
  const reasons: string[] = [];
  let unresolvable = false;
  if (info.podCount + 1 > info.allocatable.allowedPods) reasons.push(REASON_TOO_MANY_PODS);
  if (!requestsNothing(requests)) {
    const alloc = info.allocatable;
    const used = info.requested;
    const check = (want: number, have: number, inUse: number, reason: string) => {
      if (want > 0 && want > have - inUse) {
        reasons.push(reason);
        if (want > have) unresolvable = true;
      }
    };
    check(requests.milliCPU, alloc.milliCPU, used.milliCPU, "Insufficient cpu");
    check(requests.memory, alloc.memory, used.memory, "Insufficient memory");
    check(requests.ephemeralStorage, alloc.ephemeralStorage, used.ephemeralStorage, "Insufficient ephemeral-storage");
    for (const [name, want] of Object.entries(requests.scalar)) {
      check(want, alloc.scalar[name] ?? 0, used.scalar[name] ?? 0, `Insufficient ${name}`);
    }
  }
  return reasons.length ? { reasons, unresolvable } : undefined;
}

/** All filters in upstream's order; undefined when the node fits. */
export function runFilters(p: PodToSchedule, info: NodeInfo): FilterStatus | undefined {
  const node = info.node;
  if (!node) return { reasons: [REASON_NODE_AFFINITY], unresolvable: true };
  return (
    nodeUnschedulableFilter(p.pod, node) ??
    nodeNameFilter(p.pod, node) ??
    taintTolerationFilter(p.pod, node) ??
    nodeAffinityFilter(p.pod, node) ??
    resourcesFitFilter(p.requests, info)
  );
}

/**
 * NodeAffinity's PreFilter: when every required term names nodes through `matchFields metadata.name In`, only
 * those nodes can fit (a daemon pod names exactly one). Undefined means "all nodes"; an empty set means the terms
 * conflict (reported as PREFILTER_CONFLICT).
 */
export function preFilterNodeNames(pod: KubeObject): Set<string> | undefined {
  const terms: any[] | undefined =
    pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  if (!terms?.length) return undefined;
  const names = new Set<string>();
  for (const t of terms) {
    // Requirements of one term are ANDed: intersect their names.
    let termNames: Set<string> | undefined;
    for (const f of t?.matchFields ?? []) {
      if (f?.key !== "metadata.name" || f?.operator !== "In") continue;
      const values = new Set<string>(f.values ?? []);
      termNames = termNames ? new Set([...termNames].filter((n) => values.has(n))) : values;
    }
    // A term without a name requirement lets every node through (terms are ORed).
    if (!termNames) return undefined;
    for (const n of termNames) names.add(n);
  }
  return names;
}

export const PREFILTER_CONFLICT = "pod affinity terms conflict";
export const NODE_AFFINITY_PLUGIN = "NodeAffinity";
