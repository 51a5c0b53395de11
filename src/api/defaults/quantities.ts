// Canonical quantities on write: upstream re-serialises every Quantity in canonical form, and
// `SetDefaults_ResourceList` rounds ResourceList values up to milli precision (`100u` → `1m`).
import { canonicalQuantity, roundUpQuantity, tryParseQuantity } from "../quantity.ts";

/** Canonical string for a quantity field, or the input unchanged when it does not parse (validation reports it). */
export function canonicalQuantityValue(value: unknown): unknown {
  if (typeof value !== "string" && typeof value !== "number") return value;
  const r = tryParseQuantity(value);
  return "quantity" in r ? canonicalQuantity(r.quantity) : value;
}

/** Rounds up to milli scale and canonicalises every value of a ResourceList, in place. */
export function defaultResourceList(list: Record<string, unknown> | undefined | null): void {
  if (!list || typeof list !== "object") return;
  for (const [k, v] of Object.entries(list)) {
    if (typeof v !== "string" && typeof v !== "number") continue;
    const r = tryParseQuantity(v);
    if ("quantity" in r) list[k] = canonicalQuantity(roundUpQuantity(r.quantity, -3));
  }
}
