// Node lifecycle end to end (issue 3): a real `loci server` with shortened node-monitor timings (server flags
// only), hollow node processes killed with SIGKILL to make their nodes go silent, a DaemonSet whose pods must
// survive that, and an ordinary pod whose own `tolerationSeconds` decides when it is evicted. Also the cascade
// modes of `kubectl delete ds` (foreground, orphan) with pods that linger on deletion (`--stop-delay`).
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { KubeObject } from "../../src/api/object.ts";
import { controllerRef, isPodReady } from "../../src/api/scheduling/pod-conditions.ts";
import { DAEMON_SETS, LEASES, NODES, PODS } from "../../src/client/client.ts";
import { HttpClient } from "../../src/client/http-client.ts";
import { eventually, sleep } from "../helpers/eventually.ts";
import { type RunningHollow, startHollow } from "../helpers/hollow.ts";
import { Kubectl, kubectlBinary } from "../helpers/kubectl.ts";
import { type RunningServer, startServer } from "../helpers/server.ts";

const UNREACHABLE = "node.kubernetes.io/unreachable";
const NOT_READY = "node.kubernetes.io/not-ready";
/**
 * Faster node monitoring. The grace period must stay above the hollow nodes' Lease renew interval (10 s, as a
 * kubelet's 40 s lease × 0.25, and not a flag): with 4 s, live nodes flap to Unknown between renewals.
 */
const GRACE_MS = 15_000;
const FAST_MONITOR = [
  `--node-monitor-grace-period=${GRACE_MS / 1000}s`,
  "--node-monitor-period=1s",
  `--node-startup-grace-period=${GRACE_MS / 1000}s`,
  "--pod-gc-quarantine=1s",
];
const binary = kubectlBinary(33);
const needsKubectl = binary ? false : "kubectl.1.33 is not installed";

function daemonSet(name: string, namespace = "default"): KubeObject {
  return {
    apiVersion: "apps/v1",
    kind: "DaemonSet",
    metadata: { name, namespace },
    spec: {
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: "agent", image: "registry.k8s.io/pause:3.10" }] },
      },
    },
  };
}

/** An ordinary pod pinned to `node` that tolerates an unreachable or not-ready node for `seconds` only. */
function plainPod(name: string, node: string, seconds: number): KubeObject {
  const toleration = (key: string) => ({ key, operator: "Exists", effect: "NoExecute", tolerationSeconds: seconds });
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace: "default" },
    spec: {
      nodeName: node,
      containers: [{ name: "app", image: "registry.k8s.io/pause:3.10" }],
      tolerations: [toleration(UNREACHABLE), toleration(NOT_READY)],
    },
  };
}

/**
 * Renews the Leases of `nodes` now, as their kubelets' last sign of life: killed at once, they then all go silent
 * in the same node-monitor pass (their own renewals are spread over 10 s), which makes the rate limiter visible.
 */
async function lastHeartbeat(client: HttpClient, nodes: string[]): Promise<void> {
  const renewTime = new Date().toISOString().replace(/Z$/, "000Z");
  await Promise.all(nodes.map((n) => client.patch(LEASES, "kube-node-lease", n, "merge", { spec: { renewTime } })));
}

const readyStatus = (n: KubeObject): string | undefined =>
  (n.status?.conditions ?? []).find((c: { type: string }) => c.type === "Ready")?.status;
const hasTaint = (n: KubeObject, key: string, effect: string): boolean =>
  (n.spec?.taints ?? []).some((t: { key: string; effect: string }) => t.key === key && t.effect === effect);

/** Everything a test starts, stopped in reverse order even when the test fails. */
class Cluster {
  server!: RunningServer;
  client!: HttpClient;
  hollows: RunningHollow[] = [];
  k?: Kubectl;

  async start(serverArgs: string[]): Promise<void> {
    this.server = await startServer({ args: serverArgs });
    this.client = HttpClient.fromKubeconfig(this.server.kubeconfig);
    if (binary) this.k = new Kubectl(binary, this.server.kubeconfig);
  }

  async hollow(args: string[]): Promise<RunningHollow> {
    const h = await startHollow(this.server.kubeconfig, args);
    this.hollows.push(h);
    return h;
  }

  async stop(): Promise<void> {
    this.k?.dispose();
    await this.client?.close();
    await Promise.all(this.hollows.map((h) => h.stop()));
    await this.server?.stop();
  }

  kubectl(args: string[], input?: string): string {
    const r = this.k!.run(args, input);
    assert.equal(r.code, 0, `kubectl ${args.join(" ")} failed: ${r.stderr}`);
    return r.stdout;
  }

  async pods(selector: string): Promise<KubeObject[]> {
    return (await this.client.list(PODS, "default", { labelSelector: selector })).items;
  }

  /** Waits until the DaemonSet has one ready pod on each of `count` nodes and says so in its status. */
  async waitDaemonSet(name: string, count: number, ms = 30_000): Promise<KubeObject[]> {
    return eventually(async () => {
      const ds = await this.client.get(DAEMON_SETS, "default", name);
      const s = ds.status ?? {};
      assert.deepEqual([s.desiredNumberScheduled, s.currentNumberScheduled, s.numberReady], [count, count, count]);
      const pods = (await this.pods(`app=${name}`)).filter((p) => !p.metadata.deletionTimestamp);
      assert.equal(pods.length, count);
      assert.equal(new Set(pods.map((p) => p.spec.nodeName)).size, count);
      assert.ok(pods.every(isPodReady));
      return pods;
    }, ms);
  }
}

describe("a zone of 60 nodes loses a hollow process holding 10 of them", () => {
  const c = new Cluster();
  before(() => c.start([...FAST_MONITOR, "--node-eviction-rate=2"]));
  after(() => c.stop());

  test("Unknown with unreachable:NoSchedule at once, NoExecute rate-limited, ordinary pod evicted, daemon pods kept", async () => {
    await c.hollow(["--nodes=50", "--name-prefix=live-"]);
    const lost = await c.hollow(["--nodes=10", "--name-prefix=lost-"]);
    const lostNames = Array.from({ length: 10 }, (_, i) => `lost-${i}`);
    await c.client.create(DAEMON_SETS, "default", daemonSet("agent"));
    await c.waitDaemonSet("agent", 60, 60_000);
    await c.client.create(PODS, "default", plainPod("victim", "lost-3", 3));
    await eventually(async () => {
      const victim = await c.client.get(PODS, "default", "victim");
      assert.ok(isPodReady(victim), `victim not ready: ${JSON.stringify(victim.status)}`);
    });

    await lost.stop({ kill9: true });
    await lastHeartbeat(c.client, lostNames);
    const killedAt = Date.now();
    const unknownAt = new Map<string, number>();
    const noScheduleAt = new Map<string, number>();
    const noExecuteAt = new Map<string, number>();
    let victimDeletingAt = 0;
    const end = killedAt + GRACE_MS + 30_000;
    while (!victimDeletingAt || noExecuteAt.size < 10) {
      assert.ok(
        Date.now() < end,
        `stuck: unknown ${unknownAt.size}, NoExecute ${noExecuteAt.size}, victim ${victimDeletingAt}`,
      );
      const nodes = (await c.client.list(NODES, "")).items;
      const victim = await c.client.get(PODS, "default", "victim");
      const now = Date.now();
      for (const n of nodes) {
        const name = n.metadata.name!;
        if (!name.startsWith("lost-")) {
          assert.equal(readyStatus(n), "True", `${name} stays Ready`);
          assert.ok(!(n.spec.taints ?? []).length, `${name} stays untainted: ${JSON.stringify(n.spec.taints)}`);
          continue;
        }
        if (readyStatus(n) === "Unknown" && !unknownAt.has(name)) unknownAt.set(name, now);
        if (hasTaint(n, UNREACHABLE, "NoSchedule") && !noScheduleAt.has(name)) noScheduleAt.set(name, now);
        if (hasTaint(n, UNREACHABLE, "NoExecute") && !noExecuteAt.has(name)) noExecuteAt.set(name, now);
        assert.ok(!hasTaint(n, NOT_READY, "NoExecute"), `${name}: an unreachable node is not tainted not-ready`);
      }
      if (victim.metadata.deletionTimestamp && !victimDeletingAt) victimDeletingAt = now;
      await sleep(100);
    }
    assert.deepEqual([...unknownAt.keys()].sort(), lostNames);
    for (const name of lostNames) {
      const lag = noScheduleAt.get(name)! - unknownAt.get(name)!;
      assert.ok(Math.abs(lag) <= 1500, `${name}: NoSchedule ${lag} ms after Unknown`);
      assert.ok(noExecuteAt.get(name)! >= unknownAt.get(name)!, `${name}: NoExecute before Unknown`);
    }
    // Ten nodes at 2 per second (burst 1) take about 4.5 s; without the limiter they would come in one pass.
    const times = [...noExecuteAt.values()];
    const spread = Math.max(...times) - Math.min(...times);
    assert.ok(spread >= 2500, `NoExecute taints spread over ${spread} ms only`);
    // The ordinary pod goes after its 3 s toleration, counted from the NoExecute taint on its node.
    const tolerated = victimDeletingAt - noExecuteAt.get("lost-3")!;
    assert.ok(tolerated >= 2000 && tolerated <= 8000, `victim deleted ${tolerated} ms after the NoExecute taint`);
    const victim = await c.client.get(PODS, "default", "victim");
    const disruption = (victim.status?.conditions ?? []).find((x: { type: string }) => x.type === "DisruptionTarget");
    assert.equal(disruption?.reason, "DeletionByTaintManager");

    // Daemon pods tolerate unreachable:NoExecute forever: they stay, the lost nodes count as misscheduled.
    await sleep(2000);
    const daemonPods = (await c.pods("app=agent")).filter((p) => lostNames.includes(p.spec.nodeName));
    assert.equal(daemonPods.length, 10);
    for (const p of daemonPods) assert.equal(p.metadata.deletionTimestamp, undefined, `${p.metadata.name} was evicted`);
    await eventually(async () => {
      const s = (await c.client.get(DAEMON_SETS, "default", "agent")).status;
      assert.deepEqual([s.desiredNumberScheduled, s.currentNumberScheduled, s.numberMisscheduled], [50, 50, 10]);
    });
  });
});

describe("every node goes silent", () => {
  const c = new Cluster();
  before(() => c.start([...FAST_MONITOR, "--node-eviction-rate=10"]));
  after(() => c.stop());

  test("full-disruption mode: no NoExecute taint, nothing evicted", async () => {
    const all = await c.hollow(["--nodes=5", "--name-prefix=dark-"]);
    await c.client.create(DAEMON_SETS, "default", daemonSet("agent"));
    await c.waitDaemonSet("agent", 5);
    // Bound by nodeName: the eviction controller judges it by its node's taints whether or not it ever got Ready.
    await c.client.create(PODS, "default", plainPod("bystander", "dark-2", 3));

    await all.stop({ kill9: true });
    await lastHeartbeat(c.client, ["dark-0", "dark-1", "dark-2", "dark-3", "dark-4"]);
    await eventually(async () => {
      const nodes = (await c.client.list(NODES, "")).items;
      for (const n of nodes) {
        assert.equal(readyStatus(n), "Unknown", n.metadata.name);
        assert.ok(hasTaint(n, UNREACHABLE, "NoSchedule"), n.metadata.name);
      }
    }, GRACE_MS + 15_000);
    // Well past the 3 s toleration: a NoExecute taint, had one been placed, would have evicted the pod.
    const until = Date.now() + 6000;
    while (Date.now() < until) {
      for (const n of (await c.client.list(NODES, "")).items) {
        assert.ok(!hasTaint(n, UNREACHABLE, "NoExecute"), `${n.metadata.name}: ${JSON.stringify(n.spec.taints)}`);
        assert.ok(!hasTaint(n, NOT_READY, "NoExecute"), `${n.metadata.name}: ${JSON.stringify(n.spec.taints)}`);
      }
      const pods = (await c.client.list(PODS, "default")).items;
      assert.equal(pods.length, 6);
      for (const p of pods) assert.equal(p.metadata.deletionTimestamp, undefined, `${p.metadata.name} was evicted`);
      await sleep(250);
    }
  });
});

describe("three nodes, pods that take 3 s to stop", () => {
  const c = new Cluster();
  let doomed: RunningHollow;
  before(async () => {
    await c.start([...FAST_MONITOR, "--node-eviction-rate=10"]);
    await c.hollow(["--nodes=2", "--name-prefix=stay-", "--stop-delay=3s"]);
    doomed = await c.hollow(["--nodes=1", "--name-prefix=doomed-", "--stop-delay=3s"]);
  });
  after(() => c.stop());

  test("--cascade=orphan keeps the pods; re-creating the DaemonSet adopts them with their UIDs", {
    skip: needsKubectl,
  }, async () => {
    const manifest = JSON.stringify(daemonSet("orphans"));
    c.kubectl(["create", "-f", "-"], manifest);
    const before = await c.waitDaemonSet("orphans", 3);
    const oldUid = (await c.client.get(DAEMON_SETS, "default", "orphans")).metadata.uid;
    assert.match(c.kubectl(["delete", "ds", "orphans", "--cascade=orphan"]), /daemonset.apps "orphans" deleted/);
    await eventually(async () => {
      await assert.rejects(c.client.get(DAEMON_SETS, "default", "orphans"), (e: { code?: number }) => e.code === 404);
    });
    const orphaned = await c.pods("app=orphans");
    assert.deepEqual(orphaned.map((p) => p.metadata.uid).sort(), before.map((p) => p.metadata.uid).sort());
    for (const p of orphaned) {
      assert.equal(p.metadata.deletionTimestamp, undefined);
      assert.ok(!(p.metadata.ownerReferences ?? []).some((o) => o.uid === oldUid), `${p.metadata.name} still owned`);
    }
    c.kubectl(["create", "-f", "-"], manifest);
    const newUid = (await c.client.get(DAEMON_SETS, "default", "orphans")).metadata.uid;
    assert.notEqual(newUid, oldUid);
    const adopted = await eventually(async () => {
      const pods = await c.pods("app=orphans");
      assert.ok(
        pods.every((p) => controllerRef(p)?.uid === newUid),
        "every pod adopted",
      );
      return pods;
    });
    assert.deepEqual(adopted.map((p) => p.metadata.uid).sort(), before.map((p) => p.metadata.uid).sort());
    await c.waitDaemonSet("orphans", 3);
    await sleep(1000);
    const later = await c.pods("app=orphans");
    assert.deepEqual(later.map((p) => p.metadata.uid).sort(), before.map((p) => p.metadata.uid).sort());
    assert.ok(
      later.every((p) => !p.metadata.deletionTimestamp),
      "no pod was replaced",
    );
  });

  test("--cascade=foreground keeps the DaemonSet with foregroundDeletion until the last pod is gone", {
    skip: needsKubectl,
  }, async () => {
    c.kubectl(["create", "-f", "-"], JSON.stringify(daemonSet("fg")));
    await c.waitDaemonSet("fg", 3);
    const started = Date.now();
    assert.match(
      c.kubectl(["delete", "ds", "fg", "--cascade=foreground", "--wait=false"]),
      /daemonset.apps "fg" deleted/,
    );
    // The pods need 3 s to stop, so kubectl still sees the DaemonSet waiting on them.
    assert.match(c.kubectl(["get", "ds", "fg", "-o", "jsonpath={.metadata.finalizers}"]), /foregroundDeletion/);
    let sawWaiting = false;
    for (;;) {
      assert.ok(Date.now() - started < 30_000, "foreground deletion did not finish in 30 s");
      let ds: KubeObject | undefined;
      try {
        ds = await c.client.get(DAEMON_SETS, "default", "fg");
      } catch (e) {
        if ((e as { code?: number }).code !== 404) throw e;
      }
      const pods = await c.pods("app=fg");
      if (!ds) {
        assert.equal(pods.length, 0, "the DaemonSet went away before its pods");
        break;
      }
      assert.ok(ds.metadata.deletionTimestamp, "the DaemonSet is being deleted");
      assert.ok(ds.metadata.finalizers?.includes("foregroundDeletion"), `finalizers ${ds.metadata.finalizers}`);
      if (pods.length > 0) sawWaiting = true;
      await sleep(100);
    }
    assert.ok(sawWaiting, "the DaemonSet was seen waiting for its pods");
    assert.ok(Date.now() - started >= 2500, "pods with a 3 s stop delay were waited for");
  });

  test("killing 1 of 3 nodes: desired 2, misscheduled 1, its daemon pod kept", async () => {
    await c.client.create(DAEMON_SETS, "default", daemonSet("survivor"));
    await c.waitDaemonSet("survivor", 3);
    await doomed.stop({ kill9: true });
    await eventually(async () => {
      const node = await c.client.get(NODES, "", "doomed-0");
      assert.equal(readyStatus(node), "Unknown");
      assert.ok(hasTaint(node, UNREACHABLE, "NoSchedule"));
      assert.ok(hasTaint(node, UNREACHABLE, "NoExecute"));
    }, GRACE_MS + 15_000);
    await eventually(async () => {
      const s = (await c.client.get(DAEMON_SETS, "default", "survivor")).status;
      assert.deepEqual(
        [s.desiredNumberScheduled, s.currentNumberScheduled, s.numberMisscheduled, s.numberReady],
        [2, 2, 1, 2],
        JSON.stringify(s),
      );
    });
    await sleep(1500);
    const pods = await c.pods("app=survivor");
    assert.equal(pods.length, 3);
    const kept = pods.find((p) => p.spec.nodeName === "doomed-0");
    assert.ok(kept, "the daemon pod on the dead node is kept");
    assert.equal(kept.metadata.deletionTimestamp, undefined);
    if (c.k) assert.match(c.kubectl(["get", "ds", "survivor"]), /^survivor\s+2\s+2\s+2\s+2\s+2\s+/m);
  });
});
