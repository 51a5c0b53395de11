// The decisions of the pod garbage collector that need no API (upstream pkg/controller/podgc): which terminated
// pods are the excess over the threshold, and which nodes have been missing long enough to act on. Pure.
import type { KubeObject } from "../../api/object.ts";

/** Upstream's order: evicted pods first, then oldest first, then by name. */
function byEvictionAndCreation(a: KubeObject, b: KubeObject): number {
  const ea = a.status?.reason === "Evicted";
  const eb = b.status?.reason === "Evicted";
  if (ea !== eb) return ea ? -1 : 1;
  const ta = Date.parse(a.metadata.creationTimestamp ?? "") || 0;
  const tb = Date.parse(b.metadata.creationTimestamp ?? "") || 0;
  if (ta !== tb) return ta - tb;
  return (a.metadata.name ?? "").localeCompare(b.metadata.name ?? "");
}

/** The terminated pods to delete so that at most `threshold` remain; none when the threshold is 0 (disabled). */
export function terminatedPodsToDelete(terminated: readonly KubeObject[], threshold: number): KubeObject[] {
  if (threshold <= 0) return [];
  const excess = terminated.length - threshold;
  if (excess <= 0) return [];
  return [...terminated].sort(byEvictionAndCreation).slice(0, excess);
}

/**
 * Nodes that pods are bound to but that the cache does not show, each remembered from the pass that first
 * noticed it; a node is due for the confirming GET once it has been missing for the quarantine.
 */
export class NodeQuarantine {
  private readonly missingSince = new Map<string, number>();

  /** Records one pass over the node names pods are bound to; returns those missing for at least `quarantineMs`. */
  pass(
    boundNodeNames: Iterable<string>,
    nodeExists: (name: string) => boolean,
    now: number,
    quarantineMs: number,
  ): string[] {
    const seen = new Set<string>();
    const due: string[] = [];
    for (const name of boundNodeNames) {
      seen.add(name);
      if (nodeExists(name)) {
        this.missingSince.delete(name);
        continue;
      }
      let since = this.missingSince.get(name);
      if (since === undefined) {
        since = now;
        this.missingSince.set(name, now);
      }
      if (now - since >= quarantineMs) due.push(name);
    }
    for (const name of [...this.missingSince.keys()]) if (!seen.has(name)) this.missingSince.delete(name);
    return due;
  }

  /** The confirming GET found the node after all: start over if it goes missing again. */
  found(name: string): void {
    this.missingSince.delete(name);
  }

  get size(): number {
    return this.missingSince.size;
  }
}
