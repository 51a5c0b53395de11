// What the garbage collector does with one dependent once it knows the state of each of its owners (upstream
// attemptToDeleteItem after classifyReferences), and the patches it sends. Pure.
import type { OwnerReference } from "../../api/object.ts";
import { FOREGROUND_FINALIZER, ORPHAN_FINALIZER } from "./owner-graph.ts";

/**
 * `solid`: the owner exists and is not being deleted in the foreground; `dangling`: no object with that UID
 * exists; `waiting`: the owner exists and waits, in foreground deletion, for its dependents to go.
 */
export type OwnerState = "solid" | "dangling" | "waiting";

export type PropagationPolicy = "Background" | "Foreground" | "Orphan";

export type DependentAction =
  | { kind: "none" }
  | { kind: "removeReferences"; ownerUids: string[] }
  | { kind: "delete"; policy: PropagationPolicy };

export interface ClassifiedReference {
  ref: OwnerReference;
  state: OwnerState;
}

export function decideDependentAction(
  refs: readonly ClassifiedReference[],
  dependent: { hasDependents: boolean; finalizers: readonly string[] },
): DependentAction {
  if (refs.length === 0) return { kind: "none" };
  const solid = refs.filter((r) => r.state === "solid");
  const dangling = refs.filter((r) => r.state === "dangling");
  const waiting = refs.filter((r) => r.state === "waiting");
  if (solid.length > 0) {
    // Someone still owns it: it stays, minus the references that no longer hold (upstream also drops the
    // references to owners waiting on it, so they need not wait for an object they do not get to delete).
    const gone = [...dangling, ...waiting].map((r) => r.ref.uid);
    return gone.length ? { kind: "removeReferences", ownerUids: gone } : { kind: "none" };
  }
  // A foreground-deleting owner waits for this object; if it has dependents of its own, delete them first.
  if (waiting.length > 0 && dependent.hasDependents) return { kind: "delete", policy: "Foreground" };
  // No owner left: collect it, honouring a propagation already chosen for it.
  if (dependent.finalizers.includes(ORPHAN_FINALIZER)) return { kind: "delete", policy: "Orphan" };
  if (dependent.finalizers.includes(FOREGROUND_FINALIZER)) return { kind: "delete", policy: "Foreground" };
  return { kind: "delete", policy: "Background" };
}

/**
 * Strategic-merge patch dropping the given owners from a dependent's ownerReferences (merge key `uid`); the
 * dependent's own UID is sent along as upstream does.
 */
export function removeOwnerReferencesPatch(dependentUid: string, ownerUids: readonly string[]): unknown {
  return {
    metadata: {
      ownerReferences: ownerUids.map((uid) => ({ $patch: "delete", uid })),
      uid: dependentUid,
    },
  };
}

/** Merge patch removing one finalizer, pinned to the version read (a concurrent change is a 409, retried). */
export function removeFinalizerPatch(
  finalizers: readonly string[],
  finalizer: string,
  resourceVersion: string | undefined,
): unknown {
  return {
    metadata: {
      resourceVersion,
      finalizers: finalizers.filter((f) => f !== finalizer),
    },
  };
}
