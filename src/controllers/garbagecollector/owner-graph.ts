// The garbage collector's view of ownership (upstream GraphBuilder's uidToNode, minus virtual nodes): every
// observed object by UID, and for every owner UID — observed or long gone — the UIDs of the objects that name it
// in their ownerReferences. Lookups are by UID, so no event ever scans the whole graph. No I/O.
import type { OwnerReference } from "../../api/object.ts";
import type { ResourceRef } from "../../client/client.ts";

export const FOREGROUND_FINALIZER = "foregroundDeletion";
export const ORPHAN_FINALIZER = "orphan";

export interface GraphNode {
  uid: string;
  res: ResourceRef;
  /** "" for cluster-scoped objects. */
  namespace: string;
  name: string;
  owners: OwnerReference[];
  /** metadata.deletionTimestamp is set. */
  beingDeleted: boolean;
  /** Being deleted in the foreground: waits for its blocking dependents (upstream `deletingDependents`). */
  deletingDependents: boolean;
  /** Being deleted with the orphan finalizer: its dependents lose their reference to it first. */
  orphaning: boolean;
}

export class OwnerGraph {
  private readonly nodes = new Map<string, GraphNode>();
  /** owner UID → dependent UIDs. */
  private readonly dependents = new Map<string, Set<string>>();
  /** owner UID → dependent UIDs whose reference to it has blockOwnerDeletion. */
  private readonly blocking = new Map<string, Set<string>>();

  get(uid: string): GraphNode | undefined {
    return this.nodes.get(uid);
  }

  get size(): number {
    return this.nodes.size;
  }

  /** Adds or replaces a node; returns the node it replaced. */
  upsert(node: GraphNode): GraphNode | undefined {
    const prev = this.nodes.get(node.uid);
    if (prev) this.unlink(prev);
    this.nodes.set(node.uid, node);
    for (const ref of node.owners) {
      addTo(this.dependents, ref.uid, node.uid);
      if (ref.blockOwnerDeletion) addTo(this.blocking, ref.uid, node.uid);
    }
    return prev;
  }

  /** Forgets an object that is gone; its own dependents stay indexed under its UID until they change. */
  remove(uid: string): GraphNode | undefined {
    const node = this.nodes.get(uid);
    if (!node) return undefined;
    this.unlink(node);
    this.nodes.delete(uid);
    return node;
  }

  dependentsOf(ownerUid: string): ReadonlySet<string> {
    return this.dependents.get(ownerUid) ?? EMPTY;
  }

  /** How many dependents still block the foreground deletion of this owner. */
  blockingCount(ownerUid: string): number {
    return this.blocking.get(ownerUid)?.size ?? 0;
  }

  hasDependents(ownerUid: string): boolean {
    return (this.dependents.get(ownerUid)?.size ?? 0) > 0;
  }

  private unlink(node: GraphNode): void {
    for (const ref of node.owners) {
      removeFrom(this.dependents, ref.uid, node.uid);
      removeFrom(this.blocking, ref.uid, node.uid);
    }
  }
}

const EMPTY: ReadonlySet<string> = new Set();

function addTo(index: Map<string, Set<string>>, key: string, value: string): void {
  let set = index.get(key);
  if (!set) {
    set = new Set();
    index.set(key, set);
  }
  set.add(value);
}

function removeFrom(index: Map<string, Set<string>>, key: string, value: string): void {
  const set = index.get(key);
  if (!set) return;
  set.delete(value);
  if (set.size === 0) index.delete(key);
}

/** True when two ownerReference lists name the same owners with the same blocking flags. */
export function sameOwners(a: readonly OwnerReference[], b: readonly OwnerReference[]): boolean {
  if (a.length !== b.length) return false;
  return a.every(
    (r, i) => r.uid === b[i].uid && r.name === b[i].name && !!r.blockOwnerDeletion === !!b[i].blockOwnerDeletion,
  );
}
