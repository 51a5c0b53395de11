import assert from "node:assert/strict";
import { test } from "node:test";
import { FakeClock } from "../runtime/clock.ts";
import { RateLimitedTimedQueue, TokenBucket } from "./rate-limited-timed-queue.ts";

test("token bucket starts full, refills at qps, and never accepts at qps 0", () => {
  const clock = new FakeClock();
  const b = new TokenBucket(0.1, 1, clock);
  assert.equal(b.tryAccept(), true);
  assert.equal(b.tryAccept(), false);
  clock.advance(9_999);
  assert.equal(b.tryAccept(), false);
  clock.advance(1);
  assert.equal(b.tryAccept(), true);
  assert.equal(new TokenBucket(0, 1, clock).tryAccept(), false);
});

test("queue processes one value per token, in order, and each value once until removed", async () => {
  const clock = new FakeClock();
  const q = new RateLimitedTimedQueue(0.1, clock);
  assert.equal(q.add("a", "u1"), true);
  clock.advance(1);
  assert.equal(q.add("b", "u2"), true);
  assert.equal(q.add("a", "u1"), false, "already queued");
  const seen: string[] = [];
  const act = async (v: { value: string }) => {
    seen.push(v.value);
    return { done: true as const };
  };
  await q.try(act);
  assert.deepEqual(seen, ["a"], "burst 1: one per try");
  await q.try(act);
  assert.deepEqual(seen, ["a"], "no token yet");
  clock.advance(10_000);
  await q.try(act);
  assert.deepEqual(seen, ["a", "b"]);
  assert.equal(q.add("a", "u1"), false, "processed values stay members");
  assert.equal(q.remove("a"), true);
  assert.equal(q.add("a", "u1"), true, "re-added after remove");
});

test("a failed action retries after the given wait", async () => {
  const clock = new FakeClock();
  const q = new RateLimitedTimedQueue(1000, clock);
  q.add("a", "");
  let calls = 0;
  const act = async () => (++calls < 2 ? { done: false as const, retryAfterMs: 50 } : { done: true as const });
  await q.try(act);
  assert.equal(calls, 1);
  assert.equal(q.pending(), 1);
  clock.advance(20);
  await q.try(act);
  assert.equal(calls, 1, "not due yet");
  clock.advance(40);
  await q.try(act);
  assert.equal(calls, 2);
  assert.equal(q.pending(), 0);
});

test("swapping to rate 0 stops processing; swapping back resumes at the new rate", async () => {
  const clock = new FakeClock();
  const q = new RateLimitedTimedQueue(0.1, clock);
  q.add("a", "");
  q.add("b", "");
  q.swapLimiter(0);
  assert.equal(q.qps, 0);
  const seen: string[] = [];
  const act = async (v: { value: string }) => {
    seen.push(v.value);
    return { done: true as const };
  };
  clock.advance(60_000);
  await q.try(act);
  assert.deepEqual(seen, []);
  q.swapLimiter(0.01);
  await q.try(act);
  assert.deepEqual(seen, [], "coming from a stopped limiter, the new bucket starts drained (as upstream)");
  clock.advance(99_000);
  await q.try(act);
  assert.deepEqual(seen, [], "0.01/s: a token every 100 s");
  clock.advance(1_000);
  await q.try(act);
  assert.deepEqual(seen, ["a"]);
});

test("swapping while the bucket is empty keeps it empty", async () => {
  const clock = new FakeClock();
  const q = new RateLimitedTimedQueue(0.1, clock);
  q.add("a", "");
  q.add("b", "");
  const seen: string[] = [];
  const act = async (v: { value: string }) => {
    seen.push(v.value);
    return { done: true as const };
  };
  await q.try(act);
  q.swapLimiter(1);
  await q.try(act);
  assert.deepEqual(seen, ["a"], "drained new bucket");
  clock.advance(1000);
  await q.try(act);
  assert.deepEqual(seen, ["a", "b"]);
});
