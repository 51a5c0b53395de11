// The small world the DaemonSet property test generates, and an independent reading of what the controller
// should do in it: node eligibility, update-strategy budgets, "is this pod of the current template". These
// are written from the upstream rules, not with the controller's helpers, so the test checks the controller
// rather than agreeing with itself.
import type { KubeObject } from "../../api/object.ts";
import { targetNodeName } from "../../api/scheduling/node-affinity.ts";

/** Label the generated nodeSelectors look at. */
export const TIER_LABEL = "loci.test/tier";
/** Taint key no daemon pod tolerates. */
export const BLOCK_TAINT_KEY = "loci.test/block";
/** Images containing this never become Ready (the node agent leaves them unready). */
export const UNREADY_MARKER = "unready";

export type TaintEffect = "NoSchedule" | "NoExecute";

export interface ModelPlacement {
  shouldRun: boolean;
  shouldContinueRunning: boolean;
}

/**
 * Eligibility in the generated world: the template's nodeSelector must match the node's labels; an
 * untolerated NoExecute taint evicts, an untolerated NoSchedule taint only stops new pods. Only valid for
 * nodes and templates this test generates (no affinity, no tolerations of `BLOCK_TAINT_KEY`).
 */
export function modelPlacement(ds: KubeObject, node: KubeObject): ModelPlacement {
  const selector: Record<string, string> = ds.spec?.template?.spec?.nodeSelector ?? {};
  const labels: Record<string, string> = node.metadata.labels ?? {};
  if (!Object.entries(selector).every(([k, v]) => labels[k] === v)) {
    return { shouldRun: false, shouldContinueRunning: false };
  }
  const taints: Array<{ key: string; effect: string }> = node.spec?.taints ?? [];
  const blocking = taints.filter((t) => t.key === BLOCK_TAINT_KEY);
  if (blocking.some((t) => t.effect === "NoExecute")) return { shouldRun: false, shouldContinueRunning: false };
  if (blocking.some((t) => t.effect === "NoSchedule")) return { shouldRun: false, shouldContinueRunning: true };
  return { shouldRun: true, shouldContinueRunning: true };
}

export type StrategyKind = "rolling" | "surge" | "onDelete";

function scaled(v: number | string | undefined, total: number): number {
  if (v === undefined || v === null) return 0;
  if (typeof v === "number") return v;
  return Math.ceil((Number.parseInt(v, 10) * total) / 100);
}

export function strategyKind(ds: KubeObject): StrategyKind {
  const s = ds.spec?.updateStrategy;
  if (s?.type !== "RollingUpdate") return "onDelete";
  return scaled(s.rollingUpdate?.maxSurge, 1) > 0 ? "surge" : "rolling";
}

/** How many desired nodes may lack an available pod because of the update (0 without RollingUpdate). */
export function maxUnavailableFor(ds: KubeObject, desired: number): number {
  const s = ds.spec?.updateStrategy;
  if (s?.type !== "RollingUpdate") return 0;
  const unavailable = scaled(s.rollingUpdate?.maxUnavailable, desired);
  const surge = scaled(s.rollingUpdate?.maxSurge, desired);
  return desired > 0 && unavailable === 0 && surge === 0 ? 1 : unavailable;
}

export function maxSurgeFor(ds: KubeObject, desired: number): number {
  const s = ds.spec?.updateStrategy;
  if (s?.type !== "RollingUpdate") return 0;
  return scaled(s.rollingUpdate?.maxSurge, desired);
}

/** The two template fields the test changes: a pod is "new" when both match the DaemonSet's template. */
export function templateKey(template: any): string {
  const spec = template?.spec ?? {};
  const sel = Object.entries(spec.nodeSelector ?? {}).sort();
  return JSON.stringify([spec.containers?.[0]?.image ?? "", sel]);
}

export function podIsNew(pod: KubeObject, ds: KubeObject): boolean {
  return templateKey({ spec: pod.spec }) === templateKey(ds.spec?.template);
}

/** minReadySeconds is 0 here, so available means Ready. */
export function podAvailable(pod: KubeObject): boolean {
  return (pod.status?.conditions ?? []).some((c: any) => c.type === "Ready" && c.status === "True");
}

export function podTerminating(pod: KubeObject): boolean {
  return !!pod.metadata.deletionTimestamp;
}

/** Upstream's order for "the oldest pod of a node": bound first, then creationTimestamp, then name. */
export function olderFirst(a: KubeObject, b: KubeObject): number {
  const ab = !!a.spec?.nodeName;
  const bb = !!b.spec?.nodeName;
  if (ab !== bb) return ab ? -1 : 1;
  const ta = Date.parse(a.metadata.creationTimestamp ?? "") || 0;
  const tb = Date.parse(b.metadata.creationTimestamp ?? "") || 0;
  if (ta !== tb) return ta - tb;
  return (a.metadata.name ?? "") < (b.metadata.name ?? "") ? -1 : 1;
}

/** Non-terminating pods per target node (bound, or pinned by the matchFields term). */
export function liveByNode(pods: Iterable<KubeObject>): Map<string, KubeObject[]> {
  const out = new Map<string, KubeObject[]>();
  for (const p of pods) {
    if (podTerminating(p)) continue;
    const n = targetNodeName(p);
    if (n === undefined) continue;
    const list = out.get(n) ?? [];
    list.push(p);
    out.set(n, list);
  }
  return out;
}
