import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer as createHttp2Server, type ServerHttp2Session } from "node:http2";
import { type AddressInfo, connect, createServer, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { ApiError } from "../api/errors.ts";
import type { KubeObject } from "../api/object.ts";
import { ApiServer } from "../apiserver/server.ts";
import { CONFIG_MAPS, NAMESPACES, NODES, PODS, type WatchEvent } from "./client.ts";
import { errorFromResponse, HttpClient } from "./http-client.ts";
import { loadKubeconfig } from "./kubeconfig.ts";

const pod = (name: string, nodeName?: string) => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name, labels: { app: "x" } },
  spec: { containers: [{ name: "c", image: "busybox" }], ...(nodeName ? { nodeName } : {}) },
});

const cm = (name: string, data: Record<string, string> = { a: "1" }) => ({
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: { name },
  data,
});

const isApiError = (code: number, reason: string, message?: RegExp) => (e: unknown) =>
  e instanceof ApiError && e.code === code && e.reason === reason && (!message || message.test(e.message));

async function until<T>(f: () => T | undefined | false, ms = 5000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = f();
    if (v) return v;
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 10));
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

describe("HttpClient against a running server", () => {
  let server: ApiServer;
  let dir: string;
  let client: HttpClient;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "loci-http-client-"));
    server = await ApiServer.start({ dataDir: dir, listen: "127.0.0.1:0" });
    client = HttpClient.fromKubeconfig(server.kubeconfigPath, { userAgent: "loci-test" });
  });

  after(async () => {
    await client.close();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test("create, get, list, update, the three patch types, bind and delete", async () => {
    await client.create(NODES, "", { apiVersion: "v1", kind: "Node", metadata: { name: "n1" } });
    const created = await client.create(PODS, "default", pod("p1"));
    assert.equal(created.metadata.namespace, "default");
    assert.equal(created.spec.restartPolicy, "Always", "defaults applied by the server");
    const got = await client.get(PODS, "default", "p1");
    assert.equal(got.metadata.uid, created.metadata.uid);
    const list = await client.list(PODS, "default", { labelSelector: "app=x" });
    assert.deepEqual(
      list.items.map((p) => p.metadata.name),
      ["p1"],
    );
    assert.ok(Number(list.metadata.resourceVersion) > 0);
    assert.equal((await client.list(PODS, "default", { labelSelector: "app=other" })).items.length, 0);

    const merged = await client.patch(PODS, "default", "p1", "merge", { metadata: { labels: { m: "1" } } });
    assert.equal(merged.metadata.labels?.m, "1");
    const strategic = await client.patch(PODS, "default", "p1", "strategic", {
      spec: { containers: [{ name: "c", image: "busybox:2" }] },
    });
    assert.equal(strategic.spec.containers.length, 1, "strategic merge merges containers by name");
    assert.equal(strategic.spec.containers[0].image, "busybox:2");
    const json = await client.patch(PODS, "default", "p1", "json", [
      { op: "add", path: "/metadata/annotations", value: { j: "1" } },
    ]);
    assert.equal(json.metadata.annotations?.j, "1");
    const dry = await client.patch(
      PODS,
      "default",
      "p1",
      "merge",
      { metadata: { labels: { dry: "1" } } },
      {
        dryRun: "All",
      },
    );
    assert.equal(dry.metadata.labels?.dry, "1");
    assert.equal((await client.get(PODS, "default", "p1")).metadata.labels?.dry, undefined, "dry run not persisted");

    const status = await client.update(
      PODS,
      "default",
      { ...json, status: { ...json.status, message: "hello" } },
      { subresource: "status" },
    );
    assert.equal(status.status.message, "hello");

    await client.bind("default", "p1", "n1", created.metadata.uid);
    assert.equal((await client.get(PODS, "default", "p1")).spec.nodeName, "n1");

    const deleted = await client.delete(PODS, "default", "p1", { gracePeriodSeconds: 0 });
    assert.equal(deleted.metadata.name, "p1");
    await assert.rejects(client.get(PODS, "default", "p1"), isApiError(404, "NotFound", /pods "p1" not found/));
    // Without ReturnDeletedObject (nodes) the answer is a Success Status naming the object.
    const node = (await client.delete(NODES, "", "n1")) as unknown as { kind: string; details: { name: string } };
    assert.equal(node.kind, "Status");
    assert.equal(node.details.name, "n1");
  });

  test("404, 409 and 422 come back as ApiErrors with the server's Status", async () => {
    await assert.rejects(
      client.get(CONFIG_MAPS, "default", "missing"),
      (e: unknown) => isApiError(404, "NotFound")(e) && (e as ApiError).details?.name === "missing",
    );
    const first = await client.create(CONFIG_MAPS, "default", cm("dup"));
    await assert.rejects(
      client.create(CONFIG_MAPS, "default", cm("dup")),
      isApiError(409, "AlreadyExists", /configmaps "dup" already exists/),
    );
    await client.update(CONFIG_MAPS, "default", { ...first, data: { a: "2" } });
    await assert.rejects(
      client.update(CONFIG_MAPS, "default", { ...first, data: { a: "3" } }),
      isApiError(409, "Conflict", /the object has been modified/),
    );
    await assert.rejects(
      client.create(PODS, "default", { apiVersion: "v1", kind: "Pod", metadata: { name: "bad" }, spec: {} }),
      (e: unknown) =>
        isApiError(422, "Invalid", /containers/)(e) &&
        (e as ApiError).details?.causes?.some((c) => c.field === "spec.containers") === true,
    );
    await assert.rejects(
      client.delete(CONFIG_MAPS, "default", "dup", { preconditions: { uid: "not-the-uid" } }),
      isApiError(409, "Conflict", /Precondition failed: UID in precondition: not-the-uid/),
    );
    await client.delete(CONFIG_MAPS, "default", "dup");
  });

  test("a watch delivers events in order, stop() ends it and done resolves", async () => {
    const list = await client.list(CONFIG_MAPS, "default");
    const events: WatchEvent[] = [];
    const w = await client.watch(CONFIG_MAPS, "default", { resourceVersion: list.metadata.resourceVersion }, (ev) =>
      events.push(ev),
    );
    await client.create(CONFIG_MAPS, "default", cm("w1"));
    for (let i = 0; i < 5; i++) {
      await client.patch(CONFIG_MAPS, "default", "w1", "merge", { data: { i: String(i) } });
    }
    await client.delete(CONFIG_MAPS, "default", "w1");
    await until(() => events.length >= 7);
    assert.deepEqual(
      events.map((e) => e.type),
      ["ADDED", "MODIFIED", "MODIFIED", "MODIFIED", "MODIFIED", "MODIFIED", "DELETED"],
    );
    assert.deepEqual(
      events.slice(1, 6).map((e) => (e.object as KubeObject & { data: { i: string } }).data.i),
      ["0", "1", "2", "3", "4"],
    );
    w.stop();
    await w.done;
    await client.create(CONFIG_MAPS, "default", cm("after-stop"));
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(events.length, 7, "no events after stop()");
    await client.delete(CONFIG_MAPS, "default", "after-stop");
  });

  test("a watch the server refuses rejects with its ApiError", async () => {
    await assert.rejects(
      client.watch(PODS, "default", { fieldSelector: "spec.bogus=1" }, () => {}),
      (e: unknown) => e instanceof ApiError && e.code === 400 && e.reason === "BadRequest",
    );
  });

  test("2,000 node-scoped pod watches on one session each get exactly their own pod's events", async () => {
    const n = 2000;
    const rv = (await client.list(PODS, "")).metadata.resourceVersion;
    await client.create(NAMESPACES, "", { apiVersion: "v1", kind: "Namespace", metadata: { name: "fanout" } });
    const seen: string[][] = Array.from({ length: n }, () => []);
    const watches = await Promise.all(
      Array.from({ length: n }, (_, i) =>
        client.watch(PODS, "", { resourceVersion: rv, fieldSelector: `spec.nodeName=node-${i}` }, (ev) =>
          seen[i].push(`${ev.type} ${ev.object.metadata.name}`),
        ),
      ),
    );
    // Pods are created already scheduled; batches keep the number of in-flight writes reasonable.
    for (let b = 0; b < n; b += 250) {
      await Promise.all(
        Array.from({ length: Math.min(250, n - b) }, (_, k) =>
          client.create(PODS, "fanout", pod(`p-${b + k}`, `node-${b + k}`)),
        ),
      );
    }
    await until(() => seen.every((s) => s.length >= 1), 8000);
    await new Promise((r) => setTimeout(r, 100));
    for (let i = 0; i < n; i++) assert.deepEqual(seen[i], [`ADDED p-${i}`], `watch of node-${i}`);
    for (const w of watches) w.stop();
    await Promise.all(watches.map((w) => w.done));
  });

  test("a wrong token gets 401 Unauthorized", async () => {
    const target = loadKubeconfig(server.kubeconfigPath);
    const bad = new HttpClient({ ...target, token: "wrong" });
    try {
      await assert.rejects(bad.get(NODES, "", "x"), isApiError(401, "Unauthorized"));
      await assert.rejects(
        bad.watch(PODS, "", {}, () => {}),
        isApiError(401, "Unauthorized"),
      );
    } finally {
      await bad.close();
    }
  });

  test("after close() calls fail with 503 and watches have ended", async () => {
    const c = HttpClient.fromKubeconfig(server.kubeconfigPath, { sessions: 3 });
    const w = await c.watch(CONFIG_MAPS, "default", {}, () => {});
    await c.get(NODES, "", "").catch(() => {});
    await c.close();
    await w.done;
    await assert.rejects(c.get(CONFIG_MAPS, "default", "x"), isApiError(503, "ServiceUnavailable", /closed/));
  });
});

test("a watch from a compacted resourceVersion gets one ERROR event with 410 Expired, then ends", async () => {
  const dir = mkdtempSync(join(tmpdir(), "loci-http-client-410-"));
  const server = await ApiServer.start({ dataDir: dir, listen: "127.0.0.1:0", compactionIntervalMs: 200 });
  const client = HttpClient.fromKubeconfig(server.kubeconfigPath);
  try {
    const old = (await client.create(CONFIG_MAPS, "default", cm("old"))).metadata.resourceVersion!;
    // The store compacts every 200 ms to the revision of the previous tick; write across a few ticks.
    for (let i = 0; i < 4; i++) {
      await client.patch(CONFIG_MAPS, "default", "old", "merge", { data: { i: String(i) } });
      await new Promise((r) => setTimeout(r, 150));
    }
    await new Promise((r) => setTimeout(r, 500));
    const events: WatchEvent[] = [];
    const w = await client.watch(CONFIG_MAPS, "default", { resourceVersion: old }, (ev) => events.push(ev));
    await w.done;
    assert.equal(events.length, 1);
    assert.equal(events[0].type, "ERROR");
    const status = events[0].object as unknown as { code: number; reason: string; message: string };
    assert.equal(status.code, 410);
    assert.equal(status.reason, "Expired");
    assert.match(status.message, new RegExp(`^too old resource version: ${old} \\(\\d+\\)$`));
  } finally {
    await client.close();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

/**
 * A TCP relay on a fixed port in front of the server: restarting the server behind it looks to the client like
 * a server process restart (connections drop, the same address answers again), without a child process.
 */
interface Relay {
  port: number;
  target(port: number): void;
  /** Drops every open connection. */
  cut(): void;
  /** Open connections stop carrying bytes without closing (a dead peer); new ones work. */
  freeze(): void;
  close(): Promise<void>;
}

async function relay(): Promise<Relay> {
  let upstream = 0;
  const sockets = new Set<Socket>();
  const track = (s: Socket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
    s.on("error", () => s.destroy());
  };
  const server = createServer((down) => {
    track(down);
    if (!upstream) return down.destroy();
    const up = connect(upstream, "127.0.0.1");
    track(up);
    up.on("close", () => down.destroy());
    down.on("close", () => up.destroy());
    down.pipe(up).pipe(down);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    port: (server.address() as AddressInfo).port,
    target: (port) => {
      upstream = port;
    },
    cut: () => {
      for (const s of sockets) s.destroy();
    },
    freeze: () => {
      for (const s of sockets) {
        s.unpipe();
        s.pause();
      }
    },
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise((r) => server.close(() => r()));
    },
  };
}

test("a restarted server is reached again on the next call; watches on the dead connection end", async () => {
  const dir = mkdtempSync(join(tmpdir(), "loci-http-client-restart-"));
  let server = await ApiServer.start({ dataDir: dir, listen: "127.0.0.1:0" });
  const proxy = await relay();
  proxy.target(Number(new URL(server.url).port));
  const target = { ...loadKubeconfig(server.kubeconfigPath), server: `https://127.0.0.1:${proxy.port}` };
  const client = new HttpClient(target, { sessions: 2 });
  try {
    await client.create(CONFIG_MAPS, "default", cm("survives"));
    const watches = await Promise.all(
      [0, 1, 2].map(() => client.watch(CONFIG_MAPS, "default", { resourceVersion: "0" }, () => {})),
    );
    // The server goes down: its connections drop, and nothing answers for a while.
    proxy.target(0);
    proxy.cut();
    await server.close();
    await Promise.all(watches.map((w) => w.done));
    await assert.rejects(client.get(CONFIG_MAPS, "default", "survives"), isApiError(503, "ServiceUnavailable"));
    await assert.rejects(
      client.watch(CONFIG_MAPS, "default", {}, () => {}),
      isApiError(503, "ServiceUnavailable"),
    );

    server = await ApiServer.start({ dataDir: dir, listen: "127.0.0.1:0" });
    proxy.target(Number(new URL(server.url).port));
    for (let i = 0; i < 4; i++) {
      const got = await client.get(CONFIG_MAPS, "default", "survives");
      assert.equal(got.metadata.name, "survives");
    }
    const events: WatchEvent[] = [];
    const w = await client.watch(CONFIG_MAPS, "default", {}, (ev) => events.push(ev));
    await until(() => events.some((e) => e.object.metadata.name === "survives"));
    w.stop();
    await w.done;
  } finally {
    await client.close();
    await proxy.close();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a connection that dies silently is found by PING: its watches end and the next call reconnects", async () => {
  const dir = mkdtempSync(join(tmpdir(), "loci-http-client-ping-"));
  const server = await ApiServer.start({ dataDir: dir, listen: "127.0.0.1:0" });
  const proxy = await relay();
  proxy.target(Number(new URL(server.url).port));
  const target = { ...loadKubeconfig(server.kubeconfigPath), server: `https://127.0.0.1:${proxy.port}` };
  const client = new HttpClient(target, { pingIntervalMs: 200 });
  try {
    const w = await client.watch(CONFIG_MAPS, "default", {}, () => {});
    await new Promise((r) => setTimeout(r, 300));
    proxy.freeze();
    const started = Date.now();
    await w.done;
    assert.ok(Date.now() - started < 2000, "found within a few ping intervals");
    assert.equal((await client.list(CONFIG_MAPS, "default")).items.length, 0);
  } finally {
    await client.close();
    await proxy.close();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test("GOAWAY ends the watches on that session, lets its requests finish, and new calls use a new session; request timeout", async () => {
  const sessions: ServerHttp2Session[] = [];
  let answerSlow: (() => void) | undefined;
  const h2 = createHttp2Server();
  h2.on("session", (s) => sessions.push(s));
  h2.on("stream", (stream, headers) => {
    const path = String(headers[":path"]);
    if (path.includes("watch=true")) {
      stream.respond({ ":status": 200, "content-type": "application/json" });
      stream.write(`${JSON.stringify({ type: "ADDED", object: cm("a") })}\n`);
    } else if (path.endsWith("/never")) {
      // Never answered: the client's request timeout has to end it.
    } else if (path.endsWith("/slow")) {
      answerSlow = () => {
        stream.respond({ ":status": 200, "content-type": "application/json" });
        stream.end(JSON.stringify(cm("slow")));
      };
    } else {
      stream.respond({ ":status": 502, "content-type": "text/plain" });
      stream.end("bad gateway");
    }
  });
  await new Promise<void>((r) => h2.listen(0, "127.0.0.1", r));
  const client = new HttpClient({ server: `http://127.0.0.1:${(h2.address() as AddressInfo).port}` });
  try {
    const events: WatchEvent[] = [];
    const w = await client.watch(CONFIG_MAPS, "default", {}, (ev) => events.push(ev));
    const slow = client.get(CONFIG_MAPS, "default", "slow");
    await until(() => answerSlow);
    sessions[0].close();
    await w.done;
    assert.deepEqual(
      events.map((e) => `${e.type} ${e.object.metadata.name}`),
      ["ADDED a"],
    );
    answerSlow!();
    assert.equal((await slow).metadata.name, "slow", "a request in flight still gets its answer");
    await assert.rejects(client.get(CONFIG_MAPS, "default", "x"), isApiError(502, "", /^bad gateway$/));
    assert.equal(sessions.length, 2);
    const impatient = new HttpClient(
      { server: `http://127.0.0.1:${(h2.address() as AddressInfo).port}` },
      {
        requestTimeoutMs: 100,
      },
    );
    await assert.rejects(impatient.get(CONFIG_MAPS, "default", "never"), isApiError(504, "Timeout", /100 ms/));
    await impatient.close();
  } finally {
    await client.close();
    for (const s of sessions) s.destroy();
    await new Promise((r) => h2.close(r));
  }
});

test("a connection attempt that never completes fails after one ping interval", async () => {
  const accepted = new Set<Socket>();
  const silent = createServer((s) => accepted.add(s));
  await new Promise<void>((r) => silent.listen(0, "127.0.0.1", r));
  const client = new HttpClient(
    { server: `https://127.0.0.1:${(silent.address() as AddressInfo).port}` },
    { pingIntervalMs: 200 },
  );
  try {
    await assert.rejects(
      client.watch(NODES, "", {}, () => {}),
      isApiError(503, "ServiceUnavailable", /could not connect within 200 ms/),
    );
  } finally {
    await client.close();
    for (const s of accepted) s.destroy();
    await new Promise((r) => silent.close(r));
  }
});

test("nothing listening is 503 ServiceUnavailable with the system error", async () => {
  const port = await freePort();
  const client = new HttpClient({ server: `https://127.0.0.1:${port}` });
  try {
    await assert.rejects(client.get(NODES, "", "x"), isApiError(503, "ServiceUnavailable", /ECONNREFUSED/));
    await assert.rejects(
      client.watch(NODES, "", {}, () => {}),
      isApiError(503, "ServiceUnavailable", /ECONNREFUSED/),
    );
  } finally {
    await client.close();
  }
});

test("a non-Status error body keeps the HTTP code and the text", () => {
  const e = errorFromResponse(502, "upstream connect error\n");
  assert.equal(e.code, 502);
  assert.equal(e.reason, "");
  assert.equal(e.message, "upstream connect error");
  const nf = errorFromResponse(404, "404 page not found");
  assert.equal(nf.reason, "NotFound");
  const s = errorFromResponse(
    500,
    JSON.stringify({
      kind: "Status",
      apiVersion: "v1",
      status: "Failure",
      code: 409,
      reason: "Conflict",
      message: "m",
    }),
  );
  assert.deepEqual([s.code, s.reason, s.message], [409, "Conflict", "m"]);
});
