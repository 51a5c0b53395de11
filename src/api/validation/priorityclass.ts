// scheduling.k8s.io PriorityClass validation (`pkg/apis/scheduling/validation`).
import { type FieldError, field } from "../errors.ts";
import type { KubeObject } from "../object.ts";
import { validateImmutableField, validateObjectMeta, validateObjectMetaUpdate } from "./meta.ts";
import { nameIsDNSSubdomain } from "./names.ts";

export const HIGHEST_USER_DEFINABLE_PRIORITY = 1000000000;
export const SYSTEM_PRIORITY_CLASSES: Record<string, number> = {
  "system-node-critical": 2000001000,
  "system-cluster-critical": 2000000000,
};

function _knownSystemClassError(name: string, value: number, globalDefault: boolean): string | undefined {
  if (!(name in SYSTEM_PRIORITY_CLASSES)) return `${name} is not a known system priority class`;
  if (SYSTEM_PRIORITY_CLASSES[name] !== value)
    return `value of ${name} PriorityClass must be ${SYSTEM_PRIORITY_CLASSES[name]}`;
  if (globalDefault) return "globalDefault of system priority classes must be false";
  return undefined;
}

export function validatePriorityClass(pc: KubeObject): FieldError[] {
  const errs = validateObjectMeta(pc.metadata, false, nameIsDNSSubdomain, "metadata");
  const name = pc.metadata?.name ?? "";
  const value: number = pc.value ?? 0;
  if (name.startsWith("system-")) {
    const problem = _knownSystemClassError(name, value, pc.globalDefault === true);
    if (problem) {
      errs.push(
        field.forbidden(
          "metadata.name",
          `priority class names with 'system-' prefix are reserved for system use only. error: ${problem}`,
        ),
      );
    }
  } else if (value > HIGHEST_USER_DEFINABLE_PRIORITY) {
    errs.push(
      field.forbidden(
        "value",
        `maximum allowed value of a user defined priority is ${HIGHEST_USER_DEFINABLE_PRIORITY}`,
      ),
    );
  }
  if (pc.preemptionPolicy !== undefined && pc.preemptionPolicy !== null) {
    const pp: string = pc.preemptionPolicy;
    if (!pp) errs.push(field.required("preemptionPolicy"));
    else if (pp !== "PreemptLowerPriority" && pp !== "Never") {
      errs.push(field.notSupported("preemptionPolicy", pp, ["PreemptLowerPriority", "Never"]));
    }
  }
  return errs;
}

export function validatePriorityClassUpdate(pc: KubeObject, old: KubeObject): FieldError[] {
  const errs = validateObjectMetaUpdate(pc.metadata, old.metadata, "metadata");
  errs.push(...validateImmutableField(pc.metadata?.name ?? "", old.metadata?.name ?? "", "metadata.name"));
  if ((pc.value ?? 0) !== (old.value ?? 0)) errs.push(field.forbidden("value", "may not be changed in an update."));
  errs.push(...validateImmutableField(pc.preemptionPolicy, old.preemptionPolicy, "preemptionPolicy"));
  return errs;
}
