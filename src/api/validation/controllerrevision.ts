// apps/v1 ControllerRevision validation (`ValidateControllerRevision*` in pkg/apis/apps/validation).
import { type FieldError, field } from "../errors.ts";
import type { KubeObject } from "../object.ts";
import {
  validateImmutableField,
  validateNonnegativeField,
  validateObjectMeta,
  validateObjectMetaUpdate,
} from "./meta.ts";
import { nameIsDNSSubdomain } from "./names.ts";

export function validateControllerRevision(rev: KubeObject): FieldError[] {
  const errs = validateObjectMeta(rev.metadata, true, nameIsDNSSubdomain, "metadata");
  if (rev.data === undefined || rev.data === null) errs.push(field.required("data", "data is mandatory"));
  errs.push(...validateNonnegativeField(rev.revision ?? 0, "revision"));
  return errs;
}

export function validateControllerRevisionUpdate(rev: KubeObject, old: KubeObject): FieldError[] {
  return [
    ...validateObjectMetaUpdate(rev.metadata, old.metadata, "metadata"),
    ...validateControllerRevision(rev),
    ...validateImmutableField(rev.data, old.data, "data"),
  ];
}
