import assert from "node:assert/strict";
import { test } from "node:test";
import { NodeQuarantine, terminatedPodsToDelete } from "./pod-gc-plan.ts";

const pod = (name: string, created: string, reason?: string) => ({
  metadata: { name, creationTimestamp: created },
  status: { phase: "Failed", reason },
});

test("deletes the excess over the threshold: evicted first, then the oldest", () => {
  const pods = [
    pod("new", "2026-01-03T00:00:00Z"),
    pod("old", "2026-01-01T00:00:00Z"),
    pod("evicted", "2026-01-04T00:00:00Z", "Evicted"),
    pod("mid", "2026-01-02T00:00:00Z"),
  ];
  assert.deepEqual(
    terminatedPodsToDelete(pods, 2).map((p) => p.metadata.name),
    ["evicted", "old"],
  );
  assert.deepEqual(terminatedPodsToDelete(pods, 4), []);
  assert.deepEqual(terminatedPodsToDelete(pods, 0), [], "0 disables");
});

test("a missing node is due only after the quarantine, counted from the pass that noticed it", () => {
  const q = new NodeQuarantine();
  const existing = new Set(["a"]);
  const exists = (n: string) => existing.has(n);
  assert.deepEqual(q.pass(["a", "gone"], exists, 0, 40_000), []);
  assert.deepEqual(q.pass(["a", "gone"], exists, 20_000, 40_000), []);
  assert.deepEqual(q.pass(["a", "gone"], exists, 40_000, 40_000), ["gone"]);
  q.found("gone");
  assert.deepEqual(q.pass(["gone"], exists, 60_000, 40_000), [], "starts over after a GET found it");
  // A node whose pods are gone is forgotten.
  assert.deepEqual(q.pass(["a"], exists, 80_000, 40_000), []);
  assert.equal(q.size, 0);
  // A zero quarantine acts in the same pass.
  assert.deepEqual(q.pass(["x"], exists, 0, 0), ["x"]);
});
