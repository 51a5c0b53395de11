import assert from "node:assert/strict";
import { test } from "node:test";
import { isPodAvailable, isPodReady, isPodTerminal } from "./pod-conditions.ts";

const pod = (status: string, since: string, phase = "Running") => ({
  metadata: {},
  status: { phase, conditions: [{ type: "Ready", status, lastTransitionTime: since }] },
});

test("ready and available (Ready for longer than minReadySeconds)", () => {
  const now = new Date("2026-01-01T00:00:10Z");
  assert.equal(isPodReady(pod("True", "2026-01-01T00:00:00Z")), true);
  assert.equal(isPodReady(pod("False", "2026-01-01T00:00:00Z")), false);
  assert.equal(isPodAvailable(pod("True", "2026-01-01T00:00:09Z"), 0, now), true);
  assert.equal(isPodAvailable(pod("True", "2026-01-01T00:00:00Z"), 9, now), true);
  assert.equal(isPodAvailable(pod("True", "2026-01-01T00:00:00Z"), 10, now), false, "strictly longer");
  assert.equal(isPodAvailable(pod("False", "2026-01-01T00:00:00Z"), 0, now), false);
  assert.equal(isPodTerminal(pod("False", "2026-01-01T00:00:00Z", "Failed")), true);
  assert.equal(isPodTerminal(pod("True", "2026-01-01T00:00:00Z")), false);
});
