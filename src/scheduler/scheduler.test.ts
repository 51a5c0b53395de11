import assert from "node:assert/strict";
import { test } from "node:test";
import type { KubeObject } from "../api/object.ts";
import { EVENTS, NODES, PODS } from "../client/client.ts";
import { eventually, startTestCluster, type TestCluster } from "../controllers/runtime/test-cluster.ts";
import { Scheduler } from "./scheduler.ts";
import { makeNode, makePod, type PodSpecOptions } from "./test-fixtures.ts";

async function withScheduler(fn: (c: TestCluster, s: Scheduler) => Promise<void>): Promise<void> {
  const cluster = await startTestCluster();
  const scheduler = new Scheduler(cluster.ctx);
  try {
    await cluster.run(scheduler);
    await fn(cluster, scheduler);
  } finally {
    await cluster.close();
  }
}

async function createPod(c: TestCluster, name: string, o: PodSpecOptions = {}): Promise<KubeObject> {
  const pod = makePod(name, o);
  delete pod.metadata.uid;
  return c.client.create(PODS, "default", pod);
}

async function nodeOf(c: TestCluster, name: string): Promise<string | undefined> {
  return (await c.client.get(PODS, "default", name)).spec.nodeName;
}

async function boundTo(c: TestCluster, name: string, node: string): Promise<void> {
  await eventually(async () => (await nodeOf(c, name)) === node, { what: `${name} bound to ${node}`, timeoutMs: 8000 });
}

async function eventsFor(c: TestCluster, pod: string, reason: string): Promise<KubeObject[]> {
  const list = await c.client.list(EVENTS, "default");
  return list.items.filter((e) => e.involvedObject?.name === pod && e.reason === reason);
}

async function failedMessage(c: TestCluster, pod: string): Promise<string | undefined> {
  const events = await eventsFor(c, pod, "FailedScheduling");
  return events.at(-1)?.message;
}

test("binds by nodeSelector and records the Scheduled event", async () => {
  await withScheduler(async (c) => {
    await c.client.create(NODES, "", makeNode("blue", { labels: { color: "blue" } }));
    await c.client.create(NODES, "", makeNode("red", { labels: { color: "red" } }));
    const pod = await createPod(c, "p", { nodeSelector: { color: "red" } });
    await boundTo(c, "p", "red");
    await eventually(async () => (await eventsFor(c, "p", "Scheduled")).length === 1, { what: "Scheduled event" });
    const [ev] = await eventsFor(c, "p", "Scheduled");
    assert.equal(ev.type, "Normal");
    assert.equal(ev.message, "Successfully assigned default/p to red");
    assert.equal(ev.source?.component, "default-scheduler");
    assert.equal(ev.involvedObject.kind, "Pod");
    assert.equal(ev.involvedObject.uid, pod.metadata.uid);
  });
});

test("taints and cordoned nodes: FailedScheduling text and PodScheduled condition, then placed once uncordoned", async () => {
  await withScheduler(async (c) => {
    await c.client.create(
      NODES,
      "",
      makeNode("tainted", { taints: [{ key: "dedicated", value: "x", effect: "NoSchedule" }] }),
    );
    await c.client.create(NODES, "", makeNode("cordoned", { unschedulable: true }));
    await createPod(c, "plain");
    const want =
      "0/2 nodes are available: 1 node(s) had untolerated taint {dedicated: x}, 1 node(s) were unschedulable. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.";
    await eventually(async () => (await failedMessage(c, "plain")) === want, { what: "FailedScheduling event" });
    const [ev] = await eventsFor(c, "plain", "FailedScheduling");
    assert.equal(ev.type, "Warning");
    assert.equal(ev.source?.component, "default-scheduler");
    await eventually(
      async () => {
        const p = await c.client.get(PODS, "default", "plain");
        const cond = p.status?.conditions?.find((x: any) => x.type === "PodScheduled");
        return cond?.status === "False" && cond.reason === "Unschedulable" && cond.message === want;
      },
      { what: "PodScheduled=False condition" },
    );

    // A pod tolerating the taint goes to the tainted node.
    await createPod(c, "tolerant", { tolerations: [{ key: "dedicated", operator: "Equal", value: "x" }] });
    await boundTo(c, "tolerant", "tainted");

    // Uncordoning is a node change: the waiting pod is retried and placed.
    await c.client.patch(NODES, "", "cordoned", "merge", { spec: { unschedulable: false } });
    await boundTo(c, "plain", "cordoned");
  });
});

test("resources: the second 600m pod does not fit a 1-cpu node, then goes to a node added later", async () => {
  await withScheduler(async (c) => {
    await c.client.create(NODES, "", makeNode("small", { cpu: "1" }));
    await createPod(c, "first", { cpu: "600m" });
    await boundTo(c, "first", "small");
    await createPod(c, "second", { cpu: "600m" });
    await eventually(
      async () =>
        (await failedMessage(c, "second")) ===
        "0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.",
      { what: "Insufficient cpu" },
    );
    assert.equal(await nodeOf(c, "second"), undefined);
    await c.client.create(NODES, "", makeNode("big", { cpu: "8" }));
    await boundTo(c, "second", "big");
  });
});

test("a burst of pods does not overcommit a node (assumed pods count before their bind lands)", async () => {
  await withScheduler(async (c) => {
    await c.client.create(NODES, "", makeNode("n", { cpu: "1" }));
    await Promise.all([0, 1, 2, 3, 4].map((i) => createPod(c, `burst-${i}`, { cpu: "300m" })));
    await eventually(
      async () => {
        const pods = (await c.client.list(PODS, "default")).items;
        return pods.filter((p) => p.spec.nodeName === "n").length === 3;
      },
      { what: "three pods bound" },
    );
    // Give the scheduler time to (wrongly) bind more; it must not.
    await new Promise((r) => setTimeout(r, 300));
    const pods = (await c.client.list(PODS, "default")).items;
    assert.equal(pods.filter((p) => p.spec.nodeName === "n").length, 3);
  });
});

test("a daemon pod pinned by matchFields goes to its node only, and waits for a node that does not exist yet", async () => {
  await withScheduler(async (c) => {
    await c.client.create(NODES, "", makeNode("busy", { cpu: "2" }));
    await c.client.create(NODES, "", makeNode("idle", { cpu: "64" }));
    await createPod(c, "ds-busy", { pinnedTo: "busy", cpu: "100m" });
    await boundTo(c, "ds-busy", "busy");
    await createPod(c, "ds-later", { pinnedTo: "later" });
    await eventually(
      async () =>
        (await failedMessage(c, "ds-later")) ===
        "0/2 nodes are available: 2 node(s) didn't satisfy plugin(s) [NodeAffinity]. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.",
      { what: "FailedScheduling for the missing node" },
    );
    await c.client.create(NODES, "", makeNode("later"));
    await boundTo(c, "ds-later", "later");
  });
});

test("pods for another scheduler, and pods already bound, are left alone", async () => {
  await withScheduler(async (c, s) => {
    await c.client.create(NODES, "", makeNode("n"));
    const other = makePod("other");
    delete other.metadata.uid;
    other.spec.schedulerName = "my-scheduler";
    await c.client.create(PODS, "default", other);
    await createPod(c, "mine");
    await boundTo(c, "mine", "n");
    assert.equal(await nodeOf(c, "other"), undefined);
    assert.equal(s.queue.has("default/other"), false);
    assert.deepEqual(await eventsFor(c, "other", "FailedScheduling"), []);
  });
});

test("a failed bind is reported, forgotten from the node's accounting and retried after a backoff", async () => {
  const cluster = await startTestCluster();
  let failures = 1;
  const client = Object.create(cluster.client) as typeof cluster.client;
  client.bind = async (...args) => {
    if (failures-- > 0) throw new Error("etcd is having a bad day");
    return cluster.client.bind(...args);
  };
  const scheduler = new Scheduler({ ...cluster.ctx, client });
  try {
    await cluster.run(scheduler);
    await cluster.client.create(NODES, "", makeNode("n", { cpu: "1" }));
    await createPod(cluster, "p", { cpu: "800m" });
    await eventually(async () => (await failedMessage(cluster, "p")) === "Binding rejected: etcd is having a bad day", {
      what: "bind failure event",
    });
    await boundTo(cluster, "p", "n");
    assert.equal(scheduler.cache.node("n")!.requested.milliCPU, 800, "counted once");
  } finally {
    await cluster.close();
  }
});
