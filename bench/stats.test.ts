import assert from "node:assert/strict";
import { test } from "node:test";
import { median, percentile, round } from "./stats.ts";

test("percentile uses nearest rank over sorted samples", () => {
  const samples = [5, 1, 4, 2, 3, 10, 9, 8, 7, 6];
  assert.equal(percentile(samples, 50), 5);
  assert.equal(percentile(samples, 99), 10);
  assert.equal(percentile(samples, 10), 1);
  assert.equal(percentile(samples, 0), 1);
  assert.equal(percentile(samples, 100), 10);
  assert.deepEqual(samples.slice(0, 3), [5, 1, 4], "input is not reordered");
});

test("median of an odd count is the middle value; no samples give NaN", () => {
  assert.equal(median([3, 1, 2, 9, 7]), 3);
  assert.ok(Number.isNaN(median([])));
});

test("round keeps the requested decimals", () => {
  assert.equal(round(12.345, 1), 12.3);
  assert.equal(round(12.355, 2), 12.36);
  assert.equal(round(2453.66), 2453.7);
});
