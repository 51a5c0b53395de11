// Crash safety of a real server process: every write acknowledged with 201 survives `kill -9` with the same
// resourceVersion, and the data directory's lock keeps a second server off a directory that is in use.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { resolve } from "node:path";
import { after, describe, test } from "node:test";
import { type HttpResult, request } from "../helpers/http.ts";
import { API_ONLY, LOCI, type RunningServer, startServer } from "../helpers/server.ts";

interface Create {
  /** Collection path the object is POSTed to. */
  collection: string;
  name: string;
  body: unknown;
}

/** The i-th create: mostly ConfigMaps, with a Pod every 25th and a DaemonSet every 40th. */
function nthCreate(i: number): Create {
  const ns = "/api/v1/namespaces/default";
  if (i % 40 === 39) {
    const name = `dur-ds-${i}`;
    return {
      collection: "/apis/apps/v1/namespaces/default/daemonsets",
      name,
      body: {
        apiVersion: "apps/v1",
        kind: "DaemonSet",
        metadata: { name },
        spec: {
          selector: { matchLabels: { app: name } },
          template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: "c", image: "busybox" }] } },
        },
      },
    };
  }
  if (i % 25 === 24) {
    const name = `dur-pod-${i}`;
    return {
      collection: `${ns}/pods`,
      name,
      body: {
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name },
        spec: { containers: [{ name: "c", image: "busybox" }] },
      },
    };
  }
  const name = `dur-cm-${i}`;
  return {
    collection: `${ns}/configmaps`,
    name,
    body: { apiVersion: "v1", kind: "ConfigMap", metadata: { name }, data: { i: String(i), pad: "x".repeat(512) } },
  };
}

describe("durability", () => {
  const servers: RunningServer[] = [];
  after(async () => {
    // The last server owns the directory the others shared; stop the others first, keeping the data.
    for (const s of servers.slice(0, -1)) await s.stop({ keepData: true });
    await servers.at(-1)?.stop();
  });

  test("every acknowledged create survives kill -9 with the same resourceVersion", async () => {
    const first = await startServer({ args: [API_ONLY] });
    servers.push(first);
    const TOTAL = 300;
    const CONCURRENCY = 32;
    const KILL_AFTER = 200;
    const acked: { create: Create; rv: string; uid: string }[] = [];
    const unexpected: string[] = [];
    let next = 0;
    let inFlight = 0;
    let inFlightAtKill = -1;
    let killing: Promise<void> | undefined;

    const worker = async () => {
      while (!killing && next < TOTAL) {
        const create = nthCreate(next++);
        inFlight++;
        let res: HttpResult | undefined;
        try {
          res = await request(first, "POST", create.collection, { body: create.body });
        } catch {
          // Connection reset by the kill: not acknowledged.
        } finally {
          inFlight--;
        }
        if (!res) continue;
        if (res.status !== 201) {
          unexpected.push(`${create.name}: ${res.status} ${res.body}`);
          continue;
        }
        const obj = res.json();
        acked.push({ create, rv: obj.metadata.resourceVersion, uid: obj.metadata.uid });
        if (acked.length >= KILL_AFTER && !killing) {
          inFlightAtKill = inFlight;
          killing = first.stop({ kill9: true, keepData: true });
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    await killing;

    assert.deepEqual(unexpected, []);
    assert.ok(killing, `the kill was never triggered (${acked.length} acknowledged)`);
    assert.equal(first.proc.signalCode, "SIGKILL");
    assert.ok(acked.length >= KILL_AFTER && acked.length < TOTAL, `acknowledged ${acked.length}`);
    assert.ok(inFlightAtKill > 0, "requests were still in flight at the kill");

    // The dead process left its lock behind; a restart on the same directory must take it over.
    const second = await startServer({ dataDir: first.dataDir, args: [API_ONLY] });
    servers.push(second);

    const missing: string[] = [];
    const changed: string[] = [];
    for (const { create, rv, uid } of acked) {
      const got = await request(second, "GET", `${create.collection}/${create.name}`);
      if (got.status !== 200) {
        missing.push(`${create.name}: ${got.status}`);
        continue;
      }
      const meta = got.json().metadata;
      if (meta.resourceVersion !== rv || meta.uid !== uid) {
        changed.push(`${create.name}: rv ${rv} -> ${meta.resourceVersion}, uid ${uid} -> ${meta.uid}`);
      }
    }
    assert.deepEqual(missing, [], "acknowledged objects missing after kill -9");
    assert.deepEqual(changed, [], "acknowledged objects changed after kill -9");

    // Nothing is corrupted: every collection lists, holds only whole objects, and the store keeps counting up.
    const collections = [...new Set(acked.map((a) => a.create.collection))];
    assert.equal(collections.length, 3);
    const highestAcked = Math.max(...acked.map((a) => Number(a.rv)));
    for (const collection of collections) {
      const list = await request(second, "GET", collection);
      assert.equal(list.status, 200, list.body);
      const body = list.json();
      assert.ok(Number(body.metadata.resourceVersion) >= highestAcked);
      const names = new Set(body.items.map((o: any) => o.metadata.name));
      for (const a of acked.filter((x) => x.create.collection === collection)) {
        assert.ok(names.has(a.create.name), `${a.create.name} missing from the list of ${collection}`);
      }
      for (const o of body.items) {
        assert.match(o.metadata.resourceVersion, /^\d+$/);
        assert.match(o.metadata.uid, /^[0-9a-f-]{36}$/);
      }
    }
    const afterCrash = await request(second, "POST", "/api/v1/namespaces/default/configmaps", {
      body: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "after-crash" } },
    });
    assert.equal(afterCrash.status, 201, afterCrash.body);
    assert.ok(Number(afterCrash.json().metadata.resourceVersion) > highestAcked);
  });

  test("a second server on a data directory in use exits 1 naming the holder's pid", async () => {
    const running = servers.at(-1) ?? (await startServer({ args: [API_ONLY] }));
    if (!servers.includes(running)) servers.push(running);
    const child = spawn(process.execPath, [LOCI, "server", "--data", running.dataDir, "--listen", "127.0.0.1:0"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => {
      stdout += d;
    });
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    const code = await new Promise<number | null>((r) => child.on("exit", (c) => r(c)));
    assert.equal(code, 1, `stdout: ${stdout} stderr: ${stderr}`);
    assert.equal(stderr, `data directory ${resolve(running.dataDir)} is in use by pid ${running.proc.pid}\n`);
    assert.doesNotMatch(stdout, /ready/);

    // The holder is unharmed and keeps serving.
    const res = await request(running, "GET", "/api/v1/namespaces/default/configmaps");
    assert.equal(res.status, 200, res.body);
  });
});
