// ObjectMeta validation (`apimachinery/pkg/api/validation/objectmeta.go` plus the core wrapper in
// `pkg/apis/core/validation`, which adds the legacy finalizer-name rule).
import { type FieldError, field } from "../errors.ts";
import type { ObjectMeta, OwnerReference } from "../object.ts";
import { semanticEqual } from "./equal.ts";
import { validateLabels } from "./labels.ts";
import { byteLength, isQualifiedName, type NameValidator, validateNamespaceName } from "./names.ts";
import { child, index } from "./path.ts";

export const IS_NEGATIVE_ERROR = "must be greater than or equal to 0";
export const FIELD_IMMUTABLE_ERROR = "field is immutable";
export const TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;

export function validateNonnegativeField(value: number | undefined | null, path: string): FieldError[] {
  return typeof value === "number" && value < 0 ? [field.invalid(path, value, IS_NEGATIVE_ERROR)] : [];
}

export function validateImmutableField(newVal: unknown, oldVal: unknown, path: string): FieldError[] {
  return semanticEqual(newVal, oldVal) ? [] : [field.invalid(path, newVal ?? null, FIELD_IMMUTABLE_ERROR)];
}

export function validateAnnotations(
  annotations: Record<string, string> | undefined | null,
  path: string,
): FieldError[] {
  const errs: FieldError[] = [];
  let total = 0;
  for (const [k, v] of Object.entries(annotations ?? {})) {
    // Annotation keys are qualified names, but case does not matter.
    for (const m of isQualifiedName(k.toLowerCase())) errs.push(field.invalid(path, k, m));
    total += byteLength(k) + byteLength(String(v));
  }
  if (total > TOTAL_ANNOTATION_SIZE_LIMIT) errs.push(field.tooLong(path, "", TOTAL_ANNOTATION_SIZE_LIMIT));
  return errs;
}

function _parseGroupVersion(apiVersion: string): { group: string; version: string } | undefined {
  if (apiVersion === "") return { group: "", version: "" };
  const parts = apiVersion.split("/");
  if (parts.length === 1) return { group: "", version: parts[0] };
  if (parts.length === 2) return { group: parts[0], version: parts[1] };
  return undefined;
}

function _validateOwnerReference(ref: OwnerReference, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const gv = _parseGroupVersion(ref.apiVersion ?? "") ?? { group: "", version: "" };
  if (!gv.version)
    errs.push(field.invalid(child(path, "apiVersion"), ref.apiVersion ?? "", "version must not be empty"));
  if (!ref.kind) errs.push(field.invalid(child(path, "kind"), ref.kind ?? "", "must not be empty"));
  if (!ref.name) errs.push(field.invalid(child(path, "name"), ref.name ?? "", "must not be empty"));
  if (!ref.uid) errs.push(field.invalid(child(path, "uid"), ref.uid ?? "", "must not be empty"));
  if (gv.group === "" && gv.version === "v1" && ref.kind === "Event") {
    errs.push(field.invalid(path, ref, "/v1, Kind=Event is disallowed from being an owner"));
  }
  return errs;
}

export function validateOwnerReferences(refs: OwnerReference[] | undefined | null, path: string): FieldError[] {
  const errs: FieldError[] = [];
  let firstController = "";
  for (const ref of refs ?? []) {
    errs.push(..._validateOwnerReference(ref, path));
    if (ref.controller) {
      const current = `${ref.kind}/${ref.name}`;
      if (firstController) {
        errs.push(
          field.invalid(
            path,
            refs,
            `Only one reference can have Controller set to true. Found "true" in references for ${firstController} and ${current}`,
          ),
        );
      } else {
        firstController = current;
      }
    }
  }
  return errs;
}

export function validateFinalizerName(name: string, path: string): FieldError[] {
  return isQualifiedName(name).map((m) => field.invalid(path, name, m));
}

const STANDARD_FINALIZERS = new Set(["kubernetes", "orphan", "foregroundDeletion"]);

/** Core's extra rule: an unprefixed finalizer must be one of the standard names. */
export function validateKubeFinalizerName(name: string, path: string): FieldError[] {
  if (name.split("/").length === 1 && !STANDARD_FINALIZERS.has(name)) {
    return [field.invalid(path, name, "name is neither a standard finalizer name nor is it fully qualified")];
  }
  return [];
}

export function validateFinalizers(finalizers: string[] | undefined | null, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const list = finalizers ?? [];
  for (const f of list) errs.push(...validateFinalizerName(f, path));
  if (list.includes("orphan") && list.includes("foregroundDeletion")) {
    errs.push(field.invalid(path, list, "finalizer orphan and foregroundDeletion cannot be both set"));
  }
  return errs;
}

function _validateManagedFields(entries: unknown[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  (entries ?? []).forEach((raw, i) => {
    const e = (raw ?? {}) as { operation?: string; fieldsType?: string };
    const p = index(path, i);
    if (e.operation !== "Apply" && e.operation !== "Update") {
      errs.push(field.invalid(child(p, "operation"), e.operation ?? "", "must be `Apply` or `Update`"));
    }
    if (e.fieldsType && e.fieldsType !== "FieldsV1") {
      errs.push(field.invalid(child(p, "fieldsType"), e.fieldsType, "must be `FieldsV1`"));
    }
  });
  return errs;
}

function _validateCommon(meta: ObjectMeta, path: string): FieldError[] {
  const errs: FieldError[] = [];
  errs.push(...validateNonnegativeField(meta.generation, child(path, "generation")));
  errs.push(...validateLabels(meta.labels, child(path, "labels")));
  errs.push(...validateAnnotations(meta.annotations, child(path, "annotations")));
  errs.push(...validateOwnerReferences(meta.ownerReferences, child(path, "ownerReferences")));
  errs.push(...validateFinalizers(meta.finalizers, child(path, "finalizers")));
  errs.push(..._validateManagedFields(meta.managedFields, child(path, "managedFields")));
  (meta.finalizers ?? []).forEach((f, i) => {
    errs.push(...validateKubeFinalizerName(f, index(child(path, "finalizers"), i)));
  });
  return errs;
}

/**
 * Metadata checks on create (upstream `ValidateObjectMeta`): generateName/name through `nameValidator`,
 * namespace presence, generation, labels, annotations, owner references, finalizers.
 */
export function validateObjectMeta(
  meta: ObjectMeta | undefined,
  namespaced: boolean,
  nameValidator: NameValidator,
  path = "metadata",
): FieldError[] {
  const m = meta ?? {};
  const errs: FieldError[] = [];
  if (m.generateName) {
    for (const msg of nameValidator(m.generateName, true)) {
      errs.push(field.invalid(child(path, "generateName"), m.generateName, msg));
    }
  }
  if (!m.name) {
    errs.push(field.required(child(path, "name"), "name or generateName is required"));
  } else {
    for (const msg of nameValidator(m.name, false)) errs.push(field.invalid(child(path, "name"), m.name, msg));
  }
  if (namespaced) {
    if (!m.namespace) errs.push(field.required(child(path, "namespace")));
    else {
      for (const msg of validateNamespaceName(m.namespace, false)) {
        errs.push(field.invalid(child(path, "namespace"), m.namespace, msg));
      }
    }
  } else if (m.namespace) {
    errs.push(field.forbidden(child(path, "namespace"), "not allowed on this type"));
  }
  errs.push(..._validateCommon(m, path));
  return errs;
}

/** Metadata checks on update (upstream `ValidateObjectMetaUpdate`). */
export function validateObjectMetaUpdate(
  newMeta: ObjectMeta | undefined,
  oldMeta: ObjectMeta | undefined,
  path = "metadata",
): FieldError[] {
  const n = newMeta ?? {};
  const o = oldMeta ?? {};
  const errs: FieldError[] = [];
  if (o.deletionTimestamp) {
    const extra = [...new Set(n.finalizers ?? [])].filter((f) => !(o.finalizers ?? []).includes(f)).sort();
    if (extra.length) {
      errs.push(
        field.forbidden(
          child(path, "finalizers"),
          `no new finalizers can be added if the object is being deleted, found new finalizers []string{${extra.map((f) => JSON.stringify(f)).join(", ")}}`,
        ),
      );
    }
  }
  if (!n.resourceVersion) {
    errs.push(
      field.invalid(child(path, "resourceVersion"), n.resourceVersion ?? "", "must be specified for an update"),
    );
  }
  if ((n.generation ?? 0) < (o.generation ?? 0)) {
    errs.push(field.invalid(child(path, "generation"), n.generation ?? 0, "must not be decremented"));
  }
  errs.push(...validateImmutableField(n.name ?? "", o.name ?? "", child(path, "name")));
  errs.push(...validateImmutableField(n.namespace ?? "", o.namespace ?? "", child(path, "namespace")));
  errs.push(...validateImmutableField(n.uid ?? "", o.uid ?? "", child(path, "uid")));
  errs.push(...validateImmutableField(n.creationTimestamp, o.creationTimestamp, child(path, "creationTimestamp")));
  errs.push(...validateImmutableField(n.deletionTimestamp, o.deletionTimestamp, child(path, "deletionTimestamp")));
  errs.push(
    ...validateImmutableField(
      n.deletionGracePeriodSeconds,
      o.deletionGracePeriodSeconds,
      child(path, "deletionGracePeriodSeconds"),
    ),
  );
  errs.push(...validateLabels(n.labels, child(path, "labels")));
  errs.push(...validateAnnotations(n.annotations, child(path, "annotations")));
  errs.push(...validateOwnerReferences(n.ownerReferences, child(path, "ownerReferences")));
  errs.push(..._validateManagedFields(n.managedFields, child(path, "managedFields")));
  (n.finalizers ?? []).forEach((f, i) => {
    errs.push(...validateKubeFinalizerName(f, index(child(path, "finalizers"), i)));
  });
  return errs;
}
