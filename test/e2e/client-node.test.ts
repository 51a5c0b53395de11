// The official @kubernetes/client-node (1.x) against a real loci server, using only the admin kubeconfig the
// server writes: typed API calls, and an informer that must survive a server restart on the same data directory.
import assert from "node:assert/strict";
import { createServer } from "node:net";
import { after, before, describe, test } from "node:test";
import {
  AppsV1Api,
  CoreV1Api,
  type Informer,
  KubeConfig,
  ListWatch,
  makeInformer,
  type ObjectCache,
  type V1ConfigMap,
  type V1DaemonSet,
} from "@kubernetes/client-node";
import { openWatch, request, until } from "../helpers/http.ts";
import { API_ONLY, type RunningServer, startServer } from "../helpers/server.ts";

/** A port nobody listens on right now, so a restarted server can come back at the same URL. */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, "127.0.0.1", r));
  const { port } = probe.address() as { port: number };
  await new Promise((r) => probe.close(r));
  return port;
}

const cm = (name: string, data: Record<string, string> = { a: "1" }): V1ConfigMap => ({
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: { name },
  data,
});

/** name → resourceVersion, for comparing an informer's cache with the server's list. */
const versions = (items: readonly V1ConfigMap[]) =>
  Object.fromEntries(items.map((o) => [o.metadata!.name!, o.metadata!.resourceVersion!]));
const sameVersions = (a: Record<string, string>, b: Record<string, string>) =>
  JSON.stringify(Object.entries(a).sort()) === JSON.stringify(Object.entries(b).sort());

describe("@kubernetes/client-node", () => {
  let server: RunningServer;
  let listen: string;
  let kc: KubeConfig;
  let core: CoreV1Api;
  let apps: AppsV1Api;
  let informer: (Informer<V1ConfigMap> & ObjectCache<V1ConfigMap>) | undefined;
  let informerStopped = false;

  before(async () => {
    // A fixed port keeps the kubeconfig's URL valid across the restart below.
    listen = `127.0.0.1:${await freePort()}`;
    server = await startServer({ args: ["--listen", listen, API_ONLY] });
    kc = new KubeConfig();
    kc.loadFromFile(server.kubeconfig);
    core = kc.makeApiClient(CoreV1Api);
    apps = kc.makeApiClient(AppsV1Api);
  });
  after(async () => {
    informerStopped = true;
    await informer?.stop();
    await server?.stop();
  });

  test("the kubeconfig points at the server", () => {
    assert.equal(kc.getCurrentCluster()!.server, server.url);
    assert.equal(server.url, `https://${listen}`);
  });

  test("CoreV1Api.listNamespace shows the four system namespaces", async () => {
    const list = await core.listNamespace();
    const names = list.items.map((n) => n.metadata!.name!);
    for (const ns of ["default", "kube-system", "kube-public", "kube-node-lease"]) {
      assert.ok(names.includes(ns), `missing namespace ${ns} in ${names.join(",")}`);
    }
    assert.match(list.metadata!.resourceVersion!, /^\d+$/);
    assert.equal(list.items.find((n) => n.metadata!.name === "default")!.status!.phase, "Active");
  });

  test("AppsV1Api creates, lists and reads a DaemonSet with defaults applied", async () => {
    const body: V1DaemonSet = {
      apiVersion: "apps/v1",
      kind: "DaemonSet",
      metadata: { name: "cn-agent", labels: { app: "cn-agent" } },
      spec: {
        selector: { matchLabels: { app: "cn-agent" } },
        template: {
          metadata: { labels: { app: "cn-agent" } },
          spec: { containers: [{ name: "agent", image: "busybox:1.36" }] },
        },
      },
    };
    const created = await apps.createNamespacedDaemonSet({ namespace: "default", body });
    assert.equal(created.metadata!.name, "cn-agent");
    assert.equal(created.metadata!.namespace, "default");
    assert.match(created.metadata!.uid!, /^[0-9a-f-]{36}$/);
    assert.equal(created.metadata!.generation, 1);
    assert.equal(created.spec!.updateStrategy!.type, "RollingUpdate");
    assert.equal(created.spec!.updateStrategy!.rollingUpdate!.maxUnavailable, 1);
    assert.equal(created.spec!.revisionHistoryLimit, 10);
    assert.equal(created.spec!.template.spec!.containers[0].imagePullPolicy, "IfNotPresent");

    const list = await apps.listNamespacedDaemonSet({ namespace: "default" });
    assert.deepEqual(
      list.items.map((d) => d.metadata!.name),
      ["cn-agent"],
    );

    const read = await apps.readNamespacedDaemonSet({ name: "cn-agent", namespace: "default" });
    assert.equal(read.metadata!.resourceVersion, created.metadata!.resourceVersion);
    assert.equal(read.spec!.updateStrategy!.rollingUpdate!.maxUnavailable, 1);
    assert.equal(read.spec!.revisionHistoryLimit, 10);
    // The client deserialises dates: creationTimestamp must be an RFC 3339 time it can parse.
    assert.ok(read.metadata!.creationTimestamp instanceof Date);
    assert.ok(!Number.isNaN(read.metadata!.creationTimestamp.getTime()));

    await assert.rejects(apps.readNamespacedDaemonSet({ name: "nope", namespace: "default" }), (e: any) => {
      assert.equal(e.code, 404);
      return true;
    });
  });

  const events: { type: string; name: string; rv: string }[] = [];
  const errors: unknown[] = [];
  let connects = 0;
  const path = "/api/v1/namespaces/default/configmaps";
  /** until(), but a timeout says what was awaited and what the informer saw last. */
  const waitFor = <T>(what: string, fn: () => T | undefined | false, ms = 30_000) =>
    until(fn, ms).catch(() => {
      throw new Error(
        `timed out waiting for ${what}; last events ${JSON.stringify(events.slice(-6))}; ` +
          `errors ${errors.map((e: any) => e?.code ?? e?.message).join(",")}; connects ${connects}`,
      );
    });

  test("an informer sees add, update and delete events", async () => {
    await core.createNamespacedConfigMap({ namespace: "default", body: cm("before-start") });
    informer = makeInformer(kc, path, () => core.listNamespacedConfigMap({ namespace: "default" }));
    for (const type of ["add", "update", "delete"] as const) {
      informer.on(type, (o) => events.push({ type, name: o.metadata!.name!, rv: o.metadata!.resourceVersion! }));
    }
    informer.on("connect", () => connects++);
    // The documented recovery pattern: the informer stops on errors, the application restarts it.
    informer.on("error", (err) => {
      errors.push(err);
      setTimeout(() => {
        if (!informerStopped) informer!.start().catch(() => {});
      }, 200);
    });
    await informer.start();
    await waitFor("add before-start (from the list)", () =>
      events.some((e) => e.type === "add" && e.name === "before-start"),
    );

    const created = await core.createNamespacedConfigMap({ namespace: "default", body: cm("i1") });
    const add = await waitFor("add i1", () => events.find((e) => e.type === "add" && e.name === "i1"));
    assert.equal(add.rv, created.metadata!.resourceVersion);

    const replaced = await core.replaceNamespacedConfigMap({
      name: "i1",
      namespace: "default",
      body: { ...created, data: { a: "2" } },
    });
    const upd = await waitFor("update i1", () => events.find((e) => e.type === "update" && e.name === "i1"));
    assert.equal(upd.rv, replaced.metadata!.resourceVersion);
    assert.equal(informer.get("i1", "default")!.data!.a, "2");

    await core.createNamespacedConfigMap({ namespace: "default", body: cm("i2") });
    await core.deleteNamespacedConfigMap({ name: "i2", namespace: "default" });
    await waitFor("delete i2", () => events.some((e) => e.type === "delete" && e.name === "i2"));
    assert.equal(informer.get("i2", "default"), undefined);
    assert.deepEqual(
      events.filter((e) => e.name === "i2").map((e) => e.type),
      ["add", "delete"],
    );
    assert.deepEqual(errors, []);
  });

  // Upstream flushes a watch's 200 before the first event; informer.start() waits for it.
  test("a quiet watch answers 200 at once over HTTP/1.1, so informer.start() resolves", async () => {
    const quiet = "/api/v1/namespaces/kube-public/configmaps";
    const w = openWatch(server, `${quiet}?watch=true`);
    const status = await Promise.race([w.status, new Promise((r) => setTimeout(() => r("no headers in 3s"), 3000))]);
    w.stop();
    assert.equal(status, 200);
    const probe = makeInformer(kc, quiet, () => core.listNamespacedConfigMap({ namespace: "kube-public" }));
    probe.on("error", () => {});
    const started = await Promise.race([
      probe.start().then(() => "started"),
      new Promise((r) => setTimeout(() => r("start() pending after 3s"), 3000)),
    ]);
    await probe.stop();
    assert.equal(started, "started");
  });

  test("the informer recovers after the server restarts on the same data directory", async () => {
    assert.ok(informer, "informer from the previous test");
    const serverList = async () => versions((await core.listNamespacedConfigMap({ namespace: "default" })).items);
    const beforeStop = await serverList();
    await waitFor("cache = list before stop", () => sameVersions(versions(informer!.list("default")), beforeStop));

    // SIGTERM: the server ends the watch; the informer's reconnect attempts fail while it is down.
    const dataDir = server.dataDir;
    const errorsBefore = errors.length;
    await server.stop({ keepData: true });
    await waitFor("a watch error after SIGTERM", () => errors.length > errorsBefore);
    const refused = errors.slice(errorsBefore).map((e: any) => String(e?.code ?? e?.cause?.code ?? e?.message));
    assert.ok(
      refused.some((c) => /ERR_STREAM_PREMATURE_CLOSE|ECONNREFUSED|ECONNRESET|socket hang up/.test(c)),
      `watch errors while down: ${refused.join(", ")}`,
    );

    server = await startServer({ dataDir, args: ["--listen", listen, API_ONLY] });
    assert.equal(server.url, `https://${listen}`);
    // Objects written before the stop survive with their resourceVersions.
    assert.deepEqual(await serverList(), beforeStop);

    const eventsBefore = events.length;
    const fresh = await core.createNamespacedConfigMap({ namespace: "default", body: cm("after-restart") });
    await core.deleteNamespacedConfigMap({ name: "before-start", namespace: "default" });

    const add = await waitFor("add after-restart", () =>
      events.slice(eventsBefore).find((e) => e.type === "add" && e.name === "after-restart"),
    );
    assert.equal(add.rv, fresh.metadata!.resourceVersion);
    await waitFor("delete before-start", () =>
      events.slice(eventsBefore).some((e) => e.type === "delete" && e.name === "before-start"),
    );

    // The cache converges to exactly the server's list (names and resourceVersions).
    const afterRestart = await serverList();
    assert.deepEqual(Object.keys(afterRestart).sort(), ["after-restart", "i1"]);
    await waitFor("cache = list after restart", () => sameVersions(versions(informer!.list("default")), afterRestart));
    // makeInformer's informer is a ListWatch; it has followed the new process's revisions.
    assert.ok(informer instanceof ListWatch);
    assert.ok(Number(informer.latestResourceVersion()) >= Number(fresh.metadata!.resourceVersion));

    // And it keeps following live changes on the new process.
    const live = await core.createNamespacedConfigMap({ namespace: "default", body: cm("live") });
    const liveAdd = await waitFor("add live", () => events.find((e) => e.type === "add" && e.name === "live"));
    assert.equal(liveAdd.rv, live.metadata!.resourceVersion);

    // A raw request with the token from the rewritten kubeconfig still works (same PKI and token).
    const raw = await request(server, "GET", `${path}/live`);
    assert.equal(raw.status, 200);
    assert.equal(raw.json().metadata.resourceVersion, live.metadata!.resourceVersion);
  });
});
