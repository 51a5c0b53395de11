import assert from "node:assert/strict";
import { test } from "node:test";
import { assessNodeHealth, type NodeHealth, rfc3339 } from "./node-health.ts";

const T0 = Date.parse("2026-01-01T00:00:00Z");
const opts = { gracePeriodMs: 50_000, startupGracePeriodMs: 60_000 };
const created = "2025-12-31T00:00:00Z";

function node(ready?: { status: string; hb: string; ltt?: string }) {
  const conditions = ready
    ? [
        { type: "Ready", status: ready.status, lastHeartbeatTime: ready.hb, lastTransitionTime: ready.ltt ?? created },
        { type: "MemoryPressure", status: "False", lastHeartbeatTime: ready.hb, lastTransitionTime: created },
      ]
    : [];
  return { metadata: { name: "n1", creationTimestamp: created }, status: { conditions } };
}

test("first sight starts the grace period at the controller's now, whatever the old heartbeat says", () => {
  const n = node({ status: "True", hb: "2025-01-01T00:00:00Z" });
  const a = assessNodeHealth(undefined, n, "2025-01-01T00:00:00.000000Z", T0, opts);
  assert.equal(a.health.probeTimestamp, T0);
  assert.equal(a.writeConditions, undefined);
  const later = assessNodeHealth(a.health, n, "2025-01-01T00:00:00.000000Z", T0 + 50_000, opts);
  assert.equal(later.writeConditions, undefined, "exactly the grace period is still fine");
  const silent = assessNodeHealth(later.health, n, "2025-01-01T00:00:00.000000Z", T0 + 50_001, opts);
  assert.ok(silent.writeConditions);
});

test("a renewed lease or a new heartbeat refreshes the probe time", () => {
  let h: NodeHealth = assessNodeHealth(undefined, node({ status: "True", hb: created }), "L1", T0, opts).health;
  h = assessNodeHealth(
    h,
    node({ status: "True", hb: created }),
    "2026-01-01T00:00:40.000000Z",
    T0 + 40_000,
    opts,
  ).health;
  assert.equal(h.probeTimestamp, T0 + 40_000, "lease renew");
  const older = assessNodeHealth(
    h,
    node({ status: "True", hb: created }),
    "2026-01-01T00:00:30.000000Z",
    T0 + 45_000,
    opts,
  );
  assert.equal(older.health.probeTimestamp, T0 + 40_000, "an older renew time is not a sign of life");
  h = assessNodeHealth(h, node({ status: "True", hb: "2026-01-01T00:01:00Z" }), undefined, T0 + 60_000, opts).health;
  assert.equal(h.probeTimestamp, T0 + 60_000, "heartbeat change");
});

test("a silent node gets every kubelet condition Unknown, missing ones as never updated", () => {
  const n = node({ status: "True", hb: created });
  const h = assessNodeHealth(undefined, n, undefined, T0, opts).health;
  const a = assessNodeHealth(h, n, undefined, T0 + 60_000, opts);
  const byType = Object.fromEntries(a.writeConditions!.map((c) => [c.type, c]));
  assert.deepEqual(byType.Ready, {
    type: "Ready",
    status: "Unknown",
    reason: "NodeStatusUnknown",
    message: "Kubelet stopped posting node status.",
    lastHeartbeatTime: created,
    lastTransitionTime: rfc3339(T0 + 60_000),
  });
  assert.equal(byType.MemoryPressure.reason, "NodeStatusUnknown");
  assert.deepEqual(byType.DiskPressure, {
    type: "DiskPressure",
    status: "Unknown",
    reason: "NodeStatusNeverUpdated",
    message: "Kubelet never posted node status.",
    lastHeartbeatTime: created,
    lastTransitionTime: rfc3339(T0 + 60_000),
  });
  assert.equal(a.observedReady.status, "True");
  assert.equal(a.currentReady?.status, "Unknown");
  assert.equal(a.healthAfterWrite?.readyTransitionTimestamp, T0 + 60_000);
  // After the write the node carries Unknown with the same heartbeat: nothing more to write.
  const written = { ...n, status: { conditions: a.writeConditions } };
  const again = assessNodeHealth(a.healthAfterWrite, written, undefined, T0 + 65_000, opts);
  assert.equal(again.writeConditions, undefined);
  assert.equal(again.observedReady.status, "Unknown");
});

test("a node that never posted Ready gets the startup grace period from its creation", () => {
  const c = Date.parse(created);
  const n = node();
  const a = assessNodeHealth(undefined, n, undefined, c + 60_000, opts);
  assert.equal(a.writeConditions, undefined);
  assert.equal(a.gracePeriodMs, 60_000);
  const b = assessNodeHealth(a.health, n, undefined, c + 60_001, opts);
  assert.equal(b.writeConditions?.length, 4);
  assert.ok(b.writeConditions!.every((x) => x.reason === "NodeStatusNeverUpdated"));
  const withLease = assessNodeHealth(undefined, n, "2026-01-01T00:00:00Z", c + 120_000, opts);
  assert.equal(withLease.writeConditions, undefined, "a renewing lease alone keeps the node alive");
});
