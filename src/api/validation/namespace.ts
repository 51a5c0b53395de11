// Namespace validation (`ValidateNamespace*` in pkg/apis/core/validation).
import { type FieldError, field } from "../errors.ts";
import type { KubeObject } from "../object.ts";
import {
  validateFinalizerName,
  validateKubeFinalizerName,
  validateObjectMeta,
  validateObjectMetaUpdate,
} from "./meta.ts";
import { validateNamespaceName } from "./names.ts";

function _specFinalizer(name: string, path: string): FieldError[] {
  return [...validateFinalizerName(name, path), ...validateKubeFinalizerName(name, path)];
}

export function validateNamespace(ns: KubeObject): FieldError[] {
  const errs = validateObjectMeta(ns.metadata, false, validateNamespaceName, "metadata");
  // Upstream reports create-time spec finalizer errors without an index.
  for (const f of ns.spec?.finalizers ?? []) errs.push(..._specFinalizer(f, "spec.finalizers"));
  return errs;
}

export function validateNamespaceUpdate(ns: KubeObject, oldNs: KubeObject): FieldError[] {
  return validateObjectMetaUpdate(ns.metadata, oldNs.metadata, "metadata");
}

export function validateNamespaceStatusUpdate(ns: KubeObject, oldNs: KubeObject): FieldError[] {
  const errs = validateObjectMetaUpdate(ns.metadata, oldNs.metadata, "metadata");
  const phase = ns.status?.phase ?? "";
  if (!ns.metadata?.deletionTimestamp) {
    if (phase !== "Active") {
      errs.push(field.invalid("status.Phase", phase, "may only be 'Active' if `deletionTimestamp` is empty"));
    }
  } else if (phase !== "Terminating") {
    errs.push(field.invalid("status.Phase", phase, "may only be 'Terminating' if `deletionTimestamp` is not empty"));
  }
  return errs;
}

/** The `/finalize` subresource. */
export function validateNamespaceFinalizeUpdate(ns: KubeObject, oldNs: KubeObject): FieldError[] {
  const errs = validateObjectMetaUpdate(ns.metadata, oldNs.metadata, "metadata");
  (ns.spec?.finalizers ?? []).forEach((f: string, i: number) => {
    errs.push(..._specFinalizer(f, `spec.finalizers[${i}]`));
  });
  return errs;
}
