// DaemonSet validation (`pkg/apis/apps/validation/validation.go`, registry strategy for apps/v1).
// Messages are listed in the spec, section 5.3.
import { type FieldError, field } from "../errors.ts";
import type { KubeObject } from "../object.ts";
import { type LabelSelector, labelSelectorMatches, validateLabelSelector } from "./labels.ts";
import {
  validateImmutableField,
  validateNonnegativeField,
  validateObjectMeta,
  validateObjectMetaUpdate,
} from "./meta.ts";
import { isValidPercent, nameIsDNSSubdomain } from "./names.ts";
import { child } from "./path.ts";
import { type PodValidationOptions, validatePodTemplateSpec } from "./pod.ts";

export const validateDaemonSetName = nameIsDNSSubdomain;

type IntOrString = number | string | undefined | null;

/** An int or a percent string, as upstream's `ValidatePositiveIntOrPercent`. */
export function validatePositiveIntOrPercent(v: IntOrString, path: string): FieldError[] {
  if (typeof v === "string") return isValidPercent(v).map((m) => field.invalid(path, v, m));
  if (typeof v === "number") return validateNonnegativeField(v, path);
  if (v === undefined || v === null) return [];
  return [field.invalid(path, v, "must be an integer or percentage (e.g '5%%')")];
}

function _percentValue(v: IntOrString): number | undefined {
  if (typeof v !== "string" || isValidPercent(v).length) return undefined;
  return Number.parseInt(v.slice(0, -1), 10);
}

function _intOrPercentValue(v: IntOrString): number {
  const p = _percentValue(v);
  if (p !== undefined) return p;
  if (typeof v === "number") return v;
  // Go's IntValue() on a non-numeric string is 0.
  const n = typeof v === "string" ? Number.parseInt(v, 10) : 0;
  return Number.isNaN(n) ? 0 : n;
}

export function isNotMoreThan100Percent(v: IntOrString, path: string): FieldError[] {
  const p = _percentValue(v);
  return p === undefined || p <= 100 ? [] : [field.invalid(path, v, "must not be greater than 100%")];
}

export function validateRollingUpdateDaemonSet(ru: any, path: string): FieldError[] {
  const errs: FieldError[] = [];
  errs.push(...validatePositiveIntOrPercent(ru?.maxUnavailable, child(path, "maxUnavailable")));
  errs.push(...validatePositiveIntOrPercent(ru?.maxSurge, child(path, "maxSurge")));
  errs.push(...isNotMoreThan100Percent(ru?.maxUnavailable, child(path, "maxUnavailable")));
  errs.push(...isNotMoreThan100Percent(ru?.maxSurge, child(path, "maxSurge")));
  const hasUnavailable = _intOrPercentValue(ru?.maxUnavailable) !== 0;
  const hasSurge = _intOrPercentValue(ru?.maxSurge) !== 0;
  if (hasUnavailable && hasSurge) {
    errs.push(
      field.invalid(child(path, "maxSurge"), ru?.maxSurge ?? null, "may not be set when maxUnavailable is non-zero"),
    );
  } else if (!hasUnavailable && !hasSurge) {
    errs.push(field.required(child(path, "maxUnavailable"), "cannot be 0 when maxSurge is 0"));
  }
  return errs;
}

/**
 * The bad value upstream prints for an unknown strategy: its internal apps.DaemonSetUpdateStrategy, which has no
 * json tags (Go field names); unset int-or-string fields of the internal RollingUpdateDaemonSet are 0.
 */
function internalUpdateStrategy(s: any): unknown {
  const ru = s.rollingUpdate;
  return {
    Type: s.type ?? "",
    RollingUpdate: ru ? { MaxUnavailable: ru.maxUnavailable ?? 0, MaxSurge: ru.maxSurge ?? 0 } : null,
  };
}

export function validateDaemonSetUpdateStrategy(strategy: any, path: string): FieldError[] {
  const s = strategy ?? {};
  switch (s.type) {
    case "OnDelete":
      return [];
    case "RollingUpdate":
      if (!s.rollingUpdate) return [field.required(child(path, "rollingUpdate"))];
      return validateRollingUpdateDaemonSet(s.rollingUpdate, child(path, "rollingUpdate"));
    default:
      return [field.notSupported(path, internalUpdateStrategy(s), ["RollingUpdate", "OnDelete"])];
  }
}

export function validateDaemonSetSpec(spec: any, path: string, opts: PodValidationOptions = {}): FieldError[] {
  const s = spec ?? {};
  const errs: FieldError[] = [];
  const selector = s.selector as LabelSelector | undefined;
  errs.push(
    ...validateLabelSelector(
      selector,
      { allowInvalidLabelValueInSelector: opts.allowInvalidLabelValueInSelector },
      child(path, "selector"),
    ),
  );
  const templateLabels = s.template?.metadata?.labels;
  if (labelSelectorMatches(selector, templateLabels) === false) {
    errs.push(
      field.invalid(
        child(path, "template", "metadata", "labels"),
        templateLabels ?? null,
        "`selector` does not match template `labels`",
      ),
    );
  }
  if (selector && Object.keys(selector.matchLabels ?? {}).length + (selector.matchExpressions ?? []).length === 0) {
    errs.push(field.invalid(child(path, "selector"), selector, "empty selector is invalid for daemonset"));
  }
  errs.push(...validatePodTemplateSpec(s.template, child(path, "template"), opts));
  const restartPolicy = s.template?.spec?.restartPolicy ?? "";
  if (restartPolicy !== "Always") {
    errs.push(field.notSupported(child(path, "template", "spec", "restartPolicy"), restartPolicy, ["Always"]));
  }
  if (s.template?.spec?.activeDeadlineSeconds !== undefined && s.template?.spec?.activeDeadlineSeconds !== null) {
    errs.push(
      field.forbidden(
        child(path, "template", "spec", "activeDeadlineSeconds"),
        "activeDeadlineSeconds in DaemonSet is not Supported",
      ),
    );
  }
  errs.push(...validateNonnegativeField(s.minReadySeconds ?? 0, child(path, "minReadySeconds")));
  errs.push(...validateDaemonSetUpdateStrategy(s.updateStrategy, child(path, "updateStrategy")));
  if (s.revisionHistoryLimit !== undefined && s.revisionHistoryLimit !== null) {
    errs.push(...validateNonnegativeField(s.revisionHistoryLimit, child(path, "revisionHistoryLimit")));
  }
  return errs;
}

/** Create-time validation (upstream `ValidateDaemonSet`). Expects a defaulted object. */
export function validateDaemonSet(ds: KubeObject, opts: PodValidationOptions = {}): FieldError[] {
  const errs = validateObjectMeta(ds.metadata, true, validateDaemonSetName, "metadata");
  errs.push(...validateDaemonSetSpec(ds.spec, "spec", opts));
  return errs;
}

/**
 * Update validation: metadata update rules, the full spec again, and (apps/v1) an immutable selector.
 * Label values already invalid in the old selector are tolerated, as upstream's strategy does.
 */
export function validateDaemonSetUpdate(
  newDs: KubeObject,
  oldDs: KubeObject,
  opts: PodValidationOptions = {},
): FieldError[] {
  const errs = validateObjectMetaUpdate(newDs.metadata, oldDs.metadata, "metadata");
  const oldSelectorInvalid = validateLabelSelector(oldDs.spec?.selector, {}, "spec.selector").length > 0;
  errs.push(
    ...validateDaemonSetSpec(newDs.spec, "spec", {
      ...opts,
      allowInvalidLabelValueInSelector: opts.allowInvalidLabelValueInSelector || oldSelectorInvalid,
    }),
  );
  errs.push(...validateImmutableField(newDs.spec?.selector, oldDs.spec?.selector, "spec.selector"));
  return errs;
}

const STATUS_COUNTERS = [
  "currentNumberScheduled",
  "numberMisscheduled",
  "desiredNumberScheduled",
  "numberReady",
  "observedGeneration",
  "updatedNumberScheduled",
  "numberAvailable",
  "numberUnavailable",
];

/** `/status` updates: counters non-negative, collisionCount never decremented. */
export function validateDaemonSetStatusUpdate(newDs: KubeObject, oldDs: KubeObject): FieldError[] {
  const errs = validateObjectMetaUpdate(newDs.metadata, oldDs.metadata, "metadata");
  const status = newDs.status ?? {};
  for (const f of STATUS_COUNTERS) errs.push(...validateNonnegativeField(status[f] ?? 0, child("status", f)));
  if (status.collisionCount !== undefined && status.collisionCount !== null) {
    errs.push(...validateNonnegativeField(status.collisionCount, "status.collisionCount"));
  }
  const oldCount = oldDs.status?.collisionCount;
  const newCount = status.collisionCount;
  const decremented =
    oldCount !== undefined && oldCount !== null && (newCount === undefined || newCount === null || newCount < oldCount);
  if (decremented) errs.push(field.invalid("status.collisionCount", newCount ?? 0, "cannot be decremented"));
  return errs;
}
