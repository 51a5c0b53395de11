// The scheduler's view of each node (upstream `framework.NodeInfo` plus the scheduler cache): the Node, its
// allocatable resources and the summed requests of the non-terminal pods bound or assumed to it. Pods are known
// by key; an assumed pod (bind sent, not yet seen bound) already counts, so a burst of pods does not overcommit.
import type { KubeObject } from "../api/object.ts";
import { isPodTerminal } from "../api/scheduling/pod-conditions.ts";
import {
  addResources,
  emptyResources,
  nodeAllocatable,
  podRequests,
  type Resources,
  subtractResources,
} from "./resources.ts";

export interface PodEntry {
  key: string;
  uid: string;
  nodeName: string;
  requests: Resources;
  /** Requests with the scoring defaults for containers that state none. */
  nonZero: Resources;
  /** Sent to bind but not yet seen bound by the informer. */
  assumed: boolean;
}

export class NodeInfo {
  /** Undefined while only pods name this node (the Node is not known, or was deleted). */
  node: KubeObject | undefined = undefined;
  allocatable: Resources = emptyResources();
  requested: Resources = emptyResources();
  nonZeroRequested: Resources = emptyResources();
  readonly pods = new Map<string, PodEntry>();

  constructor(readonly name: string) {}

  get podCount(): number {
    return this.pods.size;
  }

  get hasNode(): boolean {
    return this.node !== undefined;
  }

  addPod(e: PodEntry): void {
    this.pods.set(e.key, e);
    addResources(this.requested, e.requests);
    addResources(this.nonZeroRequested, e.nonZero);
  }

  removePod(e: PodEntry): void {
    if (!this.pods.delete(e.key)) return;
    subtractResources(this.requested, e.requests);
    subtractResources(this.nonZeroRequested, e.nonZero);
  }
}

export function podKey(pod: KubeObject): string {
  return `${pod.metadata.namespace ?? ""}/${pod.metadata.name ?? ""}`;
}

/** What a Node change means for pods waiting on it (drives which unschedulable pods to retry). */
export function nodeSchedulingChanged(old: KubeObject, cur: KubeObject): boolean {
  const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
  return (
    !same(old.metadata.labels, cur.metadata.labels) ||
    !same(old.spec?.taints, cur.spec?.taints) ||
    Boolean(old.spec?.unschedulable) !== Boolean(cur.spec?.unschedulable) ||
    !same(old.status?.allocatable, cur.status?.allocatable)
  );
}

export class SchedulerCache {
  private readonly infos = new Map<string, NodeInfo>();
  private readonly pods = new Map<string, PodEntry>();
  private nodes = 0;
  private list?: NodeInfo[];

  /** Nodes known as Node objects (what "0/N nodes" counts). */
  numNodes(): number {
    return this.nodes;
  }

  /** The NodeInfo of an existing Node, or undefined. */
  node(name: string): NodeInfo | undefined {
    const info = this.infos.get(name);
    return info?.hasNode ? info : undefined;
  }

  /** Every existing Node's info, in a stable order (rebuilt only when nodes come or go). */
  nodeList(): readonly NodeInfo[] {
    if (!this.list) {
      this.list = [...this.infos.values()].filter((i) => i.hasNode).sort((a, b) => (a.name < b.name ? -1 : 1));
    }
    return this.list;
  }

  setNode(node: KubeObject): void {
    const name = node.metadata.name ?? "";
    let info = this.infos.get(name);
    if (!info) {
      info = new NodeInfo(name);
      this.infos.set(name, info);
    }
    if (!info.hasNode) {
      this.nodes++;
      this.list = undefined;
    }
    info.node = node;
    info.allocatable = nodeAllocatable(node);
  }

  removeNode(name: string): void {
    const info = this.infos.get(name);
    if (!info?.hasNode) return;
    this.nodes--;
    this.list = undefined;
    // Pods still bound there keep their accounting until they go (upstream keeps such a "ghost" NodeInfo).
    if (info.podCount === 0) this.infos.delete(name);
    else info.node = undefined;
  }

  /** An informer's view of a pod: bound and non-terminal pods count on their node, anything else is dropped. */
  setPod(pod: KubeObject): void {
    const key = podKey(pod);
    const nodeName: string | undefined = pod.spec?.nodeName;
    if (!nodeName || isPodTerminal(pod)) {
      // Unbound: an assumed entry stays until the bind resolves.
      const prior = this.pods.get(key);
      if (prior && !(prior.assumed && !nodeName && prior.uid === pod.metadata.uid)) this.removeEntry(prior);
      return;
    }
    const prior = this.pods.get(key);
    if (prior && prior.uid === pod.metadata.uid && prior.nodeName === nodeName) {
      prior.assumed = false;
      return;
    }
    if (prior) this.removeEntry(prior);
    this.addEntry(this.entryFor(pod, nodeName, false));
  }

  removePod(pod: KubeObject): void {
    const prior = this.pods.get(podKey(pod));
    if (prior) this.removeEntry(prior);
  }

  /** Counts `pod` on `nodeName` before the bind is confirmed. */
  assume(pod: KubeObject, nodeName: string): void {
    const key = podKey(pod);
    const prior = this.pods.get(key);
    if (prior) this.removeEntry(prior);
    this.addEntry(this.entryFor(pod, nodeName, true));
  }

  /** Undoes `assume` after a failed bind (a confirmed pod is left alone). */
  forget(pod: KubeObject): void {
    const prior = this.pods.get(podKey(pod));
    if (prior?.assumed) this.removeEntry(prior);
  }

  isAssumed(pod: KubeObject): boolean {
    const e = this.pods.get(podKey(pod));
    return e?.assumed === true && e.uid === pod.metadata.uid;
  }

  private entryFor(pod: KubeObject, nodeName: string, assumed: boolean): PodEntry {
    return {
      key: podKey(pod),
      uid: pod.metadata.uid ?? "",
      nodeName,
      requests: podRequests(pod),
      nonZero: podRequests(pod, true),
      assumed,
    };
  }

  private addEntry(e: PodEntry): void {
    this.pods.set(e.key, e);
    let info = this.infos.get(e.nodeName);
    if (!info) {
      info = new NodeInfo(e.nodeName);
      this.infos.set(e.nodeName, info);
    }
    info.addPod(e);
  }

  private removeEntry(e: PodEntry): void {
    this.pods.delete(e.key);
    const info = this.infos.get(e.nodeName);
    if (!info) return;
    info.removePod(e);
    if (!info.hasNode && info.podCount === 0) this.infos.delete(e.nodeName);
  }
}
