// DaemonSet status numbers (upstream `updateDaemonSetStatus` / `storeDaemonSetStatus`), computed over the node
// list only: pods on nodes that no longer exist are not counted.
import type { KubeObject } from "../../api/object.ts";
import { isPodAvailable, isPodReady } from "../../api/scheduling/pod-conditions.ts";
import { sortPodsOldestFirst } from "./manage.ts";
import type { Placement } from "./placement.ts";
import { isPodUpdated } from "./revisions.ts";

export interface DaemonSetCounts {
  desiredNumberScheduled: number;
  currentNumberScheduled: number;
  numberMisscheduled: number;
  numberReady: number;
  updatedNumberScheduled: number;
  numberAvailable: number;
  numberUnavailable: number;
}

export const COUNT_FIELDS = [
  "desiredNumberScheduled",
  "currentNumberScheduled",
  "numberMisscheduled",
  "numberReady",
  "updatedNumberScheduled",
  "numberAvailable",
  "numberUnavailable",
] as const satisfies readonly (keyof DaemonSetCounts)[];

export interface StatusInput {
  nodes: readonly KubeObject[];
  placement(node: KubeObject): Placement;
  /** Owned pods per target node, terminal-and-deleted ones already left out. */
  nodeToPods: ReadonlyMap<string, readonly KubeObject[]>;
  hash: string;
  generation: string | undefined;
  minReadySeconds: number;
  now: Date;
}

export function computeCounts(input: StatusInput): DaemonSetCounts {
  const c: DaemonSetCounts = {
    desiredNumberScheduled: 0,
    currentNumberScheduled: 0,
    numberMisscheduled: 0,
    numberReady: 0,
    updatedNumberScheduled: 0,
    numberAvailable: 0,
    numberUnavailable: 0,
  };
  for (const node of input.nodes) {
    const pods = input.nodeToPods.get(node.metadata.name ?? "") ?? [];
    const scheduled = pods.length > 0;
    if (!input.placement(node).shouldRun) {
      if (scheduled) c.numberMisscheduled++;
      continue;
    }
    c.desiredNumberScheduled++;
    if (!scheduled) continue;
    c.currentNumberScheduled++;
    // Only the oldest pod of the node speaks for it.
    const pod = pods.length === 1 ? pods[0] : sortPodsOldestFirst(pods)[0];
    if (isPodReady(pod)) {
      c.numberReady++;
      if (isPodAvailable(pod, input.minReadySeconds, input.now)) c.numberAvailable++;
    }
    if (isPodUpdated(pod, input.hash, input.generation)) c.updatedNumberScheduled++;
  }
  c.numberUnavailable = c.desiredNumberScheduled - c.numberAvailable;
  return c;
}

/** The write is skipped when every number is unchanged and the generation was already observed. */
export function statusUpToDate(ds: KubeObject, counts: DaemonSetCounts): boolean {
  const s = ds.status ?? {};
  for (const f of COUNT_FIELDS) if ((s[f] ?? 0) !== counts[f]) return false;
  return (s.observedGeneration ?? 0) >= (ds.metadata.generation ?? 0);
}

/** The DaemonSet to PUT to `/status`: the given copy with new numbers; everything else (conditions…) kept. */
export function withCounts(ds: KubeObject, counts: DaemonSetCounts, observedGeneration?: number): KubeObject {
  const out = structuredClone(ds);
  const status = { ...(out.status ?? {}) };
  if (observedGeneration !== undefined) status.observedGeneration = observedGeneration;
  for (const f of COUNT_FIELDS) status[f] = counts[f];
  out.status = status;
  return out;
}
