import assert from "node:assert/strict";
import { test } from "node:test";
import { useInProcessServer } from "../../test/helpers/in-process.ts";
import { ApiError } from "../api/errors.ts";
import { NODES, PODS, type WatchEvent } from "./client.ts";

const env = useInProcessServer();

const pod = (name: string) => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name, labels: { app: "x" } },
  spec: { containers: [{ name: "c", image: "busybox" }] },
});

test("create, get, list, patch, bind and delete go through the server's handlers", async () => {
  await env.client.create(NODES, "", { apiVersion: "v1", kind: "Node", metadata: { name: "n1" } });
  const created = await env.client.create(PODS, "default", pod("p1"));
  assert.equal(created.metadata.namespace, "default");
  assert.equal(created.spec.restartPolicy, "Always", "defaults applied");
  const got = await env.client.get(PODS, "default", "p1");
  assert.equal(got.metadata.uid, created.metadata.uid);
  const list = await env.client.list(PODS, "default", { labelSelector: "app=x" });
  assert.equal(list.items.length, 1);
  assert.ok(Number(list.metadata.resourceVersion) > 0);
  const patched = await env.client.patch(PODS, "default", "p1", "merge", { metadata: { labels: { extra: "y" } } });
  assert.equal(patched.metadata.labels?.extra, "y");
  await env.client.bind("default", "p1", "n1", created.metadata.uid);
  assert.equal((await env.client.get(PODS, "default", "p1")).spec.nodeName, "n1");
  await env.client.delete(PODS, "default", "p1", { gracePeriodSeconds: 0 });
  await assert.rejects(env.client.get(PODS, "default", "p1"), (e: unknown) => e instanceof ApiError && e.code === 404);
});

test("validation failures are ApiErrors with the Status details", async () => {
  await assert.rejects(
    env.client.create(PODS, "default", { apiVersion: "v1", kind: "Pod", metadata: { name: "bad" }, spec: {} }),
    (e: unknown) => e instanceof ApiError && e.code === 422 && e.reason === "Invalid" && /containers/.test(e.message),
  );
});

test("watch streams events from a resourceVersion and reports 410 for a compacted one as an ERROR event", async () => {
  const list = await env.client.list(PODS, "default");
  const events: WatchEvent[] = [];
  const w = await env.client.watch(PODS, "default", { resourceVersion: list.metadata.resourceVersion }, (ev) =>
    events.push(ev),
  );
  await env.client.create(PODS, "default", pod("w1"));
  await env.client.delete(PODS, "default", "w1", { gracePeriodSeconds: 0 });
  assert.deepEqual(
    events.map((e) => `${e.type} ${e.object.metadata.name}`),
    ["ADDED w1", "DELETED w1"],
  );
  w.stop();
  await w.done;
  await assert.rejects(
    env.client.watch(PODS, "default", { fieldSelector: "spec.bogus=1" }, () => {}),
    (e: unknown) => e instanceof ApiError && e.code === 400,
  );
});
