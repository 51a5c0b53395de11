import assert from "node:assert/strict";
import { test } from "node:test";
import type { KubeObject } from "../../api/object.ts";
import { allowsSurge, planRollingUpdate, rollingUpdateBudget, scaledValue } from "./rolling-update.ts";
import { at, pod } from "./testing-pods.ts";

const ds = (ru: any, type = "RollingUpdate"): KubeObject => ({
  metadata: { name: "foo" },
  spec: { updateStrategy: { type, rollingUpdate: ru } },
});

test("TestGetUnavailableNumbers: ints, percentages rounded up, forced unavailability", () => {
  assert.equal(scaledValue("50%", 2, true), 1);
  assert.equal(scaledValue("50%", 3, true), 2);
  assert.equal(scaledValue(3, 10, true), 3);
  assert.throws(() => scaledValue("5", 10, true), /not a percentage/);
  assert.deepEqual(rollingUpdateBudget(ds({ maxUnavailable: "50%", maxSurge: 0 }), 2), {
    maxSurge: 0,
    maxUnavailable: 1,
  });
  assert.deepEqual(rollingUpdateBudget(ds({ maxUnavailable: 0, maxSurge: "100%" }), 2), {
    maxSurge: 2,
    maxUnavailable: 0,
  });
  assert.deepEqual(rollingUpdateBudget(ds({ maxUnavailable: 0, maxSurge: 0 }), 5), { maxSurge: 0, maxUnavailable: 1 });
  assert.deepEqual(rollingUpdateBudget(ds({ maxUnavailable: 0, maxSurge: 0 }), 0), { maxSurge: 0, maxUnavailable: 0 });
  assert.deepEqual(rollingUpdateBudget(ds(undefined, "OnDelete"), 5), { maxSurge: 0, maxUnavailable: 1 });
  assert.ok(allowsSurge(ds({ maxUnavailable: 0, maxSurge: "10%" })), "10% of one node rounds up to 1");
  assert.ok(!allowsSurge(ds({ maxUnavailable: 1, maxSurge: 0 })));
  assert.ok(!allowsSurge(ds({ maxSurge: 2 }, "OnDelete")));
});

function nodes(n: number, podsFor: (i: number) => KubeObject[]): Map<string, KubeObject[]> {
  const m = new Map<string, KubeObject[]>();
  for (let i = 0; i < n; i++) m.set(`node-${i}`, podsFor(i));
  return m;
}

function plan(nodeToPods: Map<string, KubeObject[]>, maxSurge: number, maxUnavailable: number, extra: any = {}) {
  return planRollingUpdate({
    nodeToPods,
    desired: nodeToPods.size,
    maxSurge,
    maxUnavailable,
    hash: "new",
    generation: undefined,
    minReadySeconds: 0,
    now: at(1000),
    shouldRun: () => true,
    ...extra,
  });
}

test("TestDaemonSetUpdatesPods: 5 available old pods, maxUnavailable 2 → delete 2", () => {
  const p = plan(
    nodes(5, (i) => [pod(`old-${i}`, { node: `node-${i}`, hash: "old", ready: true })]),
    0,
    2,
  );
  assert.deepEqual(p, { podsToDelete: ["old-0", "old-1"], nodesToCreate: [] });
});

test("TestDaemonSetUpdatesWhenNewPodIsNotReady: unready new pods consume the budget", () => {
  const m = nodes(5, (i) =>
    i < 2
      ? [pod(`new-${i}`, { node: `node-${i}`, hash: "new" })]
      : [pod(`old-${i}`, { node: `node-${i}`, hash: "old", ready: true })],
  );
  assert.deepEqual(plan(m, 0, 2).podsToDelete, []);
});

test("TestDaemonSetUpdatesAllOldPodsNotReady: every unavailable old pod is replaced at once", () => {
  const p = plan(
    nodes(5, (i) => [pod(`old-${i}`, { node: `node-${i}`, hash: "old" })]),
    0,
    1,
  );
  assert.equal(p.podsToDelete.length, 5);
});

test("TestDaemonSetUpdatesSomeOldPodsNotReady: unavailable first, available only within the budget", () => {
  const m = nodes(5, (i) => [pod(`old-${i}`, { node: `node-${i}`, hash: "old", ready: i >= 2 })]);
  assert.deepEqual(plan(m, 0, 2).podsToDelete, ["old-0", "old-1"]);
  assert.deepEqual(plan(m, 0, 3).podsToDelete, ["old-0", "old-1", "old-2"]);
});

test("empty desired nodes and nodes with old+new or duplicates count as unavailable", () => {
  const m = nodes(3, (i) => (i === 0 ? [] : [pod(`old-${i}`, { node: `node-${i}`, hash: "old", ready: true })]));
  assert.deepEqual(plan(m, 0, 1).podsToDelete, []);
  assert.deepEqual(plan(m, 0, 2).podsToDelete, ["old-1"]);
  const terminating = nodes(2, (i) => [
    pod(`old-${i}`, { node: `node-${i}`, hash: "old", ready: true, deleting: i === 0 }),
  ]);
  assert.deepEqual(plan(terminating, 0, 1).podsToDelete, [], "a node whose only pod is terminating uses the slot");
});

test("TestDaemonSetUpdatesNoTemplateChanged: nothing to do when all pods are new", () => {
  assert.deepEqual(
    plan(
      nodes(3, (i) => [pod(`n-${i}`, { node: `node-${i}`, hash: "new", ready: true })]),
      0,
      1,
    ),
    {
      podsToDelete: [],
      nodesToCreate: [],
    },
  );
});

test("TestDaemonSetUpdatesPodsWithMaxSurge: create maxSurge, then swap as new pods become available", () => {
  const start = nodes(5, (i) => [pod(`old-${i}`, { node: `node-${i}`, hash: "old", ready: true })]);
  assert.deepEqual(plan(start, 2, 0), { podsToDelete: [], nodesToCreate: ["node-0", "node-1"] });
  const surging = nodes(5, (i) =>
    i < 2
      ? [
          pod(`old-${i}`, { node: `node-${i}`, hash: "old", ready: true }),
          pod(`new-${i}`, { node: `node-${i}`, hash: "new", created: 1 }),
        ]
      : [pod(`old-${i}`, { node: `node-${i}`, hash: "old", ready: true })],
  );
  assert.deepEqual(plan(surging, 2, 0), { podsToDelete: [], nodesToCreate: [] }, "surge budget in use");
  const ready = nodes(5, (i) =>
    i < 2
      ? [
          pod(`old-${i}`, { node: `node-${i}`, hash: "old", ready: true }),
          pod(`new-${i}`, { node: `node-${i}`, hash: "new", created: 1, ready: true }),
        ]
      : [pod(`old-${i}`, { node: `node-${i}`, hash: "old", ready: true })],
  );
  assert.deepEqual(plan(ready, 2, 0), { podsToDelete: ["old-0", "old-1"], nodesToCreate: ["node-2", "node-3"] });
});

test("TestDaemonSetUpdatesAllOldPodsNotReadyMaxSurge: unavailable old pods get a new pod immediately", () => {
  const p = plan(
    nodes(5, (i) => [pod(`old-${i}`, { node: `node-${i}`, hash: "old" })]),
    1,
    0,
  );
  assert.deepEqual(p.nodesToCreate, ["node-0", "node-1", "node-2", "node-3", "node-4"]);
});

test("TestDaemonSetUpdatesPodsNotMatchTainstWithMaxSurge: old pods on nodes no longer wanted go once others are available", () => {
  const m = nodes(3, (i) => [pod(`old-${i}`, { node: `node-${i}`, hash: "old", ready: true })]);
  const shouldRun = (n: string) => n !== "node-0";
  // desired 2, available 3 → one pod may go from the unwanted node
  assert.deepEqual(plan(m, 1, 0, { shouldRun, desired: 2 }), { podsToDelete: ["old-0"], nodesToCreate: ["node-1"] });
  assert.deepEqual(plan(m, 1, 0, { shouldRun, desired: 3 }).podsToDelete, [], "not enough availability yet");
  const unavailable = nodes(1, () => [pod("old-0", { node: "node-0", hash: "old" })]);
  assert.deepEqual(plan(unavailable, 1, 0, { shouldRun: () => false, desired: 0 }).podsToDelete, ["old-0"]);
  assert.throws(() => plan(m, 1, 0, { shouldRun: () => undefined }), /couldn't get node/);
});
