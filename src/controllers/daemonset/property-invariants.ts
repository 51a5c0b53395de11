// Safety invariants of the DaemonSet controller, checked on every change the server reports (an undelayed
// watch of the run's pods, nodes and DaemonSet: every intermediate state, not samples).
//
// The controller acts on a view that lags the server (watch delay + sync time). The test knows how much: the
// running sync started from the cache as of `syncViewSince()` (the delayed client's view), so a decision rests
// on server states from then until now, the "window". A check only judges a transition when the inputs the
// decision depended on (strategy, template, the node's eligibility, the pod's readiness) were the same all
// through the window, and counts budgets so that the server's count is a lower bound of the controller's:
// pods only become available behind its back, never unavailable (nothing but the controller deletes pods of
// live nodes, and it waits to observe its own deletions), and pods created within the window by the decision
// itself are counted as that decision would.
//
//  (a) no surge: a pod is never created for a node that already has a non-terminating pod of the DaemonSet;
//      and in any mode never a third non-terminating pod on one node.
//  (b) deleting the last available pod of a node that stayed desired is only allowed while fewer than
//      maxUnavailable other stable desired nodes lack an available pod (RollingUpdate without surge); never
//      with surge (maxUnavailable is 0 there: the old pod goes once the new one is available) unless it is a
//      younger duplicate of its kind (manage prunes those), and never with OnDelete.
//  (c) surge: a second pod next to an available old one (surge proper) is only created while fewer than
//      maxSurge other nodes are surging (two pods, the new one not yet available). Upstream also replaces an
//      *unavailable* old pod at once, outside the surge budget, so those creations are not counted against it.
import type { KubeObject } from "../../api/object.ts";
import { targetNodeName } from "../../api/scheduling/node-affinity.ts";
import type { Informer } from "../runtime/informer.ts";
import {
  liveByNode,
  maxSurgeFor,
  maxUnavailableFor,
  modelPlacement,
  olderFirst,
  podAvailable,
  podIsNew,
  podTerminating,
  type StrategyKind,
  strategyKind,
  templateKey,
} from "./property-world.ts";

export interface InvariantStats {
  /** Pod creations judged by (a)/(c). */
  creations: number;
  /** Creations next to an existing pod judged against the surge budget. */
  surgeCreations: number;
  /** Deletions of a node's last available pod on a stable desired node judged by (b). */
  guardedDeletions: number;
  /** … of which with a non-zero unavailable count on other nodes (the budget actually mattered). */
  guardedDeletionsUnderPressure: number;
}

interface Version<T> {
  at: number;
  value: T;
}

export class InvariantMonitor {
  readonly violations: string[] = [];
  readonly stats: InvariantStats = {
    creations: 0,
    surgeCreations: 0,
    guardedDeletions: 0,
    guardedDeletionsUnderPressure: 0,
  };
  /** Time of the last change of a pod or of the DaemonSet (status included). */
  lastChangeAt = performance.now();
  private readonly pods = new Map<string, KubeObject>();
  private readonly nodes = new Map<string, KubeObject>();
  private readonly dsVersions: Version<KubeObject>[] = [];
  private readonly desiredVersions: Version<number>[] = [];
  /** Since when each node has been continuously desired (absent when it is not desired now). */
  private readonly desiredSince = new Map<string, number>();
  /** Since when each pod has been seen Ready. */
  private readonly readySince = new Map<string, number>();
  /** When each pod was created. */
  private readonly addedAt = new Map<string, number>();

  constructor(
    private readonly opts: {
      dsName: string;
      nodePrefix: string;
      /** Fallback look-back when no sync is known to be running. */
      windowMs: number;
      /**
       * The moment of server history the controller's running sync started from (its cache then), or
       * undefined: decisions made by that sync rest on states from then until now.
       */
      syncViewSince?: () => number | undefined;
      /** Added to the look-back for timer and dispatch jitter. */
      slackMs: number;
      pods: Informer;
      nodes: Informer;
      daemonSets: Informer;
    },
  ) {}

  /** Register before the informers start. */
  start(): void {
    this.opts.nodes.addHandlers({
      onAdd: (n) => this.onNode(n, false),
      onUpdate: (_o, n) => this.onNode(n, false),
      onDelete: (n) => this.onNode(n, true),
    });
    this.opts.daemonSets.addHandlers({
      onAdd: (d) => this.onDaemonSet(d),
      onUpdate: (_o, d) => this.onDaemonSet(d),
    });
    this.opts.pods.addHandlers({
      onAdd: (p) => this.onPodAdd(p),
      onUpdate: (_o, p) => this.onPodUpdate(p),
      onDelete: (p) => this.onPodGone(p),
    });
  }

  /** The pods the monitor believes exist (for a consistency check against a fresh list). */
  podNames(): string[] {
    return [...this.pods.keys()].sort();
  }

  /** Every node the DaemonSet should run on has an available pod (used to let a scenario warm up). */
  allDesiredAvailable(): boolean {
    const live = liveByNode(this.pods.values());
    for (const n of this.desiredSince.keys()) if (!(live.get(n) ?? []).some(podAvailable)) return false;
    return this.ds !== undefined;
  }

  private get ds(): KubeObject | undefined {
    return this.dsVersions.at(-1)?.value;
  }

  /** Start of the stretch of server history the current decision may rest on. */
  private windowStart(now: number): number {
    const since = this.opts.syncViewSince?.() ?? now - this.opts.windowMs;
    return since - this.opts.slackMs;
  }

  /** Values in effect at some moment of [window start, now]. */
  private inWindow<T>(versions: Version<T>[], now: number): T[] {
    const from = this.windowStart(now);
    const out: T[] = [];
    for (let i = versions.length - 1; i >= 0; i--) {
      out.push(versions[i].value);
      if (versions[i].at <= from) break;
    }
    return out;
  }

  private stableDesired(node: string, now: number): boolean {
    const since = this.desiredSince.get(node);
    return since !== undefined && since <= this.windowStart(now);
  }

  private onNode(node: KubeObject, gone: boolean): void {
    const name = node.metadata.name ?? "";
    if (!name.startsWith(this.opts.nodePrefix)) return;
    if (gone) this.nodes.delete(name);
    else this.nodes.set(name, node);
    this.recomputeDesired();
  }

  private onDaemonSet(ds: KubeObject): void {
    if (ds.metadata.name !== this.opts.dsName) return;
    this.lastChangeAt = performance.now();
    const prev = this.ds;
    if (prev && JSON.stringify(prev.spec) === JSON.stringify(ds.spec)) {
      // Status-only change: keep the version list short, the spec is what matters.
      this.dsVersions[this.dsVersions.length - 1] = { at: this.dsVersions.at(-1)!.at, value: ds };
      return;
    }
    this.dsVersions.push({ at: performance.now(), value: ds });
    this.recomputeDesired();
  }

  private recomputeDesired(): void {
    const ds = this.ds;
    const now = performance.now();
    let desired = 0;
    for (const [name, node] of this.nodes) {
      if (ds && modelPlacement(ds, node).shouldRun) {
        desired++;
        if (!this.desiredSince.has(name)) this.desiredSince.set(name, now);
      } else {
        this.desiredSince.delete(name);
      }
    }
    for (const name of this.desiredSince.keys()) if (!this.nodes.has(name)) this.desiredSince.delete(name);
    if (this.desiredVersions.at(-1)?.value !== desired) this.desiredVersions.push({ at: now, value: desired });
  }

  private violation(what: string): void {
    this.violations.push(`${what} [pods: ${this.describePods()}]`);
  }

  private describePods(): string {
    const parts: string[] = [];
    for (const p of this.pods.values()) {
      const flags = [
        podTerminating(p) ? "terminating" : "",
        podAvailable(p) ? "available" : "",
        this.ds && podIsNew(p, this.ds) ? "new" : "old",
      ].filter(Boolean);
      parts.push(`${p.metadata.name}@${targetNodeName(p)}(${flags.join(",")})`);
    }
    return parts.join(" ");
  }

  private onPodAdd(pod: KubeObject): void {
    const name = pod.metadata.name ?? "";
    this.lastChangeAt = performance.now();
    if (pod.metadata.deletionTimestamp) {
      this.pods.set(name, pod);
      return;
    }
    this.checkCreation(pod);
    this.pods.set(name, pod);
    this.addedAt.set(name, performance.now());
    if (podAvailable(pod)) this.readySince.set(name, performance.now());
  }

  private onPodUpdate(pod: KubeObject): void {
    const name = pod.metadata.name ?? "";
    this.lastChangeAt = performance.now();
    const before = this.pods.get(name);
    if (before && !podTerminating(before) && podTerminating(pod)) this.checkRemoval(before);
    this.pods.set(name, pod);
    if (podAvailable(pod) && !this.readySince.has(name)) this.readySince.set(name, performance.now());
  }

  private onPodGone(pod: KubeObject): void {
    const name = pod.metadata.name ?? "";
    this.lastChangeAt = performance.now();
    const before = this.pods.get(name);
    if (before && !podTerminating(before)) this.checkRemoval(before);
    this.pods.delete(name);
    this.readySince.delete(name);
    this.addedAt.delete(name);
  }

  private windowKinds(now: number): Set<StrategyKind> {
    return new Set(this.inWindow(this.dsVersions, now).map(strategyKind));
  }

  /** (a) and (c), at the moment a pod appears (before it is added to the model). */
  private checkCreation(pod: KubeObject): void {
    const now = performance.now();
    const node = targetNodeName(pod);
    const ds = this.ds;
    if (node === undefined || !ds) return;
    this.stats.creations++;
    const live = liveByNode(this.pods.values());
    const others = live.get(node) ?? [];
    if (others.length === 0) return;
    if (others.length >= 2) {
      this.violation(`(a) pod ${pod.metadata.name} created for node ${node}, which already has 2 live pods`);
      return;
    }
    const kinds = this.windowKinds(now);
    if (!kinds.has("surge")) {
      this.violation(
        `(a) pod ${pod.metadata.name} created for node ${node} next to live pod ${others[0].metadata.name}, without surge`,
      );
      return;
    }
    // (c): judged only when surge, template and the node were stable over the window.
    if (kinds.size !== 1 || !this.stableDesired(node, now)) return;
    const versions = this.inWindow(this.dsVersions, now);
    if (new Set(versions.map((d) => templateKey(d.spec?.template))).size !== 1) return;
    const old = others[0];
    const readyAt = this.readySince.get(old.metadata.name ?? "");
    // The controller may have seen the old pod unavailable: then this is a replacement, not a surge.
    if (!podAvailable(old) || readyAt === undefined || readyAt > this.windowStart(now)) return;
    this.stats.surgeCreations++;
    const from = this.windowStart(now);
    const availableBefore = (p: KubeObject) =>
      (this.readySince.get(p.metadata.name ?? "") ?? Number.POSITIVE_INFINITY) <= from;
    let surging = 0;
    for (const [n, pods] of live) {
      if (n === node || !this.stableDesired(n, now) || pods.length < 2) continue;
      const fresh = pods.filter((p) => (this.addedAt.get(p.metadata.name ?? "") ?? 0) > from);
      if (fresh.length > 0) {
        // Created within this decision's window: a surge of this very decision when the other pod was
        // visibly available (a candidate), otherwise possibly a replacement outside the budget.
        if (pods.length === 2 && fresh.length === 1 && availableBefore(pods.find((p) => !fresh.includes(p))!)) {
          surging++;
        }
        continue;
      }
      // Visible to the decision: upstream counts every node with two pods except an old one whose new pod
      // is available (about to go).
      const news = pods.filter((p) => podIsNew(p, ds));
      const olds = pods.filter((p) => !podIsNew(p, ds));
      const settling = news.length === 1 && olds.length === 1 && podAvailable(news[0]);
      if (!settling) surging++;
    }
    let budget = 0;
    for (const d of versions) {
      for (const n of this.inWindow(this.desiredVersions, now)) budget = Math.max(budget, maxSurgeFor(d, n));
    }
    if (surging >= budget) {
      this.violation(
        `(c) surge pod ${pod.metadata.name} created on ${node} while ${surging} other node(s) already surge (maxSurge ${budget})`,
      );
    }
  }

  /** (b), at the moment a live pod starts terminating or disappears (`pod` is its last live version). */
  private checkRemoval(pod: KubeObject): void {
    const now = performance.now();
    const node = targetNodeName(pod);
    const ds = this.ds;
    if (node === undefined || !ds || !podAvailable(pod)) return;
    if (!this.stableDesired(node, now)) return;
    const name = pod.metadata.name ?? "";
    // A pod that became Ready behind the controller's back is unavailable to it, and upstream replaces
    // unavailable old pods outside the budget.
    const readyAt = this.readySince.get(name);
    if (readyAt === undefined || readyAt > this.windowStart(now)) return;
    const live = liveByNode([...this.pods.values()].filter((p) => p.metadata.name !== name));
    const rest = live.get(node) ?? [];
    if (rest.some(podAvailable)) return;
    const kinds = this.windowKinds(now);
    if (kinds.size !== 1) return;
    const [kind] = kinds;
    // Without surge a second pod on the node is pruned regardless of budgets (manage keeps the oldest).
    if (kind !== "surge" && rest.length > 0) return;
    const versions = this.inWindow(this.dsVersions, now);
    // With surge, manage keeps only the oldest new and the oldest old pod of a node; a younger pod of the same
    // kind is pruned regardless of budgets, available or not (as upstream). A template change in the window
    // may have turned a new pod old, so any version that makes it a duplicate counts.
    if (
      kind === "surge" &&
      versions.some((d) => rest.some((p) => podIsNew(p, d) === podIsNew(pod, d) && olderFirst(p, pod) < 0))
    )
      return;
    const desiredCounts = this.inWindow(this.desiredVersions, now);
    let budget = 0;
    if (kind === "rolling") {
      for (const d of versions) for (const n of desiredCounts) budget = Math.max(budget, maxUnavailableFor(d, n));
    }
    let unavailable = 0;
    for (const n of this.desiredSince.keys()) {
      if (n === node || !this.stableDesired(n, now)) continue;
      if (!(live.get(n) ?? []).some(podAvailable)) unavailable++;
    }
    this.stats.guardedDeletions++;
    if (unavailable > 0) this.stats.guardedDeletionsUnderPressure++;
    if (unavailable >= budget) {
      this.violation(
        `(b) available pod ${name} on desired node ${node} deleted with strategy ${kind} while ${unavailable} other desired node(s) were unavailable (maxUnavailable ${budget})`,
      );
    }
  }
}
