import assert from "node:assert/strict";
import { test } from "node:test";
import { humanDuration, translateTimestampSince } from "./human-duration.ts";

const s = 1000;
const m = 60 * s;
const h = 60 * m;
const d = 24 * h;
const y = 365 * d;

test("humanDuration matches upstream at every boundary", () => {
  const cases: [number, string][] = [
    [-2 * s, "<invalid>"],
    [-1999, "0s"],
    [-1 * s, "0s"],
    [0, "0s"],
    [999, "0s"],
    [59 * s, "59s"],
    [119 * s + 999, "119s"],
    [2 * m, "2m"],
    [2 * m + 5 * s, "2m5s"],
    [9 * m + 59 * s, "9m59s"],
    [10 * m, "10m"],
    [10 * m + 30 * s, "10m"],
    [179 * m + 59 * s, "179m"],
    [3 * h, "3h"],
    [3 * h + 20 * m, "3h20m"],
    [7 * h + 59 * m, "7h59m"],
    [8 * h, "8h"],
    [47 * h + 59 * m, "47h"],
    [48 * h, "2d"],
    [3 * d + 4 * h, "3d4h"],
    [7 * d + 23 * h, "7d23h"],
    [8 * d, "8d"],
    [729 * d, "729d"],
    [2 * y, "2y"],
    [2 * y + 3 * d, "2y3d"],
    [7 * y + 364 * d, "7y364d"],
    [8 * y, "8y"],
    [20 * y + 100 * d, "20y"],
  ];
  for (const [ms, want] of cases) assert.equal(humanDuration(ms), want, `${ms}ms`);
});

test("translateTimestampSince: unknown for missing or Go zero times", () => {
  const now = new Date("2024-06-01T12:00:00Z");
  assert.equal(translateTimestampSince("2024-06-01T11:55:00Z", now), "5m");
  assert.equal(translateTimestampSince("2024-06-01T12:00:05Z", now), "<invalid>");
  assert.equal(translateTimestampSince(undefined, now), "<unknown>");
  assert.equal(translateTimestampSince("", now), "<unknown>");
  assert.equal(translateTimestampSince("0001-01-01T00:00:00Z", now), "<unknown>");
});
