import assert from "node:assert/strict";
import { test } from "node:test";
import type { KubeObject } from "../../api/object.ts";
import { groupPodsByNode } from "./manage.ts";
import { computeCounts, statusUpToDate, withCounts } from "./status.ts";
import { at, pod } from "./testing-pods.ts";

const node = (name: string): KubeObject => ({ metadata: { name } });

test("status numbers over the node list (TestNumberReadyStatus, misscheduled, updated, available)", () => {
  const nodes = ["n0", "n1", "n2", "n3", "n4"].map(node);
  const pods = [
    pod("a", { node: "n0", hash: "h", ready: true }),
    pod("b", { node: "n1", hash: "old", ready: true, readySince: 999 }),
    pod("c", { node: "n1", hash: "h", created: 5, ready: false }),
    pod("d", { node: "n2", hash: "h", bound: false }),
    pod("e", { node: "n4", hash: "h", ready: true }),
    pod("gone", { node: "vanished", hash: "h", ready: true }),
  ];
  const counts = computeCounts({
    nodes,
    placement: (n) => ({ shouldRun: n.metadata.name !== "n4", shouldContinueRunning: true }),
    nodeToPods: groupPodsByNode(pods, false),
    hash: "h",
    generation: undefined,
    minReadySeconds: 10,
    now: at(1000),
  });
  assert.deepEqual(counts, {
    desiredNumberScheduled: 4,
    currentNumberScheduled: 3,
    numberMisscheduled: 1,
    numberReady: 2,
    updatedNumberScheduled: 2,
    numberAvailable: 1,
    numberUnavailable: 3,
  });
});

test("write skipped only when numbers are equal and the generation was observed; conditions preserved", () => {
  const counts = {
    desiredNumberScheduled: 1,
    currentNumberScheduled: 1,
    numberMisscheduled: 0,
    numberReady: 1,
    updatedNumberScheduled: 1,
    numberAvailable: 1,
    numberUnavailable: 0,
  };
  const ds: KubeObject = {
    metadata: { name: "foo", generation: 2 },
    status: { ...counts, observedGeneration: 2, conditions: [{ type: "StatusPatched", status: "True" }] },
  };
  assert.ok(statusUpToDate(ds, counts));
  assert.ok(!statusUpToDate({ ...ds, metadata: { generation: 3 } }, counts), "TestObservedGeneration");
  assert.ok(!statusUpToDate(ds, { ...counts, numberReady: 0 }));
  const written = withCounts(ds, { ...counts, numberReady: 0 }, 3);
  assert.equal(written.status.numberReady, 0);
  assert.equal(written.status.observedGeneration, 3);
  assert.deepEqual(written.status.conditions, [{ type: "StatusPatched", status: "True" }]);
  assert.equal(ds.status.numberReady, 1, "input untouched");
  assert.equal(withCounts(ds, counts).status.observedGeneration, 2, "not bumped while waiting on expectations");
});
