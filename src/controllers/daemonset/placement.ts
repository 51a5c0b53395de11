// Should a node run a daemon pod? (upstream `NodeShouldRunDaemonPod` and `AddOrUpdateDaemonPodTolerations`).
// The decision is made for a simulated pod: the template plus the default daemon tolerations, so those
// always take part.
import type { KubeObject } from "../../api/object.ts";
import { podMatchesNodeSelectorAndAffinity } from "../../api/scheduling/node-affinity.ts";
import {
  findUntoleratedTaint,
  sameToleration,
  TAINT_DISK_PRESSURE,
  TAINT_MEMORY_PRESSURE,
  TAINT_NETWORK_UNAVAILABLE,
  TAINT_NOT_READY,
  TAINT_PID_PRESSURE,
  TAINT_UNREACHABLE,
  TAINT_UNSCHEDULABLE,
  type Toleration,
} from "../../api/scheduling/taints.ts";

export interface Placement {
  /** A new daemon pod should be created here. */
  shouldRun: boolean;
  /** An existing daemon pod may stay. */
  shouldContinueRunning: boolean;
}

/** The tolerations every daemon pod gets (network-unavailable only with host networking). */
export function defaultDaemonTolerations(hostNetwork: boolean): Toleration[] {
  const out: Toleration[] = [
    { key: TAINT_NOT_READY, operator: "Exists", effect: "NoExecute" },
    { key: TAINT_UNREACHABLE, operator: "Exists", effect: "NoExecute" },
    { key: TAINT_DISK_PRESSURE, operator: "Exists", effect: "NoSchedule" },
    { key: TAINT_MEMORY_PRESSURE, operator: "Exists", effect: "NoSchedule" },
    { key: TAINT_PID_PRESSURE, operator: "Exists", effect: "NoSchedule" },
    { key: TAINT_UNSCHEDULABLE, operator: "Exists", effect: "NoSchedule" },
  ];
  if (hostNetwork) out.push({ key: TAINT_NETWORK_UNAVAILABLE, operator: "Exists", effect: "NoSchedule" });
  return out;
}

/**
 * `v1helper.AddOrUpdateTolerationInPodSpec` for each default: a toleration with the same key, effect,
 * operator and value is replaced by the default (so a time-limited not-ready toleration becomes forever),
 * otherwise the default is appended. Returns the new list; the input is not modified.
 */
export function mergeDaemonTolerations(
  existing: readonly Toleration[] | undefined,
  hostNetwork: boolean,
): Toleration[] {
  let out: Toleration[] = [...(existing ?? [])];
  for (const def of defaultDaemonTolerations(hostNetwork)) {
    const matches = out.filter((t) => sameToleration(t, def));
    // Already present in exactly this form: upstream leaves the list untouched.
    if (matches.some((t) => t.tolerationSeconds === undefined || t.tolerationSeconds === null)) continue;
    if (matches.length === 0) out.push({ ...def });
    else out = out.map((t) => (sameToleration(t, def) ? { ...def } : t));
  }
  return out;
}

/** Sets the default daemon tolerations on a pod spec in place (and returns it). */
export function addDaemonTolerations<S extends { tolerations?: Toleration[]; hostNetwork?: boolean }>(podSpec: S): S {
  podSpec.tolerations = mergeDaemonTolerations(podSpec.tolerations, podSpec.hostNetwork === true);
  return podSpec;
}

const BLOCKING_EFFECTS = ["NoSchedule", "NoExecute"] as const;
const EXECUTE_EFFECT = ["NoExecute"] as const;

/**
 * Precomputes the simulated pod of a DaemonSet once, so a sync over thousands of nodes only pays the per-node
 * label, affinity and taint checks.
 */
export function placementChecker(ds: KubeObject): (node: KubeObject) => Placement {
  const spec = ds.spec?.template?.spec ?? {};
  const templateNodeName: string = spec.nodeName ?? "";
  const tolerations = mergeDaemonTolerations(spec.tolerations, spec.hostNetwork === true);
  return (node) => {
    const nodeName = node.metadata.name ?? "";
    if (templateNodeName !== "" && templateNodeName !== nodeName)
      return { shouldRun: false, shouldContinueRunning: false };
    if (!podMatchesNodeSelectorAndAffinity(spec, node)) return { shouldRun: false, shouldContinueRunning: false };
    const taints = node.spec?.taints;
    if (findUntoleratedTaint(taints, tolerations, BLOCKING_EFFECTS)) {
      return { shouldRun: false, shouldContinueRunning: !findUntoleratedTaint(taints, tolerations, EXECUTE_EFFECT) };
    }
    return { shouldRun: true, shouldContinueRunning: true };
  };
}

/** Upstream `NodeShouldRunDaemonPod(node, ds)`. */
export function nodeShouldRunDaemonPod(node: KubeObject, ds: KubeObject): Placement {
  return placementChecker(ds)(node);
}
