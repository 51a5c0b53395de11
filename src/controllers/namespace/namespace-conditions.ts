// The status conditions the namespace controller keeps on a Terminating namespace, with upstream's reasons and
// messages (pkg/controller/namespace/deletion/status_condition_utils.go). Pure.

export interface NamespaceCondition {
  type: string;
  status: "True" | "False";
  lastTransitionTime?: string;
  reason: string;
  message: string;
}

/** What one pass of content deletion found. */
export interface ContentTotals {
  /** `resource.group` (core: `pods.`) → instances still present. */
  remainingByResource: Map<string, number>;
  /** finalizer → instances held by it. */
  remainingByFinalizer: Map<string, number>;
  /** Failures of deleting or listing some resource types. */
  deleteErrors: string[];
}

/** In upstream's order; each gets its "ok" variant when nothing is wrong. */
export const NAMESPACE_CONDITION_TYPES = [
  "NamespaceDeletionDiscoveryFailure",
  "NamespaceDeletionGroupVersionParsingFailure",
  "NamespaceDeletionContentFailure",
  "NamespaceContentRemaining",
  "NamespaceFinalizersRemaining",
] as const;

const OK: Record<string, { reason: string; message: string }> = {
  NamespaceDeletionDiscoveryFailure: {
    reason: "ResourcesDiscovered",
    message: "All resources successfully discovered",
  },
  NamespaceDeletionGroupVersionParsingFailure: {
    reason: "ParsedGroupVersions",
    message: "All legacy kube types successfully parsed",
  },
  NamespaceDeletionContentFailure: {
    reason: "ContentDeleted",
    message: "All content successfully deleted, may be waiting on finalization",
  },
  NamespaceContentRemaining: { reason: "ContentRemoved", message: "All content successfully removed" },
  NamespaceFinalizersRemaining: { reason: "ContentRemoved", message: "All content successfully removed" },
};

function counted(m: Map<string, number>, line: (key: string, n: number) => string): string[] {
  return [...m]
    .filter(([, n]) => n > 0)
    .map(([k, n]) => line(k, n))
    .sort();
}

/** The failing conditions a pass produced (the others are "ok"). */
export function contentConditions(totals: ContentTotals): NamespaceCondition[] {
  const out: NamespaceCondition[] = [];
  if (totals.deleteErrors.length) {
    const msgs = [...totals.deleteErrors].sort();
    out.push({
      type: "NamespaceDeletionContentFailure",
      status: "True",
      reason: "ContentDeletionFailed",
      message: `Failed to delete all resource types, ${msgs.length} remaining: ${msgs.join(", ")}`,
    });
  }
  const resources = counted(totals.remainingByResource, (r, n) => `${r} has ${n} resource instances`);
  if (resources.length) {
    out.push({
      type: "NamespaceContentRemaining",
      status: "True",
      reason: "SomeResourcesRemain",
      message: `Some resources are remaining: ${resources.join(", ")}`,
    });
  }
  const finalizers = counted(totals.remainingByFinalizer, (f, n) => `${f} in ${n} resource instances`);
  if (finalizers.length) {
    out.push({
      type: "NamespaceFinalizersRemaining",
      status: "True",
      // sic: upstream's reason is singular.
      reason: "SomeFinalizerRemain",
      message: `Some finalizers are remaining: ${finalizers.join(", ")}`,
    });
  }
  return out;
}

/**
 * Merges the pass's conditions into the namespace's: every managed type is present, transitions get `now`,
 * unchanged ones keep their time. Returns the new list and whether anything changed.
 */
export function mergeConditions(
  existing: readonly NamespaceCondition[],
  fresh: readonly NamespaceCondition[],
  now: string,
): { conditions: NamespaceCondition[]; changed: boolean } {
  const conditions = existing.map((c) => ({ ...c }));
  let changed = false;
  for (const type of NAMESPACE_CONDITION_TYPES) {
    const next = fresh.find((c) => c.type === type) ?? { type, status: "False" as const, ...OK[type] };
    const old = conditions.find((c) => c.type === type);
    if (!old) {
      conditions.push({ ...next, lastTransitionTime: now });
      changed = true;
    } else if (old.status !== next.status || old.reason !== next.reason || old.message !== next.message) {
      if (old.status !== next.status) old.lastTransitionTime = now;
      old.status = next.status;
      old.reason = next.reason;
      old.message = next.message;
      changed = true;
    }
  }
  return { conditions, changed };
}
