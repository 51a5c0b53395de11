// RollingUpdate decisions (upstream update.go `rollingUpdate`, `updatedDesiredNodeCounts`, util `SurgeCount`,
// `UnavailableCount`): which old pods to delete and, when surging, which nodes get a new pod next to the old.
import type { KubeObject } from "../../api/object.ts";
import { isPodAvailable } from "../../api/scheduling/pod-conditions.ts";
import { isPodUpdated } from "./revisions.ts";

/**
 * `intstr.GetScaledValueFromIntOrPercent`: integers as is, "N%" of `total` (rounded up when `roundUp`).
 * Throws for strings that are not percentages.
 */
export function scaledValue(v: number | string | undefined | null, total: number, roundUp: boolean): number {
  if (v === undefined || v === null) return 0;
  if (typeof v === "number") return v;
  if (!v.endsWith("%")) throw new Error(`invalid value for IntOrString: invalid type: string is not a percentage`);
  const pct = Number.parseInt(v.slice(0, -1), 10);
  if (!/^-?\d+$/.test(v.slice(0, -1)) || Number.isNaN(pct)) throw new Error(`invalid value "${v}": not a percentage`);
  const scaled = (pct * total) / 100;
  return roundUp ? Math.ceil(scaled) : Math.floor(scaled);
}

function rollingParams(ds: KubeObject): { maxSurge?: number | string; maxUnavailable?: number | string } | undefined {
  const strategy = ds.spec?.updateStrategy;
  if (strategy?.type !== "RollingUpdate") return undefined;
  return strategy.rollingUpdate ?? undefined;
}

/** `util.SurgeCount`: 0 unless RollingUpdate with a maxSurge. */
export function surgeCount(ds: KubeObject, desired: number): number {
  const ru = rollingParams(ds);
  if (!ru) return 0;
  return scaledValue(ru.maxSurge, desired, true);
}

/** `util.UnavailableCount`: 0 unless RollingUpdate with a maxUnavailable. */
export function unavailableCount(ds: KubeObject, desired: number): number {
  const ru = rollingParams(ds);
  if (!ru) return 0;
  return scaledValue(ru.maxUnavailable, desired, true);
}

/** `util.AllowsSurge`: maxSurge resolves to more than 0 (evaluated against one node). */
export function allowsSurge(ds: KubeObject): boolean {
  try {
    return surgeCount(ds, 1) > 0;
  } catch {
    return false;
  }
}

/** maxSurge and maxUnavailable for `desired` nodes; both 0 (only via unvalidated objects) means unavailable 1. */
export function rollingUpdateBudget(ds: KubeObject, desired: number): { maxSurge: number; maxUnavailable: number } {
  const maxUnavailable = unavailableCount(ds, desired);
  const maxSurge = surgeCount(ds, desired);
  if (desired > 0 && maxUnavailable === 0 && maxSurge === 0) return { maxSurge, maxUnavailable: 1 };
  return { maxSurge, maxUnavailable };
}

/**
 * The one new and the one old non-terminating pod of a node; `ok` false when there are several of either
 * (the manage loop prunes those first).
 */
export function findUpdatedPodsOnNode(
  pods: readonly KubeObject[],
  hash: string,
  generation: string | undefined,
): { newPod?: KubeObject; oldPod?: KubeObject; ok: boolean } {
  let newPod: KubeObject | undefined;
  let oldPod: KubeObject | undefined;
  for (const pod of pods) {
    if (pod.metadata.deletionTimestamp) continue;
    if (isPodUpdated(pod, hash, generation)) {
      if (newPod) return { ok: false };
      newPod = pod;
    } else {
      if (oldPod) return { ok: false };
      oldPod = pod;
    }
  }
  return { newPod, oldPod, ok: true };
}

export interface RollingUpdateInput {
  /** Pods per target node; every desired node has an entry (possibly empty). Iteration order is kept. */
  nodeToPods: ReadonlyMap<string, readonly KubeObject[]>;
  desired: number;
  maxSurge: number;
  maxUnavailable: number;
  hash: string;
  generation: string | undefined;
  minReadySeconds: number;
  now: Date;
  /** Placement of a node by name; undefined when the node is unknown. */
  shouldRun(nodeName: string): boolean | undefined;
}

export interface RollingUpdatePlan {
  podsToDelete: string[];
  nodesToCreate: string[];
}

/** Upstream `rollingUpdate` decision, without the API calls. */
export function planRollingUpdate(input: RollingUpdateInput): RollingUpdatePlan {
  return input.maxSurge === 0 ? planWithoutSurge(input) : planWithSurge(input);
}

function planWithoutSurge(input: RollingUpdateInput): RollingUpdatePlan {
  const available = (p: KubeObject) => isPodAvailable(p, input.minReadySeconds, input.now);
  let numUnavailable = 0;
  const allowedReplacements: string[] = [];
  const candidates: string[] = [];
  for (const pods of input.nodeToPods.values()) {
    const { newPod, oldPod, ok } = findUpdatedPodsOnNode(pods, input.hash, input.generation);
    if (!ok) {
      numUnavailable++;
      continue;
    }
    if ((!oldPod && !newPod) || (oldPod && newPod)) {
      numUnavailable++;
    } else if (newPod) {
      if (!available(newPod)) numUnavailable++;
    } else if (oldPod) {
      if (!available(oldPod)) {
        allowedReplacements.push(oldPod.metadata.name ?? "");
        numUnavailable++;
      } else if (numUnavailable < input.maxUnavailable) {
        candidates.push(oldPod.metadata.name ?? "");
      }
    }
  }
  const budget = Math.min(Math.max(0, input.maxUnavailable - numUnavailable), candidates.length);
  return { podsToDelete: [...allowedReplacements, ...candidates.slice(0, budget)], nodesToCreate: [] };
}

function planWithSurge(input: RollingUpdateInput): RollingUpdatePlan {
  const available = (p: KubeObject) => isPodAvailable(p, input.minReadySeconds, input.now);
  const shouldRun = (node: string) => {
    const r = input.shouldRun(node);
    if (r === undefined) throw new Error(`couldn't get node for nodeName "${node}"`);
    return r;
  };
  const podsToDelete: string[] = [];
  const shouldNotRunToDelete: string[] = [];
  const candidates: string[] = [];
  const allowed: string[] = [];
  let numSurge = 0;
  let numAvailable = 0;
  for (const [nodeName, pods] of input.nodeToPods) {
    const { newPod, oldPod, ok } = findUpdatedPodsOnNode(pods, input.hash, input.generation);
    if (!ok) {
      numSurge++;
      continue;
    }
    if (oldPod) {
      if (available(oldPod)) numAvailable++;
    } else if (newPod && available(newPod)) {
      numAvailable++;
    }
    if (!oldPod) continue;
    if (!newPod) {
      if (!available(oldPod)) {
        if (!shouldRun(nodeName)) podsToDelete.push(oldPod.metadata.name ?? "");
        else allowed.push(nodeName);
      } else if (!shouldRun(nodeName)) {
        shouldNotRunToDelete.push(oldPod.metadata.name ?? "");
      } else if (numSurge < input.maxSurge) {
        candidates.push(nodeName);
      }
      continue;
    }
    if (!available(newPod)) {
      numSurge++;
      continue;
    }
    podsToDelete.push(oldPod.metadata.name ?? "");
  }
  // With surge the owner expects full availability: pods on nodes that stopped matching go only once enough
  // replacements elsewhere are available.
  const deletable = Math.min(numAvailable - input.desired, shouldNotRunToDelete.length);
  if (deletable > 0) podsToDelete.push(...shouldNotRunToDelete.slice(0, deletable));
  const remainingSurge = Math.min(Math.max(0, input.maxSurge - numSurge), candidates.length);
  return { podsToDelete, nodesToCreate: [...allowed, ...candidates.slice(0, remainingSurge)] };
}
