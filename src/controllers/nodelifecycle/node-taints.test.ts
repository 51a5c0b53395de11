import assert from "node:assert/strict";
import { test } from "node:test";
import { changedTaints, desiredNoScheduleTaints, noScheduleTaintDiff } from "./node-taints.ts";

const node = (conditions: Array<{ type: string; status: string }>, taints: unknown[] = [], unschedulable = false) => ({
  metadata: { name: "n" },
  spec: { taints, unschedulable },
  status: { conditions },
});

test("conditions and cordon map to NoSchedule taints", () => {
  const n = node(
    [
      { type: "Ready", status: "Unknown" },
      { type: "MemoryPressure", status: "True" },
      { type: "DiskPressure", status: "False" },
      { type: "PIDPressure", status: "True" },
      { type: "NetworkUnavailable", status: "True" },
    ],
    [],
    true,
  );
  assert.deepEqual(
    desiredNoScheduleTaints(n).map((t) => t.key),
    [
      "node.kubernetes.io/unreachable",
      "node.kubernetes.io/memory-pressure",
      "node.kubernetes.io/pid-pressure",
      "node.kubernetes.io/network-unavailable",
      "node.kubernetes.io/unschedulable",
    ],
  );
  assert.deepEqual(desiredNoScheduleTaints(node([{ type: "Ready", status: "False" }])), [
    { key: "node.kubernetes.io/not-ready", effect: "NoSchedule" },
  ]);
  assert.deepEqual(desiredNoScheduleTaints(node([{ type: "Ready", status: "True" }])), []);
});

test("diff removes stale managed taints and leaves foreign and NoExecute ones alone", () => {
  const n = node(
    [{ type: "Ready", status: "False" }],
    [
      { key: "node.kubernetes.io/unreachable", effect: "NoSchedule" },
      { key: "node.kubernetes.io/unreachable", effect: "NoExecute" },
      { key: "dedicated", value: "gpu", effect: "NoSchedule" },
      { key: "node.kubernetes.io/unschedulable", effect: "NoSchedule" },
    ],
  );
  assert.deepEqual(noScheduleTaintDiff(n), {
    add: [{ key: "node.kubernetes.io/not-ready", effect: "NoSchedule" }],
    remove: [
      { key: "node.kubernetes.io/unreachable", effect: "NoSchedule" },
      { key: "node.kubernetes.io/unschedulable", effect: "NoSchedule" },
    ],
  });
  const settled = node(
    [{ type: "Ready", status: "True" }],
    [{ key: "node.kubernetes.io/unschedulable", effect: "NoSchedule" }],
    true,
  );
  assert.deepEqual(noScheduleTaintDiff(settled), { add: [], remove: [] });
});

test("changedTaints swaps, keeps the first timeAdded, and reports no change as undefined", () => {
  const old = { key: "node.kubernetes.io/not-ready", effect: "NoExecute", timeAdded: "2026-01-01T00:00:00Z" };
  const mine = { key: "mine", effect: "NoSchedule" };
  const unreachable = { key: "node.kubernetes.io/unreachable", effect: "NoExecute", timeAdded: "2026-01-01T00:01:00Z" };
  assert.deepEqual(changedTaints([mine, old], [unreachable], [old]), [mine, unreachable]);
  assert.equal(changedTaints([mine, old], [{ ...old, timeAdded: "2026-02-02T00:00:00Z" }], []), undefined);
  assert.equal(changedTaints([mine], [], [old]), undefined);
  assert.deepEqual(changedTaints([old], [], [old]), []);
});
