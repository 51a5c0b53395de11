import assert from "node:assert/strict";
import { test } from "node:test";
import { FakeClock } from "./clock.ts";

test("FakeClock fires due timers in order, including ones scheduled while advancing", () => {
  const c = new FakeClock(1000);
  const fired: string[] = [];
  c.after(50, () => fired.push(`b@${c.now()}`));
  c.after(10, () => {
    fired.push(`a@${c.now()}`);
    c.after(20, () => fired.push(`c@${c.now()}`));
  });
  const cancelled = c.after(15, () => fired.push("never"));
  cancelled.cancel();
  c.advance(40);
  assert.deepEqual(fired, ["a@1010", "c@1030"]);
  assert.equal(c.now(), 1040);
  c.advance(100);
  assert.deepEqual(fired, ["a@1010", "c@1030", "b@1050"]);
  assert.equal(c.pending(), 0);
});
