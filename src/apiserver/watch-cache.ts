// The API server's in-memory view of one resource, fed by the store's watch. Lists and watches are served from
// here, never from the store. Watchers are indexed by the most selective exact match they ask for (object name,
// `spec.nodeName`, namespace), so an event is evaluated only by the watchers that can possibly match it.
import type { KubeObject } from "../api/object.ts";

export type EventType = "ADDED" | "MODIFIED" | "DELETED";

/** One version of one object, parsed and serialised once. */
export interface CachedObject {
  key: string;
  namespace: string;
  name: string;
  rv: number;
  obj: KubeObject;
  json: string;
  nodeName?: string;
}

export interface CacheEvent {
  type: EventType;
  rv: number;
  /** New state; for DELETED the last state stamped with the delete revision. */
  cur: CachedObject;
  prev?: CachedObject;
}

export interface WatchFilter {
  namespace?: string;
  /** Exact `metadata.name` the watcher asked for. */
  name?: string;
  /** Exact `spec.nodeName` the watcher asked for (pods). */
  nodeName?: string;
  /** The full label and field selector. */
  matches(obj: KubeObject): boolean;
}

export interface WatchSink {
  send(type: EventType, obj: CachedObject): void;
}

export interface Watcher {
  filter: WatchFilter;
  sink: WatchSink;
  /** Which index holds this watcher, for metrics and removal. */
  index: "name" | "nodeName" | "namespace" | "all";
  indexKey: string;
}

export interface DispatchStats {
  /** Evaluations per index kind, for `/metrics`. */
  onEvaluate?(index: Watcher["index"], count: number): void;
}

export class TooOldResourceVersionError extends Error {
  constructor(
    readonly requested: number,
    readonly oldest: number,
  ) {
    super(`too old resource version: ${requested} (${oldest})`);
  }
}

export function withResourceVersion(obj: KubeObject, rv: number): KubeObject {
  return { ...obj, metadata: { ...obj.metadata, resourceVersion: String(rv) } };
}

/** `indexNode`: the resource is indexed by `spec.nodeName` (pods; an unbound pod indexes under ""). */
export function cachedObject(key: string, obj: KubeObject, rv: number, indexNode = false): CachedObject {
  const stamped = withResourceVersion(obj, rv);
  return {
    key,
    namespace: obj.metadata.namespace ?? "",
    name: obj.metadata.name ?? "",
    rv,
    obj: stamped,
    json: JSON.stringify(stamped),
    nodeName: indexNode ? (obj.spec?.nodeName ?? "") : undefined,
  };
}

export class WatchCache {
  private readonly objects = new Map<string, CachedObject>();
  private readonly byNamespace = new Map<string, Map<string, CachedObject>>();
  private readonly byNode = new Map<string, Map<string, CachedObject>>();
  private readonly history: CacheEvent[] = [];
  private historyStart = 0;
  /** Events with rv > windowStart are all in `history`. */
  private windowStart: number;
  private readonly watchers = {
    name: new Map<string, Set<Watcher>>(),
    nodeName: new Map<string, Set<Watcher>>(),
    namespace: new Map<string, Set<Watcher>>(),
    all: new Map<string, Set<Watcher>>(),
  };
  private watcherCount = 0;

  constructor(
    readonly resource: string,
    initial: CachedObject[],
    initialRevision: number,
    private readonly historyCapacity = 50_000,
    private readonly stats: DispatchStats = {},
  ) {
    for (const o of initial) this.insert(o);
    this.windowStart = initialRevision;
  }

  get size(): number {
    return this.objects.size;
  }

  get watchersRegistered(): number {
    return this.watcherCount;
  }

  get(key: string): CachedObject | undefined {
    return this.objects.get(key);
  }

  /** Objects in key order, optionally limited to a namespace or a node. */
  list(opts: { namespace?: string; nodeName?: string } = {}): CachedObject[] {
    let source: Iterable<CachedObject>;
    if (opts.nodeName !== undefined) {
      const all = this.byNode.get(opts.nodeName)?.values() ?? [];
      source = opts.namespace ? [...all].filter((o) => o.namespace === opts.namespace) : all;
    } else if (opts.namespace) source = this.byNamespace.get(opts.namespace)?.values() ?? [];
    else source = this.objects.values();
    return [...source].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  /** Applies one store event (in revision order) and fans it out to matching watchers. */
  apply(ev: CacheEvent): void {
    if (ev.prev) this.remove(ev.prev);
    if (ev.type !== "DELETED") this.insert(ev.cur);
    this.history.push(ev);
    if (this.history.length - this.historyStart > this.historyCapacity) {
      this.windowStart = this.history[this.historyStart].rv;
      this.historyStart++;
      if (this.historyStart > 4096) {
        this.history.splice(0, this.historyStart);
        this.historyStart = 0;
      }
    }
    this.dispatch(ev);
  }

  /** Forget history at and below `revision` (the store compacted it). */
  compact(revision: number): void {
    while (this.historyStart < this.history.length && this.history[this.historyStart].rv <= revision) {
      this.historyStart++;
    }
    if (revision > this.windowStart) this.windowStart = revision;
    this.history.splice(0, this.historyStart);
    this.historyStart = 0;
  }

  /** Events after `rv` (exclusive) that are still retained; throws when `rv` is older than the window. */
  eventsSince(rv: number): CacheEvent[] {
    if (rv < this.windowStart) throw new TooOldResourceVersionError(rv, this.windowStart + 1);
    const out: CacheEvent[] = [];
    // Binary search the first event with ev.rv > rv.
    let lo = this.historyStart;
    let hi = this.history.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.history[mid].rv <= rv) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < this.history.length; i++) out.push(this.history[i]);
    return out;
  }

  addWatcher(filter: WatchFilter, sink: WatchSink): Watcher {
    let index: Watcher["index"] = "all";
    let indexKey = "";
    if (filter.name !== undefined) {
      index = "name";
      indexKey = filter.name;
    } else if (filter.nodeName !== undefined) {
      index = "nodeName";
      indexKey = filter.nodeName;
    } else if (filter.namespace) {
      index = "namespace";
      indexKey = filter.namespace;
    }
    const w: Watcher = { filter, sink, index, indexKey };
    const m = this.watchers[index];
    let set = m.get(indexKey);
    if (!set) {
      set = new Set();
      m.set(indexKey, set);
    }
    set.add(w);
    this.watcherCount++;
    return w;
  }

  removeWatcher(w: Watcher): void {
    const m = this.watchers[w.index];
    const set = m.get(w.indexKey);
    if (set?.delete(w)) {
      this.watcherCount--;
      if (set.size === 0) m.delete(w.indexKey);
    }
  }

  /** What a watcher sees for a cache event (or nothing), as upstream's cacheWatcher. */
  static translate(ev: CacheEvent, filter: WatchFilter): { type: EventType; obj: CachedObject } | undefined {
    const curPasses = ev.type !== "DELETED" && filter.matches(ev.cur.obj);
    const prevPasses = ev.prev !== undefined && filter.matches(ev.prev.obj);
    if (ev.type === "DELETED") return prevPasses ? { type: "DELETED", obj: ev.cur } : undefined;
    if (curPasses && prevPasses) return { type: "MODIFIED", obj: ev.cur };
    if (curPasses) return { type: "ADDED", obj: ev.cur };
    if (prevPasses && ev.prev) {
      // Leaving the selection: the previous content, stamped with this event's revision.
      return { type: "DELETED", obj: cachedObject(ev.prev.key, ev.prev.obj, ev.rv, ev.prev.nodeName !== undefined) };
    }
    return undefined;
  }

  private dispatch(ev: CacheEvent): void {
    if (this.watcherCount === 0) return;
    const candidates: Array<[Watcher["index"], Set<Watcher> | undefined]> = [
      ["all", this.watchers.all.get("")],
      ["namespace", ev.cur.namespace ? this.watchers.namespace.get(ev.cur.namespace) : undefined],
      ["name", this.watchers.name.get(ev.cur.name)],
    ];
    const nodes = new Set<string>();
    if (ev.cur.nodeName !== undefined) nodes.add(ev.cur.nodeName);
    if (ev.prev?.nodeName !== undefined) nodes.add(ev.prev.nodeName);
    for (const n of nodes) candidates.push(["nodeName", this.watchers.nodeName.get(n)]);
    for (const [index, set] of candidates) {
      if (!set || set.size === 0) continue;
      this.stats.onEvaluate?.(index, set.size);
      for (const w of [...set]) {
        const out = WatchCache.translate(ev, w.filter);
        if (out) w.sink.send(out.type, out.obj);
      }
    }
  }

  private insert(o: CachedObject): void {
    this.objects.set(o.key, o);
    if (o.namespace) {
      let m = this.byNamespace.get(o.namespace);
      if (!m) {
        m = new Map();
        this.byNamespace.set(o.namespace, m);
      }
      m.set(o.key, o);
    }
    if (o.nodeName !== undefined) {
      let m = this.byNode.get(o.nodeName);
      if (!m) {
        m = new Map();
        this.byNode.set(o.nodeName, m);
      }
      m.set(o.key, o);
    }
  }

  private remove(o: CachedObject): void {
    const live = this.objects.get(o.key);
    if (!live) return;
    this.objects.delete(o.key);
    if (live.namespace) {
      const m = this.byNamespace.get(live.namespace);
      m?.delete(o.key);
      if (m?.size === 0) this.byNamespace.delete(live.namespace);
    }
    if (live.nodeName !== undefined) {
      const m = this.byNode.get(live.nodeName);
      m?.delete(o.key);
      if (m?.size === 0) this.byNode.delete(live.nodeName);
    }
  }
}
