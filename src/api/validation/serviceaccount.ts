// ServiceAccount validation: metadata only, as upstream.
import type { FieldError } from "../errors.ts";
import type { KubeObject } from "../object.ts";
import { validateObjectMeta, validateObjectMetaUpdate } from "./meta.ts";
import { validateServiceAccountName } from "./names.ts";

export function validateServiceAccount(sa: KubeObject): FieldError[] {
  return validateObjectMeta(sa.metadata, true, validateServiceAccountName, "metadata");
}

export function validateServiceAccountUpdate(sa: KubeObject, old: KubeObject): FieldError[] {
  return [...validateObjectMetaUpdate(sa.metadata, old.metadata, "metadata"), ...validateServiceAccount(sa)];
}
