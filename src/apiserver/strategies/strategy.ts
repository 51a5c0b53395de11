// What differs between kinds when objects are written: defaults, validation, server-managed fields, status
// handling, deletion. The registry runs the same steps for every kind and asks the strategy at each.
import type { FieldError } from "../../api/errors.ts";
import type { KubeObject } from "../../api/object.ts";
import type { ResourceInfo } from "../../api/resources.ts";

export interface WriteContext {
  now: Date;
  dryRun: boolean;
  /** Warnings returned to the client as `Warning: 299 - "…"` headers. */
  warnings: string[];
  /** Reads other resources (admission). */
  lookup(resource: string, group: string, namespace: string, name: string): KubeObject | undefined;
  /** Per-caller admission (NodeRestriction for node credentials): throws to refuse a write. */
  restrict?(info: ResourceInfo, obj: KubeObject, old: KubeObject | undefined): void;
}

export interface DeleteDecision {
  /** Seconds until the object may be removed; undefined or 0 means remove now (unless finalizers remain). */
  gracePeriodSeconds?: number;
}

export interface Strategy {
  /** Defaults applied to every incoming object (create and update). Mutates. */
  defaults?(obj: KubeObject): void;
  /** Server-managed fields on create (status reset, generation). Mutates. */
  prepareForCreate?(obj: KubeObject, ctx: WriteContext): void;
  /** Server-managed fields on update of the main resource. Mutates `obj`. */
  prepareForUpdate?(obj: KubeObject, old: KubeObject, ctx: WriteContext): void;
  /** Admission checks and mutations that read other objects (namespace, priority classes). */
  admit?(obj: KubeObject, ctx: WriteContext, op: "create" | "update"): void;
  validate?(obj: KubeObject): FieldError[];
  validateUpdate?(obj: KubeObject, old: KubeObject): FieldError[];
  /** Present when the kind has a status subresource: the main resource keeps the old status. */
  status?: {
    prepareForUpdate?(obj: KubeObject, old: KubeObject): void;
    validate?(obj: KubeObject, old: KubeObject): FieldError[];
  };
  /** Graceful deletion (pods). */
  deleteGrace?(obj: KubeObject, requested: number | undefined): DeleteDecision;
  /**
   * Called when a DELETE arrives; may mark the object (a namespace becomes Terminating) and returns true while
   * something other than metadata.finalizers still holds the object (a namespace's spec.finalizers).
   */
  onDelete?(obj: KubeObject): boolean;
  /** True while something besides metadata.finalizers keeps a deleting object (a namespace's spec.finalizers). */
  holdsDeletion?(obj: KubeObject): boolean;
  /** DELETE answers with the object rather than a Status (pods, namespaces). */
  returnDeletedObject?: boolean;
  /** Objects expire this many seconds after their last write (events). */
  ttlSeconds?(): number | undefined;
  /** Default deletion propagation when the request names none. */
  defaultPropagation?: "Background" | "Orphan" | "Foreground";
}
