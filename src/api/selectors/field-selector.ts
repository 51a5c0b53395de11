// Field selectors (`?fieldSelector=`), as upstream `fields.ParseSelector` plus the API server's label
// conversion step: `=`/`==`/`!=` terms joined by `,`, with `\,` `\=` `\\` escapes in values.
import { errors } from "../errors.ts";
import type { KubeObject } from "../object.ts";
import { fieldLabelRules } from "./selectable-fields.ts";

export { fieldLabelRules, fieldsOf } from "./selectable-fields.ts";

export interface FieldRequirement {
  field: string;
  op: "=" | "!=";
  value: string;
}

/** Splits on unescaped commas; escapes stay in the terms for the value unescaper. */
function splitTerms(selector: string): string[] {
  if (selector.length === 0) return [];
  const terms: string[] = [];
  let start = 0;
  let escaped = false;
  for (let i = 0; i < selector.length; i++) {
    const c = selector[i];
    if (escaped) escaped = false;
    else if (c === "\\") escaped = true;
    else if (c === ",") {
      terms.push(selector.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(selector.slice(start));
  return terms;
}

/** The first operator occurrence splits a term; `!=` and `==` win over `=` at the same position. */
function splitTerm(term: string): [string, "=" | "==" | "!=", string] | undefined {
  for (let i = 0; i < term.length; i++) {
    for (const op of ["!=", "==", "="] as const) {
      if (term.startsWith(op, i)) return [term.slice(0, i), op, term.slice(i + op.length)];
    }
  }
  return undefined;
}

/** Upstream `UnescapeValue`: only `\\`, `\,` and `\=` are escapes; a bare `,` or `=` is an error. */
function unescapeValue(s: string): string {
  if (!/[\\,=]/.test(s)) return s;
  let out = "";
  let slash = false;
  for (const c of s) {
    if (slash) {
      if (c !== "\\" && c !== "," && c !== "=") {
        throw errors.badRequest(`invalid field selector: invalid escape sequence: \\${c}`);
      }
      out += c;
      slash = false;
      continue;
    }
    if (c === "\\") slash = true;
    else if (c === "," || c === "=") {
      // Go prints the rune with %v, i.e. its code point number.
      throw errors.badRequest(`invalid field selector: unescaped character in value: ${c.codePointAt(0)}`);
    } else out += c;
  }
  if (slash) throw errors.badRequest("invalid field selector: invalid escape sequence: \\");
  return out;
}

/**
 * Parses a field selector. Terms come back in upstream's order (sorted as raw text), which decides which
 * bad term an error names. Bad syntax → 400.
 */
export function parseFieldSelector(s: string): FieldRequirement[] {
  const parts = splitTerms(s).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const out: FieldRequirement[] = [];
  for (const part of parts) {
    if (part === "") continue;
    const split = splitTerm(part);
    if (!split) throw errors.badRequest(`invalid selector: '${s}'; can't understand '${part}'`);
    const [field, op, raw] = split;
    out.push({ field, op: op === "!=" ? "!=" : "=", value: unescapeValue(raw) });
  }
  return out;
}

/** True when every term holds; a field missing from the set reads as "". */
export function matchesFields(reqs: readonly FieldRequirement[], fields: Readonly<Record<string, string>>): boolean {
  return reqs.every((r) => {
    const actual = fields[r.field] ?? "";
    return r.op === "=" ? actual === r.value : actual !== r.value;
  });
}

/** Upstream `RequiresExactMatch`: the value an `=` term pins `field` to, if any (for indexed lookups). */
export function exactFieldValue(reqs: readonly FieldRequirement[], field: string): string | undefined {
  return reqs.find((r) => r.field === field && r.op === "=")?.value;
}

/**
 * Checks the selector's labels against the resource's accepted set (upstream's label conversion, so the
 * 400 message is the resource's own) and rewrites aliases, returning requirements over `fieldsOf` keys.
 */
export function convertFieldSelector(resource: string, group: string, s: string): FieldRequirement[] {
  const rules = fieldLabelRules(resource, group);
  return parseFieldSelector(s).map((r) => {
    const field = Object.hasOwn(rules.labels, r.field) ? rules.labels[r.field] : undefined;
    if (field === undefined) throw errors.badRequest(rules.unsupported(r.field));
    return { ...r, field };
  });
}

/** Compiles `?fieldSelector=` for a resource into a predicate over objects; bad selector or label → 400. */
export function compileFieldSelector(resource: string, group: string, s: string): (obj: KubeObject) => boolean {
  return compileFieldRequirements(resource, group, convertFieldSelector(resource, group, s));
}

/** A predicate for requirements already converted by `convertFieldSelector`. */
export function compileFieldRequirements(
  resource: string,
  group: string,
  reqs: readonly FieldRequirement[],
): (obj: KubeObject) => boolean {
  if (reqs.length === 0) return () => true;
  const rules = fieldLabelRules(resource, group);
  return (obj) => matchesFields(reqs, rules.fields(obj));
}
