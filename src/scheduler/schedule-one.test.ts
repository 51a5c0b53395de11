import assert from "node:assert/strict";
import { test } from "node:test";
import { podToSchedule } from "./filters.ts";
import { SchedulerCache } from "./node-info.ts";
import { numFeasibleNodesToFind, SchedulingAlgorithm } from "./schedule-one.ts";
import { makeNode, makePod } from "./test-fixtures.ts";

function setup(...nodes: ReturnType<typeof makeNode>[]) {
  const cache = new SchedulerCache();
  for (const n of nodes) cache.setNode(n);
  return { cache, algo: new SchedulingAlgorithm(cache) };
}

test("no nodes at all", () => {
  const { algo } = setup();
  assert.deepEqual(algo.schedule(podToSchedule(makePod("p"))), {
    unschedulable: true,
    message: "no nodes available to schedule pods",
  });
});

test("the §8.6 cluster: a tainted control plane and two workers too small for the pod", () => {
  const { algo } = setup(
    makeNode("cp", { taints: [{ key: "node-role.kubernetes.io/control-plane", effect: "NoSchedule" }] }),
    makeNode("w1", { cpu: "2" }),
    makeNode("w2", { cpu: "2" }),
  );
  const r = algo.schedule(podToSchedule(makePod("p", { cpu: "8" })));
  assert.ok("unschedulable" in r);
  assert.equal(
    r.message,
    "0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 Insufficient cpu. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.",
  );
});

test("least requested node wins; ties go to the smallest name", () => {
  const { cache, algo } = setup(makeNode("b"), makeNode("a"), makeNode("c"));
  const place = (name: string) => {
    const r = algo.schedule(podToSchedule(makePod(name, { cpu: "1", memory: "1Gi" })));
    assert.ok("node" in r);
    cache.assume(makePod(name, { cpu: "1", memory: "1Gi" }), r.node);
    return r.node;
  };
  assert.deepEqual([place("p1"), place("p2"), place("p3"), place("p4")], ["a", "b", "c", "a"]);
});

test("PreferNoSchedule taints and preferred affinity steer the choice", () => {
  const { algo } = setup(
    makeNode("a", { taints: [{ key: "soft", effect: "PreferNoSchedule" }] }),
    makeNode("b"),
    makeNode("c", { labels: { zone: "z1" } }),
  );
  const plain = algo.schedule(podToSchedule(makePod("p")));
  assert.ok("node" in plain && plain.node === "b", "the untainted node with the smallest name");
  const preferring = makePod("q", {
    affinity: {
      nodeAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: [
          { weight: 10, preference: { matchExpressions: [{ key: "zone", operator: "In", values: ["z1"] }] } },
        ],
      },
    },
  });
  const r = algo.schedule(podToSchedule(preferring));
  assert.ok("node" in r && r.node === "c");
});

test("a pinned (daemon) pod is judged on its node only; the others count as NodeAffinity misses", () => {
  const { cache, algo } = setup(makeNode("n1", { cpu: "1" }), makeNode("n2"), makeNode("n3"));
  const ok = algo.schedule(podToSchedule(makePod("ds-1", { pinnedTo: "n1", cpu: "500m" })));
  assert.deepEqual(ok, { node: "n1", evaluatedNodes: 1 });
  cache.assume(makePod("ds-1", { pinnedTo: "n1", cpu: "500m" }), "n1");
  const full = algo.schedule(podToSchedule(makePod("other", { pinnedTo: "n1", cpu: "600m" })));
  assert.ok("unschedulable" in full);
  assert.equal(
    full.message,
    "0/3 nodes are available: 1 Insufficient cpu, 2 node(s) didn't satisfy plugin(s) [NodeAffinity]. preemption: 0/3 nodes are available: 1 No preemption victims found for incoming pod, 2 Preemption is not helpful for scheduling.",
  );
  const missing = algo.schedule(podToSchedule(makePod("lost", { pinnedTo: "gone" })));
  assert.ok("unschedulable" in missing);
  assert.equal(
    missing.message,
    "0/3 nodes are available: 3 node(s) didn't satisfy plugin(s) [NodeAffinity]. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.",
  );
});

test("10,000 daemon pods on 10,000 nodes: one node each, linear time", () => {
  const cache = new SchedulerCache();
  const n = 10_000;
  for (let i = 0; i < n; i++) cache.setNode(makeNode(`node-${i}`));
  const algo = new SchedulingAlgorithm(cache);
  const started = performance.now();
  let evaluated = 0;
  for (let i = 0; i < n; i++) {
    const pod = makePod(`ds-${i}`, { pinnedTo: `node-${i}`, cpu: "10m" });
    const r = algo.schedule(podToSchedule(pod));
    assert.ok("node" in r && r.node === `node-${i}`);
    evaluated += r.evaluatedNodes;
    cache.assume(pod, r.node);
  }
  assert.equal(evaluated, n, "each pod looked at exactly one node");
  // Generous bound: an O(n²) scan would take minutes here.
  assert.ok(performance.now() - started < 10_000);
});

test("large clusters score a sample of nodes and rotate the starting point", () => {
  assert.equal(numFeasibleNodesToFind(50), 50);
  assert.equal(numFeasibleNodesToFind(1000), 420);
  assert.equal(numFeasibleNodesToFind(5000), 500);
  assert.equal(numFeasibleNodesToFind(100), 100);
  const cache = new SchedulerCache();
  for (let i = 0; i < 1000; i++) cache.setNode(makeNode(`n${String(i).padStart(4, "0")}`));
  const algo = new SchedulingAlgorithm(cache);
  const r1 = algo.schedule(podToSchedule(makePod("a")));
  const r2 = algo.schedule(podToSchedule(makePod("b")));
  assert.ok("node" in r1 && "node" in r2);
  assert.equal(r1.evaluatedNodes, 420);
  assert.equal(r1.node, "n0000");
  assert.equal(r2.node, "n0420", "the second scan starts where the first stopped");
});

test("cache: bound pods count, terminal ones stop counting, assumed pods are forgotten on failure", () => {
  const cache = new SchedulerCache();
  cache.setNode(makeNode("n", { cpu: "1" }));
  const bound = makePod("a", { cpu: "300m", nodeName: "n" });
  cache.setPod(bound);
  assert.equal(cache.node("n")!.requested.milliCPU, 300);
  cache.setPod({ ...bound, status: { phase: "Succeeded" } });
  assert.equal(cache.node("n")!.requested.milliCPU, 0);
  const p = makePod("b", { cpu: "400m" });
  cache.assume(p, "n");
  assert.ok(cache.isAssumed(p));
  // The informer still shows it unbound (e.g. our own status patch): the assumption stays.
  cache.setPod(p);
  assert.equal(cache.node("n")!.requested.milliCPU, 400);
  cache.setPod({ ...p, spec: { ...p.spec, nodeName: "n" } });
  assert.ok(!cache.isAssumed(p), "confirmed by the bound pod");
  assert.equal(cache.node("n")!.podCount, 1);
  const q = makePod("c", { cpu: "100m" });
  cache.assume(q, "n");
  cache.forget(q);
  assert.equal(cache.node("n")!.requested.milliCPU, 400);
  // Pods on a node the cache does not know yet are kept and count once it appears.
  cache.setPod(makePod("d", { cpu: "250m", nodeName: "late" }));
  assert.equal(cache.node("late"), undefined);
  assert.equal(cache.numNodes(), 1);
  cache.setNode(makeNode("late"));
  assert.equal(cache.node("late")!.requested.milliCPU, 250);
  cache.removeNode("late");
  assert.equal(cache.numNodes(), 1);
  assert.deepEqual(
    cache.nodeList().map((i) => i.name),
    ["n"],
  );
});
