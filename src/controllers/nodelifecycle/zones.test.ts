import assert from "node:assert/strict";
import { test } from "node:test";
import { computeZoneState, isExcludedFromDisruptionChecks, zoneKey, zoneTaintingQps } from "./zones.ts";

const node = (labels?: Record<string, string>) => ({ metadata: { name: "n", labels } });

test("zone key joins region and zone; a node without either is in the empty zone", () => {
  assert.equal(zoneKey(node()), "");
  assert.equal(
    zoneKey(node({ "topology.kubernetes.io/region": "r1", "topology.kubernetes.io/zone": "z1" })),
    "r1:\x00:z1",
  );
  assert.equal(zoneKey(node({ "topology.kubernetes.io/zone": "z1" })), ":\x00:z1");
  assert.equal(zoneKey(node({ "failure-domain.beta.kubernetes.io/region": "old" })), "old:\x00:", "beta label");
});

test("exclude-disruption label takes a node out of zone health", () => {
  assert.equal(isExcludedFromDisruptionChecks(node({ "node.kubernetes.io/exclude-disruption": "" })), true);
  assert.equal(isExcludedFromDisruptionChecks(node({})), false);
});

test("zone state: no ready node is full disruption, >2 and >=55% not ready is partial, else normal", () => {
  assert.deepEqual(computeZoneState(["Unknown"], 0.55), { unhealthy: 1, state: "FullDisruption" });
  assert.deepEqual(computeZoneState([undefined, "False"], 0.55), { unhealthy: 2, state: "FullDisruption" });
  assert.equal(computeZoneState(["True", "Unknown", "Unknown"], 0.55).state, "Normal", "2 not ready is never partial");
  assert.equal(computeZoneState(["True", "True", "Unknown", "Unknown", "Unknown"], 0.55).state, "PartialDisruption");
  assert.equal(
    computeZoneState(["True", "True", "True", "Unknown", "Unknown", "Unknown"], 0.55).state,
    "Normal",
    "50% is under the threshold",
  );
  assert.equal(computeZoneState([], 0.55).state, "Normal");
});

test("tainting rate per zone state: secondary rate only for large zones in partial disruption", () => {
  const rates = { nodeEvictionRate: 0.1, secondaryNodeEvictionRate: 0.01, largeClusterSizeThreshold: 50 };
  assert.equal(zoneTaintingQps("Normal", 10, rates), 0.1);
  assert.equal(zoneTaintingQps("FullDisruption", 10, rates), 0.1);
  assert.equal(zoneTaintingQps("PartialDisruption", 50, rates), 0);
  assert.equal(zoneTaintingQps("PartialDisruption", 51, rates), 0.01);
  assert.equal(zoneTaintingQps("Initial", 51, rates), undefined);
});
