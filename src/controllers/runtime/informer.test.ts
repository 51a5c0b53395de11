import assert from "node:assert/strict";
import { test } from "node:test";
import { useInProcessServer } from "../../../test/helpers/in-process.ts";
import type { KubeObject } from "../../api/object.ts";
import { type ApiClient, CONFIG_MAPS, type ListOptions, type ObjectList } from "../../client/client.ts";
import { Informer, objectKey, splitKey } from "./informer.ts";

const env = useInProcessServer();

const cm = (name: string, data: Record<string, string> = {}, labels: Record<string, string> = {}) => ({
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: { name, labels },
  data,
});

async function until(cond: () => boolean, ms = 2000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 5));
  }
}

test("keys", () => {
  assert.equal(objectKey({ metadata: { namespace: "ns", name: "a" } }), "ns/a");
  assert.equal(objectKey({ metadata: { name: "node1" } }), "node1");
  assert.deepEqual(splitKey("ns/a"), ["ns", "a"]);
  assert.deepEqual(splitKey("node1"), ["", "node1"]);
});

test("lists, then follows adds, updates and deletes; indexes stay current; objects are frozen", async () => {
  await env.client.create(CONFIG_MAPS, "default", cm("pre", {}, { team: "a" }));
  const inf = new Informer(env.client, CONFIG_MAPS, { namespace: "default" });
  inf.addIndex("team", (o) => (o.metadata.labels?.team ? [o.metadata.labels.team] : []));
  const log: string[] = [];
  inf.addHandlers({
    onAdd: (o) => log.push(`add ${o.metadata.name}`),
    onUpdate: (_old, o) => log.push(`update ${o.metadata.name}`),
    onDelete: (o) => log.push(`delete ${o.metadata.name}`),
  });
  inf.start();
  await inf.waitForSync();
  assert.ok(inf.hasSynced());
  assert.deepEqual(log, ["add pre"]);
  await env.client.create(CONFIG_MAPS, "default", cm("x", { a: "1" }, { team: "b" }));
  await env.client.patch(CONFIG_MAPS, "default", "x", "merge", { metadata: { labels: { team: "a" } } });
  await until(() => inf.byIndex("team", "a").length === 2);
  assert.equal(inf.byIndex("team", "b").length, 0);
  await env.client.delete(CONFIG_MAPS, "default", "pre");
  await until(() => log.includes("delete pre"));
  assert.deepEqual(log, ["add pre", "add x", "update x", "delete pre"]);
  assert.equal(inf.get("default", "pre"), undefined);
  const x = inf.get("default", "x")!;
  assert.equal(x.data.a, "1");
  assert.throws(() => {
    x.data.a = "2";
  }, TypeError);
  const late: string[] = [];
  inf.addHandlers({ onAdd: (o) => late.push(o.metadata.name!) });
  assert.deepEqual(late, ["x"], "a late handler gets the current objects");
  inf.stop();
  await env.client.delete(CONFIG_MAPS, "default", "x");
});

test("a relist after an expired watch turns the differences into events", async () => {
  // A env.client whose watch can be cut, whose next watch then reports 410, and whose lists can be held back: the
  // changes made meanwhile are seen only by the relist.
  let cut: (() => void) | undefined;
  let expireNext = false;
  let gate: Promise<void> | undefined;
  const flaky: ApiClient = Object.create(env.client);
  flaky.list = async <T extends KubeObject>(r: typeof CONFIG_MAPS, ns: string, o?: ListOptions) => {
    if (gate) await gate;
    return env.client.list<T>(r, ns, o) as Promise<ObjectList<T>>;
  };
  flaky.watch = async (r, ns, o, onEvent) => {
    if (expireNext) {
      expireNext = false;
      onEvent({ type: "ERROR", object: { metadata: {}, code: 410, reason: "Expired" } as never });
      return { stop() {}, done: Promise.resolve() };
    }
    const w = await env.client.watch(r, ns, o, onEvent);
    cut = () => w.stop();
    return w;
  };
  await env.client.create(CONFIG_MAPS, "default", cm("keep"));
  await env.client.create(CONFIG_MAPS, "default", cm("gone"));
  const inf = new Informer(flaky, CONFIG_MAPS, { namespace: "default" });
  const log: string[] = [];
  inf.addHandlers({
    onAdd: (o) => log.push(`add ${o.metadata.name}`),
    onUpdate: (_o, n) => log.push(`update ${n.metadata.name}`),
    onDelete: (o) => log.push(`delete ${o.metadata.name}`),
  });
  inf.start();
  await inf.waitForSync();
  await until(() => cut !== undefined);
  log.length = 0;
  let open!: () => void;
  gate = new Promise((r) => {
    open = r;
  });
  expireNext = true;
  cut!();
  await env.client.delete(CONFIG_MAPS, "default", "gone");
  await env.client.patch(CONFIG_MAPS, "default", "keep", "merge", { data: { v: "2" } });
  await env.client.create(CONFIG_MAPS, "default", cm("new"));
  await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(log, [], "nothing is seen while the watch is down");
  gate = undefined;
  open();
  await until(() => log.length === 3);
  assert.deepEqual(log.sort(), ["add new", "delete gone", "update keep"]);
  assert.equal(inf.get("default", "keep")?.data?.v, "2");
  inf.stop();
});
