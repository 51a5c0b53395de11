// A list+watch cache of one resource, as client-go's shared informer: list, then watch from the list's
// resourceVersion; on 410 or a broken watch, re-watch or relist (with backoff) and turn the differences into
// events. Cached objects are frozen: handlers and listers share them and must copy before changing anything.
import { ApiError } from "../../api/errors.ts";
import type { KubeObject } from "../../api/object.ts";
import type { ApiClient, ResourceRef, Watch, WatchEvent } from "../../client/client.ts";
import { type Clock, realClock, type TimerHandle } from "./clock.ts";

export interface InformerHandlers<T> {
  onAdd?(obj: T): void;
  onUpdate?(old: T, cur: T): void;
  onDelete?(obj: T): void;
}

export interface InformerOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  clock?: Clock;
  /** Reports handler exceptions and watch failures (default: stderr when LOCI_DEBUG is set). */
  onError?: (err: unknown) => void;
}

/** `ns/name` for namespaced objects, `name` for cluster-scoped ones. */
export function objectKey(obj: KubeObject): string {
  const ns = obj.metadata.namespace;
  return ns ? `${ns}/${obj.metadata.name}` : (obj.metadata.name ?? "");
}

export function splitKey(key: string): [string, string] {
  const i = key.indexOf("/");
  return i < 0 ? ["", key] : [key.slice(0, i), key.slice(i + 1)];
}

function deepFreeze<T>(o: T): T {
  if (o && typeof o === "object" && !Object.isFrozen(o)) {
    Object.freeze(o);
    for (const v of Object.values(o)) deepFreeze(v);
  }
  return o;
}

const MIN_BACKOFF_MS = 200;
const MAX_BACKOFF_MS = 30_000;

export class Informer<T extends KubeObject = KubeObject> {
  private readonly items = new Map<string, T>();
  private readonly handlers: InformerHandlers<T>[] = [];
  private readonly indexers = new Map<string, (obj: T) => string[]>();
  private readonly indices = new Map<string, Map<string, Set<string>>>();
  private readonly indexedValues = new Map<string, Map<string, string[]>>();
  private readonly clock: Clock;
  private resourceVersion = "";
  private synced = false;
  private stopped = true;
  private watch?: Watch;
  private retry?: TimerHandle;
  private backoffMs = MIN_BACKOFF_MS;
  private syncWaiters: Array<() => void> = [];

  constructor(
    private readonly client: ApiClient,
    readonly res: ResourceRef,
    private readonly opts: InformerOptions = {},
  ) {
    this.clock = opts.clock ?? realClock;
  }

  addHandlers(h: InformerHandlers<T>): void {
    this.handlers.push(h);
    if (this.synced) for (const o of this.items.values()) this.call(() => h.onAdd?.(o));
  }

  /** Adds a secondary index; must be called before start. */
  addIndex(name: string, fn: (obj: T) => string[]): void {
    if (this.indexers.has(name)) return;
    this.indexers.set(name, fn);
    const index = new Map<string, Set<string>>();
    this.indices.set(name, index);
    this.indexedValues.set(name, new Map());
    for (const [k, o] of this.items) this.index(name, k, o);
  }

  hasIndex(name: string): boolean {
    return this.indexers.has(name);
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    void this.relist();
  }

  stop(): void {
    this.stopped = true;
    this.retry?.cancel();
    this.watch?.stop();
    for (const w of this.syncWaiters.splice(0)) w();
  }

  hasSynced(): boolean {
    return this.synced;
  }

  /** Resolves once the first list is in (also when called before start), or when the informer is stopped. */
  waitForSync(): Promise<void> {
    if (this.synced) return Promise.resolve();
    return new Promise((r) => this.syncWaiters.push(r));
  }

  get(namespace: string, name: string): T | undefined {
    return this.items.get(namespace ? `${namespace}/${name}` : name);
  }

  getByKey(key: string): T | undefined {
    return this.items.get(key);
  }

  list(): T[] {
    return [...this.items.values()];
  }

  get size(): number {
    return this.items.size;
  }

  byIndex(name: string, value: string): T[] {
    const keys = this.indices.get(name)?.get(value);
    if (!keys) return [];
    const out: T[] = [];
    for (const k of keys) {
      const o = this.items.get(k);
      if (o) out.push(o);
    }
    return out;
  }

  /** How many objects an index value holds, without building the list. */
  countByIndex(name: string, value: string): number {
    return this.indices.get(name)?.get(value)?.size ?? 0;
  }

  /** The resourceVersion the cache reflects. */
  lastSyncResourceVersion(): string {
    return this.resourceVersion;
  }

  private call(fn: () => void): void {
    try {
      fn();
    } catch (e) {
      this.report(e);
    }
  }

  private report(e: unknown): void {
    if (this.opts.onError) this.opts.onError(e);
    else if (process.env.LOCI_DEBUG) console.error(`informer ${this.res.resource}:`, e);
  }

  private index(name: string, key: string, obj: T | undefined): void {
    const index = this.indices.get(name)!;
    const byKey = this.indexedValues.get(name)!;
    for (const v of byKey.get(key) ?? []) {
      const set = index.get(v);
      set?.delete(key);
      if (set?.size === 0) index.delete(v);
    }
    byKey.delete(key);
    if (!obj) return;
    const values = this.indexers.get(name)!(obj);
    if (values.length === 0) return;
    byKey.set(key, values);
    for (const v of values) {
      let set = index.get(v);
      if (!set) {
        set = new Set();
        index.set(v, set);
      }
      set.add(key);
    }
  }

  private put(obj: T): void {
    const key = objectKey(obj);
    const old = this.items.get(key);
    deepFreeze(obj);
    this.items.set(key, obj);
    for (const name of this.indexers.keys()) this.index(name, key, obj);
    for (const h of this.handlers) {
      if (old) this.call(() => h.onUpdate?.(old, obj));
      else this.call(() => h.onAdd?.(obj));
    }
  }

  private remove(key: string, last: T): void {
    if (!this.items.has(key)) return;
    this.items.delete(key);
    for (const name of this.indexers.keys()) this.index(name, key, undefined);
    deepFreeze(last);
    for (const h of this.handlers) this.call(() => h.onDelete?.(last));
  }

  private scheduleRelist(): void {
    if (this.stopped) return;
    const delay = this.backoffMs;
    this.backoffMs = Math.min(MAX_BACKOFF_MS, this.backoffMs * 2);
    this.retry = this.clock.after(delay, () => void this.relist());
  }

  private async relist(): Promise<void> {
    if (this.stopped) return;
    let list: Awaited<ReturnType<ApiClient["list"]>>;
    try {
      list = await this.client.list<T>(this.res, this.opts.namespace ?? "", {
        labelSelector: this.opts.labelSelector,
        fieldSelector: this.opts.fieldSelector,
      });
    } catch (e) {
      this.report(e);
      this.scheduleRelist();
      return;
    }
    if (this.stopped) return;
    const seen = new Set<string>();
    for (const obj of list.items as T[]) {
      const key = objectKey(obj);
      seen.add(key);
      const old = this.items.get(key);
      if (old && old.metadata.resourceVersion === obj.metadata.resourceVersion) continue;
      this.put(obj);
    }
    for (const [key, old] of this.items) if (!seen.has(key)) this.remove(key, old);
    this.resourceVersion = list.metadata.resourceVersion;
    if (!this.synced) {
      this.synced = true;
      for (const w of this.syncWaiters.splice(0)) w();
    }
    await this.startWatch();
  }

  private async startWatch(): Promise<void> {
    if (this.stopped) return;
    let expired = false;
    let w: Watch;
    try {
      w = await this.client.watch<T>(
        this.res,
        this.opts.namespace ?? "",
        {
          resourceVersion: this.resourceVersion,
          labelSelector: this.opts.labelSelector,
          fieldSelector: this.opts.fieldSelector,
          allowWatchBookmarks: true,
          // Re-watch now and then, as client-go does, so no stream lives forever.
          timeoutSeconds: 300 + Math.floor(Math.random() * 300),
        },
        (ev) => {
          if (this.handleEvent(ev)) expired = true;
        },
      );
    } catch (e) {
      this.report(e);
      if (e instanceof ApiError && (e.code === 410 || e.code === 400)) void this.relist();
      else this.scheduleWatchRetry();
      return;
    }
    this.watch = w;
    this.backoffMs = MIN_BACKOFF_MS;
    await w.done;
    if (this.stopped) return;
    if (expired) void this.relist();
    else void this.startWatch();
  }

  private scheduleWatchRetry(): void {
    if (this.stopped) return;
    const delay = this.backoffMs;
    this.backoffMs = Math.min(MAX_BACKOFF_MS, this.backoffMs * 2);
    this.retry = this.clock.after(delay, () => void this.startWatch());
  }

  /** Applies one watch event; true when the watch must be replaced by a relist (410 Expired). */
  private handleEvent(ev: WatchEvent<T>): boolean {
    switch (ev.type) {
      case "ADDED":
      case "MODIFIED":
        this.put(ev.object);
        this.resourceVersion = ev.object.metadata.resourceVersion ?? this.resourceVersion;
        return false;
      case "DELETED": {
        const key = objectKey(ev.object);
        this.remove(key, ev.object);
        this.resourceVersion = ev.object.metadata.resourceVersion ?? this.resourceVersion;
        return false;
      }
      case "BOOKMARK":
        this.resourceVersion = ev.object.metadata.resourceVersion ?? this.resourceVersion;
        return false;
      case "ERROR":
        // 410 Expired (or any other failure): the stream ends here and the cache is rebuilt from a fresh list.
        this.watch?.stop();
        return true;
    }
    return false;
  }
}
