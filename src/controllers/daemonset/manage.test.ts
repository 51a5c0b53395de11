import assert from "node:assert/strict";
import { test } from "node:test";
import type { KubeObject } from "../../api/object.ts";
import {
  failedPodsBackoffKey,
  groupPodsByNode,
  type NodeDecisionInput,
  podsShouldBeOnNode,
  sortPodsOldestFirst,
  unscheduledPodsWithoutNode,
} from "./manage.ts";
import { at, pod } from "./testing-pods.ts";

const run = { shouldRun: true, shouldContinueRunning: true };
const keep = { shouldRun: false, shouldContinueRunning: true };
const stop = { shouldRun: false, shouldContinueRunning: false };

function decide(pods: KubeObject[] | undefined, extra: Partial<NodeDecisionInput> = {}) {
  const d = podsShouldBeOnNode({
    nodeName: "node-0",
    placement: run,
    pods,
    hash: "new",
    surge: false,
    minReadySeconds: 0,
    now: at(1000),
    allowFailedPodDelete: () => true,
    ...extra,
  });
  return {
    create: d.createOnNode,
    del: d.podsToDelete.map((p) => p.metadata.name),
    failed: d.failedPods.length,
    succeeded: d.succeededPods.length,
  };
}

test("sorting: bound before unbound, then older, then by name", () => {
  const sorted = sortPodsOldestFirst([
    pod("u", { bound: false, created: 0 }),
    pod("c", { created: 5 }),
    pod("b", { created: 1 }),
    pod("a", { created: 1 }),
  ]);
  assert.deepEqual(
    sorted.map((p) => p.metadata.name),
    ["a", "b", "c", "u"],
  );
});

test("TestDealsWithExistingPods (per node): 0 → create, 1 → keep, 2 and 5 → keep the oldest", () => {
  assert.deepEqual(decide(undefined), { create: true, del: [], failed: 0, succeeded: 0 });
  assert.deepEqual(decide([pod("p1")]).del, []);
  assert.deepEqual(decide([pod("p2", { created: 2 }), pod("p1", { created: 1 })]).del, ["p2"]);
  const five = [5, 4, 3, 2, 1].map((i) => pod(`p${i}`, { created: i }));
  assert.deepEqual(decide(five).del, ["p2", "p3", "p4", "p5"]);
});

test("TestSelectorDaemonDeletesUnselectedPods / TestNoExecuteTaintedDoesEvicitRunningIntolerantPod: !shouldContinueRunning deletes", () => {
  assert.deepEqual(decide([pod("p1"), pod("p2", { deleting: true })], { placement: stop }).del, ["p1"]);
  assert.deepEqual(decide(undefined, { placement: stop }), { create: false, del: [], failed: 0, succeeded: 0 });
});

test("TestNoScheduleTaintedDoesntEvicitRunningIntolerantPod: shouldContinueRunning keeps, never creates", () => {
  assert.deepEqual(decide([pod("p1")], { placement: keep }), { create: false, del: [], failed: 0, succeeded: 0 });
  assert.deepEqual(decide(undefined, { placement: keep }), { create: false, del: [], failed: 0, succeeded: 0 });
});

test("TestDaemonSetRespectsTermination: a terminating pod blocks creation and is not deleted again", () => {
  assert.deepEqual(decide([pod("p1", { deleting: true })]), { create: false, del: [], failed: 0, succeeded: 0 });
});

test("TestDaemonKillFailedPods: failed pods deleted (with backoff), succeeded deleted, creation deferred", () => {
  assert.deepEqual(decide([pod("f", { phase: "Failed" })]), { create: false, del: ["f"], failed: 1, succeeded: 0 });
  assert.deepEqual(decide([pod("f", { phase: "Failed" })], { allowFailedPodDelete: () => false }), {
    create: false,
    del: [],
    failed: 0,
    succeeded: 0,
  });
  assert.deepEqual(decide([pod("s", { phase: "Succeeded" })]), { create: false, del: ["s"], failed: 0, succeeded: 1 });
  assert.deepEqual(
    decide([pod("f", { phase: "Failed", created: 0 }), pod("a", { created: 1 }), pod("b", { created: 2 })]).del,
    ["f", "b"],
  );
});

test("surge: TestSurgeCreatesNewPodWhenAtMaxSurgeAndOldPodDeleted / PreservesReadyOldPods / DeletesUnreadyOldPods", () => {
  const surge = { surge: true };
  assert.deepEqual(decide([pod("old", { hash: "old", deleting: true })], surge).create, true);
  assert.deepEqual(
    decide([pod("old", { hash: "old", ready: true }), pod("new", { hash: "new", created: 1 })], surge).del,
    [],
  );
  assert.deepEqual(decide([pod("old", { hash: "old" }), pod("new", { hash: "new", created: 1 })], surge).del, ["old"]);
  assert.deepEqual(
    decide([pod("old", { hash: "old", ready: true }), pod("new", { hash: "new", created: 1, ready: true })], surge).del,
    ["old"],
  );
  // Extra pods of each kind go; the oldest of each stays.
  assert.deepEqual(
    decide(
      [
        pod("old1", { hash: "old", ready: true }),
        pod("old2", { hash: "old", created: 2, ready: true }),
        pod("new1", { hash: "new", created: 3 }),
        pod("new2", { hash: "new", created: 4 }),
      ],
      surge,
    ).del,
    ["old2", "new2"],
  );
});

test("surge with minReadySeconds: TestSurgePreservesOldReadyWithUnsatisfiedMinReady / DeletesOldReadyWithUnsatisfiedMinReady", () => {
  const pods = [
    pod("old", { hash: "old", ready: true }),
    pod("new", { hash: "new", created: 1, ready: true, readySince: 990 }),
  ];
  assert.deepEqual(decide(pods, { surge: true, minReadySeconds: 15, now: at(1000) }).del, []);
  assert.deepEqual(decide(pods, { surge: true, minReadySeconds: 15, now: at(1006) }).del, ["old"]);
});

test("TestGetNodesToDaemonPods: grouping by target node, terminal+deleted excluded unless requested", () => {
  const pods = [
    pod("a", { node: "n1" }),
    pod("b", { node: "n2", bound: false }),
    pod("c", { node: "n1", phase: "Failed", deleting: true }),
    { metadata: { name: "d", namespace: "default" }, spec: {} },
  ];
  const g = groupPodsByNode(pods, false);
  assert.deepEqual([...g.keys()], ["n1", "n2"]);
  assert.deepEqual(
    g.get("n1")?.map((p) => p.metadata.name),
    ["a"],
  );
  assert.deepEqual(
    groupPodsByNode(pods, true)
      .get("n1")
      ?.map((p) => p.metadata.name),
    ["a", "c"],
  );
});

test("TestDeleteUnscheduledPodForNotExistingNode: only unbound pods of missing nodes", () => {
  const g = groupPodsByNode(
    [pod("a", { node: "gone", bound: false }), pod("b", { node: "gone2" }), pod("c", { node: "n1", bound: false })],
    false,
  );
  assert.deepEqual(
    unscheduledPodsWithoutNode(new Set(["n1"]), g).map((p) => p.metadata.name),
    ["a"],
  );
});

test("failed pod backoff key", () => {
  assert.equal(failedPodsBackoffKey({ metadata: { uid: "u" }, status: { observedGeneration: 4 } }, "n1"), "u/4/n1");
});
