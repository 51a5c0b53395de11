// The embedded durable store: etcd-like KV + watch on one SQLite file (better-sqlite3, WAL).
// Writes are group-committed: every write issued before the next `setImmediate` tick shares one transaction, each
// write still gets its own revision, and watchers see the batch before any promise resolves. A write is
// acknowledged only once the WAL holding it is on disk: SQLite commits without syncing (synchronous=NORMAL) and
// the store fsyncs the WAL file itself on libuv's thread pool, so the event loop never waits for the disk and
// transactions committed meanwhile share the next fsync.

import { closeSync, fsync, openSync } from "node:fs";
import Database from "better-sqlite3";
import {
  CompactedError,
  KeyExistsError,
  KeyNotFoundError,
  type KeyValue,
  type RangeOptions,
  type RangeResult,
  RevisionMismatchError,
  type Store,
  type Watch,
  type WatchEvent,
  type WatchHandlers,
  type WriteOptions,
} from "./store.ts";

/** Bumped whenever the table layout changes; an older loci refuses a newer file instead of corrupting it. */
export const STORE_SCHEMA_VERSION = 1;

export interface SqliteStoreOptions {
  /** Called after every commit that wrote something (for metrics). */
  onCommit?: (info: { batchSize: number; seconds: number }) => void;
  /** Wall clock in milliseconds, injectable so tests can expire TTL keys. */
  now?: () => number;
}

export interface MaintenanceOptions {
  /** Every interval, compact history up to the revision seen one interval ago (0 disables). */
  compactionIntervalMs: number;
  /** Additionally keep at least this many recent revisions of history. */
  retainRevisions?: number;
  /** Every interval, `PRAGMA wal_checkpoint(TRUNCATE)` (0 disables). */
  checkpointIntervalMs: number;
  /** How often expired TTL keys are deleted; default 1000 ms (0 disables). */
  ttlSweepIntervalMs?: number;
}

export interface StoreStats {
  /** Transactions that wrote something (each one is an fsync of the WAL). */
  commits: number;
  /** Successful writes (creates, updates, deletes, TTL expiries). */
  writes: number;
}

type WriteOp =
  | { kind: "create"; key: string; value: string; ttlSeconds?: number; settle: Settle<KeyValue> }
  | { kind: "update"; key: string; value: string; expected: number; ttlSeconds?: number; settle: Settle<KeyValue> }
  | { kind: "delete"; key: string; expected?: number; settle: Settle<{ prev: KeyValue; revision: number }> }
  /** TTL expiry: deletes the key only if it is still expired inside the transaction. */
  | { kind: "expire"; key: string; now: number; settle: Settle<boolean> };

interface Settle<T> {
  resolve(value: T): void;
  reject(err: Error): void;
}

interface KvRow {
  key: string;
  value: string;
  create_revision: number;
  mod_revision: number;
}

interface HistoryRow {
  revision: number;
  key: string;
  value: string | null;
  create_revision: number | null;
  prev_value: string | null;
  prev_create_revision: number | null;
  prev_mod_revision: number | null;
}

interface Watcher {
  prefix: string;
  /** Live events below this revision were already covered by the replay (or precede startRevision). */
  minRevision: number;
  handlers: WatchHandlers;
  /** Batches waiting behind the replay, which is delivered on a microtask; null once caught up. */
  pending: WatchEvent[][] | null;
  cancelled: boolean;
}

const META_SCHEMA_VERSION = "schema_version";
const META_REVISION = "revision";
const META_COMPACTED = "compacted_revision";

/** A fresh store is at revision 1 (like etcd), so the first write is revision 2 and no list returns "0". */
const INITIAL_REVISION = 1;

const SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS meta (
  name TEXT PRIMARY KEY,
  value INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS kv (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL,
  create_revision INTEGER NOT NULL,
  mod_revision INTEGER NOT NULL,
  expires_at INTEGER
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS kv_expires_at ON kv (expires_at) WHERE expires_at IS NOT NULL;
CREATE TABLE IF NOT EXISTS history (
  revision INTEGER PRIMARY KEY,
  key TEXT NOT NULL,
  value TEXT,
  create_revision INTEGER,
  prev_value TEXT,
  prev_create_revision INTEGER,
  prev_mod_revision INTEGER
);
`;

/** One committed transaction, acknowledged once the WAL fsync after it has completed. */
interface CommittedBatch {
  ops: WriteOp[];
  events: WatchEvent[];
  outcomes: Array<() => void>;
  started: number;
}

export class SqliteStore implements Store {
  private readonly db: Database.Database;
  private readonly now: () => number;
  private readonly onCommit?: (info: { batchSize: number; seconds: number }) => void;
  private rev: number;
  private compacted: number;
  private queue: WriteOp[] = [];
  private flushScheduled = false;
  /** The WAL file, fsynced after commits (see the top of the file). */
  private readonly walFd: number;
  /** Committed batches waiting for the WAL fsync that makes them durable, oldest first. */
  private durable: CommittedBatch[] = [];
  private syncing = false;
  private idleWaiters: Array<() => void> = [];
  private closed = false;
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly counters: StoreStats = { commits: 0, writes: 0 };

  /** Watchers by exact prefix; a key finds its watchers by looking up its own prefixes, not by scanning. */
  private readonly watchersByPrefix = new Map<string, Set<Watcher>>();
  /** Lengths of watched prefixes that do not end in "/" (rare), with how many watchers use each length. */
  private readonly irregularPrefixLengths = new Map<number, number>();

  private readonly stmt: {
    get: Database.Statement<[string], KvRow>;
    upsert: Database.Statement<[string, string, number, number, number | null]>;
    remove: Database.Statement<[string]>;
    expiresAt: Database.Statement<[string], { expires_at: number | null }>;
    record: Database.Statement<
      [number, string, string | null, number | null, string | null, number | null, number | null]
    >;
    setMeta: Database.Statement<[string, number]>;
    rangeFrom: Database.Statement<[string, number], KvRow>;
    rangeBetween: Database.Statement<[string, string, number], KvRow>;
    rangeAfter: Database.Statement<[string, number], KvRow>;
    rangeAfterBetween: Database.Statement<[string, string, number], KvRow>;
    historyFrom: Database.Statement<[number], HistoryRow>;
    historyFromBetween: Database.Statement<[number, string, string], HistoryRow>;
    compactHistory: Database.Statement<[number]>;
    expired: Database.Statement<[number], { key: string }>;
  };

  private constructor(db: Database.Database, walFd: number, opts: SqliteStoreOptions) {
    this.db = db;
    this.walFd = walFd;
    this.now = opts.now ?? Date.now;
    this.onCommit = opts.onCommit;
    const meta = db.prepare<[string], { value: number }>("SELECT value FROM meta WHERE name = ?");
    this.rev = meta.get(META_REVISION)?.value ?? INITIAL_REVISION;
    this.compacted = meta.get(META_COMPACTED)?.value ?? 0;
    const kvCols = "key, value, create_revision, mod_revision";
    const histCols = "revision, key, value, create_revision, prev_value, prev_create_revision, prev_mod_revision";
    this.stmt = {
      get: db.prepare(`SELECT ${kvCols} FROM kv WHERE key = ?`),
      upsert: db.prepare(
        "INSERT OR REPLACE INTO kv (key, value, create_revision, mod_revision, expires_at) VALUES (?, ?, ?, ?, ?)",
      ),
      remove: db.prepare("DELETE FROM kv WHERE key = ?"),
      expiresAt: db.prepare("SELECT expires_at FROM kv WHERE key = ?"),
      record: db.prepare(`INSERT INTO history (${histCols}) VALUES (?, ?, ?, ?, ?, ?, ?)`),
      setMeta: db.prepare("INSERT OR REPLACE INTO meta (name, value) VALUES (?, ?)"),
      rangeFrom: db.prepare(`SELECT ${kvCols} FROM kv WHERE key >= ? ORDER BY key LIMIT ?`),
      rangeBetween: db.prepare(`SELECT ${kvCols} FROM kv WHERE key >= ? AND key < ? ORDER BY key LIMIT ?`),
      rangeAfter: db.prepare(`SELECT ${kvCols} FROM kv WHERE key > ? ORDER BY key LIMIT ?`),
      rangeAfterBetween: db.prepare(`SELECT ${kvCols} FROM kv WHERE key > ? AND key < ? ORDER BY key LIMIT ?`),
      historyFrom: db.prepare(`SELECT ${histCols} FROM history WHERE revision >= ? ORDER BY revision`),
      historyFromBetween: db.prepare(
        `SELECT ${histCols} FROM history WHERE revision >= ? AND key >= ? AND key < ? ORDER BY revision`,
      ),
      compactHistory: db.prepare("DELETE FROM history WHERE revision <= ?"),
      expired: db.prepare("SELECT key FROM kv WHERE expires_at IS NOT NULL AND expires_at <= ? ORDER BY key"),
    };
  }

  /** Opens (creating if needed) the store file. Throws if the file was written by an incompatible schema. */
  static open(path: string, opts: SqliteStoreOptions = {}): SqliteStore {
    const db = new Database(path);
    try {
      db.pragma("journal_mode = WAL");
      // Commits do not sync; the store fsyncs the WAL before acknowledging (flush, syncWal).
      db.pragma("synchronous = NORMAL");
      db.pragma("busy_timeout = 5000");
      checkSchemaVersion(db);
      db.transaction(() => {
        db.exec(SCHEMA_SQL);
        const init = db.prepare("INSERT OR IGNORE INTO meta (name, value) VALUES (?, ?)");
        init.run(META_SCHEMA_VERSION, STORE_SCHEMA_VERSION);
        init.run(META_REVISION, INITIAL_REVISION);
        init.run(META_COMPACTED, 0);
      }).immediate();
      // The WAL exists from the first write on and keeps its inode while the database is open (checkpoints
      // rewind or truncate it; only the last connection's close removes it).
      return new SqliteStore(db, openSync(`${path}-wal`, "r"), opts);
    } catch (err) {
      db.close();
      throw err;
    }
  }

  async revision(): Promise<number> {
    this.assertOpen();
    return this.rev;
  }

  async get(key: string): Promise<KeyValue | undefined> {
    this.assertOpen();
    const row = this.stmt.get.get(key);
    return row && toKeyValue(row);
  }

  async range(prefix: string, opts: RangeOptions = {}): Promise<RangeResult> {
    this.assertOpen();
    const limit = opts.limit && opts.limit > 0 ? opts.limit : -1;
    // Fetch one extra row to learn whether more keys follow.
    const fetch = limit > 0 ? limit + 1 : -1;
    const end = prefixEnd(prefix);
    const after = opts.after !== undefined && opts.after >= prefix ? opts.after : undefined;
    let rows: KvRow[];
    if (after !== undefined) {
      rows =
        end === undefined ? this.stmt.rangeAfter.all(after, fetch) : this.stmt.rangeAfterBetween.all(after, end, fetch);
    } else {
      rows =
        end === undefined ? this.stmt.rangeFrom.all(prefix, fetch) : this.stmt.rangeBetween.all(prefix, end, fetch);
    }
    const more = limit > 0 && rows.length > limit;
    if (more) rows.length = limit;
    return { kvs: rows.map(toKeyValue), more, revision: this.rev };
  }

  create(key: string, value: string, opts: WriteOptions = {}): Promise<KeyValue> {
    return new Promise((resolve, reject) =>
      this.enqueue({ kind: "create", key, value, ttlSeconds: opts.ttlSeconds, settle: { resolve, reject } }),
    );
  }

  update(key: string, value: string, expectedModRevision: number, opts: WriteOptions = {}): Promise<KeyValue> {
    return new Promise((resolve, reject) =>
      this.enqueue({
        kind: "update",
        key,
        value,
        expected: expectedModRevision,
        ttlSeconds: opts.ttlSeconds,
        settle: { resolve, reject },
      }),
    );
  }

  delete(key: string, expectedModRevision?: number): Promise<{ prev: KeyValue; revision: number }> {
    return new Promise((resolve, reject) =>
      this.enqueue({ kind: "delete", key, expected: expectedModRevision, settle: { resolve, reject } }),
    );
  }

  /** Deletes every key whose TTL has passed (by the injected clock), with DELETE events. Resolves the count. */
  async expire(): Promise<number> {
    this.assertOpen();
    const now = this.now();
    const keys = this.stmt.expired.all(now).map((r) => r.key);
    const done = keys.map(
      (key) =>
        new Promise<boolean>((resolve, reject) =>
          this.enqueue({ kind: "expire", key, now, settle: { resolve, reject } }),
        ),
    );
    return (await Promise.all(done)).filter(Boolean).length;
  }

  watch(prefix: string, startRevision: number, handlers: WatchHandlers): Watch {
    this.assertOpen();
    if (startRevision > 0 && startRevision <= this.compacted) {
      throw new CompactedError(startRevision, this.compacted);
    }
    // Replay and registration happen in the same synchronous step, so no commit can fall between them.
    const replay = startRevision > 0 && startRevision <= this.rev ? this.history(prefix, startRevision) : [];
    const watcher: Watcher = {
      prefix,
      minRevision: Math.max(startRevision, this.rev + 1),
      handlers,
      pending: replay.length > 0 ? [replay] : null,
      cancelled: false,
    };
    this.addWatcher(watcher);
    // The replay is delivered on a microtask so the caller holds the Watch before events arrive.
    if (watcher.pending) queueMicrotask(() => this.drainPending(watcher));
    return { cancel: () => this.removeWatcher(watcher) };
  }

  async compact(revision: number): Promise<void> {
    this.assertOpen();
    if (revision > this.rev) {
      throw new Error(`cannot compact to revision ${revision}: it is newer than the current revision ${this.rev}`);
    }
    if (revision <= this.compacted) return;
    this.db
      .transaction(() => {
        this.stmt.compactHistory.run(revision);
        this.stmt.setMeta.run(META_COMPACTED, revision);
      })
      .immediate();
    this.compacted = revision;
  }

  compactedRevision(): number {
    return this.compacted;
  }

  stats(): StoreStats {
    return { ...this.counters };
  }

  /** Starts periodic compaction, TTL sweeps and WAL checkpoints; the timers never keep the process alive. */
  startMaintenance(opts: MaintenanceOptions): void {
    this.assertOpen();
    const every = (ms: number, fn: () => void) => {
      if (!(ms > 0)) return;
      const t = setInterval(() => {
        if (!this.closed) fn();
      }, ms);
      t.unref();
      this.timers.push(t);
    };
    // Like kube-apiserver: each tick compacts to the revision seen at the previous tick, keeping one interval.
    let previousTickRevision = this.rev;
    every(opts.compactionIntervalMs, () => {
      let target = previousTickRevision;
      if (opts.retainRevisions !== undefined) target = Math.min(target, this.rev - opts.retainRevisions);
      previousTickRevision = this.rev;
      if (target > this.compacted) this.compact(target).catch(() => {});
    });
    every(opts.ttlSweepIntervalMs ?? 1000, () => {
      this.expire().catch(() => {});
    });
    every(opts.checkpointIntervalMs, () => {
      try {
        this.db.pragma("wal_checkpoint(TRUNCATE)");
      } catch {
        // A busy checkpoint is retried on the next tick; the WAL only grows meanwhile.
      }
    });
  }

  /** Commits pending writes, stops maintenance, ends watches (onError) and closes the file. */
  async close(): Promise<void> {
    if (this.closed) return;
    if (this.queue.length > 0) this.flush();
    this.closed = true;
    if (this.syncing) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    // Writes issued by watchers during that last flush arrive too late to be committed.
    for (const op of this.queue.splice(0)) op.settle.reject(new Error("store closed"));
    for (const t of this.timers) clearInterval(t);
    const err = new Error("store closed");
    for (const set of this.watchersByPrefix.values()) {
      for (const w of set) {
        w.cancelled = true;
        try {
          w.handlers.onError?.(err);
        } catch {
          // A watcher failing while being told about close must not stop the close.
        }
      }
    }
    this.watchersByPrefix.clear();
    this.irregularPrefixLengths.clear();
    this.db.close();
    closeSync(this.walFd);
  }

  private assertOpen(): void {
    if (this.closed) throw new Error("store closed");
  }

  private enqueue(op: WriteOp): void {
    if (this.closed) {
      op.settle.reject(new Error("store closed"));
      return;
    }
    this.queue.push(op);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => this.flush());
    }
  }

  /** Applies the whole queue in one transaction, then notifies watchers, then settles the promises. */
  private flush(): void {
    this.flushScheduled = false;
    const batch = this.queue;
    if (batch.length === 0) return;
    this.queue = [];
    const startRev = this.rev;
    const events: WatchEvent[] = [];
    const outcomes: Array<() => void> = [];
    const started = performance.now();
    try {
      this.db
        .transaction(() => {
          for (const op of batch) outcomes.push(this.apply(op, events));
          if (events.length > 0) this.stmt.setMeta.run(META_REVISION, this.rev);
        })
        .immediate();
    } catch (err) {
      // The transaction rolled back: nothing happened, every write in the batch fails.
      this.rev = startRev;
      const error = err instanceof Error ? err : new Error(String(err));
      for (const op of batch) op.settle.reject(error);
      return;
    }
    this.durable.push({ ops: batch, events, outcomes, started });
    this.syncWal();
  }

  /**
   * Makes committed batches durable: one fsync of the WAL at a time covers every batch committed before it began;
   * then, in commit order, watchers see each batch and its writes are acknowledged.
   */
  private syncWal(): void {
    if (this.syncing || this.durable.length === 0) return;
    this.syncing = true;
    const batches = this.durable;
    this.durable = [];
    fsync(this.walFd, (err) => {
      this.syncing = false;
      for (const b of batches) {
        if (err) {
          // Committed but maybe not on disk: no write of the batch may be acknowledged.
          for (const op of b.ops) op.settle.reject(err);
          continue;
        }
        if (b.events.length > 0) {
          this.counters.commits++;
          this.counters.writes += b.events.length;
          this.onCommit?.({ batchSize: b.ops.length, seconds: (performance.now() - b.started) / 1000 });
          this.dispatch(b.events);
        }
        for (const settle of b.outcomes) settle();
      }
      this.syncWal();
      if (!this.syncing) for (const resolve of this.idleWaiters.splice(0)) resolve();
    });
  }

  /** Runs one write inside the open transaction; returns how to settle its promise after COMMIT. */
  private apply(op: WriteOp, events: WatchEvent[]): () => void {
    const row = this.stmt.get.get(op.key);
    const prev = row && toKeyValue(row);
    switch (op.kind) {
      case "create": {
        if (prev) return () => op.settle.reject(new KeyExistsError(op.key));
        const kv = this.put(op.key, op.value, undefined, op.ttlSeconds, events);
        return () => op.settle.resolve(kv);
      }
      case "update": {
        if (!prev) return () => op.settle.reject(new KeyNotFoundError(op.key));
        if (prev.modRevision !== op.expected) return () => op.settle.reject(new RevisionMismatchError(op.key, prev));
        const kv = this.put(op.key, op.value, prev, op.ttlSeconds, events);
        return () => op.settle.resolve(kv);
      }
      case "delete": {
        if (!prev) return () => op.settle.reject(new KeyNotFoundError(op.key));
        if (op.expected !== undefined && prev.modRevision !== op.expected) {
          return () => op.settle.reject(new RevisionMismatchError(op.key, prev));
        }
        const revision = this.remove(prev, events);
        return () => op.settle.resolve({ prev, revision });
      }
      case "expire": {
        const expiresAt = this.stmt.expiresAt.get(op.key)?.expires_at;
        // Rewritten (new TTL or none) or already deleted since the sweep looked: leave it.
        if (!prev || expiresAt === null || expiresAt === undefined || expiresAt > op.now) {
          return () => op.settle.resolve(false);
        }
        this.remove(prev, events);
        return () => op.settle.resolve(true);
      }
    }
  }

  private put(
    key: string,
    value: string,
    prev: KeyValue | undefined,
    ttlSeconds: number | undefined,
    events: WatchEvent[],
  ): KeyValue {
    const revision = ++this.rev;
    const kv: KeyValue = { key, value, createRevision: prev?.createRevision ?? revision, modRevision: revision };
    // Like an etcd put without a lease, a write without a TTL makes the key permanent again.
    const expiresAt = ttlSeconds !== undefined && ttlSeconds > 0 ? this.now() + ttlSeconds * 1000 : null;
    this.stmt.upsert.run(key, value, kv.createRevision, revision, expiresAt);
    this.stmt.record.run(
      revision,
      key,
      value,
      kv.createRevision,
      prev?.value ?? null,
      prev?.createRevision ?? null,
      prev?.modRevision ?? null,
    );
    events.push(prev ? { type: "put", key, revision, kv, prevKv: prev } : { type: "put", key, revision, kv });
    return kv;
  }

  private remove(prev: KeyValue, events: WatchEvent[]): number {
    const revision = ++this.rev;
    this.stmt.remove.run(prev.key);
    this.stmt.record.run(revision, prev.key, null, null, prev.value, prev.createRevision, prev.modRevision);
    events.push({ type: "delete", key: prev.key, revision, prevKv: prev });
    return revision;
  }

  private history(prefix: string, startRevision: number): WatchEvent[] {
    const end = prefixEnd(prefix);
    const rows =
      end === undefined
        ? this.stmt.historyFrom.all(startRevision)
        : this.stmt.historyFromBetween.all(startRevision, prefix, end);
    return rows.map(toWatchEvent);
  }

  private addWatcher(w: Watcher): void {
    let set = this.watchersByPrefix.get(w.prefix);
    if (!set) {
      set = new Set();
      this.watchersByPrefix.set(w.prefix, set);
    }
    set.add(w);
    if (!isRegularPrefix(w.prefix)) {
      const n = w.prefix.length;
      this.irregularPrefixLengths.set(n, (this.irregularPrefixLengths.get(n) ?? 0) + 1);
    }
  }

  private removeWatcher(w: Watcher): void {
    if (w.cancelled) return;
    w.cancelled = true;
    w.pending = null;
    const set = this.watchersByPrefix.get(w.prefix);
    if (!set?.delete(w)) return;
    if (set.size === 0) this.watchersByPrefix.delete(w.prefix);
    if (!isRegularPrefix(w.prefix)) {
      const n = w.prefix.length;
      const left = (this.irregularPrefixLengths.get(n) ?? 1) - 1;
      if (left > 0) this.irregularPrefixLengths.set(n, left);
      else this.irregularPrefixLengths.delete(n);
    }
  }

  /** Hands one commit's events to each interested watcher as one batch, in revision order. */
  private dispatch(events: WatchEvent[]): void {
    if (this.watchersByPrefix.size === 0) return;
    const perWatcher = new Map<Watcher, WatchEvent[]>();
    for (const ev of events) {
      for (const set of this.watcherSetsFor(ev.key)) {
        for (const w of set) {
          if (ev.revision < w.minRevision) continue;
          const list = perWatcher.get(w);
          if (list) list.push(ev);
          else perWatcher.set(w, [ev]);
        }
      }
    }
    for (const [w, batch] of perWatcher) {
      if (w.cancelled) continue;
      if (w.pending) w.pending.push(batch);
      else this.deliver(w, batch);
    }
  }

  /** Watcher sets whose prefix matches `key`: the "/"-terminated parents, then the few irregular lengths. */
  private *watcherSetsFor(key: string): Iterable<Set<Watcher>> {
    const root = this.watchersByPrefix.get("");
    if (root) yield root;
    for (let i = key.indexOf("/"); i !== -1; i = key.indexOf("/", i + 1)) {
      const set = this.watchersByPrefix.get(key.slice(0, i + 1));
      if (set) yield set;
    }
    for (const n of this.irregularPrefixLengths.keys()) {
      // A cut ending in "/" was already looked up above; looking it up again would duplicate events.
      if (n === 0 || n > key.length || key.charCodeAt(n - 1) === 47) continue;
      const set = this.watchersByPrefix.get(key.slice(0, n));
      if (set) yield set;
    }
  }

  private drainPending(w: Watcher): void {
    while (w.pending && w.pending.length > 0 && !w.cancelled) {
      this.deliver(w, w.pending.shift()!);
    }
    w.pending = null;
  }

  private deliver(w: Watcher, batch: WatchEvent[]): void {
    try {
      w.handlers.onEvents(batch);
    } catch (err) {
      // A throwing watcher is ended; it must not break the commit or other watchers.
      this.removeWatcher(w);
      try {
        w.handlers.onError?.(err instanceof Error ? err : new Error(String(err)));
      } catch {
        // Nothing more to tell it.
      }
    }
  }
}

function checkSchemaVersion(db: Database.Database): void {
  const hasMeta = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").get();
  if (!hasMeta) return;
  const row = db.prepare<[string], { value: number }>("SELECT value FROM meta WHERE name = ?").get(META_SCHEMA_VERSION);
  if (row && row.value !== STORE_SCHEMA_VERSION) {
    throw new Error(
      `store schema version ${row.value} is not supported by this loci (supports ${STORE_SCHEMA_VERSION})`,
    );
  }
}

/** "/"-terminated (or empty) prefixes are found by walking a key's slashes; others by their length. */
function isRegularPrefix(prefix: string): boolean {
  return prefix === "" || prefix.endsWith("/");
}

/**
 * The smallest string greater than every string starting with `prefix` (exclusive upper bound), or undefined
 * when there is none (empty prefix). Works on code points, so it agrees with SQLite's UTF-8 byte order.
 */
export function prefixEnd(prefix: string): string | undefined {
  const points = Array.from(prefix);
  while (points.length > 0) {
    const last = points.pop()!.codePointAt(0)!;
    let next = last + 1;
    if (next >= 0xd800 && next <= 0xdfff) next = 0xe000; // skip surrogates, not valid code points
    if (next <= 0x10ffff) return points.join("") + String.fromCodePoint(next);
  }
  return undefined;
}

function toKeyValue(row: KvRow): KeyValue {
  return { key: row.key, value: row.value, createRevision: row.create_revision, modRevision: row.mod_revision };
}

function toWatchEvent(row: HistoryRow): WatchEvent {
  const prevKv: KeyValue | undefined =
    row.prev_value === null
      ? undefined
      : {
          key: row.key,
          value: row.prev_value,
          createRevision: row.prev_create_revision!,
          modRevision: row.prev_mod_revision!,
        };
  if (row.value === null) {
    return { type: "delete", key: row.key, revision: row.revision, prevKv };
  }
  const kv: KeyValue = {
    key: row.key,
    value: row.value,
    createRevision: row.create_revision!,
    modRevision: row.revision,
  };
  return prevKv
    ? { type: "put", key: row.key, revision: row.revision, kv, prevKv }
    : { type: "put", key: row.key, revision: row.revision, kv };
}
