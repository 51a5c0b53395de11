// Upstream patch errors embed decoded JSON values printed with Go's fmt (`%v`, `%s`) and Go type names
// (`map[string]interface {}`). Clients show those messages verbatim, so we render values the same way.

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** Go `%v` of a float64 (shortest digits; exponent form below 1e-4 or from 1e6 on, as strconv 'g' does). */
function goFloat(n: number): string {
  if (!Number.isFinite(n)) return Number.isNaN(n) ? "NaN" : n > 0 ? "+Inf" : "-Inf";
  const [mantissa, expText] = n.toExponential().split("e");
  const exp = Number(expText);
  if (exp < -4 || exp >= 6) return `${mantissa}e${exp < 0 ? "-" : "+"}${String(Math.abs(exp)).padStart(2, "0")}`;
  return String(n);
}

/** Go `%v` of a value decoded from JSON (integers decode as int64, other numbers as float64). */
export function goValue(v: unknown): string {
  if (v === null || v === undefined) return "<nil>";
  if (typeof v === "string") return v;
  if (typeof v === "number") return Number.isInteger(v) ? String(v) : goFloat(v);
  if (typeof v === "boolean") return String(v);
  if (Array.isArray(v)) return `[${v.map(goValue).join(" ")}]`;
  if (isMap(v)) {
    const keys = Object.keys(v).sort();
    return `map[${keys.map((k) => `${k}:${goValue(v[k])}`).join(" ")}]`;
  }
  return String(v);
}

/** Go type name of a decoded JSON value, as `reflect.TypeOf(v).String()`. */
export function goTypeName(v: unknown): string {
  if (v === null || v === undefined) return "<nil>";
  if (typeof v === "string") return "string";
  if (typeof v === "number") return Number.isInteger(v) ? "int64" : "float64";
  if (typeof v === "boolean") return "bool";
  if (Array.isArray(v)) return "[]interface {}";
  return "map[string]interface {}";
}

/** Go `%s` of a value: strings print bare, anything else as `%!s(type=value)`. */
export function goString(v: unknown): string {
  if (typeof v === "string") return v;
  if (v === null || v === undefined) return "%!s(<nil>)";
  return `%!s(${goTypeName(v)}=${goValue(v)})`;
}

/** Go `%s` of a reflect.Type that may be nil (used by mergepatch.ErrBadArgType). */
export function goTypeNameS(v: unknown): string {
  return v === null || v === undefined ? "%!s(<nil>)" : goTypeName(v);
}
