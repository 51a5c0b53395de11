import assert from "node:assert/strict";
import { after, afterEach, before, test } from "node:test";
import type { KubeObject } from "../../api/object.ts";
import { EVENTS, NODES, PODS } from "../../client/client.ts";
import { NodeLifecycleController } from "./node-lifecycle-controller.ts";
import { deleteAllNodes, type Harness, postReady, registerNode, sleep, startHarness, until } from "./test-support.ts";

let h: Harness;

before(async () => {
  h = await startHarness();
});

afterEach(async () => {
  await h.stopControllers();
  await deleteAllNodes(h);
});

after(async () => {
  await h.close();
});

const getNode = (name: string) => h.client.get(NODES, "", name);
const ready = (n: KubeObject) => n.status.conditions.find((c: { type: string }) => c.type === "Ready");
const taints = (n: KubeObject): string[] =>
  ((n.spec?.taints ?? []) as Array<{ key: string; effect: string }>).map((t) => `${t.key}:${t.effect}`);
const UNREACHABLE_NO_SCHEDULE = "node.kubernetes.io/unreachable:NoSchedule";
const UNREACHABLE_NO_EXECUTE = "node.kubernetes.io/unreachable:NoExecute";

/** Moves time in 1 s steps; agents of the `live` nodes renew their Lease every 10 s. */
async function advance(ms: number, live: readonly string[] = [], onStep?: () => Promise<void>): Promise<void> {
  for (let t = 0; t < ms; t += 1000) {
    h.clock.advance(1000);
    if (Math.floor(h.clock.now() / 1000) % 10 === 0 && live.length > 0) await h.renewLeasesSeen(live);
    await sleep(3);
    await onStep?.();
  }
}

/** Steps time (1 s at a time, up to `maxMs`) until `cond` holds. */
async function advanceUntil(cond: () => Promise<boolean>, what: string, maxMs: number, live: string[] = []) {
  for (let t = 0; t <= maxMs; t += 1000) {
    if (await cond()) return;
    await advance(1000, live);
  }
  await until(cond, what, 1000);
}

async function eventsFor(reason: string): Promise<KubeObject[]> {
  return (await h.client.list(EVENTS, "default")).items.filter((e) => e.reason === reason);
}

test("a silent node turns Unknown, is tainted NoSchedule at once and NoExecute through the zone's rate limiter, and recovers", async () => {
  for (const n of ["n1", "n2", "n3", "n4", "n5"]) await registerNode(h, n);
  await h.client.create(PODS, "default", {
    metadata: { name: "p1" },
    spec: { containers: [{ name: "c", image: "busybox" }] },
  });
  await h.client.bind("default", "p1", "n1");
  await h.client.patch(
    PODS,
    "default",
    "p1",
    "strategic",
    { status: { phase: "Running", conditions: [{ type: "Ready", status: "True" }] } },
    { subresource: "status" },
  );
  const c = await h.run((ctx) => new NodeLifecycleController(ctx));
  await until(() => c.passes >= 1, "first pass");
  await until(async () => (await eventsFor("RegisteredNode")).length === 5, "RegisteredNode events");
  assert.equal(
    (await eventsFor("RegisteredNode")).find((e) => e.involvedObject.name === "n1")?.message,
    "Node n1 event: Registered Node n1 in Controller",
  );

  const live = ["n3", "n4", "n5"];
  await advance(45_000, live);
  assert.equal(ready(await getNode("n1")).status, "True", "still within the grace period");

  await advanceUntil(async () => ready(await getNode("n1")).status === "Unknown", "n1 Unknown", 15_000, live);
  const n1 = await getNode("n1");
  assert.equal(ready(n1).reason, "NodeStatusUnknown");
  assert.equal(ready(n1).message, "Kubelet stopped posting node status.");
  for (const type of ["MemoryPressure", "DiskPressure", "PIDPressure"]) {
    assert.equal(n1.status.conditions.find((x: { type: string }) => x.type === type).status, "Unknown", type);
  }
  // NoSchedule follows the condition without waiting for time to pass.
  await until(async () => taints(await getNode("n1")).includes(UNREACHABLE_NO_SCHEDULE), "unreachable:NoSchedule");
  await until(async () => {
    const p = await h.client.get(PODS, "default", "p1");
    return p.status.conditions.find((x: { type: string }) => x.type === "Ready")?.status === "False";
  }, "pod marked not ready");
  await until(
    async () =>
      (await eventsFor("NodeNotReady")).some(
        (e) => e.involvedObject.kind === "Node" && e.message === "Node n1 status is now: NodeNotReady",
      ),
    "NodeNotReady event",
  );
  for (const n of live) assert.equal(ready(await getNode(n)).status, "True", `${n} renews its lease`);

  // n1 and n2 went silent together: 2 of 5 is a normal zone, tainted one node per 10 s.
  const taintedAt = new Map<string, number>();
  const noteTaints = async () => {
    for (const n of ["n1", "n2"]) {
      if (!taintedAt.has(n) && taints(await getNode(n)).includes(UNREACHABLE_NO_EXECUTE)) {
        taintedAt.set(n, h.clock.now());
      }
    }
  };
  for (let t = 0; t < 40_000 && taintedAt.size < 2; t += 1000) {
    await advance(1000, live);
    await sleep(10);
    await noteTaints();
  }
  assert.equal(taintedAt.size, 2, "both silent nodes tainted NoExecute");
  const [first, second] = [...taintedAt.values()].sort((a, b) => a - b);
  assert.ok(second! - first! >= 9_000, `rate limited: ${second! - first!} ms apart`);
  const noExecute = (await getNode("n1")).spec.taints.find((t: { effect: string }) => t.effect === "NoExecute");
  assert.match(noExecute.timeAdded, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);

  // The agent comes back: taints go, and Ready stays as the node wrote it.
  await h.renewLeasesSeen(["n1"]);
  await postReady(h, "n1");
  live.push("n1");
  await advanceUntil(
    async () => !taints(await getNode("n1")).some((t) => t.startsWith("node.kubernetes.io/unreachable")),
    "n1 untainted",
    10_000,
    live,
  );
  await advance(10_000, live);
  const back = await getNode("n1");
  assert.equal(ready(back).status, "True");
  assert.equal(ready(back).reason, "KubeletReady");
  assert.deepEqual(taints(back), []);
  assert.ok(taints(await getNode("n2")).includes(UNREACHABLE_NO_EXECUTE), "n2 stays tainted");
});

test("when every node goes silent the zone is fully disrupted and no NoExecute taint is applied", async () => {
  for (const n of ["m1", "m2", "m3"]) await registerNode(h, n);
  const c = await h.run((ctx) => new NodeLifecycleController(ctx));
  await until(() => c.passes >= 1, "first pass");
  assert.equal(c.zoneState(""), "Normal");
  let sawNoExecute = false;
  const check = async () => {
    for (const n of ["m1", "m2", "m3"])
      if (taints(await getNode(n)).includes(UNREACHABLE_NO_EXECUTE)) sawNoExecute = true;
  };
  await advance(60_000, [], check);
  await until(async () => {
    for (const n of ["m1", "m2", "m3"]) if (ready(await getNode(n)).status !== "Unknown") return false;
    return true;
  }, "all Unknown");
  await advance(30_000, [], check);
  assert.equal(c.zoneState(""), "FullDisruption");
  assert.equal(sawNoExecute, false);
  for (const n of ["m1", "m2", "m3"]) assert.deepEqual(taints(await getNode(n)), [UNREACHABLE_NO_SCHEDULE]);
});

test("a (re)started controller gives nodes with old heartbeats a full grace period from when it first sees them", async () => {
  const hourAgo = h.clock.now() - 3_600_000;
  for (const n of ["r1", "r2"]) await registerNode(h, n, { heartbeatMs: hourAgo });
  const first = await h.run((ctx) => new NodeLifecycleController(ctx));
  await until(() => first.passes >= 1, "first pass");
  await advance(45_000);
  for (const n of ["r1", "r2"]) assert.equal(ready(await getNode(n)).status, "True", `${n} not judged by old stamps`);
  // The agents resume renewing their leases (their node status is only rewritten every 5 minutes).
  await h.renewLeasesSeen(["r1", "r2"]);
  await advance(60_000, ["r1", "r2"]);
  for (const n of ["r1", "r2"]) assert.equal(ready(await getNode(n)).status, "True", `${n} alive through its lease`);

  // Restart: a new instance with new informers, while the leases stop being renewed.
  await h.stopControllers();
  const second = await h.run((ctx) => new NodeLifecycleController(ctx));
  await until(() => second.passes >= 1, "first pass after restart");
  await advance(45_000);
  for (const n of ["r1", "r2"]) assert.equal(ready(await getNode(n)).status, "True", `${n} fresh grace after restart`);
  await advanceUntil(async () => ready(await getNode("r1")).status === "Unknown", "r1 Unknown", 15_000);
});

test("cordoning a node taints it unschedulable:NoSchedule; uncordoning removes the taint, other taints untouched", async () => {
  await registerNode(h, "c1");
  await h.client.patch(NODES, "", "c1", "merge", {
    spec: { taints: [{ key: "dedicated", value: "x", effect: "NoSchedule" }] },
  });
  await h.run((ctx) => new NodeLifecycleController(ctx));
  await h.client.patch(NODES, "", "c1", "merge", { spec: { unschedulable: true } });
  await until(
    async () => taints(await getNode("c1")).includes("node.kubernetes.io/unschedulable:NoSchedule"),
    "unschedulable taint",
  );
  assert.ok(taints(await getNode("c1")).includes("dedicated:NoSchedule"));
  await h.client.patch(NODES, "", "c1", "merge", { spec: { unschedulable: false } });
  await until(async () => taints(await getNode("c1")).length === 1, "unschedulable taint removed");
  assert.deepEqual(taints(await getNode("c1")), ["dedicated:NoSchedule"]);
});
