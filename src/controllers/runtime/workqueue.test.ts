import assert from "node:assert/strict";
import { test } from "node:test";
import { FakeClock } from "./clock.ts";
import { runWorkers, WorkQueue } from "./workqueue.ts";

test("a key is queued once and never handed to two workers at once", async () => {
  const q = new WorkQueue();
  q.add("a");
  q.add("a");
  q.add("b");
  assert.equal(q.len(), 2);
  const k = await q.get();
  assert.equal(k, "a");
  q.add("a"); // re-added while processing: waits for done
  assert.equal(q.len(), 1);
  assert.equal(await q.get(), "b");
  assert.equal(q.len(), 0);
  q.done("a");
  assert.equal(q.len(), 1);
  assert.equal(await q.get(), "a");
  q.done("a");
  q.done("b");
  q.shutDown();
  assert.equal(await q.get(), undefined);
});

test("a waiting getter receives the next key", async () => {
  const q = new WorkQueue();
  const p = q.get();
  q.add("x");
  assert.equal(await p, "x");
});

test("addAfter and addRateLimited wait on the injected clock with per-key exponential backoff", async () => {
  const clock = new FakeClock();
  const q = new WorkQueue({ clock, baseDelayMs: 5 });
  q.addAfter("k", 100);
  q.addAfter("k", 50); // earlier wins
  clock.advance(49);
  assert.equal(q.len(), 0);
  clock.advance(1);
  assert.equal(q.len(), 1);
  assert.equal(await q.get(), "k");
  q.done("k");
  q.addRateLimited("r");
  q.addRateLimited("r");
  q.addRateLimited("r");
  assert.equal(q.numRequeues("r"), 3);
  clock.advance(4);
  assert.equal(q.len(), 0, "first delay 5 ms");
  clock.advance(1);
  assert.equal(q.len(), 1);
  q.forget("r");
  assert.equal(q.numRequeues("r"), 0);
});

test("the overall bucket delays failures past the burst", () => {
  const clock = new FakeClock();
  const q = new WorkQueue({ clock, baseDelayMs: 1, qps: 10, burst: 2 });
  q.addRateLimited("a");
  q.addRateLimited("b");
  q.addRateLimited("c"); // bucket empty: 100 ms
  clock.advance(1);
  assert.equal(q.len(), 2);
  clock.advance(98);
  assert.equal(q.len(), 2);
  clock.advance(1);
  assert.equal(q.len(), 3);
});

test("runWorkers forgets successes, retries failures and stops on shutDown", async () => {
  const q = new WorkQueue({ baseDelayMs: 1 });
  const seen: string[] = [];
  let failOnce = true;
  const done = runWorkers(q, 2, async (key) => {
    seen.push(key);
    if (key === "bad" && failOnce) {
      failOnce = false;
      throw new Error("boom");
    }
  });
  q.add("good");
  q.add("bad");
  const deadline = Date.now() + 2000;
  while (seen.filter((k) => k === "bad").length < 2 && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 5));
  assert.deepEqual(seen.sort(), ["bad", "bad", "good"]);
  assert.equal(q.numRequeues("bad"), 0, "forgotten after success");
  q.shutDown();
  await done;
});
