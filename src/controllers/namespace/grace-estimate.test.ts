import assert from "node:assert/strict";
import { test } from "node:test";
import { podGraceEstimateSeconds, requeueDelayMs } from "./grace-estimate.ts";

const pod = (grace: number, phase = "Running") => ({
  metadata: { name: "p" },
  spec: { terminationGracePeriodSeconds: grace },
  status: { phase },
});

test("the longest grace period of non-terminal pods, until the namespace has waited that long", () => {
  const t0 = Date.parse("2026-01-01T00:00:00Z");
  const pods = [pod(30), pod(60), pod(600, "Succeeded")];
  assert.equal(podGraceEstimateSeconds(pods, t0, t0 + 1000), 60);
  assert.equal(podGraceEstimateSeconds(pods, t0, t0 + 60_000), 0);
  assert.equal(podGraceEstimateSeconds([], t0, t0), 0);
});

test("requeue after half the estimate plus a second", () => {
  assert.equal(requeueDelayMs(15), 8000);
  assert.equal(requeueDelayMs(30), 16_000);
});
