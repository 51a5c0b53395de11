import assert from "node:assert/strict";
import { test } from "node:test";
import { evictionDecision, matchingTolerations, minTolerationMs, noExecuteTaints } from "./eviction-time.ts";

const unreachable = { key: "node.kubernetes.io/unreachable", effect: "NoExecute" };
const notReady = { key: "node.kubernetes.io/not-ready", effect: "NoExecute" };
const defaultTolerations = [
  { key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 },
  { key: "node.kubernetes.io/unreachable", operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 },
];
const daemonTolerations = [
  { key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoExecute" },
  { key: "node.kubernetes.io/unreachable", operator: "Exists", effect: "NoExecute" },
];

test("only NoExecute taints count", () => {
  assert.deepEqual(noExecuteTaints([{ key: "a", effect: "NoSchedule" }, unreachable]), [unreachable]);
  assert.deepEqual(noExecuteTaints(undefined), []);
});

test("matching tolerations: all taints must be tolerated; used ones are collected once", () => {
  assert.deepEqual(matchingTolerations([unreachable], [{ operator: "Exists" }]), {
    allTolerated: true,
    used: [{ operator: "Exists" }],
  });
  assert.equal(
    matchingTolerations([unreachable, { key: "x", effect: "NoExecute" }], defaultTolerations).allTolerated,
    false,
  );
});

test("minimum toleration time: none set is forever, <= 0 is now", () => {
  assert.equal(minTolerationMs([{ tolerationSeconds: 300 }, { tolerationSeconds: 60 }, {}]), 60_000);
  assert.equal(minTolerationMs([{}]), -1);
  assert.equal(minTolerationMs([{ tolerationSeconds: 300 }, { tolerationSeconds: 0 }]), 0);
  assert.equal(minTolerationMs([{ tolerationSeconds: -5 }]), 0);
  assert.equal(minTolerationMs([]), 0);
});

test("decisions for ordinary, daemon and untolerating pods", () => {
  assert.deepEqual(evictionDecision([unreachable], defaultTolerations), { kind: "after", delayMs: 300_000 });
  assert.deepEqual(evictionDecision([unreachable, notReady], defaultTolerations), { kind: "after", delayMs: 300_000 });
  assert.deepEqual(evictionDecision([unreachable], daemonTolerations), { kind: "none" });
  assert.deepEqual(evictionDecision([unreachable], []), { kind: "now" });
  assert.deepEqual(evictionDecision([], []), { kind: "none" });
  assert.deepEqual(
    evictionDecision([unreachable], [...daemonTolerations, { operator: "Exists", tolerationSeconds: 10 }]),
    { kind: "after", delayMs: 10_000 },
    "the shortest of the matching tolerations wins",
  );
});
