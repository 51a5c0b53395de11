// Crash safety (issue 3): `kill -9` the server in the middle of a DaemonSet rollout to 1,000 hollow nodes,
// restart it on the same data directory and address, and the controllers finish the job with exactly one pod
// per node: no duplicates from creations the old process made but had not yet observed, nothing missing.
// The hollow process stays up across the crash; its HTTP client reconnects to the restarted server.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import type { KubeObject } from "../../src/api/object.ts";
import { isPodReady } from "../../src/api/scheduling/pod-conditions.ts";
import { DAEMON_SETS, NODES, PODS } from "../../src/client/client.ts";
import { HttpClient } from "../../src/client/http-client.ts";
import { sleep } from "../helpers/eventually.ts";
import { type RunningHollow, startHollow } from "../helpers/hollow.ts";
import { type RunningServer, startServer } from "../helpers/server.ts";

const NODE_COUNT = 1000;

/** A port that was free a moment ago (the restarted server must come back on the same one). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

const dataDir = mkdtempSync(join(tmpdir(), "loci-crash-"));
let server: RunningServer | undefined;
let hollow: RunningHollow | undefined;
let client: HttpClient | undefined;

after(async () => {
  await client?.close();
  await hollow?.stop({ kill9: true });
  await server?.stop({ keepData: true });
  rmSync(dataDir, { recursive: true, force: true });
});

test(`kill -9 mid-rollout to ${NODE_COUNT} hollow nodes: after a restart, exactly one pod per node`, async (t) => {
  const listen = `127.0.0.1:${await freePort()}`;
  const args = ["--listen", listen];
  server = await startServer({ dataDir, args });
  hollow = await startHollow(server.kubeconfig, [`--nodes=${NODE_COUNT}`, "--name-prefix=crash-"]);
  client = HttpClient.fromKubeconfig(server.kubeconfig);

  await client.create(DAEMON_SETS, "default", {
    apiVersion: "apps/v1",
    kind: "DaemonSet",
    metadata: { name: "fleet-agent" },
    spec: {
      selector: { matchLabels: { app: "fleet-agent" } },
      template: {
        metadata: { labels: { app: "fleet-agent" } },
        spec: { containers: [{ name: "agent", image: "registry.k8s.io/pause:3.10" }] },
      },
    },
  });
  // Crash once a part of the pods exists (the controller creates them in growing batches).
  let before = 0;
  for (const end = Date.now() + 60_000; ; ) {
    before = (await client.list(PODS, "default", { labelSelector: "app=fleet-agent" })).items.length;
    if (before >= NODE_COUNT / 10) break;
    assert.ok(Date.now() < end, `only ${before} pods after 60 s`);
    await sleep(50);
  }
  await server.stop({ kill9: true, keepData: true });
  assert.ok(before < NODE_COUNT, `the rollout had already finished (${before} pods) when the server was killed`);

  server = await startServer({ dataDir, args });
  assert.equal(new URL(server.url).host, listen);

  // The same client object reconnects too (new HTTP/2 session on the next request).
  const survivors = (await client.list(PODS, "default", { labelSelector: "app=fleet-agent" })).items;
  // Pods still missing at the restart can only become Ready if the hollow process reconnected.
  assert.ok(survivors.length < NODE_COUNT, `all ${survivors.length} pods existed before the crash`);
  t.diagnostic(`pods when the crash was decided: ${before}; after the restart: ${survivors.length}`);
  let pods: KubeObject[] = [];
  for (const end = Date.now() + 90_000; ; ) {
    try {
      const ds = await client.get(DAEMON_SETS, "default", "fleet-agent");
      const s = ds.status ?? {};
      pods = (await client.list(PODS, "default", { labelSelector: "app=fleet-agent" })).items;
      if (
        s.desiredNumberScheduled === NODE_COUNT &&
        s.currentNumberScheduled === NODE_COUNT &&
        s.numberReady === NODE_COUNT &&
        s.observedGeneration === ds.metadata.generation &&
        pods.length === NODE_COUNT
      ) {
        break;
      }
      assert.ok(Date.now() < end, `not done after the restart: status ${JSON.stringify(s)}, ${pods.length} pods`);
    } catch (e) {
      if (Date.now() >= end) throw e;
    }
    await sleep(500);
  }

  const perNode = new Map<string, number>();
  for (const p of pods) {
    assert.equal(p.metadata.deletionTimestamp, undefined, `${p.metadata.name} is terminating`);
    assert.ok(isPodReady(p), `${p.metadata.name} is not ready`);
    perNode.set(p.spec.nodeName, (perNode.get(p.spec.nodeName) ?? 0) + 1);
  }
  const nodes = (await client.list(NODES, "")).items.map((n) => n.metadata.name!);
  assert.equal(nodes.length, NODE_COUNT);
  const wrong = nodes.filter((n) => perNode.get(n) !== 1).map((n) => `${n}:${perNode.get(n) ?? 0}`);
  assert.deepEqual(wrong, [], "nodes without exactly one pod");
  // Nothing the crashed server created was replaced.
  const finalUids = new Set(pods.map((p) => p.metadata.uid));
  const replaced = survivors.filter((p) => !finalUids.has(p.metadata.uid)).map((p) => p.metadata.name);
  assert.deepEqual(replaced, [], "pods created before the crash were deleted");
  // And it stays that way: nothing left over that a late sync would add or remove.
  await sleep(2000);
  const again = (await client.list(PODS, "default", { labelSelector: "app=fleet-agent" })).items;
  assert.equal(again.filter((p) => !p.metadata.deletionTimestamp).length, NODE_COUNT);
});
