// Property test of the DaemonSet controller against a real in-process API server: two workers whose watch
// events arrive 200 ms late, random sequences of node and DaemonSet changes, safety invariants checked on every
// server change (property-invariants.ts) and the settled state recomputed independently (property-settled.ts).
// To replay a counterexample: DS_PROPERTY_REPLAY='<scenario JSON from the failure>' node --import tsx --test <this file>
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import fc from "fast-check";
import type { KubeObject } from "../../api/object.ts";
import { ApiServer } from "../../apiserver/server.ts";
import { type ApiClient, DAEMON_SETS, NAMESPACES, NODES, PODS } from "../../client/client.ts";
import { InProcessClient } from "../../client/in-process-client.ts";
import { Informer } from "../runtime/informer.ts";
import { InvariantMonitor, type InvariantStats } from "./property-invariants.ts";
import { NodeAgent } from "./property-node-agent.ts";
import { runScenario } from "./property-run.ts";
import { type Scenario, ScenarioDriver, scenarioArb } from "./property-scenario.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function withServer(fn: (client: ApiClient) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "loci-dsc-prop-"));
  const server = await ApiServer.start({ dataDir: dir, listen: "127.0.0.1:0" });
  const client = new InProcessClient(server);
  try {
    await fn(client);
  } finally {
    await client.close();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

test("DaemonSet controller: two workers, watches 200 ms late, 50 random sequences keep the invariants", async (t) => {
  await withServer(async (client) => {
    const totals: InvariantStats = {
      creations: 0,
      surgeCreations: 0,
      guardedDeletions: 0,
      guardedDeletionsUnderPressure: 0,
    };
    let runs = 0;
    let slowest = 0;
    await fc.assert(
      fc.asyncProperty(scenarioArb({ minNodes: 3, maxNodes: 6, maxSteps: 6, maxPauseMs: 300 }), async (sc) => {
        const { problems, stats, ms } = await runScenario(client, ++runs, sc);
        slowest = Math.max(slowest, ms);
        for (const k of Object.keys(totals) as (keyof InvariantStats)[]) totals[k] += stats[k];
        if (problems.length > 0) throw new Error(`run ${runs}: ${JSON.stringify(sc)}\n  ${problems.join("\n  ")}`);
      }),
      { seed: 42, numRuns: 50, includeErrorInReport: true },
    );
    t.diagnostic(`runs ${runs}, slowest ${Math.round(slowest)} ms, checks ${JSON.stringify(totals)}`);
    // The checks had something to judge: creations, surges, and deletions where the budget mattered.
    assert.ok(totals.creations > 100, `creations judged: ${totals.creations}`);
    assert.ok(totals.surgeCreations > 0, `surge creations judged: ${totals.surgeCreations}`);
    assert.ok(
      totals.guardedDeletionsUnderPressure > 0,
      `deletions under pressure: ${totals.guardedDeletionsUnderPressure}`,
    );
  });
});

test("the invariant monitor catches a misbehaving controller", async () => {
  await withServer(async (client) => {
    const namespace = "monitor-check";
    await client.create(NAMESPACES, "", { apiVersion: "v1", kind: "Namespace", metadata: { name: namespace } });
    const pods = new Informer(client, PODS, { namespace });
    const nodes = new Informer(client, NODES);
    const daemonSets = new Informer(client, DAEMON_SETS, { namespace });
    // No controller runs: every change is judged against the fallback window.
    const monitor = new InvariantMonitor({
      dsName: "ds",
      nodePrefix: "m-",
      windowMs: 300,
      slackMs: 0,
      pods,
      nodes,
      daemonSets,
    });
    monitor.start();
    const agent = new NodeAgent({ client, namespace, pods, nodes, random: Math.random, maxDelayMs: 10 });
    agent.start();
    for (const i of [pods, nodes, daemonSets]) i.start();
    try {
      const driver = new ScenarioDriver(client, namespace, "m-", "ds");
      const sc: Scenario = { nodes: [{}, {}, {}], image: "app:2", strategy: "surge1", steps: [], agentSeed: 0 };
      for (const n of sc.nodes) await driver.addNode(n);
      await driver.createDaemonSet(sc);
      let seq = 0;
      // The test plays a broken controller: pods pinned to nodes as daemon pods are.
      const createPod = (node: string, image: string) =>
        client.create(PODS, namespace, {
          apiVersion: "v1",
          kind: "Pod",
          metadata: { name: `x${++seq}`, namespace, labels: { app: "ds" } },
          spec: {
            containers: [{ name: "app", image }],
            affinity: {
              nodeAffinity: {
                requiredDuringSchedulingIgnoredDuringExecution: {
                  nodeSelectorTerms: [{ matchFields: [{ key: "metadata.name", operator: "In", values: [node] }] }],
                },
              },
            },
          },
        } as KubeObject);
      const [n1, n2, n3] = driver.nodes;
      for (const n of driver.nodes) await createPod(n, "app:1");
      const until = Date.now() + 5000;
      while (!monitor.allDesiredAvailable() && Date.now() < until) await sleep(20);
      await sleep(400);
      assert.deepEqual(monitor.violations, []);

      // (c) maxSurge 1: a second surge pod while n1 still surges.
      await createPod(n1, "app:2");
      await sleep(50);
      assert.equal(monitor.violations.length, 0, monitor.violations.join("\n"));
      await createPod(n2, "app:2");
      await sleep(50);
      assert.equal(monitor.violations.length, 1);
      assert.match(monitor.violations[0], /^\(c\) surge pod x5 created on m-n2 while 1 other node\(s\) already surge/);

      // (b) with surge the available old pod of n3 may not go before a new one is available there.
      await client.delete(PODS, namespace, "x3");
      await sleep(50);
      assert.equal(monitor.violations.length, 2);
      assert.match(monitor.violations[1], /^\(b\) available pod x3 on desired node m-n3 deleted with strategy surge/);

      // (a) without surge a second pod for a node that has one.
      await driver.apply({ kind: "setStrategy", strategy: "maxUnavailable1" });
      await sleep(400);
      await createPod(n3, "app:2");
      await sleep(50);
      assert.equal(monitor.violations.length, 2, monitor.violations.join("\n"));
      await createPod(n3, "app:2");
      await sleep(50);
      assert.equal(monitor.violations.length, 3);
      assert.match(monitor.violations[2], /^\(a\) pod x7 created for node m-n3 next to live pod x6, without surge/);
    } finally {
      agent.stop();
      for (const i of [pods, nodes, daemonSets]) i.stop();
    }
  });
});

test("replay of a recorded scenario (DS_PROPERTY_REPLAY)", { skip: !process.env.DS_PROPERTY_REPLAY }, async () => {
  const sc = JSON.parse(process.env.DS_PROPERTY_REPLAY ?? "{}") as Scenario;
  await withServer(async (client) => {
    const failures: string[] = [];
    for (let run = 1; run <= 10; run++) {
      const { problems } = await runScenario(client, run, sc);
      if (problems.length > 0) failures.push(`replay ${run}:\n  ${problems.join("\n  ")}`);
    }
    assert.deepEqual(failures, []);
  });
});
