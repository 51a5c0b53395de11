// Resource arithmetic of the scheduler (upstream `framework.Resource`, `computePodResourceRequest` via
// `resourcehelper.PodRequests`, `schedutil.GetNonzeroRequests`): cpu in millicores, everything else as the
// quantity's integer value rounded up, as upstream's MilliValue()/Value(). Numbers, not bigints: node-scale values
// stay far below 2^53 and the hot path sums thousands of pods.
import type { KubeObject } from "../api/object.ts";
import { parseQuantity, quantityToInt, quantityToMilli } from "../api/quantity.ts";

export interface Resources {
  milliCPU: number;
  memory: number;
  ephemeralStorage: number;
  /** Only meaningful for allocatable (`pods`); a pod's request of pods is implicit (1). */
  allowedPods: number;
  /** Extended resources, hugepages, attachable volumes: by name. */
  scalar: Record<string, number>;
}

/** Requests the scoring functions assume for a container that states none (upstream DefaultMilliCPURequest/DefaultMemoryRequest). */
export const DEFAULT_MILLI_CPU_REQUEST = 100;
export const DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024;

export function emptyResources(): Resources {
  return { milliCPU: 0, memory: 0, ephemeralStorage: 0, allowedPods: 0, scalar: {} };
}

/** Upstream `IsScalarResourceName`: extended (domain-qualified), hugepages-*, attachable-volumes-*. */
export function isScalarResourceName(name: string): boolean {
  return name.includes("/") || name.startsWith("hugepages-") || name.startsWith("attachable-volumes-");
}

function quantityValue(v: unknown, milli: boolean): number {
  if (typeof v !== "string" && typeof v !== "number") return 0;
  try {
    const q = parseQuantity(v);
    return Number(milli ? quantityToMilli(q) : quantityToInt(q));
  } catch {
    return 0;
  }
}

/** A ResourceList (`{cpu: "500m", memory: "1Gi", ...}`) as numbers. */
export function resourcesFromList(list: Record<string, unknown> | undefined): Resources {
  const r = emptyResources();
  addList(r, list);
  return r;
}

function addList(r: Resources, list: Record<string, unknown> | undefined): void {
  if (!list) return;
  for (const [name, v] of Object.entries(list)) {
    switch (name) {
      case "cpu":
        r.milliCPU += quantityValue(v, true);
        break;
      case "memory":
        r.memory += quantityValue(v, false);
        break;
      case "ephemeral-storage":
        r.ephemeralStorage += quantityValue(v, false);
        break;
      case "pods":
        r.allowedPods += quantityValue(v, false);
        break;
      default:
        if (isScalarResourceName(name)) r.scalar[name] = (r.scalar[name] ?? 0) + quantityValue(v, false);
    }
  }
}

export function addResources(into: Resources, r: Resources): void {
  into.milliCPU += r.milliCPU;
  into.memory += r.memory;
  into.ephemeralStorage += r.ephemeralStorage;
  into.allowedPods += r.allowedPods;
  for (const [k, v] of Object.entries(r.scalar)) into.scalar[k] = (into.scalar[k] ?? 0) + v;
}

export function subtractResources(from: Resources, r: Resources): void {
  from.milliCPU -= r.milliCPU;
  from.memory -= r.memory;
  from.ephemeralStorage -= r.ephemeralStorage;
  from.allowedPods -= r.allowedPods;
  for (const [k, v] of Object.entries(r.scalar)) {
    const left = (from.scalar[k] ?? 0) - v;
    if (left === 0) delete from.scalar[k];
    else from.scalar[k] = left;
  }
}

function maxInto(into: Resources, r: Resources): void {
  into.milliCPU = Math.max(into.milliCPU, r.milliCPU);
  into.memory = Math.max(into.memory, r.memory);
  into.ephemeralStorage = Math.max(into.ephemeralStorage, r.ephemeralStorage);
  for (const [k, v] of Object.entries(r.scalar)) into.scalar[k] = Math.max(into.scalar[k] ?? 0, v);
}

function cloneResources(r: Resources): Resources {
  return { ...r, scalar: { ...r.scalar } };
}

function isSidecar(c: any): boolean {
  return c?.restartPolicy === "Always";
}

/**
 * What a pod asks of a node: the sum of its containers, at least every init container (each plus the sidecars
 * started before it; sidecars also add to the sum), plus `spec.overhead`. With `nonZero`, a container that
 * names no cpu or memory request counts the scoring defaults instead (used only to rank nodes).
 */
export function podRequests(pod: KubeObject, nonZero = false): Resources {
  const spec = pod.spec ?? {};
  const containerRequests = (c: any): Resources => {
    const req = c?.resources?.requests as Record<string, unknown> | undefined;
    const r = resourcesFromList(req);
    if (nonZero) {
      if (req?.cpu === undefined) r.milliCPU = DEFAULT_MILLI_CPU_REQUEST;
      if (req?.memory === undefined) r.memory = DEFAULT_MEMORY_REQUEST;
    }
    return r;
  };
  const total = emptyResources();
  for (const c of spec.containers ?? []) addResources(total, containerRequests(c));
  const sidecars = emptyResources();
  const initMax = emptyResources();
  for (const c of spec.initContainers ?? []) {
    const r = containerRequests(c);
    if (isSidecar(c)) {
      addResources(total, r);
      addResources(sidecars, r);
      maxInto(initMax, sidecars);
    } else {
      const withSidecars = cloneResources(r);
      addResources(withSidecars, sidecars);
      maxInto(initMax, withSidecars);
    }
  }
  maxInto(total, initMax);
  addList(total, spec.overhead);
  total.allowedPods = 0;
  return total;
}

/** True when the pod asks for nothing but a pod slot (upstream skips the resource checks then). */
export function requestsNothing(r: Resources): boolean {
  if (r.milliCPU !== 0 || r.memory !== 0 || r.ephemeralStorage !== 0) return false;
  for (const v of Object.values(r.scalar)) if (v !== 0) return false;
  return true;
}

/** A node's `status.allocatable` (falls back to nothing: such a node fits no pod, as upstream). */
export function nodeAllocatable(node: KubeObject): Resources {
  return resourcesFromList(node.status?.allocatable);
}
