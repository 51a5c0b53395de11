import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { ApiError } from "../api/errors.ts";
import { ApiServer } from "../apiserver/server.ts";
import { NODES, PODS, type WatchEvent } from "./client.ts";
import { InProcessClient } from "./in-process-client.ts";

let server: ApiServer;
let dir: string;
let client: InProcessClient;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "loci-inproc-"));
  server = await ApiServer.start({ dataDir: dir, listen: "127.0.0.1:0" });
  client = new InProcessClient(server);
});

after(async () => {
  await client.close();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

const pod = (name: string) => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name, labels: { app: "x" } },
  spec: { containers: [{ name: "c", image: "busybox" }] },
});

test("create, get, list, patch, bind and delete go through the server's handlers", async () => {
  await client.create(NODES, "", { apiVersion: "v1", kind: "Node", metadata: { name: "n1" } });
  const created = await client.create(PODS, "default", pod("p1"));
  assert.equal(created.metadata.namespace, "default");
  assert.equal(created.spec.restartPolicy, "Always", "defaults applied");
  const got = await client.get(PODS, "default", "p1");
  assert.equal(got.metadata.uid, created.metadata.uid);
  const list = await client.list(PODS, "default", { labelSelector: "app=x" });
  assert.equal(list.items.length, 1);
  assert.ok(Number(list.metadata.resourceVersion) > 0);
  const patched = await client.patch(PODS, "default", "p1", "merge", { metadata: { labels: { extra: "y" } } });
  assert.equal(patched.metadata.labels?.extra, "y");
  await client.bind("default", "p1", "n1", created.metadata.uid);
  assert.equal((await client.get(PODS, "default", "p1")).spec.nodeName, "n1");
  await client.delete(PODS, "default", "p1", { gracePeriodSeconds: 0 });
  await assert.rejects(client.get(PODS, "default", "p1"), (e: unknown) => e instanceof ApiError && e.code === 404);
});

test("validation failures are ApiErrors with the Status details", async () => {
  await assert.rejects(
    client.create(PODS, "default", { apiVersion: "v1", kind: "Pod", metadata: { name: "bad" }, spec: {} }),
    (e: unknown) => e instanceof ApiError && e.code === 422 && e.reason === "Invalid" && /containers/.test(e.message),
  );
});

test("watch streams events from a resourceVersion and reports 410 for a compacted one as an ERROR event", async () => {
  const list = await client.list(PODS, "default");
  const events: WatchEvent[] = [];
  const w = await client.watch(PODS, "default", { resourceVersion: list.metadata.resourceVersion }, (ev) =>
    events.push(ev),
  );
  await client.create(PODS, "default", pod("w1"));
  await client.delete(PODS, "default", "w1", { gracePeriodSeconds: 0 });
  assert.deepEqual(
    events.map((e) => `${e.type} ${e.object.metadata.name}`),
    ["ADDED w1", "DELETED w1"],
  );
  w.stop();
  await w.done;
  await assert.rejects(
    client.watch(PODS, "default", { fieldSelector: "spec.bogus=1" }, () => {}),
    (e: unknown) => e instanceof ApiError && e.code === 400,
  );
});
