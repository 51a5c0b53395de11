import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { NODES, PODS } from "../../client/client.ts";
import { FakeClock } from "../runtime/clock.ts";
import { eventually, isGone, startTestCluster, type TestCluster } from "../runtime/test-cluster.ts";
import { GC_CHECK_PERIOD_MS, PodGCController } from "./pod-gc-controller.ts";

let cluster: TestCluster;
let gc: PodGCController;
const clock = new FakeClock();
const NS = "default";

before(async () => {
  cluster = await startTestCluster({ clock, options: { podGcQuarantineMs: 40_000, terminatedPodGcThreshold: 2 } });
  gc = new PodGCController(cluster.ctx);
  await cluster.run(gc);
  await eventually(() => gc.completedPasses >= 1, { what: "first pass" });
});

after(async () => {
  await cluster.close();
});

/** Moves time one period and waits for the pass it triggers to finish. */
async function nextPass(): Promise<void> {
  const n = gc.completedPasses;
  clock.advance(GC_CHECK_PERIOD_MS);
  await eventually(() => gc.completedPasses > n, { what: "pass finished" });
}

async function podFor(name: string, nodeName?: string) {
  await cluster.client.create(PODS, NS, {
    metadata: { name },
    spec: { containers: [{ name: "c", image: "busybox" }] },
  });
  if (nodeName) await cluster.client.bind(NS, name, nodeName);
  await eventually(() => cluster.informers.informer(PODS).get(NS, name)?.spec?.nodeName === nodeName, {
    what: "pod cached",
  });
}

test("pods of a deleted node are failed and force-deleted after the quarantine, not before", async () => {
  await cluster.client.create(NODES, "", { metadata: { name: "n1" } });
  await cluster.client.create(NODES, "", { metadata: { name: "n2" } });
  await podFor("on-n1", "n1");
  await podFor("on-n2", "n2");
  await cluster.client.delete(NODES, "", "n1");
  await eventually(() => cluster.informers.informer(NODES).get("", "n1") === undefined, { what: "node gone" });
  await nextPass(); // notices n1 missing
  await nextPass(); // 20 s into the quarantine
  const waiting = await cluster.client.get(PODS, NS, "on-n1");
  assert.equal(waiting.status.phase, "Pending");
  assert.equal(waiting.metadata.deletionTimestamp, undefined);
  // Watch the pod's last state on its way out.
  let last: any;
  cluster.informers.informer(PODS).addHandlers({
    onUpdate: (_o, cur) => {
      if (cur.metadata.name === "on-n1") last = cur;
    },
  });
  await nextPass(); // 40 s: quarantine over, GET confirms
  await eventually(() => isGone(() => cluster.client.get(PODS, NS, "on-n1")), { what: "pod force-deleted" });
  assert.equal(last?.status?.phase, "Failed");
  const cond = last.status.conditions.find((c: { type: string }) => c.type === "DisruptionTarget");
  assert.deepEqual(
    { status: cond.status, reason: cond.reason, message: cond.message },
    { status: "True", reason: "DeletionByPodGC", message: "PodGC: node no longer exists" },
  );
  // A pod on a live node is left alone.
  assert.equal((await cluster.client.get(PODS, NS, "on-n2")).metadata.deletionTimestamp, undefined);
});

test("terminated pods above the threshold are deleted, oldest first", async () => {
  // Creation times may share a second: names break ties, as upstream.
  for (const name of ["t1", "t2", "t3"]) {
    await podFor(name, "n2");
    await cluster.client.patch(
      PODS,
      NS,
      name,
      "strategic",
      { status: { phase: "Succeeded" } },
      { subresource: "status" },
    );
  }
  await eventually(
    () => ["t1", "t2", "t3"].every((n) => cluster.informers.informer(PODS).get(NS, n)?.status?.phase === "Succeeded"),
    { what: "terminal pods cached" },
  );
  await nextPass();
  await eventually(() => isGone(() => cluster.client.get(PODS, NS, "t1")), { what: "oldest terminated pod deleted" });
  assert.ok(await cluster.client.get(PODS, NS, "t2"));
  assert.ok(await cluster.client.get(PODS, NS, "t3"));
});

test("an unscheduled pod that is terminating is force-deleted", async () => {
  await cluster.client.create(PODS, NS, {
    metadata: { name: "stuck", finalizers: ["example.com/hold"] },
    spec: { containers: [{ name: "c", image: "busybox" }] },
  });
  await cluster.client.delete(PODS, NS, "stuck");
  await eventually(() => !!cluster.informers.informer(PODS).get(NS, "stuck")?.metadata.deletionTimestamp, {
    what: "terminating pod cached",
  });
  await nextPass();
  // The finalizer still holds it, but the pod GC has marked it Failed on its way to a force delete.
  const pod = await cluster.client.get(PODS, NS, "stuck");
  assert.equal(pod.status.phase, "Failed");
  await cluster.client.patch(PODS, NS, "stuck", "merge", { metadata: { finalizers: null } });
  await eventually(() => !cluster.informers.informer(PODS).get(NS, "stuck")?.metadata.finalizers, {
    what: "finalizer gone",
  });
  await nextPass();
  await eventually(() => isGone(() => cluster.client.get(PODS, NS, "stuck")), { what: "force-deleted" });
});
