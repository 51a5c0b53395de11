// Resource names and quantities in ResourceLists (`pkg/apis/core/validation` + `pkg/apis/core/helper`).
import { FieldError, field } from "../errors.ts";
import { canonicalQuantity, compareQuantity, type Quantity, quantityToMilli, tryParseQuantity } from "../quantity.ts";
import { invalidBare } from "./bare-value.ts";
import { IS_NEGATIVE_ERROR } from "./meta.ts";
import { isQualifiedName } from "./names.ts";
import { child, index, key } from "./path.ts";

const STANDARD_CONTAINER_RESOURCES = new Set(["cpu", "memory", "ephemeral-storage"]);
const STANDARD_RESOURCES = new Set([
  "cpu",
  "memory",
  "ephemeral-storage",
  "requests.cpu",
  "requests.memory",
  "requests.ephemeral-storage",
  "limits.cpu",
  "limits.memory",
  "limits.ephemeral-storage",
  "pods",
  "resourcequotas",
  "services",
  "replicationcontrollers",
  "secrets",
  "configmaps",
  "persistentvolumeclaims",
  "storage",
  "requests.storage",
  "services.nodeports",
  "services.loadbalancers",
]);
const INTEGER_RESOURCES = new Set([
  "pods",
  "resourcequotas",
  "services",
  "replicationcontrollers",
  "secrets",
  "configmaps",
  "persistentvolumeclaims",
  "services.nodeports",
  "services.loadbalancers",
]);

export const isHugePageResourceName = (name: string): boolean => name.startsWith("hugepages-");
/** Native: unprefixed or in the kubernetes.io/ namespace. */
export const isNativeResource = (name: string): boolean => !name.includes("/") || name.includes("kubernetes.io/");
export const isExtendedResourceName = (name: string): boolean =>
  !isNativeResource(name) && !name.startsWith("requests.") && isQualifiedName(`requests.${name}`).length === 0;
export const isOvercommitAllowed = (name: string): boolean => isNativeResource(name) && !isHugePageResourceName(name);
export const isStandardResourceName = (name: string): boolean =>
  STANDARD_RESOURCES.has(name) || name.startsWith("hugepages-") || name.startsWith("requests.hugepages-");
export const isStandardContainerResourceName = (name: string): boolean =>
  STANDARD_CONTAINER_RESOURCES.has(name) || isHugePageResourceName(name);
export const isIntegerResourceName = (name: string): boolean =>
  INTEGER_RESOURCES.has(name) || isExtendedResourceName(name);

export function validateResourceName(name: string, path: string): FieldError[] {
  const errs = isQualifiedName(name).map((m) => field.invalid(path, name, m));
  if (errs.length) return errs;
  if (name.split("/").length === 1 && !isStandardResourceName(name)) {
    errs.push(field.invalid(path, name, "must be a standard resource type or fully qualified"));
  }
  return errs;
}

export function validateContainerResourceName(name: string, path: string): FieldError[] {
  const errs = validateResourceName(name, path);
  if (name.split("/").length === 1) {
    if (!isStandardContainerResourceName(name)) {
      errs.push(field.invalid(path, name, "must be a standard resource for containers"));
    }
  } else if (!isNativeResource(name) && !isExtendedResourceName(name)) {
    errs.push(field.invalid(path, name, "doesn't follow extended resource name standard"));
  }
  return errs;
}

/** Parses a quantity field; a malformed one yields the decoder's message as an Invalid error. */
export function parseQuantityField(value: unknown, path: string, errs: FieldError[]): Quantity | undefined {
  const r = tryParseQuantity(value);
  if ("error" in r) {
    errs.push(field.invalid(path, value ?? null, r.error));
    return undefined;
  }
  return r.quantity;
}

/** Upstream `ValidateResourceQuantityValue`: non-negative, and whole for integer resources. */
export function validateResourceQuantityValue(resource: string, q: Quantity, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (q.unscaled < 0n) errs.push(field.invalid(path, canonicalQuantity(q), IS_NEGATIVE_ERROR));
  if (isIntegerResourceName(resource) && quantityToMilli(q) % 1000n !== 0n) {
    errs.push(invalidBare(path, canonicalQuantity(q), "must be an integer"));
  }
  return errs;
}

export interface ResourceRequirements {
  limits?: Record<string, unknown>;
  requests?: Record<string, unknown>;
  claims?: { name?: string; request?: string }[];
}

/** Container `resources`: names, quantities, requests ≤ limits, hugepages rules, claim references. */
export function validateContainerResourceRequirements(
  req: ResourceRequirements | undefined,
  podClaimNames: Set<string>,
  path: string,
): FieldError[] {
  const errs: FieldError[] = [];
  const r = req ?? {};
  const limPath = child(path, "limits");
  const reqPath = child(path, "requests");
  const limits = new Map<string, Quantity>();
  let limCpuMem = false;
  let reqCpuMem = false;
  let limHuge = false;
  let reqHuge = false;
  for (const [name, raw] of Object.entries(r.limits ?? {})) {
    const p = key(limPath, name);
    errs.push(...validateContainerResourceName(name, p));
    const q = parseQuantityField(raw, p, errs);
    if (!q) continue;
    limits.set(name, q);
    errs.push(...validateResourceQuantityValue(name, q, p));
    if (isHugePageResourceName(name)) limHuge = true;
    if (name === "cpu" || name === "memory") limCpuMem = true;
  }
  for (const [name, raw] of Object.entries(r.requests ?? {})) {
    const p = key(reqPath, name);
    errs.push(...validateContainerResourceName(name, p));
    const q = parseQuantityField(raw, p, errs);
    if (!q) continue;
    errs.push(...validateResourceQuantityValue(name, q, p));
    const limit = limits.get(name);
    if (limit) {
      const cmp = compareQuantity(q, limit);
      if (cmp !== 0 && !isOvercommitAllowed(name)) {
        errs.push(
          field.invalid(reqPath, canonicalQuantity(q), `must be equal to ${name} limit of ${canonicalQuantity(limit)}`),
        );
      } else if (cmp > 0) {
        errs.push(
          field.invalid(
            reqPath,
            canonicalQuantity(q),
            `must be less than or equal to ${name} limit of ${canonicalQuantity(limit)}`,
          ),
        );
      }
    } else if (!isOvercommitAllowed(name)) {
      errs.push(field.required(limPath, "Limit must be set for non overcommitable resources"));
    }
    if (isHugePageResourceName(name)) reqHuge = true;
    if (name === "cpu" || name === "memory") reqCpuMem = true;
  }
  if (!limCpuMem && !reqCpuMem && (limHuge || reqHuge)) {
    errs.push(field.forbidden(path, "HugePages require cpu or memory"));
  }
  errs.push(..._validateClaimNames(r.claims ?? [], podClaimNames, child(path, "claims")));
  return errs;
}

function _validateClaimNames(
  claims: { name?: string; request?: string }[],
  podClaimNames: Set<string>,
  path: string,
): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  claims.forEach((c, i) => {
    const name = c.name ?? "";
    if (!name) {
      errs.push(field.required(index(path, i)));
      return;
    }
    if (seen.has(name)) errs.push(field.duplicate(index(path, i), name));
    seen.add(c.request ? `${name}/${c.request}` : name);
    if (!podClaimNames.has(name)) {
      const detail = `must be one of the names in pod.spec.resourceClaims${
        podClaimNames.size === 0 ? " which is empty" : `: ${[...podClaimNames].sort().join(", ")}`
      }`;
      errs.push(new FieldError("FieldValueNotFound", index(path, i), name, detail));
    }
  });
  return errs;
}

/** Non-negative quantities in a ResourceList such as node capacity. */
export function validateResourceList(
  list: Record<string, unknown> | undefined,
  path: string,
  keyStyle: "bracket" | "dot" = "bracket",
): FieldError[] {
  const errs: FieldError[] = [];
  for (const [name, raw] of Object.entries(list ?? {})) {
    const p = keyStyle === "dot" ? child(path, name) : key(path, name);
    const q = parseQuantityField(raw, p, errs);
    if (q) errs.push(...validateResourceQuantityValue(name, q, p));
  }
  return errs;
}
