// One run of the DaemonSet property test: a scenario in its own namespace with its own node names, a
// controller (two workers) reading through watches delayed 200 ms, the simulated node agent, the invariant
// monitor, and the settled-state check. Leaves nothing behind on the server.
import type { KubeObject } from "../../api/object.ts";
import { type ApiClient, CONTROLLER_REVISIONS, DAEMON_SETS, NAMESPACES, NODES, PODS } from "../../client/client.ts";

import { realClock } from "../runtime/clock.ts";
import { defaultControllerOptions } from "../runtime/controller.ts";
import { EventRecorder } from "../runtime/events.ts";
import { Informer } from "../runtime/informer.ts";
import { SharedInformers } from "../runtime/shared-informers.ts";
import { DaemonSetController } from "./controller.ts";
import { DelayedWatchClient } from "./property-delayed-client.ts";
import { InvariantMonitor, type InvariantStats } from "./property-invariants.ts";
import { NodeAgent } from "./property-node-agent.ts";
import { type Scenario, ScenarioDriver } from "./property-scenario.ts";
import { settledProblems } from "./property-settled.ts";

const WATCH_DELAY_MS = 200;
/** Look-back when no sync is running (longer than the controller's lag: watch delay + a sync). */
const STABLE_WINDOW_MS = 1000;
/** Jitter between the monitor's and the delayed client's receipt of one server event. */
const VIEW_SLACK_MS = 20;
/** How long after a sync returned its writes may still be reaching the monitor. */
const RECENT_SYNC_MS = 50;
/** Settled = nothing in flight anywhere and no pod or DaemonSet change for this long. */
const SETTLE_QUIET_MS = 300;
const SETTLE_TIMEOUT_MS = 15_000;
const AGENT_MAX_DELAY_MS = 40;
const WARM_UP_MAX_MS = 1500;
const DS_NAME = "ds";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** mulberry32: a tiny seeded PRNG for the node agent's delays. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface RunResult {
  problems: string[];
  stats: InvariantStats;
  ms: number;
}

/** One scenario in its own namespace with its own node names, controller and node agent; leaves nothing behind. */
export async function runScenario(client: ApiClient, run: number, sc: Scenario): Promise<RunResult> {
  const started = performance.now();
  const namespace = `prop-${run}`;
  const prefix = `p${run}-`;
  const dsKey = `${namespace}/${DS_NAME}`;
  await client.create(NAMESPACES, "", { apiVersion: "v1", kind: "Namespace", metadata: { name: namespace } });

  // Which syncs run, and from which moment of server history each started (the work queue never runs one key
  // twice at once, and this run has one DaemonSet). The last finished sync's view is kept a moment longer: the
  // watch event of its last write may reach the monitor after it returned and the next sync began.
  const syncViews = new Map<string, number>();
  let lastFinished = { view: 0, at: Number.NEGATIVE_INFINITY };
  const syncViewSince = () => {
    const running = syncViews.get(dsKey);
    if (performance.now() - lastFinished.at > RECENT_SYNC_MS) return running;
    return Math.min(running ?? Number.POSITIVE_INFINITY, lastFinished.view);
  };
  // Undelayed views of the server for the monitor and the node agent.
  const pods = new Informer(client, PODS, { namespace });
  const nodes = new Informer(client, NODES);
  const daemonSets = new Informer(client, DAEMON_SETS, { namespace });
  const monitor = new InvariantMonitor({
    dsName: DS_NAME,
    nodePrefix: prefix,
    windowMs: STABLE_WINDOW_MS,
    syncViewSince,
    slackMs: VIEW_SLACK_MS,
    pods,
    nodes,
    daemonSets,
  });
  monitor.start();
  const agent = new NodeAgent({
    client,
    namespace,
    pods,
    nodes,
    random: seeded(sc.agentSeed),
    maxDelayMs: AGENT_MAX_DELAY_MS,
  });
  agent.start();
  for (const i of [pods, nodes, daemonSets]) i.start();
  await Promise.all([pods, nodes, daemonSets].map((i) => i.waitForSync()));

  // The controller sees the server through the delayed client.
  const delayed = new DelayedWatchClient(client, WATCH_DELAY_MS);
  const informers = new SharedInformers(delayed);
  const recorders: EventRecorder[] = [];
  const ctrl = new DaemonSetController({
    client: delayed,
    informers,
    clock: realClock,
    recorder: (c) => {
      const r = new EventRecorder(delayed, c);
      recorders.push(r);
      return r;
    },
    options: { ...defaultControllerOptions(), concurrentDaemonSetSyncs: 2 },
  });
  const sync = ctrl.syncDaemonSet.bind(ctrl);
  ctrl.syncDaemonSet = async (key: string) => {
    const view = delayed.viewAsOf();
    syncViews.set(key, view);
    try {
      await sync(key);
    } finally {
      syncViews.delete(key);
      lastFinished = { view, at: performance.now() };
    }
  };
  ctrl.start();
  informers.start();
  await informers.waitForSync();

  const driver = new ScenarioDriver(client, namespace, prefix, DS_NAME);
  const problems: string[] = [];
  try {
    for (const n of sc.nodes) await driver.addNode(n);
    await driver.createDaemonSet(sc);
    // Let the first pods become available, so the steps meet a running DaemonSet (rollouts then have
    // available pods to protect), but do not wait for it forever: that is for the settle check.
    const warmEnd = performance.now() + WARM_UP_MAX_MS;
    while (!monitor.allDesiredAvailable() && performance.now() < warmEnd) await sleep(20);
    for (const step of sc.steps) {
      await driver.apply(step.action);
      await sleep(step.pauseMs);
    }

    const settleStart = performance.now();
    let lastBusy = settleStart;
    for (;;) {
      const now = performance.now();
      const busy =
        delayed.pending > 0 ||
        syncViews.size > 0 ||
        ctrl.queue.len() > 0 ||
        agent.busy ||
        !ctrl.expectations.satisfied(dsKey);
      if (busy) lastBusy = now;
      if (now - Math.max(lastBusy, monitor.lastChangeAt) >= SETTLE_QUIET_MS) break;
      if (now - settleStart > SETTLE_TIMEOUT_MS) {
        problems.push(`did not settle within ${SETTLE_TIMEOUT_MS} ms`);
        break;
      }
      await sleep(25);
    }

    const ds = await client.get(DAEMON_SETS, namespace, DS_NAME);
    const allNodes = (await client.list(NODES, "")).items;
    const strangers = allNodes.filter((n) => !n.metadata.name?.startsWith(prefix));
    if (strangers.length > 0)
      problems.push(`harness: nodes of other runs left: ${strangers.map((n) => n.metadata.name)}`);
    const podList = (await client.list(PODS, namespace)).items;
    const listed = podList.map((p) => p.metadata.name ?? "").sort();
    if (JSON.stringify(listed) !== JSON.stringify(monitor.podNames())) {
      problems.push(`harness: monitor pods ${monitor.podNames()} != listed ${listed}`);
    }
    problems.push(...monitor.violations);
    problems.push(...settledProblems(ds, allNodes, podList).map((p) => `(d) ${p}`));
    problems.push(...agent.errors.map((e) => `harness: node agent: ${e}`));
    if (problems.length > 0) {
      problems.push(`status: ${JSON.stringify(ds.status)}`);
      problems.push(
        `pods: ${podList.map((p: KubeObject) => `${p.metadata.name}@${p.spec?.nodeName}:${p.spec?.containers?.[0]?.image}`).join(" ")}`,
      );
      problems.push(
        `nodes: ${allNodes.map((n) => `${n.metadata.name}${JSON.stringify([n.metadata.labels, n.spec?.taints ?? []])}`).join(" ")}`,
      );
    }
  } finally {
    await ctrl.stop();
    informers.stop();
    await Promise.all(recorders.map((r) => r.flush()));
    await delayed.close();
    agent.stop();
    for (const i of [pods, nodes, daemonSets]) i.stop();
    await client.delete(DAEMON_SETS, namespace, DS_NAME).catch(() => {});
    for (const p of (await client.list(PODS, namespace)).items) {
      await client.delete(PODS, namespace, p.metadata.name ?? "", { gracePeriodSeconds: 0 }).catch(() => {});
    }
    for (const r of (await client.list(CONTROLLER_REVISIONS, namespace)).items) {
      await client.delete(CONTROLLER_REVISIONS, namespace, r.metadata.name ?? "").catch(() => {});
    }
    for (const n of (await client.list(NODES, "")).items) {
      await client.delete(NODES, "", n.metadata.name ?? "").catch(() => {});
    }
  }
  return { problems, stats: monitor.stats, ms: performance.now() - started };
}
