// Generic storage of one resource: the write path (decode → defaults → server fields → admission → validation →
// compare-and-swap in the store) and the read path (served from the watch cache). Kinds differ only through
// their Strategy.
import { randomUUID } from "node:crypto";
import { type ApiError, errors, type FieldError, field } from "../api/errors.ts";
import type { KubeObject } from "../api/object.ts";
import type { ResourceInfo } from "../api/resources.ts";
import { KeyExistsError, KeyNotFoundError, RevisionMismatchError, type Store } from "../store/store.ts";
import type { Strategy, WriteContext } from "./strategies/strategy.ts";
import { type CachedObject, type WatchCache, withResourceVersion } from "./watch-cache.ts";

const NAME_SUFFIX_ALPHABET = "bcdfghjklmnpqrstvwxz2456789";
const MAX_UPDATE_ATTEMPTS = 16;

export function rfc3339(d: Date): string {
  return `${d.toISOString().slice(0, 19)}Z`;
}

export function randomSuffix(n = 5): string {
  let s = "";
  for (let i = 0; i < n; i++) s += NAME_SUFFIX_ALPHABET[Math.floor(Math.random() * NAME_SUFFIX_ALPHABET.length)];
  return s;
}

export interface DeleteOptions {
  gracePeriodSeconds?: number;
  propagationPolicy?: "Background" | "Foreground" | "Orphan";
  orphanDependents?: boolean;
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: string[];
}

export type Mutation = (current: KubeObject) => KubeObject;

/** Converts between the served shape and the stored one, for API versions that share storage. */
export interface StorageCodec {
  toStorage(obj: KubeObject): KubeObject;
  fromStorage(obj: KubeObject): KubeObject;
}

export class Registry {
  constructor(
    readonly info: ResourceInfo,
    readonly store: Store,
    readonly cache: WatchCache,
    readonly strategy: Strategy,
    readonly codec?: StorageCodec,
  ) {}

  get prefix(): string {
    return `/registry/${this.info.storagePrefix}/`;
  }

  key(namespace: string, name: string): string {
    return this.info.namespaced ? `${this.prefix}${namespace}/${name}` : `${this.prefix}${name}`;
  }

  notFound(name: string): ApiError {
    return errors.notFound(this.info.resource, this.info.group, name);
  }

  get(namespace: string, name: string): CachedObject {
    const o = this.cache.get(this.key(namespace, name));
    if (!o) throw this.notFound(name);
    return o;
  }

  /** Encodes an object for storage: the resourceVersion lives in the store's modRevision, not in the value. */
  private encode(obj: KubeObject): string {
    const stored = this.codec ? this.codec.toStorage(obj) : obj;
    const { resourceVersion: _rv, ...metadata } = stored.metadata;
    return JSON.stringify({ ...stored, metadata });
  }

  private invalid(obj: KubeObject, errs: FieldError[]): ApiError {
    return errors.invalid(this.info.kind, this.info.group, obj.metadata.name ?? obj.metadata.generateName ?? "", errs);
  }

  async create(namespace: string, obj: KubeObject, ctx: WriteContext): Promise<KubeObject> {
    const meta = obj.metadata;
    if (this.info.namespaced) meta.namespace = namespace;
    else delete meta.namespace;
    if (!meta.name && meta.generateName) meta.name = meta.generateName + randomSuffix();
    meta.uid = randomUUID();
    meta.creationTimestamp = rfc3339(ctx.now);
    delete meta.deletionTimestamp;
    delete meta.deletionGracePeriodSeconds;
    delete meta.resourceVersion;
    delete meta.managedFields;
    delete meta.selfLink;
    if (meta.generation !== undefined) delete meta.generation;
    if (this.info.namespaced) this.admitNamespace(namespace, meta.name ?? "", ctx);
    this.strategy.defaults?.(obj);
    this.strategy.prepareForCreate?.(obj, ctx);
    const errs = this.strategy.validate?.(obj) ?? [];
    if (errs.length) throw this.invalid(obj, errs);
    this.strategy.admit?.(obj, ctx, "create");
    ctx.restrict?.(this.info, obj, undefined);
    if (ctx.dryRun) {
      if (this.cache.get(this.key(namespace, meta.name!))) throw this.alreadyExists(meta.name!);
      return obj;
    }
    try {
      const kv = await this.store.create(this.key(namespace, meta.name!), this.encode(obj), {
        ttlSeconds: this.strategy.ttlSeconds?.(),
      });
      return withResourceVersion(obj, kv.modRevision);
    } catch (e) {
      if (e instanceof KeyExistsError) throw this.alreadyExists(meta.name!);
      throw e;
    }
  }

  /** Upstream NamespaceLifecycle admission: no new content in missing or terminating namespaces. */
  private admitNamespace(namespace: string, name: string, ctx: WriteContext): void {
    const ns = ctx.lookup("namespaces", "", "", namespace);
    if (!ns) throw errors.notFound("namespaces", "", namespace);
    if (ns.metadata.deletionTimestamp || ns.status?.phase === "Terminating") {
      throw errors.forbidden(
        `${this.info.resource}${this.info.group ? `.${this.info.group}` : ""} "${name}" is forbidden: unable to create new content in namespace ${namespace} because it is being terminated`,
        {
          name,
          group: this.info.group || undefined,
          kind: this.info.resource,
          causes: [
            {
              reason: "NamespaceTerminating",
              message: `namespace ${namespace} is being terminated`,
              field: "metadata.namespace",
            },
          ],
        },
      );
    }
  }

  private alreadyExists(name: string): ApiError {
    return errors.alreadyExists(this.info.resource, this.info.group, name);
  }

  /** The live object, its revision and its stored encoding (what an unchanged update would write again). */
  private async read(key: string, name: string): Promise<{ obj: KubeObject; rv: number; encoded: string }> {
    const kv = await this.store.get(key);
    if (!kv) throw this.notFound(name);
    const stored = JSON.parse(kv.value);
    const obj = withResourceVersion(this.codec ? this.codec.fromStorage(stored) : stored, kv.modRevision);
    // Through a codec the round trip may reorder fields, so compare like with like.
    return { obj, rv: kv.modRevision, encoded: this.codec ? this.encode(obj) : kv.value };
  }

  /**
   * The update loop (upstream GuaranteedUpdate): read, mutate, check, compare-and-swap; retried on a concurrent
   * write unless the caller pinned a resourceVersion, in which case a stale one is a 409 Conflict.
   */
  async update(
    namespace: string,
    name: string,
    mutate: Mutation,
    ctx: WriteContext,
    opts: { subresource?: string } = {},
  ): Promise<KubeObject> {
    const key = this.key(namespace, name);
    for (let attempt = 0; ; attempt++) {
      const current = await this.read(key, name);
      const next = mutate(structuredClone(current.obj));
      next.metadata ??= {};
      const pinned = next.metadata.resourceVersion;
      if (pinned !== undefined && pinned !== "" && pinned !== String(current.rv)) {
        throw errors.staleWrite(this.info.resource, this.info.group, name);
      }
      // An unconditional update (no resourceVersion) applies to the version just read.
      next.metadata.resourceVersion = String(current.rv);
      // Bindings change only what the binding handler set; no strategy runs for them.
      const obj =
        opts.subresource === "binding"
          ? next
          : this.prepareUpdate(next, current.obj, namespace, name, ctx, opts.subresource);
      const encoded = this.encode(obj);
      // No-op updates write nothing and keep the resourceVersion, as upstream.
      if (encoded === current.encoded) return current.obj;
      if (this.shouldDeleteDuringUpdate(obj)) {
        // The last finalizer of a deleting object is gone: the object goes away now.
        if (ctx.dryRun) return obj;
        try {
          await this.store.delete(key, current.rv);
          return obj;
        } catch (e) {
          if (e instanceof RevisionMismatchError && attempt < MAX_UPDATE_ATTEMPTS) continue;
          throw this.mapStoreError(e, name);
        }
      }
      if (ctx.dryRun) return obj;
      try {
        const kv = await this.store.update(key, encoded, current.rv, {
          ttlSeconds: this.strategy.ttlSeconds?.(),
        });
        return withResourceVersion(obj, kv.modRevision);
      } catch (e) {
        if (e instanceof RevisionMismatchError) {
          if (pinned || attempt >= MAX_UPDATE_ATTEMPTS)
            throw errors.staleWrite(this.info.resource, this.info.group, name);
          continue;
        }
        throw this.mapStoreError(e, name);
      }
    }
  }

  /**
   * Upstream's `shouldDeleteDuringUpdate`: a deleting object whose last finalizer is gone and whose grace is over
   * (always so for kinds without graceful deletion) is removed by the update; a namespace also waits for its
   * spec.finalizers.
   */
  private shouldDeleteDuringUpdate(obj: KubeObject): boolean {
    const meta = obj.metadata;
    if (!meta.deletionTimestamp || meta.finalizers?.length) return false;
    if (this.strategy.deleteGrace && meta.deletionGracePeriodSeconds !== 0) return false;
    return !this.strategy.holdsDeletion?.(obj);
  }

  private mapStoreError(e: unknown, name: string): unknown {
    if (e instanceof KeyNotFoundError) return this.notFound(name);
    if (e instanceof RevisionMismatchError) return errors.staleWrite(this.info.resource, this.info.group, name);
    return e;
  }

  private prepareUpdate(
    obj: KubeObject,
    old: KubeObject,
    namespace: string,
    name: string,
    ctx: WriteContext,
    subresource?: string,
  ): KubeObject {
    obj.metadata ??= {};
    const meta = obj.metadata;
    if (meta.name !== undefined && meta.name !== name) {
      throw errors.badRequest(`the name of the object (${meta.name}) does not match the name on the URL (${name})`);
    }
    if (this.info.namespaced && meta.namespace && meta.namespace !== namespace) {
      throw errors.badRequest("the namespace of the provided object does not match the namespace sent on the request");
    }
    meta.name = name;
    if (this.info.namespaced) meta.namespace = namespace;
    else delete meta.namespace;
    // Fields only the server sets.
    meta.uid = old.metadata.uid;
    meta.creationTimestamp = old.metadata.creationTimestamp;
    meta.deletionTimestamp = old.metadata.deletionTimestamp;
    meta.deletionGracePeriodSeconds = old.metadata.deletionGracePeriodSeconds;
    meta.generation = old.metadata.generation;
    if (meta.deletionTimestamp === undefined) delete meta.deletionTimestamp;
    if (meta.deletionGracePeriodSeconds === undefined) delete meta.deletionGracePeriodSeconds;
    if (meta.generation === undefined) delete meta.generation;
    delete meta.managedFields;
    delete meta.selfLink;
    obj.apiVersion = old.apiVersion;
    obj.kind = old.kind;
    // A deleting object may lose finalizers but gain none.
    if (old.metadata.deletionTimestamp) {
      const before = new Set(old.metadata.finalizers ?? []);
      const added = (meta.finalizers ?? []).filter((f) => !before.has(f));
      if (added.length) {
        throw this.invalid(obj, [
          field.forbidden(
            "metadata.finalizers",
            `no new finalizers can be added if the object is being deleted, found new finalizers ${JSON.stringify(added)}`,
          ),
        ]);
      }
    }
    let errs: FieldError[];
    if (subresource === "finalize") {
      // Namespaces: only spec.finalizers changes (upstream finalizeUpdateStrategy).
      const finalizers = obj.spec?.finalizers;
      const rv = meta.resourceVersion;
      const keep = structuredClone(old);
      Object.assign(obj, keep);
      obj.metadata = { ...keep.metadata, resourceVersion: rv };
      obj.spec = { ...keep.spec };
      if (finalizers === undefined || finalizers === null) delete obj.spec.finalizers;
      else obj.spec.finalizers = finalizers;
      errs = this.strategy.validateUpdate?.(obj, old) ?? [];
    } else if (subresource === "status") {
      const keep = structuredClone(old);
      // Status writes change only status (upstream resets spec and most metadata).
      const status = obj.status;
      const rv = meta.resourceVersion;
      Object.assign(obj, keep);
      obj.status = status;
      if (status === undefined) delete obj.status;
      obj.metadata = { ...keep.metadata, resourceVersion: rv };
      this.strategy.status?.prepareForUpdate?.(obj, old);
      errs = this.strategy.status?.validate?.(obj, old) ?? [];
    } else {
      this.strategy.defaults?.(obj);
      if (this.strategy.status) {
        if (old.status === undefined) delete obj.status;
        else obj.status = structuredClone(old.status);
      }
      this.strategy.prepareForUpdate?.(obj, old, ctx);
      errs = this.strategy.validateUpdate?.(obj, old) ?? this.strategy.validate?.(obj) ?? [];
    }
    if (errs.length) throw this.invalid(obj, errs);
    if (subresource !== "status") this.strategy.admit?.(obj, ctx, "update");
    ctx.restrict?.(this.info, obj, old);
    return obj;
  }

  /**
   * DELETE: graceful for pods, deferred while finalizers remain, otherwise immediate. Returns the object as it is
   * after the call and whether it is gone.
   */
  async delete(
    namespace: string,
    name: string,
    opts: DeleteOptions,
    ctx: WriteContext,
  ): Promise<{ obj: KubeObject; gone: boolean }> {
    const key = this.key(namespace, name);
    for (let attempt = 0; ; attempt++) {
      const current = await this.read(key, name);
      const obj = structuredClone(current.obj);
      const pre = opts.preconditions;
      if (pre?.uid && pre.uid !== obj.metadata.uid) {
        throw errors.conflict(
          this.info.resource,
          this.info.group,
          name,
          `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${obj.metadata.uid}`,
        );
      }
      if (pre?.resourceVersion && pre.resourceVersion !== String(current.rv)) {
        throw errors.conflict(
          this.info.resource,
          this.info.group,
          name,
          `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${current.rv}`,
        );
      }
      const policy =
        opts.propagationPolicy ??
        (opts.orphanDependents === true ? "Orphan" : opts.orphanDependents === false ? "Background" : undefined) ??
        this.strategy.defaultPropagation ??
        "Background";
      const finalizers = new Set(obj.metadata.finalizers ?? []);
      if (policy === "Orphan") finalizers.add("orphan");
      if (policy === "Foreground") finalizers.add("foregroundDeletion");
      const grace = this.strategy.deleteGrace?.(obj, opts.gracePeriodSeconds).gracePeriodSeconds ?? 0;
      const alreadyDeleting = obj.metadata.deletionTimestamp !== undefined;
      const held = this.strategy.onDelete?.(obj) ?? false;
      if (held && alreadyDeleting) return { obj: current.obj, gone: false };
      if (finalizers.size > 0 || grace > 0 || held) {
        const meta = obj.metadata;
        const newDeadline = new Date(ctx.now.getTime() + grace * 1000);
        const changed =
          !alreadyDeleting ||
          held ||
          (meta.deletionGracePeriodSeconds ?? Number.POSITIVE_INFINITY) > grace ||
          finalizers.size !== (meta.finalizers?.length ?? 0);
        if (!changed) return { obj: current.obj, gone: false };
        // A shorter grace (down to 0, the node's final DELETE) moves the deadline forward, never back.
        if (!alreadyDeleting || (meta.deletionGracePeriodSeconds ?? 0) > grace) {
          meta.deletionTimestamp = rfc3339(newDeadline);
          meta.deletionGracePeriodSeconds = grace;
        }
        if (finalizers.size) meta.finalizers = [...finalizers];
        if (ctx.dryRun) return { obj, gone: false };
        try {
          const kv = await this.store.update(key, this.encode(obj), current.rv);
          return { obj: withResourceVersion(obj, kv.modRevision), gone: false };
        } catch (e) {
          if (e instanceof RevisionMismatchError && attempt < MAX_UPDATE_ATTEMPTS) continue;
          throw this.mapStoreError(e, name);
        }
      }
      if (ctx.dryRun) return { obj: current.obj, gone: true };
      try {
        const res = await this.store.delete(key, current.rv);
        return { obj: withResourceVersion(current.obj, res.revision), gone: true };
      } catch (e) {
        if (e instanceof RevisionMismatchError && attempt < MAX_UPDATE_ATTEMPTS) continue;
        throw this.mapStoreError(e, name);
      }
    }
  }
}
