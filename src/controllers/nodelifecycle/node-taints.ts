// Which taints the node lifecycle controller owns and how it changes a node's taint list (upstream
// `doNoScheduleTaintingPass`, `taintutils.TaintSetDiff`, `AddOrUpdateTaint`, `RemoveTaint`). Pure: the writer
// (taint-writer.ts) turns the result into one patch.
import type { KubeObject } from "../../api/object.ts";
import {
  sameTaint,
  TAINT_DISK_PRESSURE,
  TAINT_MEMORY_PRESSURE,
  TAINT_NETWORK_UNAVAILABLE,
  TAINT_NOT_READY,
  TAINT_PID_PRESSURE,
  TAINT_UNREACHABLE,
  TAINT_UNSCHEDULABLE,
  type Taint,
} from "../../api/scheduling/taints.ts";

export const NOT_READY_NO_EXECUTE: Taint = { key: TAINT_NOT_READY, effect: "NoExecute" };
export const UNREACHABLE_NO_EXECUTE: Taint = { key: TAINT_UNREACHABLE, effect: "NoExecute" };

/** Condition type → status → taint key, for the NoSchedule taints that mirror conditions. */
const CONDITION_TAINTS: Record<string, Record<string, string>> = {
  Ready: { False: TAINT_NOT_READY, Unknown: TAINT_UNREACHABLE },
  MemoryPressure: { True: TAINT_MEMORY_PRESSURE },
  DiskPressure: { True: TAINT_DISK_PRESSURE },
  NetworkUnavailable: { True: TAINT_NETWORK_UNAVAILABLE },
  PIDPressure: { True: TAINT_PID_PRESSURE },
};

const CONDITION_TAINT_KEYS = new Set([
  TAINT_NOT_READY,
  TAINT_UNREACHABLE,
  TAINT_MEMORY_PRESSURE,
  TAINT_DISK_PRESSURE,
  TAINT_NETWORK_UNAVAILABLE,
  TAINT_PID_PRESSURE,
]);

export interface NodeCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastHeartbeatTime?: string;
  lastTransitionTime?: string;
}

export function nodeCondition(node: KubeObject, type: string): NodeCondition | undefined {
  return (node.status?.conditions as NodeCondition[] | undefined)?.find((c) => c.type === type);
}

export function nodeTaints(node: KubeObject): Taint[] {
  return (node.spec?.taints as Taint[] | undefined) ?? [];
}

export function hasTaint(node: KubeObject, taint: Taint): boolean {
  return nodeTaints(node).some((t) => sameTaint(t, taint));
}

/** NoSchedule taints the node should carry: one per unhealthy condition, plus `unschedulable` when cordoned. */
export function desiredNoScheduleTaints(node: KubeObject): Taint[] {
  const out: Taint[] = [];
  for (const c of (node.status?.conditions as NodeCondition[] | undefined) ?? []) {
    const key = CONDITION_TAINTS[c.type]?.[c.status];
    if (key) out.push({ key, effect: "NoSchedule" });
  }
  if (node.spec?.unschedulable) out.push({ key: TAINT_UNSCHEDULABLE, effect: "NoSchedule" });
  return out;
}

/** NoSchedule taints of keys this controller manages that the node carries now. */
function managedNoScheduleTaints(node: KubeObject): Taint[] {
  return nodeTaints(node).filter(
    (t) => t.effect === "NoSchedule" && (t.key === TAINT_UNSCHEDULABLE || CONDITION_TAINT_KEYS.has(t.key)),
  );
}

/** What to add and remove so the managed NoSchedule taints match the node's conditions and cordon. */
export function noScheduleTaintDiff(node: KubeObject): { add: Taint[]; remove: Taint[] } {
  const want = desiredNoScheduleTaints(node);
  const have = managedNoScheduleTaints(node);
  return {
    add: want.filter((w) => !have.some((h) => sameTaint(h, w))),
    remove: have.filter((h) => !want.some((w) => sameTaint(h, w))),
  };
}

/**
 * The node's taints after adding `add` (replacing ones with the same key and effect unless only `timeAdded`
 * differs, so a taint keeps the time it was first added) and removing `remove` (by key and effect); undefined
 * when nothing changes, so callers write nothing.
 */
export function changedTaints(
  current: readonly Taint[],
  add: readonly Taint[],
  remove: readonly Taint[],
): Taint[] | undefined {
  let changed = false;
  let out: Taint[] = [];
  for (const t of current) {
    if (remove.some((r) => sameTaint(r, t)) && !add.some((a) => sameTaint(a, t))) {
      changed = true;
      continue;
    }
    out.push(t);
  }
  for (const a of add) {
    const i = out.findIndex((t) => sameTaint(t, a));
    if (i < 0) {
      out.push(a);
      changed = true;
    } else if ((out[i]!.value ?? "") !== (a.value ?? "")) {
      out = out.map((t, j) => (j === i ? a : t));
      changed = true;
    }
  }
  return changed ? out : undefined;
}
