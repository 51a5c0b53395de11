import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { ApiError } from "../../api/errors.ts";
import type { KubeObject } from "../../api/object.ts";
import { EVENTS, NODES, PODS } from "../../client/client.ts";
import { type Harness, registerNode, sleep, startHarness, until } from "../nodelifecycle/test-support.ts";
import { TaintEvictionController } from "./taint-eviction-controller.ts";

let h: Harness;
let c: TaintEvictionController;

before(async () => {
  h = await startHarness();
  for (const n of ["e1", "e2", "e3"]) await registerNode(h, n);
  c = await h.run((ctx) => new TaintEvictionController(ctx));
});

after(async () => {
  await h.close();
});

const FOREVER = [
  { key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoExecute" },
  { key: "node.kubernetes.io/unreachable", operator: "Exists", effect: "NoExecute" },
];

async function boundPod(name: string, node: string, tolerations?: unknown[]): Promise<KubeObject> {
  const pod = await h.client.create(PODS, "default", {
    metadata: { name },
    spec: { containers: [{ name: "c", image: "busybox" }], tolerations },
  });
  await h.client.bind("default", name, node);
  return pod;
}

async function taintNode(node: string, taints: unknown[]): Promise<void> {
  await h.client.patch(NODES, "", node, "merge", { spec: { taints } });
}

/** Deleted means gone or terminating (no kubelet here to finish a graceful deletion). */
async function deleted(name: string): Promise<boolean> {
  try {
    return Boolean((await h.client.get(PODS, "default", name)).metadata.deletionTimestamp);
  } catch (e) {
    if (e instanceof ApiError && e.code === 404) return true;
    throw e;
  }
}

async function eventMessages(): Promise<string[]> {
  return (await h.client.list(EVENTS, "default")).items
    .filter((e) => e.reason === "TaintManagerEviction")
    .map((e) => e.message);
}

test("an ordinary pod is evicted 300 s after the NoExecute taint; a pod tolerating it forever stays", async () => {
  const web = await boundPod("web", "e1");
  assert.ok(
    web.spec.tolerations.some(
      (t: { key: string; tolerationSeconds?: number }) =>
        t.key === "node.kubernetes.io/unreachable" && t.tolerationSeconds === 300,
    ),
    "DefaultTolerationSeconds admission",
  );
  await boundPod("daemon", "e1", FOREVER);
  await until(async () => (await h.client.get(PODS, "default", "daemon")).spec.nodeName === "e1", "bound");
  await sleep(20);
  await taintNode("e1", [{ key: "node.kubernetes.io/unreachable", effect: "NoExecute" }]);
  await until(() => c.scheduled("default/web") !== undefined, "eviction scheduled");
  const s = c.scheduled("default/web")!;
  assert.equal(s.fireAt - s.createdAt, 300_000);
  assert.equal(c.scheduled("default/daemon"), undefined);

  h.clock.advance(s.fireAt - h.clock.now() - 1000);
  await sleep(50);
  assert.equal(await deleted("web"), false, "not before 300 s");
  h.clock.advance(1000);
  await until(() => deleted("web"), "web evicted");
  // Graceful deletion: without a kubelet the pod stays, terminating, with the condition set before the delete.
  const pod = await h.client.get(PODS, "default", "web");
  const dt = pod.status.conditions.find((x: { type: string }) => x.type === "DisruptionTarget");
  assert.deepEqual(
    [dt.status, dt.reason, dt.message],
    ["True", "DeletionByTaintManager", "Taint manager: deleting due to NoExecute taint"],
  );
  await until(async () => (await eventMessages()).includes("Marking for deletion Pod default/web"), "event");

  h.clock.advance(600_000);
  await sleep(50);
  assert.equal(await deleted("daemon"), false, "forever toleration");
});

test("a pod not tolerating a NoExecute taint is evicted at once, with the DisruptionTarget condition", async () => {
  await boundPod("strict", "e2");
  await sleep(20);
  await taintNode("e2", [{ key: "dedicated", value: "db", effect: "NoExecute" }]);
  await until(() => deleted("strict"), "strict evicted");
  const pod = await h.client.get(PODS, "default", "strict");
  const dt = pod.status.conditions.find((x: { type: string }) => x.type === "DisruptionTarget");
  assert.equal(dt.reason, "DeletionByTaintManager");
  // A pod arriving on the tainted node later is evicted as well.
  await boundPod("late", "e2");
  await until(() => deleted("late"), "late evicted");
});

test("removing the taint cancels the scheduled eviction with an event", async () => {
  await boundPod("web3", "e3");
  await sleep(20);
  await taintNode("e3", [{ key: "node.kubernetes.io/not-ready", effect: "NoExecute" }]);
  await until(() => c.scheduled("default/web3") !== undefined, "eviction scheduled");
  h.clock.advance(100_000);
  await taintNode("e3", []);
  await until(() => c.scheduled("default/web3") === undefined, "eviction cancelled");
  await until(async () => (await eventMessages()).includes("Cancelling deletion of Pod default/web3"), "cancel event");
  h.clock.advance(400_000);
  await sleep(50);
  assert.equal(await deleted("web3"), false);
});
