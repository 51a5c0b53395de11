import assert from "node:assert/strict";
import { test } from "node:test";
import { FakeClock } from "../runtime/clock.ts";
import { TimedWorkerQueue } from "./timed-worker-queue.ts";

test("work fires at its time, once, and cancellation reports only real timers", async () => {
  const clock = new FakeClock();
  const fired: string[] = [];
  let release!: () => void;
  const q = new TimedWorkerQueue(clock, async (key) => {
    fired.push(key);
    if (key === "slow") await new Promise<void>((r) => (release = r));
  });
  const t = clock.now();
  q.add("a", t, t + 1000);
  q.add("a", t, t + 10);
  q.add("b", t, t + 500);
  clock.advance(999);
  assert.deepEqual(fired, ["b"]);
  clock.advance(1);
  assert.deepEqual(fired, ["b", "a"], "the first schedule of a key stands");
  q.add("c", t, t + 5000);
  assert.equal(q.cancel("c"), true);
  assert.equal(q.cancel("c"), false);
  clock.advance(10_000);
  assert.deepEqual(fired, ["b", "a"]);
  q.add("slow", clock.now(), clock.now());
  assert.deepEqual(fired, ["b", "a", "slow"], "due work runs at once");
  assert.ok(q.get("slow"), "running work keeps its entry");
  assert.equal(q.cancel("slow"), false, "running work cannot be cancelled");
  release();
  await q.cancelAll();
  assert.equal(q.size, 0);
});
