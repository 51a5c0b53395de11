import assert from "node:assert/strict";
import { test } from "node:test";
import {
  canonicalizeQuantityString,
  canonicalQuantity,
  compareQuantity,
  parseQuantity,
  QUANTITY_FORMAT_ERROR,
  QUANTITY_SUFFIX_ERROR,
  quantityError,
  quantityToInt,
  quantityToMilli,
  quantityToNumber,
  roundUpQuantity,
} from "./quantity.ts";

// Input → upstream canonical String() (cases from apimachinery's quantity_test.go).
const canonical: [string | number, string][] = [
  ["0", "0"],
  ["0m", "0"],
  ["0.5", "500m"],
  ["1000m", "1"],
  ["1500m", "1500m"],
  ["0.1", "100m"],
  ["1.5", "1500m"],
  ["1.5Gi", "1536Mi"],
  ["1Ki", "1Ki"],
  ["1024Ki", "1Mi"],
  ["1000Mi", "1000Mi"],
  ["0.5Ki", "512"],
  ["1.1Ki", "1126400m"],
  ["1e3", "1e3"],
  ["1E3", "1e3"],
  ["12e6", "12e6"],
  ["5e-3", "5e-3"],
  ["100M", "100M"],
  ["1000k", "1M"],
  ["1200", "1200"],
  ["1.5k", "1500"],
  ["100u", "100u"],
  ["1n", "1n"],
  ["0.0000000001", "1n"],
  ["-1.5", "-1500m"],
  ["+5", "5"],
  ["1E", "1E"],
  ["2Ti", "2Ti"],
  [".5", "500m"],
  [0.25, "250m"],
  [3, "3"],
];

for (const [input, want] of canonical) {
  test(`quantity ${JSON.stringify(input)} → ${want}`, () => {
    assert.equal(canonicalQuantity(parseQuantity(input)), want);
    // Canonical output parses back to itself.
    assert.equal(canonicalizeQuantityString(want), want);
  });
}

test("quantity: formats are remembered", () => {
  assert.equal(parseQuantity("1Gi").format, "BinarySI");
  assert.equal(parseQuantity("1G").format, "DecimalSI");
  assert.equal(parseQuantity("1e9").format, "DecimalExponent");
});

test("quantity: malformed input reports upstream's messages", () => {
  assert.equal(
    QUANTITY_FORMAT_ERROR,
    "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
  );
  for (const bad of ["", "abc", "1.5.5", "1Gi5x", "5MiB"]) assert.equal(quantityError(bad), QUANTITY_FORMAT_ERROR, bad);
  for (const bad of ["1K", "1e", "--1", "1iK"]) assert.equal(quantityError(bad), QUANTITY_SUFFIX_ERROR, bad);
  assert.equal(quantityError("1Mi"), undefined);
  assert.equal(quantityError({}), QUANTITY_FORMAT_ERROR);
});

test("quantity: exact comparison across suffixes", () => {
  assert.equal(compareQuantity(parseQuantity("1"), parseQuantity("1000m")), 0);
  assert.equal(compareQuantity(parseQuantity("1Ki"), parseQuantity("1k")), 1);
  assert.equal(compareQuantity(parseQuantity("999m"), parseQuantity("1")), -1);
  assert.equal(compareQuantity(parseQuantity("1e3"), parseQuantity("1k")), 0);
  assert.equal(compareQuantity(parseQuantity("-1"), parseQuantity("0")), -1);
});

test("quantity: milli and integer values round up like upstream", () => {
  assert.equal(quantityToMilli(parseQuantity("1.5")), 1500n);
  assert.equal(quantityToMilli(parseQuantity("100u")), 1n);
  assert.equal(quantityToMilli(parseQuantity("1Ki")), 1024000n);
  assert.equal(quantityToInt(parseQuantity("1500m")), 2n);
  assert.equal(quantityToInt(parseQuantity("-1500m")), -2n);
  assert.equal(quantityToNumber(parseQuantity("250m")), 0.25);
  assert.equal(quantityToNumber(parseQuantity("1Mi")), 1048576);
});

test("quantity: RoundUp to milli scale", () => {
  assert.equal(canonicalQuantity(roundUpQuantity(parseQuantity("100u"), -3)), "1m");
  assert.equal(canonicalQuantity(roundUpQuantity(parseQuantity("1.0001"), -3)), "1001m");
  assert.equal(canonicalQuantity(roundUpQuantity(parseQuantity("2Gi"), -3)), "2Gi");
});

test("quantity: binary values are capped at int64", () => {
  assert.equal(canonicalQuantity(parseQuantity("16Ei")), "9223372036854775807");
});
