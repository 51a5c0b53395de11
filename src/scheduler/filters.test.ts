import assert from "node:assert/strict";
import { test } from "node:test";
import {
  nodeAffinityFilter,
  nodeNameFilter,
  nodeUnschedulableFilter,
  podToSchedule,
  preFilterNodeNames,
  REASON_NODE_AFFINITY,
  REASON_NODE_NAME,
  REASON_TOO_MANY_PODS,
  REASON_UNSCHEDULABLE,
  resourcesFitFilter,
  runFilters,
  taintTolerationFilter,
} from "./filters.ts";
import { SchedulerCache } from "./node-info.ts";
import { makeNode, makePod } from "./test-fixtures.ts";

test("NodeUnschedulable: cordoned nodes reject pods unless they tolerate the unschedulable taint", () => {
  const cordoned = makeNode("n", { unschedulable: true });
  assert.deepEqual(nodeUnschedulableFilter(makePod("p"), cordoned), {
    reasons: [REASON_UNSCHEDULABLE],
    unresolvable: true,
  });
  assert.equal(nodeUnschedulableFilter(makePod("p"), makeNode("n")), undefined);
  const tolerating = makePod("p", {
    tolerations: [{ key: "node.kubernetes.io/unschedulable", operator: "Exists", effect: "NoSchedule" }],
  });
  assert.equal(nodeUnschedulableFilter(tolerating, cordoned), undefined);
  const wrongEffect = makePod("p", {
    tolerations: [{ key: "node.kubernetes.io/unschedulable", operator: "Exists", effect: "NoExecute" }],
  });
  assert.ok(nodeUnschedulableFilter(wrongEffect, cordoned));
});

test("NodeName: a pod naming another node does not fit", () => {
  assert.equal(nodeNameFilter(makePod("p"), makeNode("a")), undefined);
  assert.equal(nodeNameFilter(makePod("p", { nodeName: "a" }), makeNode("a")), undefined);
  assert.deepEqual(nodeNameFilter(makePod("p", { nodeName: "b" }), makeNode("a"))?.reasons, [REASON_NODE_NAME]);
});

test("TaintToleration: first untolerated NoSchedule/NoExecute taint, in upstream's {key: value} form", () => {
  const cases: Array<[string, any[], any[] | undefined, string | undefined]> = [
    [
      "control-plane taint without value",
      [{ key: "node-role.kubernetes.io/control-plane", effect: "NoSchedule" }],
      undefined,
      "node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }",
    ],
    [
      "value shown",
      [{ key: "dedicated", value: "gpu", effect: "NoExecute" }],
      undefined,
      "node(s) had untolerated taint {dedicated: gpu}",
    ],
    ["PreferNoSchedule ignored", [{ key: "soft", effect: "PreferNoSchedule" }], undefined, undefined],
    [
      "tolerated by Exists",
      [{ key: "dedicated", value: "gpu", effect: "NoSchedule" }],
      [{ key: "dedicated", operator: "Exists" }],
      undefined,
    ],
    [
      "value mismatch",
      [{ key: "dedicated", value: "gpu", effect: "NoSchedule" }],
      [{ key: "dedicated", operator: "Equal", value: "cpu" }],
      "node(s) had untolerated taint {dedicated: gpu}",
    ],
    [
      "second taint reported when first tolerated",
      [
        { key: "a", effect: "NoSchedule" },
        { key: "b", value: "x", effect: "NoSchedule" },
      ],
      [{ key: "a", operator: "Exists" }],
      "node(s) had untolerated taint {b: x}",
    ],
  ];
  for (const [name, taints, tolerations, want] of cases) {
    const got = taintTolerationFilter(makePod("p", { tolerations }), makeNode("n", { taints }));
    assert.equal(got?.reasons[0], want, name);
    if (got) assert.equal(got.unresolvable, true, name);
  }
});

test("NodeAffinity: nodeSelector and required terms", () => {
  const node = makeNode("n", { labels: { color: "blue" } });
  assert.equal(nodeAffinityFilter(makePod("p", { nodeSelector: { color: "blue" } }), node), undefined);
  assert.deepEqual(nodeAffinityFilter(makePod("p", { nodeSelector: { color: "red" } }), node)?.reasons, [
    REASON_NODE_AFFINITY,
  ]);
  assert.equal(nodeAffinityFilter(makePod("p", { pinnedTo: "n" }), node), undefined);
  assert.ok(nodeAffinityFilter(makePod("p", { pinnedTo: "other" }), node));
});

test("NodeResourcesFit: free room, pod slots, extended resources, unresolvable when larger than the node", () => {
  const cache = new SchedulerCache();
  cache.setNode(makeNode("n", { cpu: "1", memory: "1Gi", pods: "2", extra: { "example.com/gpu": "1" } }));
  const info = cache.node("n")!;
  const fit = (o: Parameters<typeof makePod>[1]) => resourcesFitFilter(podToSchedule(makePod("x", o)).requests, info);
  assert.equal(fit({ cpu: "600m" }), undefined);
  cache.assume(makePod("a", { cpu: "600m" }), "n");
  assert.deepEqual(fit({ cpu: "600m" }), { reasons: ["Insufficient cpu"], unresolvable: false });
  assert.deepEqual(fit({ cpu: "2" }), { reasons: ["Insufficient cpu"], unresolvable: true });
  assert.deepEqual(fit({ cpu: "500m", memory: "2Gi" }), {
    reasons: ["Insufficient cpu", "Insufficient memory"],
    unresolvable: true,
  });
  assert.deepEqual(fit({ extraRequests: { "example.com/gpu": "2" } })?.reasons, ["Insufficient example.com/gpu"]);
  assert.deepEqual(fit({ extraRequests: { "example.com/fpga": "1" } })?.reasons, ["Insufficient example.com/fpga"]);
  // A pod without requests still needs a pod slot.
  assert.equal(fit({}), undefined);
  cache.assume(makePod("b"), "n");
  assert.deepEqual(fit({})?.reasons, [REASON_TOO_MANY_PODS]);
  assert.deepEqual(fit({ cpu: "600m" })?.reasons, [REASON_TOO_MANY_PODS, "Insufficient cpu"]);
});

test("runFilters stops at the first failing filter, in upstream order", () => {
  const cache = new SchedulerCache();
  cache.setNode(
    makeNode("n", { unschedulable: true, taints: [{ key: "t", effect: "NoSchedule" }], labels: { a: "b" }, cpu: "1" }),
  );
  const info = cache.node("n")!;
  const p = podToSchedule(makePod("p", { nodeSelector: { a: "c" }, cpu: "4" }));
  assert.deepEqual(runFilters(p, info)?.reasons, [REASON_UNSCHEDULABLE]);
  cache.setNode(makeNode("n", { taints: [{ key: "t", effect: "NoSchedule" }], labels: { a: "b" }, cpu: "1" }));
  assert.deepEqual(runFilters(p, info)?.reasons, ["node(s) had untolerated taint {t: }"]);
  cache.setNode(makeNode("n", { labels: { a: "b" }, cpu: "1" }));
  assert.deepEqual(runFilters(p, info)?.reasons, [REASON_NODE_AFFINITY]);
  cache.setNode(makeNode("n", { labels: { a: "c" }, cpu: "1" }));
  assert.deepEqual(runFilters(p, info)?.reasons, ["Insufficient cpu"]);
  cache.setNode(makeNode("n", { labels: { a: "c" }, cpu: "4" }));
  assert.equal(runFilters(p, info), undefined);
});

test("preFilterNodeNames: only when every required term names nodes by matchFields", () => {
  assert.equal(preFilterNodeNames(makePod("p")), undefined);
  assert.deepEqual(preFilterNodeNames(makePod("p", { pinnedTo: "n1" })), new Set(["n1"]));
  const terms = (t: any[]) => ({
    nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: t } },
  });
  const byName = (n: string) => ({ key: "metadata.name", operator: "In", values: [n] });
  assert.deepEqual(
    preFilterNodeNames(
      makePod("p", { affinity: terms([{ matchFields: [byName("a")] }, { matchFields: [byName("b")] }]) }),
    ),
    new Set(["a", "b"]),
  );
  assert.equal(
    preFilterNodeNames(
      makePod("p", {
        affinity: terms([{ matchFields: [byName("a")] }, { matchExpressions: [{ key: "x", operator: "Exists" }] }]),
      }),
    ),
    undefined,
  );
  assert.deepEqual(
    preFilterNodeNames(makePod("p", { affinity: terms([{ matchFields: [byName("a"), byName("b")] }]) })),
    new Set(),
  );
});
