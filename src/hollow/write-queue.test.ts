import assert from "node:assert/strict";
import { test } from "node:test";
import { QueueStoppedError, WriteQueue } from "./write-queue.ts";

const tick = () => new Promise((r) => setImmediate(r));

test("never more than maxInFlight at once; results and errors reach the caller", async () => {
  const q = new WriteQueue(3);
  let running = 0;
  let peak = 0;
  const results = await Promise.all(
    Array.from({ length: 20 }, (_, i) =>
      q.run(async () => {
        running++;
        peak = Math.max(peak, running);
        await tick();
        running--;
        return i * 2;
      }),
    ),
  );
  assert.equal(peak, 3);
  assert.deepEqual(
    results,
    Array.from({ length: 20 }, (_, i) => i * 2),
  );
  await assert.rejects(
    q.run(async () => Promise.reject(new Error("boom"))),
    /boom/,
  );
  await assert.rejects(
    q.run(() => {
      throw new Error("sync");
    }),
    /sync/,
  );
  assert.equal(q.size, 0);
});

test("urgent calls start before waiting normal ones", async () => {
  const q = new WriteQueue(1);
  const order: string[] = [];
  let release!: () => void;
  const blocker = q.run(() => new Promise<void>((r) => (release = r)));
  const normal = ["n1", "n2"].map((n) => q.run(async () => void order.push(n)));
  const urgent = q.run(async () => void order.push("u"), true);
  release();
  await Promise.all([blocker, ...normal, urgent]);
  assert.deepEqual(order, ["u", "n1", "n2"]);
});

test("stop rejects waiting calls, lets running ones finish; idle resolves after", async () => {
  const q = new WriteQueue(1);
  let release!: () => void;
  const running = q.run(() => new Promise<string>((r) => (release = () => r("done"))));
  const waiting = q.run(async () => "never");
  q.stop();
  await assert.rejects(waiting, QueueStoppedError);
  await assert.rejects(
    q.run(async () => 1),
    QueueStoppedError,
  );
  const idle = q.idle();
  release();
  assert.equal(await running, "done");
  await idle;
  assert.equal(q.size, 0);
});
