// When must a pod leave a node with NoExecute taints? (upstream `GetMatchingTolerations`, `getMinTolerationTime`).
import { type Taint, type Toleration, toleratesTaint } from "../../api/scheduling/taints.ts";

export function noExecuteTaints(taints: readonly Taint[] | undefined): Taint[] {
  return (taints ?? []).filter((t) => t.effect === "NoExecute");
}

/** Whether every taint is tolerated, and the tolerations that match at least one of them. */
export function matchingTolerations(
  taints: readonly Taint[],
  tolerations: readonly Toleration[] | undefined,
): { allTolerated: boolean; used: Toleration[] } {
  const used: Toleration[] = [];
  for (const taint of taints) {
    const matching = (tolerations ?? []).filter((t) => toleratesTaint(t, taint));
    if (matching.length === 0) return { allTolerated: false, used: [] };
    for (const t of matching) if (!used.includes(t)) used.push(t);
  }
  return { allTolerated: true, used };
}

/** Shortest tolerationSeconds among `used`, in ms: -1 = forever (none set), 0 = now (empty list or any <= 0). */
export function minTolerationMs(used: readonly Toleration[]): number {
  if (used.length === 0) return 0;
  let min = Number.POSITIVE_INFINITY;
  for (const t of used) {
    if (t.tolerationSeconds === undefined || t.tolerationSeconds === null) continue;
    if (t.tolerationSeconds <= 0) return 0;
    min = Math.min(min, t.tolerationSeconds);
  }
  return min === Number.POSITIVE_INFINITY ? -1 : min * 1000;
}

export type EvictionDecision =
  | { kind: "none" } // no NoExecute taints, or tolerated forever: cancel any scheduled eviction
  | { kind: "now" } // some taint not tolerated (or tolerated for 0 s)
  | { kind: "after"; delayMs: number }; // tolerated for a while, counted from when the taint was observed

export function evictionDecision(
  taints: readonly Taint[],
  tolerations: readonly Toleration[] | undefined,
): EvictionDecision {
  if (taints.length === 0) return { kind: "none" };
  const { allTolerated, used } = matchingTolerations(taints, tolerations);
  if (!allTolerated) return { kind: "now" };
  const ms = minTolerationMs(used);
  if (ms < 0) return { kind: "none" };
  if (ms === 0) return { kind: "now" };
  return { kind: "after", delayMs: ms };
}
