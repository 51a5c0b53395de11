// Label selectors: the query-string form (`?labelSelector=`) and the API form (`spec.selector` LabelSelector),
// with upstream semantics (k8s.io/apimachinery/pkg/labels/selector.go, pkg/apis/meta/v1/helpers.go).
import { errors } from "../errors.ts";
import {
  compareStrings,
  type LabelOperator,
  type LabelRequirement,
  newRequirement,
  requirementMatches,
  requirementToString,
} from "./label-requirement.ts";
import { parseRequirements } from "./label-selector-parser.ts";

export type { LabelOperator, LabelRequirement } from "./label-requirement.ts";

/** A compiled selector: the AND of `requirements` (none = everything), or nothing at all. */
export interface LabelSelectorRequirements {
  readonly requirements: readonly LabelRequirement[];
  /** Set only for a nil API LabelSelector, which upstream treats as selecting no object. */
  readonly matchesNothing: boolean;
}

/** The API `metav1.LabelSelector` shape. */
export interface LabelSelector {
  matchLabels?: Record<string, string> | null;
  matchExpressions?: { key: string; operator: string; values?: string[] | null }[] | null;
}

export const EVERYTHING: LabelSelectorRequirements = { requirements: [], matchesNothing: false };
export const NOTHING: LabelSelectorRequirements = { requirements: [], matchesNothing: true };

/** Parses `?labelSelector=`; bad syntax → 400 with upstream's parse error text. */
export function parseLabelSelector(s: string): LabelSelectorRequirements {
  const parsed = parseRequirements(s);
  if ("error" in parsed) throw errors.badRequest(parsed.error);
  return { requirements: parsed.requirements, matchesNothing: false };
}

const apiOperators: Record<string, LabelOperator> = {
  In: "in",
  NotIn: "notin",
  Exists: "exists",
  DoesNotExist: "!",
};

/**
 * Upstream `LabelSelectorAsSelector`: nil selects nothing, `{}` selects everything. An invalid selector
 * (bad key, unknown operator, wrong value count) throws a 400 carrying upstream's message.
 */
export function selectorFromLabelSelector(sel: LabelSelector | undefined | null): LabelSelectorRequirements {
  const built = tryLabelSelector(sel);
  if ("error" in built) throw errors.badRequest(built.error);
  return built;
}

function tryLabelSelector(sel: LabelSelector | undefined | null): LabelSelectorRequirements | { error: string } {
  if (sel === undefined || sel === null) return NOTHING;
  const labels = Object.entries(sel.matchLabels ?? {});
  const expressions = sel.matchExpressions ?? [];
  if (labels.length + expressions.length === 0) return EVERYTHING;
  const requirements: LabelRequirement[] = [];
  for (const [k, v] of labels) {
    const r = newRequirement(k, "=", [v]);
    if (r.error !== undefined) return { error: r.error };
    requirements.push(r.requirement);
  }
  for (const expr of expressions) {
    const op = apiOperators[expr.operator];
    if (!op) return { error: `${JSON.stringify(expr.operator)} is not a valid pod selector operator` };
    const r = newRequirement(expr.key, op, expr.values ?? []);
    if (r.error !== undefined) return { error: r.error };
    requirements.push(r.requirement);
  }
  return { requirements: requirements.sort((a, b) => compareStrings(a.key, b.key)), matchesNothing: false };
}

/** True when every requirement holds for `labels` (a missing label map is an empty one). */
export function matchesLabels(req: LabelSelectorRequirements, labels: Record<string, string> | undefined): boolean {
  if (req.matchesNothing) return false;
  return req.requirements.every((r) => requirementMatches(r, labels));
}

/** Upstream `Selector.String()`: requirements joined by `,` (empty for everything and for nothing). */
export function requirementsToString(req: LabelSelectorRequirements): string {
  return req.requirements.map(requirementToString).join(",");
}

/** Upstream `FormatLabelSelector`, what kubectl shows: `a=b,c in (d,e),!f`, `<none>` when empty. */
export function formatLabelSelector(sel: LabelSelector | undefined | null): string {
  const built = tryLabelSelector(sel);
  if ("error" in built) return "<error>";
  return requirementsToString(built) || "<none>";
}

/** True when the selector does not restrict anything (upstream `Selector.Empty()`). */
export function isEverything(req: LabelSelectorRequirements): boolean {
  return !req.matchesNothing && req.requirements.length === 0;
}

/**
 * Upstream `RequiresExactMatch`: the one value `key` must have (`k=v`, `k==v`, `k in (v)`), if any. Only the
 * first requirement on `key` is consulted, as upstream does.
 */
export function exactValueFor(req: LabelSelectorRequirements, key: string): string | undefined {
  if (req.matchesNothing) return undefined;
  const r = req.requirements.find((x) => x.key === key);
  if (!r) return undefined;
  if ((r.operator === "=" || r.operator === "==" || r.operator === "in") && r.values.length === 1) return r.values[0];
  return undefined;
}
