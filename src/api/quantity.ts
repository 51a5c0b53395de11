// Resource quantities (`500m`, `1536Mi`, `1e3`) with exact arithmetic, following apimachinery's
// `pkg/api/resource/quantity.go`: a value is `unscaled × 10^exp` (bigint, never a float), it remembers
// which suffix family it was written in, and it serialises to upstream's canonical string.

export type QuantityFormat = "DecimalSI" | "BinarySI" | "DecimalExponent";

export interface Quantity {
  /** The value is `unscaled * 10 ** exp`. */
  readonly unscaled: bigint;
  readonly exp: number;
  readonly format: QuantityFormat;
}

/** The regular expression upstream names in its "wrong format" error (kept verbatim for messages). */
export const QUANTITY_REGEX = "^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$";
export const QUANTITY_FORMAT_ERROR = `quantities must match the regular expression '${QUANTITY_REGEX}'`;
export const QUANTITY_NUMERIC_ERROR = "unable to parse numeric part of quantity";
export const QUANTITY_SUFFIX_ERROR = "unable to parse quantity's suffix";

export class QuantityParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "QuantityParseError";
  }
}

const DECIMAL_SUFFIXES: Record<string, number> = { n: -9, u: -6, m: -3, "": 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BINARY_SUFFIXES: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const DECIMAL_BY_EXP = new Map(Object.entries(DECIMAL_SUFFIXES).map(([s, e]) => [e, s]));
const BINARY_BY_EXP = new Map(Object.entries(BINARY_SUFFIXES).map(([s, e]) => [e, s]));
const MAX_INT64 = (1n << 63n) - 1n;
const NANO = -9;

const pow10 = (n: number): bigint => 10n ** BigInt(n);
const abs = (v: bigint): bigint => (v < 0n ? -v : v);

/** Splits `str` the way upstream's scanner does: sign, integer digits, fraction digits, suffix. */
function _scan(str: string): { negative: boolean; num: string; denom: string; suffix: string } {
  let pos = 0;
  const end = str.length;
  let negative = false;
  if (str[0] === "-") {
    negative = true;
    pos++;
  } else if (str[0] === "+") {
    pos++;
  }
  while (pos < end && str[pos] === "0") pos++;
  if (pos >= end) return { negative, num: "0", denom: "", suffix: "" };
  let i = pos;
  while (i < end && str[i] >= "0" && str[i] <= "9") i++;
  const num = str.slice(pos, i) || "0";
  pos = i;
  let denom = "";
  if (pos < end && str[pos] === ".") {
    pos++;
    i = pos;
    while (i < end && str[i] >= "0" && str[i] <= "9") i++;
    denom = str.slice(pos, i);
    pos = i;
  }
  const suffixStart = pos;
  i = pos;
  while (i < end && "eEinumkKMGTP".includes(str[i])) i++;
  if (i < end && (str[i] === "-" || str[i] === "+")) i++;
  while (i < end && str[i] >= "0" && str[i] <= "9") i++;
  if (i < end) throw new QuantityParseError(QUANTITY_FORMAT_ERROR);
  return { negative, num, denom, suffix: str.slice(suffixStart) };
}

function _interpretSuffix(suffix: string): { base: 2 | 10; exponent: number; format: QuantityFormat } {
  if (suffix in DECIMAL_SUFFIXES) return { base: 10, exponent: DECIMAL_SUFFIXES[suffix], format: "DecimalSI" };
  if (suffix in BINARY_SUFFIXES) return { base: 2, exponent: BINARY_SUFFIXES[suffix], format: "BinarySI" };
  if (suffix.length > 1 && (suffix[0] === "e" || suffix[0] === "E") && /^[-+]?[0-9]+$/.test(suffix.slice(1))) {
    const exponent = Number.parseInt(suffix.slice(1), 10);
    if (Math.abs(exponent) <= 2 ** 31) return { base: 10, exponent, format: "DecimalExponent" };
  }
  throw new QuantityParseError(QUANTITY_SUFFIX_ERROR);
}

/**
 * Parses a quantity string (or a JSON number, as upstream's decoder accepts) exactly. Values finer than
 * nano are rounded up (away from zero) to 1n, as upstream does. Throws QuantityParseError with the
 * upstream message on malformed input.
 */
export function parseQuantity(input: string | number): Quantity {
  const str = typeof input === "number" ? _numberToString(input) : input;
  if (str.length === 0) throw new QuantityParseError(QUANTITY_FORMAT_ERROR);
  if (str === "0") return { unscaled: 0n, exp: 0, format: "DecimalSI" };
  const { negative, num, denom, suffix } = _scan(str);
  const { base, exponent, format: parsedFormat } = _interpretSuffix(suffix);
  let format = parsedFormat;
  let unscaled = BigInt(num + denom);
  let exp = -denom.length;
  if (base === 10) exp += exponent;
  else unscaled *= 1n << BigInt(exponent);

  if (unscaled !== 0n && exp < NANO) {
    const divisor = pow10(NANO - exp);
    const q = unscaled / divisor;
    unscaled = unscaled % divisor === 0n ? q : q + 1n;
    exp = NANO;
  }
  if (format === "BinarySI") {
    if (compareQuantity({ unscaled, exp, format }, quantityFromInt(MAX_INT64)) > 0) {
      unscaled = MAX_INT64;
      exp = 0;
    }
    // 0 < value < 1 in a binary suffix is shown as decimal: no binary form would be exact.
    if (unscaled > 0n && _cmpAbsToOne(unscaled, exp) < 0) format = "DecimalSI";
  }
  return { unscaled: negative ? -unscaled : unscaled, exp, format };
}

/** Like parseQuantity but returns the upstream error message instead of throwing. */
export function tryParseQuantity(input: unknown): { quantity: Quantity } | { error: string } {
  if (typeof input !== "string" && typeof input !== "number") return { error: QUANTITY_FORMAT_ERROR };
  try {
    return { quantity: parseQuantity(input) };
  } catch (e) {
    return { error: e instanceof QuantityParseError ? e.message : QUANTITY_FORMAT_ERROR };
  }
}

/** The upstream error message for an unparsable quantity, or undefined when it parses. */
export function quantityError(input: unknown): string | undefined {
  const r = tryParseQuantity(input);
  return "error" in r ? r.error : undefined;
}

function _numberToString(n: number): string {
  if (!Number.isFinite(n)) return "";
  // JS prints 1e21 as "1e+21"; upstream's scanner accepts the same shape.
  return String(n);
}

function _cmpAbsToOne(unscaled: bigint, exp: number): number {
  const a = abs(unscaled);
  if (exp >= 0) return a === 0n ? -1 : 1;
  const one = pow10(-exp);
  return a < one ? -1 : a > one ? 1 : 0;
}

/** Upstream's canonical `Quantity.String()`. */
export function canonicalQuantity(q: Quantity): string {
  if (q.unscaled === 0n) return "0";
  let format = q.format;
  let binaryWhole: bigint | undefined;
  if (format === "BinarySI") {
    if (compareQuantity(q, quantityFromInt(-1024)) > 0 && compareQuantity(q, quantityFromInt(1024)) < 0) {
      format = "DecimalSI";
    } else if (q.exp >= 0) {
      binaryWhole = q.unscaled * pow10(q.exp);
    } else if (q.unscaled % pow10(-q.exp) === 0n) {
      binaryWhole = q.unscaled / pow10(-q.exp);
    } else {
      format = "DecimalSI";
    }
  }
  if (format === "BinarySI" && binaryWhole !== undefined) {
    let amount = binaryWhole;
    let e = 0;
    while (e < 60 && amount % 1024n === 0n) {
      amount /= 1024n;
      e += 10;
    }
    return `${amount}${BINARY_BY_EXP.get(e) ?? ""}`;
  }
  // Move every factor of ten into the exponent, then lower the exponent to a multiple of three.
  let amount = q.unscaled;
  let e = q.exp;
  while (amount % 10n === 0n) {
    amount /= 10n;
    e++;
  }
  while (((e % 3) + 3) % 3 !== 0) {
    amount *= 10n;
    e--;
  }
  if (format === "DecimalExponent") return e === 0 ? `${amount}` : `${amount}e${e}`;
  const suffix = DECIMAL_BY_EXP.get(e);
  return suffix === undefined ? `${amount}e${e}` : `${amount}${suffix}`;
}

/** Parses and re-serialises in canonical form (`0.5` → `500m`); throws on malformed input. */
export function canonicalizeQuantityString(input: string | number): string {
  return canonicalQuantity(parseQuantity(input));
}

export function quantityFromInt(n: number | bigint, format: QuantityFormat = "DecimalSI"): Quantity {
  return { unscaled: BigInt(n), exp: 0, format };
}

export function quantityFromMilli(n: number | bigint): Quantity {
  return { unscaled: BigInt(n), exp: -3, format: "DecimalSI" };
}

function _align(a: Quantity, b: Quantity): [bigint, bigint] {
  const e = Math.min(a.exp, b.exp);
  return [a.unscaled * pow10(a.exp - e), b.unscaled * pow10(b.exp - e)];
}

/** -1, 0 or 1, comparing the exact values. */
export function compareQuantity(a: Quantity, b: Quantity): number {
  const [x, y] = _align(a, b);
  return x < y ? -1 : x > y ? 1 : 0;
}

export function addQuantity(a: Quantity, b: Quantity): Quantity {
  const [x, y] = _align(a, b);
  return { unscaled: x + y, exp: Math.min(a.exp, b.exp), format: a.format };
}

export function isZeroQuantity(q: Quantity): boolean {
  return q.unscaled === 0n;
}

/** The value scaled to 10^scale, rounded up (away from zero) as upstream's ScaledValue does. */
export function quantityScaledValue(q: Quantity, scale: number): bigint {
  const shift = q.exp - scale;
  if (shift >= 0) return q.unscaled * pow10(shift);
  const d = pow10(-shift);
  const t = q.unscaled / d;
  if (q.unscaled % d === 0n) return t;
  return q.unscaled > 0n ? t + 1n : t - 1n;
}

/** Upstream `MilliValue()` (rounded up). */
export function quantityToMilli(q: Quantity): bigint {
  return quantityScaledValue(q, -3);
}

/** Upstream `Value()` (rounded up to an integer). */
export function quantityToInt(q: Quantity): bigint {
  return quantityScaledValue(q, 0);
}

/** An approximate float, for display and heuristics only. */
export function quantityToNumber(q: Quantity): number {
  return Number(q.unscaled) * 10 ** q.exp;
}

/** Upstream `RoundUp(scale)`: drop precision finer than 10^scale, rounding away from zero. */
export function roundUpQuantity(q: Quantity, scale: number): Quantity {
  if (q.exp >= scale) return q;
  return { unscaled: quantityScaledValue(q, scale), exp: scale, format: q.format };
}
