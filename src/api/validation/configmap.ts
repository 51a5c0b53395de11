// ConfigMap validation (`ValidateConfigMap*` in pkg/apis/core/validation).
import { type FieldError, field } from "../errors.ts";
import type { KubeObject } from "../object.ts";
import { semanticEqual } from "./equal.ts";
import { validateObjectMeta, validateObjectMetaUpdate } from "./meta.ts";
import { byteLength, isConfigMapKey, nameIsDNSSubdomain } from "./names.ts";
import { key } from "./path.ts";

/** ConfigMaps and Secrets share a 1 MiB data limit. */
export const MAX_SECRET_SIZE = 1024 * 1024;

/** Decoded size of a base64 value (binaryData / secret data are base64 in JSON). */
export function base64DecodedLength(value: string): number {
  return Buffer.from(value, "base64").length;
}

export function validateConfigMapKeys(data: Record<string, unknown> | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const k of Object.keys(data ?? {})) {
    for (const m of isConfigMapKey(k)) errs.push(field.invalid(key(path, k), k, m));
  }
  return errs;
}

export function validateConfigMap(cm: KubeObject): FieldError[] {
  const errs = validateObjectMeta(cm.metadata, true, nameIsDNSSubdomain, "metadata");
  const data: Record<string, string> = cm.data ?? {};
  const binary: Record<string, string> = cm.binaryData ?? {};
  let total = 0;
  for (const [k, v] of Object.entries(data)) {
    for (const m of isConfigMapKey(k)) errs.push(field.invalid(key("data", k), k, m));
    if (Object.hasOwn(binary, k)) errs.push(field.invalid(key("data", k), k, "duplicate of key present in binaryData"));
    total += byteLength(String(v));
  }
  for (const [k, v] of Object.entries(binary)) {
    for (const m of isConfigMapKey(k)) errs.push(field.invalid(key("binaryData", k), k, m));
    total += base64DecodedLength(String(v));
  }
  if (total > MAX_SECRET_SIZE) errs.push(field.tooLong("", "", MAX_SECRET_SIZE));
  return errs;
}

export function validateConfigMapUpdate(cm: KubeObject, old: KubeObject): FieldError[] {
  const errs = validateObjectMetaUpdate(cm.metadata, old.metadata, "metadata");
  if (old.immutable === true) {
    const msg = "field is immutable when `immutable` is set";
    if (cm.immutable !== true) errs.push(field.forbidden("immutable", msg));
    if (!semanticEqual(cm.data, old.data)) errs.push(field.forbidden("data", msg));
    if (!semanticEqual(cm.binaryData, old.binaryData)) errs.push(field.forbidden("binaryData", msg));
  }
  errs.push(...validateConfigMap(cm));
  return errs;
}
