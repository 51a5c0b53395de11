import assert from "node:assert/strict";
import { test } from "node:test";
import { concurrently } from "./concurrently.ts";

test("concurrently runs every job once with at most `concurrency` in flight", async () => {
  let inFlight = 0;
  let peak = 0;
  const done: number[] = [];
  await concurrently(50, 8, async (i) => {
    inFlight++;
    peak = Math.max(peak, inFlight);
    await new Promise((r) => setTimeout(r, 1));
    inFlight--;
    done.push(i);
  });
  assert.equal(peak, 8);
  assert.deepEqual(
    done.sort((a, b) => a - b),
    Array.from({ length: 50 }, (_, i) => i),
  );
});
