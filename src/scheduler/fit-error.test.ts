import assert from "node:assert/strict";
import { test } from "node:test";
import { Diagnosis, fitErrorMessage, MAX_MESSAGE_LENGTH, reasonHistogram, truncateMessage } from "./fit-error.ts";
import { makePod } from "./test-fixtures.ts";

test("the FailedScheduling text of the spec (§8.6), exactly", () => {
  const d = new Diagnosis();
  d.add({ reasons: ["node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }"], unresolvable: true });
  // Pods asking for more cpu than the nodes have at all: evicting would not help either.
  d.add({ reasons: ["Insufficient cpu"], unresolvable: true }, 2);
  assert.equal(
    fitErrorMessage(makePod("p"), 3, d),
    "0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 Insufficient cpu. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.",
  );
});

test("nodes only short of room are reported without preemption victims", () => {
  const d = new Diagnosis();
  d.add({ reasons: ["node(s) had untolerated taint {machine-check-exception: memory}"], unresolvable: true });
  d.add({ reasons: ["Insufficient cpu"], unresolvable: false }, 2);
  assert.equal(
    fitErrorMessage(makePod("p"), 3, d),
    "0/3 nodes are available: 1 node(s) had untolerated taint {machine-check-exception: memory}, 2 Insufficient cpu. preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod.",
  );
});

test("several reasons of one node are each counted; histogram sorts as strings", () => {
  const d = new Diagnosis();
  d.add({ reasons: ["Insufficient cpu", "Insufficient memory"], unresolvable: false }, 10);
  d.add({ reasons: ["node(s) didn't match Pod's node affinity/selector"], unresolvable: true }, 2);
  assert.equal(
    reasonHistogram(d.reasons),
    "10 Insufficient cpu, 10 Insufficient memory, 2 node(s) didn't match Pod's node affinity/selector",
  );
  assert.equal(d.resolvableNodes, 10);
  assert.equal(d.unresolvableNodes, 2);
});

test("a daemon pod pinned to a full node in a large cluster", () => {
  const d = new Diagnosis();
  d.add({ reasons: ["Too many pods"], unresolvable: false });
  d.add({ reasons: ["node(s) didn't satisfy plugin(s) [NodeAffinity]"], unresolvable: true }, 45);
  assert.equal(
    fitErrorMessage(makePod("p"), 46, d),
    "0/46 nodes are available: 1 Too many pods, 45 node(s) didn't satisfy plugin(s) [NodeAffinity]. preemption: 0/46 nodes are available: 1 No preemption victims found for incoming pod, 45 Preemption is not helpful for scheduling.",
  );
});

test("preemptionPolicy Never and PreFilter messages", () => {
  const d = new Diagnosis();
  d.add({ reasons: ["Insufficient cpu"], unresolvable: false }, 3);
  const never = makePod("p");
  never.spec.preemptionPolicy = "Never";
  assert.equal(
    fitErrorMessage(never, 3, d),
    "0/3 nodes are available: 3 Insufficient cpu. preemption: not eligible due to preemptionPolicy=Never.",
  );
  const pre = new Diagnosis();
  pre.preFilterMessage = "pod affinity terms conflict";
  pre.add({ reasons: ["pod affinity terms conflict"], unresolvable: true }, 2);
  assert.equal(
    fitErrorMessage(makePod("p"), 2, pre),
    "0/2 nodes are available: pod affinity terms conflict. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.",
  );
});

test("long messages are cut to 1024 characters with an ellipsis", () => {
  assert.equal(truncateMessage("short"), "short");
  const cut = truncateMessage("x".repeat(2000));
  assert.equal(cut.length, MAX_MESSAGE_LENGTH);
  assert.ok(cut.endsWith("x ..."));
});
