// `--labels` and `--taints` as the command-line contract defines them, checked with upstream's rules
// (label keys are qualified names, values label values; taints parse like kubelet's `--register-with-taints`,
// pkg/util/taints `parseTaint`). Errors are plain one-line messages; the command wraps them as usage errors.
import { isQualifiedName, isValidLabelValue } from "../api/validation/names.ts";

export interface Taint {
  key: string;
  value?: string;
  effect: "NoSchedule" | "PreferNoSchedule" | "NoExecute";
}

const TAINT_EFFECTS = new Set(["NoSchedule", "PreferNoSchedule", "NoExecute"]);

/** Splits repeatable comma-separated flag values into their items, skipping empty ones. */
function items(values: readonly string[]): string[] {
  return values.flatMap((v) => v.split(",")).filter((s) => s.trim() !== "");
}

/** `k=v[,k=v]` (repeatable); `k=` is an empty value, a key without `=` is rejected; later keys win. */
export function parseLabels(values: readonly string[]): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const item of items(values)) {
    const eq = item.indexOf("=");
    if (eq < 0) throw new Error(`invalid label ${JSON.stringify(item)}: expected key=value`);
    const key = item.slice(0, eq);
    const value = item.slice(eq + 1);
    const keyErrs = isQualifiedName(key);
    if (keyErrs.length) throw new Error(`invalid label key ${JSON.stringify(key)}: ${keyErrs.join("; ")}`);
    const valueErrs = isValidLabelValue(value);
    if (valueErrs.length) throw new Error(`invalid label value ${JSON.stringify(value)}: ${valueErrs.join("; ")}`);
    labels[key] = value;
  }
  return labels;
}

/** `key[=value]:Effect[,…]` (repeatable); a key and effect pair may appear once. */
export function parseTaints(values: readonly string[]): Taint[] {
  const taints: Taint[] = [];
  for (const spec of items(values)) {
    const parts = spec.split(":");
    if (parts.length !== 2) throw new Error(`invalid taint spec: ${spec}, expected key[=value]:Effect`);
    const effect = parts[1];
    if (!TAINT_EFFECTS.has(effect)) {
      throw new Error(
        `invalid taint effect: ${effect}, unsupported taint effect (supported: NoSchedule, PreferNoSchedule, NoExecute)`,
      );
    }
    const kv = parts[0].split("=");
    if (kv.length > 2) throw new Error(`invalid taint spec: ${spec}`);
    const [key, value] = kv;
    if (value !== undefined) {
      const errs = isValidLabelValue(value);
      if (errs.length) throw new Error(`invalid taint spec: ${spec}, ${errs.join("; ")}`);
    }
    const keyErrs = isQualifiedName(key);
    if (keyErrs.length) throw new Error(`invalid taint spec: ${spec}, ${keyErrs.join("; ")}`);
    if (taints.some((t) => t.key === key && t.effect === effect)) {
      throw new Error(`duplicated taints with the same key and effect: ${key}:${effect}`);
    }
    const taint: Taint = { key, effect: effect as Taint["effect"] };
    if (value) taint.value = value;
    taints.push(taint);
  }
  return taints;
}
