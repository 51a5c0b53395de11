// The storage contract, shaped like etcd's KV + Watch API so that the embedded SQLite store and etcd are
// interchangeable behind the API server. Keys are strings (`/registry/<group>/<resource>/<ns>/<name>`),
// values are opaque strings (JSON documents). One cluster-wide revision counter is raised by every write.

export interface KeyValue {
  key: string;
  value: string;
  /** Revision of the write that created this key (etcd `create_revision`). */
  createRevision: number;
  /** Revision of the last write to this key (etcd `mod_revision`); the API's resourceVersion. */
  modRevision: number;
}

export interface RangeOptions {
  /** At most this many keys; 0 or undefined means no limit. */
  limit?: number;
  /** Continue strictly after this key (the previous page's last key). */
  after?: string;
}

export interface RangeResult {
  kvs: KeyValue[];
  /** True when more keys follow after the last one returned. */
  more: boolean;
  /** The store revision the result was read at. */
  revision: number;
}

export interface WriteOptions {
  /** The key expires (is deleted, with a DELETE event) this many seconds after the write (etcd lease). */
  ttlSeconds?: number;
}

export interface WatchEvent {
  type: "put" | "delete";
  key: string;
  /** Revision of this event. */
  revision: number;
  /** The new state (absent on delete). */
  kv?: KeyValue;
  /** The state before this event (absent on the first put of a key). */
  prevKv?: KeyValue;
}

export interface Watch {
  cancel(): void;
}

export interface WatchHandlers {
  /** Called with events in revision order; a batch holds all events of one commit, in order. */
  onEvents(events: WatchEvent[]): void;
  /** Called once if the watch ends because of an error (e.g. store closed). */
  onError?(err: Error): void;
}

/** The key exists (create-if-absent failed). */
export class KeyExistsError extends Error {
  constructor(readonly key: string) {
    super(`key exists: ${key}`);
    this.name = "KeyExistsError";
  }
}

/** The key is absent (update/delete of a missing key). */
export class KeyNotFoundError extends Error {
  constructor(readonly key: string) {
    super(`key not found: ${key}`);
    this.name = "KeyNotFoundError";
  }
}

/** Compare-and-swap failed: the key's modRevision is not the expected one. `current` is the live value. */
export class RevisionMismatchError extends Error {
  constructor(
    readonly key: string,
    readonly current: KeyValue,
  ) {
    super(`revision mismatch: ${key}`);
    this.name = "RevisionMismatchError";
  }
}

/** A watch or read asked for a revision that compaction removed. */
export class CompactedError extends Error {
  constructor(
    readonly requested: number,
    readonly compactRevision: number,
  ) {
    super(`required revision ${requested} has been compacted (compacted through ${compactRevision})`);
    this.name = "CompactedError";
  }
}

export interface Store {
  /** Current revision (the revision of the last committed write; 0 for an empty new store is allowed as 1). */
  revision(): Promise<number>;
  get(key: string): Promise<KeyValue | undefined>;
  /** Keys with the given prefix in ascending key order. */
  range(prefix: string, opts?: RangeOptions): Promise<RangeResult>;
  /** Create-if-absent. Resolves with the new KeyValue once durable; rejects KeyExistsError. */
  create(key: string, value: string, opts?: WriteOptions): Promise<KeyValue>;
  /**
   * Compare-and-swap update: succeeds only if the key's modRevision equals `expectedModRevision`.
   * Rejects KeyNotFoundError or RevisionMismatchError.
   */
  update(key: string, value: string, expectedModRevision: number, opts?: WriteOptions): Promise<KeyValue>;
  /**
   * Delete, guarded by modRevision when `expectedModRevision` is given. Resolves with the deleted KeyValue and
   * the revision of the delete. Rejects KeyNotFoundError or RevisionMismatchError.
   */
  delete(key: string, expectedModRevision?: number): Promise<{ prev: KeyValue; revision: number }>;
  /**
   * Watch every key under `prefix` for events with revision >= `startRevision` (etcd semantics: inclusive).
   * Throws CompactedError synchronously when `startRevision` is at or below the compacted revision.
   */
  watch(prefix: string, startRevision: number, handlers: WatchHandlers): Watch;
  /** Drop history at and below `revision`; later watches from there fail with CompactedError. */
  compact(revision: number): Promise<void>;
  /** The highest compacted revision (0 if none). */
  compactedRevision(): number;
  close(): Promise<void>;
}
