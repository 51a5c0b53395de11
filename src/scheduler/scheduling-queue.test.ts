import assert from "node:assert/strict";
import { test } from "node:test";
import { FakeClock } from "../controllers/runtime/clock.ts";
import { SchedulingQueue } from "./scheduling-queue.ts";
import { makePod } from "./test-fixtures.ts";

async function popKey(q: SchedulingQueue): Promise<string | undefined> {
  return (await q.pop())?.key;
}

test("higher priority first, then first come", async () => {
  const q = new SchedulingQueue(new FakeClock());
  q.addOrUpdate(makePod("low1"));
  q.addOrUpdate(makePod("high", { priority: 1000 }));
  q.addOrUpdate(makePod("low2"));
  assert.deepEqual(
    [await popKey(q), await popKey(q), await popKey(q)],
    ["default/high", "default/low1", "default/low2"],
  );
  q.close();
});

test("pop waits for a pod and returns undefined after close", async () => {
  const q = new SchedulingQueue(new FakeClock());
  const waiting = q.pop();
  q.addOrUpdate(makePod("a"));
  assert.equal((await waiting)?.key, "default/a");
  const closed = q.pop();
  q.close();
  assert.equal(await closed, undefined);
});

test("unschedulable pods wait for a node event, then respect their backoff", async () => {
  const clock = new FakeClock();
  const q = new SchedulingQueue(clock);
  q.addOrUpdate(makePod("a"));
  assert.equal(await popKey(q), "default/a");
  q.unschedulable("default/a");
  assert.deepEqual(q.unschedulableKeys(), ["default/a"]);
  assert.equal(q.activeLength, 0);
  // An event right away: the 1 s backoff of the first attempt is not over yet.
  q.moveForNode("n1");
  assert.equal(q.activeLength, 0);
  clock.advance(1000);
  assert.equal(q.activeLength, 1);
  assert.equal(await popKey(q), "default/a");
  q.unschedulable("default/a");
  clock.advance(60_000);
  assert.equal(q.activeLength, 0, "no event: stays parked");
  q.moveAll();
  assert.equal(q.activeLength, 1, "second attempt's 2 s backoff long over");
  q.close();
});

test("pods pinned to a node wake only for that node", async () => {
  const clock = new FakeClock();
  const q = new SchedulingQueue(clock);
  q.addOrUpdate(makePod("ds-a", { pinnedTo: "a" }));
  q.addOrUpdate(makePod("ds-b", { pinnedTo: "b" }));
  q.addOrUpdate(makePod("free"));
  for (let i = 0; i < 3; i++) q.unschedulable((await q.pop())!.key);
  clock.advance(5000);
  q.moveForNode("a");
  const woke = [await popKey(q), await popKey(q)].sort();
  assert.deepEqual(woke, ["default/ds-a", "default/free"]);
  assert.deepEqual(q.unschedulableKeys(), ["default/ds-b"]);
  q.close();
});

test("an event during the attempt sends the pod to backoff instead of the pool", async () => {
  const clock = new FakeClock();
  const q = new SchedulingQueue(clock);
  q.addOrUpdate(makePod("a"));
  const e = await q.pop();
  q.moveForNode("n");
  q.unschedulable(e!.key);
  assert.deepEqual(q.unschedulableKeys(), []);
  clock.advance(1000);
  assert.equal(await popKey(q), "default/a");
  q.close();
});

test("errors back off 1 s doubling to 10 s", async () => {
  const clock = new FakeClock();
  const q = new SchedulingQueue(clock);
  q.addOrUpdate(makePod("a"));
  const waits: number[] = [];
  for (let i = 0; i < 6; i++) {
    await q.pop();
    q.retryWithBackoff("default/a");
    let waited = 0;
    while (q.activeLength === 0) {
      clock.advance(500);
      waited += 500;
    }
    waits.push(waited);
  }
  assert.deepEqual(waits, [1000, 2000, 4000, 8000, 10_000, 10_000]);
  q.close();
});

test("the pool is flushed after five minutes without events", async () => {
  const clock = new FakeClock();
  const q = new SchedulingQueue(clock);
  q.addOrUpdate(makePod("a"));
  q.unschedulable((await q.pop())!.key);
  clock.advance(4 * 60_000);
  assert.equal(q.activeLength, 0);
  clock.advance(60_000 + 30_000);
  assert.equal(q.activeLength, 1);
  q.close();
});

test("spec changes retry a parked pod; status-only updates do not; deletes drop it", async () => {
  const clock = new FakeClock();
  const q = new SchedulingQueue(clock);
  const pod = makePod("a");
  q.addOrUpdate(pod);
  q.unschedulable((await q.pop())!.key);
  clock.advance(2000);
  q.addOrUpdate({ ...pod, status: { conditions: [{ type: "PodScheduled", status: "False" }] } });
  assert.equal(q.activeLength, 0);
  q.addOrUpdate({ ...pod, spec: { ...pod.spec, tolerations: [{ operator: "Exists" }] } });
  assert.equal(q.activeLength, 1);
  q.delete("default/a");
  assert.equal(q.activeLength, 0);
  assert.equal(q.size, 0);
  // Deleted while being scheduled: the outcome is dropped.
  q.addOrUpdate(makePod("b"));
  await q.pop();
  q.delete("default/b");
  q.unschedulable("default/b");
  assert.equal(q.size, 0);
  q.close();
});
