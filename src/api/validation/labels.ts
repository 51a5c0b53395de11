// Labels and label selectors (`apimachinery/pkg/apis/meta/v1/validation`), plus the selector-vs-labels
// match the workload validators need (`metav1.LabelSelectorAsSelector` semantics).
import { type FieldError, field } from "../errors.ts";
import { isQualifiedName, isValidLabelValue } from "./names.ts";
import { child, index } from "./path.ts";

export interface LabelSelectorRequirement {
  key?: string;
  operator?: string;
  values?: string[];
}
export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: LabelSelectorRequirement[];
}

export interface LabelSelectorValidationOptions {
  /** Skip label-value syntax checks on `values` (kept for objects that were stored before the check). */
  allowInvalidLabelValueInSelector?: boolean;
}

export function validateLabelName(name: string, path: string): FieldError[] {
  return isQualifiedName(name).map((m) => field.invalid(path, name, m));
}

export function validateLabels(labels: Record<string, string> | undefined | null, path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const [k, v] of Object.entries(labels ?? {})) {
    errs.push(...validateLabelName(k, path));
    for (const m of isValidLabelValue(String(v))) errs.push(field.invalid(path, v, m));
  }
  return errs;
}

export function validateLabelSelectorRequirement(
  req: LabelSelectorRequirement,
  opts: LabelSelectorValidationOptions,
  path: string,
): FieldError[] {
  const errs: FieldError[] = [];
  const values = req.values ?? [];
  switch (req.operator) {
    case "In":
    case "NotIn":
      if (values.length === 0) {
        errs.push(field.required(child(path, "values"), "must be specified when `operator` is 'In' or 'NotIn'"));
      }
      break;
    case "Exists":
    case "DoesNotExist":
      if (values.length > 0) {
        errs.push(
          field.forbidden(child(path, "values"), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"),
        );
      }
      break;
    default:
      errs.push(field.invalid(child(path, "operator"), req.operator ?? "", "not a valid selector operator"));
  }
  errs.push(...validateLabelName(req.key ?? "", child(path, "key")));
  if (!opts.allowInvalidLabelValueInSelector) {
    values.forEach((v, i) => {
      for (const m of isValidLabelValue(v)) errs.push(field.invalid(index(child(path, "values"), i), v, m));
    });
  }
  return errs;
}

export function validateLabelSelector(
  selector: LabelSelector | undefined | null,
  opts: LabelSelectorValidationOptions,
  path: string,
): FieldError[] {
  if (!selector) return [];
  const errs = validateLabels(selector.matchLabels, child(path, "matchLabels"));
  (selector.matchExpressions ?? []).forEach((req, i) => {
    errs.push(...validateLabelSelectorRequirement(req, opts, index(child(path, "matchExpressions"), i)));
  });
  return errs;
}

/**
 * Whether `selector` matches `labels`, or undefined when the selector cannot be converted (upstream
 * skips the match check then). A missing selector matches nothing; `{}` matches everything.
 */
export function labelSelectorMatches(
  selector: LabelSelector | undefined | null,
  labels: Record<string, string> | undefined | null,
): boolean | undefined {
  if (!selector) return false;
  const have = labels ?? {};
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) {
    if (isQualifiedName(k).length || isValidLabelValue(String(v)).length) return undefined;
  }
  for (const req of selector.matchExpressions ?? []) {
    const values = req.values ?? [];
    const k = req.key ?? "";
    if (isQualifiedName(k).length) return undefined;
    if ((req.operator === "In" || req.operator === "NotIn") && values.length === 0) return undefined;
    if ((req.operator === "Exists" || req.operator === "DoesNotExist") && values.length > 0) return undefined;
    if (!["In", "NotIn", "Exists", "DoesNotExist"].includes(req.operator ?? "")) return undefined;
    if (values.some((v) => isValidLabelValue(v).length)) return undefined;
  }
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (have[k] !== v) return false;
  for (const req of selector.matchExpressions ?? []) {
    const k = req.key ?? "";
    const present = Object.hasOwn(have, k);
    const values = req.values ?? [];
    switch (req.operator) {
      case "In":
        if (!present || !values.includes(have[k])) return false;
        break;
      case "NotIn":
        if (present && values.includes(have[k])) return false;
        break;
      case "Exists":
        if (!present) return false;
        break;
      case "DoesNotExist":
        if (present) return false;
        break;
    }
  }
  return true;
}
