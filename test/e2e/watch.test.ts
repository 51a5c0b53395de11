// Watch semantics over raw HTTPS against a real server process: resourceVersion unset/0/exact/compacted,
// bookmarks, watch-list (sendInitialEvents), timeouts, and indexed fan-out with 10,000 node-scoped watches.
import assert from "node:assert/strict";
import { connect } from "node:http2";
import { after, before, describe, test } from "node:test";
import { openWatch, request, until } from "../helpers/http.ts";
import { type RunningServer, startServer } from "../helpers/server.ts";

const cm = (name: string, data: Record<string, string> = { a: "1" }) => ({
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: { name },
  data,
});

describe("watch", () => {
  let server: RunningServer;
  before(async () => {
    server = await startServer({ args: ["--compaction-interval", "1s", "--watch-bookmark-interval", "200ms"] });
  });
  after(async () => {
    await server?.stop();
  });
  const base = "/api/v1/namespaces/default/configmaps";

  test("unset and 0 resourceVersion start with the current state, then live events", async () => {
    assert.equal((await request(server, "POST", base, { body: cm("w1") })).status, 201);
    for (const rv of ["", "&resourceVersion=0"]) {
      const w = openWatch(server, `${base}?watch=true${rv}`);
      await until(() => w.events.some((e) => e.object.metadata.name === "w1"));
      assert.equal(w.events[0].type, "ADDED");
      await request(server, "PATCH", `${base}/w1`, {
        body: { data: { a: String(Math.random()) } },
        contentType: "application/merge-patch+json",
      });
      const mod = await until(() => w.events.find((e) => e.type === "MODIFIED"));
      assert.equal(mod.object.metadata.name, "w1");
      w.stop();
    }
  });

  test("an exact resourceVersion gets only later events, DELETED with the last state", async () => {
    const created = (await request(server, "POST", base, { body: cm("w2") })).json();
    const rv = created.metadata.resourceVersion;
    await request(server, "PUT", `${base}/w2`, { body: { ...created, data: { a: "2" } } });
    await request(server, "DELETE", `${base}/w2`);
    const w = openWatch(server, `${base}?watch=true&resourceVersion=${rv}&fieldSelector=metadata.name%3Dw2`);
    await until(() => w.events.length >= 2);
    assert.deepEqual(
      w.events.map((e) => e.type),
      ["MODIFIED", "DELETED"],
    );
    assert.equal(w.events[1].object.data.a, "2");
    assert.ok(
      Number(w.events[1].object.metadata.resourceVersion) > Number(w.events[0].object.metadata.resourceVersion),
    );
    w.stop();
  });

  test("a compacted resourceVersion gets one ERROR event: 410 Expired", async () => {
    const old = (await request(server, "POST", base, { body: cm("w3") })).json().metadata.resourceVersion;
    // The store compacts every second to the revision of the previous tick; keep writing past two ticks.
    for (let i = 0; i < 4; i++) {
      await request(server, "PATCH", `${base}/w3`, {
        body: { data: { i: String(i) } },
        contentType: "application/merge-patch+json",
      });
      await new Promise((r) => setTimeout(r, 700));
    }
    await new Promise((r) => setTimeout(r, 1200));
    const w = openWatch(server, `${base}?watch=true&resourceVersion=${old}`);
    await w.ended;
    assert.equal(w.events.length, 1);
    assert.equal(w.events[0].type, "ERROR");
    assert.equal(w.events[0].object.code, 410);
    assert.equal(w.events[0].object.reason, "Expired");
    assert.match(w.events[0].object.message, new RegExp(`^too old resource version: ${old} \\(\\d+\\)$`));
  });

  test("bookmarks carry only kind, apiVersion and resourceVersion", async () => {
    const w = openWatch(server, `${base}?watch=true&allowWatchBookmarks=true&resourceVersion=0`);
    const bm = await until(() => w.events.find((e) => e.type === "BOOKMARK"));
    assert.deepEqual(Object.keys(bm.object).sort(), ["apiVersion", "kind", "metadata"]);
    assert.equal(bm.object.kind, "ConfigMap");
    assert.match(bm.object.metadata.resourceVersion, /^\d+$/);
    w.stop();
  });

  test("sendInitialEvents: ADDED for everything, then the initial-events-end bookmark", async () => {
    const bad = await request(server, "GET", `${base}?watch=true&sendInitialEvents=true`);
    assert.equal(bad.status, 422);
    assert.equal(bad.json().reason, "Invalid");
    const w = openWatch(
      server,
      `${base}?watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true`,
    );
    const end = await until(() =>
      w.events.find(
        (e) => e.type === "BOOKMARK" && e.object.metadata.annotations?.["k8s.io/initial-events-end"] === "true",
      ),
    );
    const idx = w.events.indexOf(end);
    assert.ok(idx >= 2);
    assert.ok(w.events.slice(0, idx).every((e) => e.type === "ADDED"));
    w.stop();
  });

  test("timeoutSeconds ends the stream", async () => {
    const t0 = Date.now();
    const w = openWatch(server, `${base}?watch=true&timeoutSeconds=1`);
    await w.ended;
    assert.ok(Date.now() - t0 >= 900);
  });

  test("10,000 spec.nodeName watches: a pod update is evaluated by at most 2 node-scoped watchers", async () => {
    const session = connect(server.url, { ca: server.ca });
    const streams = [];
    const N = 10_000;
    let opened = 0;
    for (let i = 0; i < N; i++) {
      const s = session.request({
        ":path": `/api/v1/pods?watch=true&fieldSelector=spec.nodeName%3Dnode-${i}`,
        authorization: `Bearer ${server.token}`,
      });
      s.on("response", () => opened++);
      s.on("error", () => {});
      s.resume();
      streams.push(s);
    }
    try {
      await until(() => opened === N, 60_000);
      const metric = async () => {
        const text = (await request(server, "GET", "/metrics")).body;
        const m = /loci_watch_filter_evaluations_total\{resource="pods",index="nodeName"\} (\d+)/.exec(text);
        const w = /apiserver_registered_watchers\{group="",resource="pods"\} (\d+)/.exec(text);
        return { evaluations: m ? Number(m[1]) : 0, watchers: w ? Number(w[1]) : 0 };
      };
      const pod = {
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name: "p1" },
        spec: { nodeName: "node-42", containers: [{ name: "c", image: "busybox" }] },
      };
      const created = await request(server, "POST", "/api/v1/namespaces/default/pods", { body: pod });
      assert.equal(created.status, 201, created.body);
      const before = await metric();
      assert.ok(before.watchers >= N, `registered watchers: ${before.watchers}`);
      const patched = await request(server, "PATCH", "/api/v1/namespaces/default/pods/p1", {
        body: { metadata: { labels: { touched: "yes" } } },
        contentType: "application/merge-patch+json",
      });
      assert.equal(patched.status, 200, patched.body);
      const afterUpdate = await metric();
      const delta = afterUpdate.evaluations - before.evaluations;
      assert.ok(delta >= 1 && delta <= 2, `node-scoped evaluations for one update: ${delta}`);
    } finally {
      for (const s of streams) s.close();
      session.close();
    }
  });
});
