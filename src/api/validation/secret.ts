// Secret validation (`ValidateSecret*` in pkg/apis/core/validation). Data values are base64 in JSON.
import { type FieldError, field } from "../errors.ts";
import type { KubeObject } from "../object.ts";
import { base64DecodedLength, MAX_SECRET_SIZE } from "./configmap.ts";
import { semanticEqual } from "./equal.ts";
import { validateImmutableField, validateObjectMeta, validateObjectMetaUpdate } from "./meta.ts";
import { isConfigMapKey, nameIsDNSSubdomain } from "./names.ts";
import { key } from "./path.ts";

function _decoded(value: string | undefined): string | undefined {
  return value === undefined ? undefined : Buffer.from(value, "base64").toString("utf8");
}

export function validateSecret(secret: KubeObject): FieldError[] {
  const errs = validateObjectMeta(secret.metadata, true, nameIsDNSSubdomain, "metadata");
  const data: Record<string, string> = secret.data ?? {};
  let total = 0;
  for (const [k, v] of Object.entries(data)) {
    for (const m of isConfigMapKey(k)) errs.push(field.invalid(key("data", k), k, m));
    total += base64DecodedLength(String(v ?? ""));
  }
  if (total > MAX_SECRET_SIZE) errs.push(field.tooLong("data", "", MAX_SECRET_SIZE));
  const has = (k: string) => Object.hasOwn(data, k);
  switch (secret.type ?? "") {
    case "kubernetes.io/service-account-token":
      if (!secret.metadata?.annotations?.["kubernetes.io/service-account.name"]) {
        errs.push(field.required(key("metadata.annotations", "kubernetes.io/service-account.name")));
      }
      break;
    case "kubernetes.io/dockercfg":
    case "kubernetes.io/dockerconfigjson": {
      const k = secret.type === "kubernetes.io/dockercfg" ? ".dockercfg" : ".dockerconfigjson";
      if (!has(k)) {
        errs.push(field.required(key("data", k)));
        break;
      }
      try {
        const parsed = JSON.parse(_decoded(data[k]) ?? "");
        if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new Error("not an object");
      } catch (e) {
        errs.push(field.invalid(key("data", k), "<secret contents redacted>", (e as Error).message));
      }
      break;
    }
    case "kubernetes.io/basic-auth":
      if (!has("username") && !has("password")) {
        errs.push(field.required(key("data", "username")));
        errs.push(field.required(key("data", "password")));
      }
      break;
    case "kubernetes.io/ssh-auth":
      if (!data["ssh-privatekey"]) errs.push(field.required(key("data", "ssh-privatekey")));
      break;
    case "kubernetes.io/tls":
      if (!has("tls.crt")) errs.push(field.required(key("data", "tls.crt")));
      if (!has("tls.key")) errs.push(field.required(key("data", "tls.key")));
      break;
  }
  return errs;
}

export function validateSecretUpdate(secret: KubeObject, old: KubeObject): FieldError[] {
  const errs = validateObjectMetaUpdate(secret.metadata, old.metadata, "metadata");
  errs.push(...validateImmutableField(secret.type ?? "", old.type ?? "", "type"));
  if (old.immutable === true) {
    const msg = "field is immutable when `immutable` is set";
    if (secret.immutable !== true) errs.push(field.forbidden("immutable", msg));
    if (!semanticEqual(secret.data, old.data)) errs.push(field.forbidden("data", msg));
  }
  errs.push(...validateSecret(secret));
  return errs;
}
