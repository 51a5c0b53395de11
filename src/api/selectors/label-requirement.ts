// One label requirement (`key op values`), as upstream `labels.Requirement`: construction-time checks with
// upstream's field-error messages, matching, and the canonical string form.
import { isValidLabelValue as labelValueErrors, isQualifiedName as qualifiedNameErrors } from "../validation/names.ts";

/** Upstream `selection.Operator` spellings. */
export type LabelOperator = "=" | "==" | "!=" | "in" | "notin" | "exists" | "!" | "gt" | "lt";

export interface LabelRequirement {
  readonly key: string;
  readonly operator: LabelOperator;
  readonly values: readonly string[];
}

/** Go's `%#v` of a []string, which upstream prints for whole-list bad values. */
function goStringSlice(values: readonly string[]): string {
  if (values.length === 0) return "[]string(nil)";
  return `[]string{${values.map((v) => JSON.stringify(v)).join(", ")}}`;
}

const invalid = (path: string, rendered: string, detail: string) => `${path}: Invalid value: ${rendered}: ${detail}`;

/** Upstream `utilerrors.Aggregate` text: one message alone, several de-duplicated in brackets. */
export function aggregate(messages: string[]): string {
  const unique = [...new Set(messages)];
  return unique.length === 1 ? unique[0]! : `[${unique.join(", ")}]`;
}

const INT64 = /^[+-]?\d+$/;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** Go's strconv.ParseInt(s, 10, 64); undefined where Go would fail. */
function parseInt64(s: string): bigint | undefined {
  if (!INT64.test(s)) return undefined;
  const n = BigInt(s);
  return n < INT64_MIN || n > INT64_MAX ? undefined : n;
}

/**
 * Builds a requirement, or returns upstream's error text (NewRequirement with no field path). Values are
 * kept as given; callers that parse strings pass them sorted and de-duplicated as upstream's parser does.
 */
export function newRequirement(
  key: string,
  operator: LabelOperator,
  values: readonly string[],
): { requirement: LabelRequirement; error?: undefined } | { requirement?: undefined; error: string } {
  const errs: string[] = [];
  const keyErrs = qualifiedNameErrors(key);
  if (keyErrs.length) errs.push(invalid("key", JSON.stringify(key), keyErrs.join("; ")));
  switch (operator) {
    case "in":
    case "notin":
      if (values.length === 0) {
        errs.push(invalid("values", goStringSlice(values), "for 'in', 'notin' operators, values set can't be empty"));
      }
      break;
    case "=":
    case "==":
    case "!=":
      if (values.length !== 1) {
        errs.push(invalid("values", goStringSlice(values), "exact-match compatibility requires one single value"));
      }
      break;
    case "exists":
    case "!":
      if (values.length !== 0) {
        errs.push(invalid("values", goStringSlice(values), "values set must be empty for exists and does not exist"));
      }
      break;
    case "gt":
    case "lt":
      if (values.length !== 1) {
        errs.push(invalid("values", goStringSlice(values), "for 'Gt', 'Lt' operators, exactly one value is required"));
      }
      values.forEach((v, i) => {
        if (parseInt64(v) === undefined) {
          errs.push(
            invalid(`values[${i}]`, JSON.stringify(v), "for 'Gt', 'Lt' operators, the value must be an integer"),
          );
        }
      });
      break;
  }
  values.forEach((v, i) => {
    const valueErrs = labelValueErrors(v);
    if (valueErrs.length) errs.push(invalid(`values[${i}][${key}]`, JSON.stringify(v), valueErrs.join("; ")));
  });
  if (errs.length) return { error: aggregate(errs) };
  return { requirement: { key, operator, values: [...values] } };
}

/** Upstream `Requirement.Matches`. */
export function requirementMatches(r: LabelRequirement, labels: Readonly<Record<string, string>> | undefined): boolean {
  const has = labels !== undefined && Object.hasOwn(labels, r.key);
  const value = has ? labels[r.key]! : "";
  switch (r.operator) {
    case "in":
    case "=":
    case "==":
      return has && r.values.includes(value);
    case "notin":
    case "!=":
      return !has || !r.values.includes(value);
    case "exists":
      return has;
    case "!":
      return !has;
    case "gt":
    case "lt": {
      if (!has || r.values.length !== 1) return false;
      const actual = parseInt64(value);
      const bound = parseInt64(r.values[0]!);
      if (actual === undefined || bound === undefined) return false;
      return r.operator === "gt" ? actual > bound : actual < bound;
    }
  }
}

const operatorText: Record<LabelOperator, string> = {
  "=": "=",
  "==": "==",
  "!=": "!=",
  in: " in ",
  notin: " notin ",
  gt: ">",
  lt: "<",
  exists: "",
  "!": "",
};

/** Upstream `Requirement.String`: `!k`, `k`, `k=v`, `k in (a,b)` with values sorted. */
export function requirementToString(r: LabelRequirement): string {
  if (r.operator === "!") return `!${r.key}`;
  if (r.operator === "exists") return r.key;
  const values = r.values.length === 1 ? r.values[0]! : [...r.values].sort(compareStrings).join(",");
  const set = r.operator === "in" || r.operator === "notin";
  return `${r.key}${operatorText[r.operator]}${set ? `(${values})` : values}`;
}

/** Byte-order comparison, as Go's sort.Strings (JS default sort agrees for ASCII, this keeps it explicit). */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
