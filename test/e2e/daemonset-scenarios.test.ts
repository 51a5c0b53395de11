// The upstream DaemonSet e2e scenarios (test/e2e/apps/daemon_set.go, spec §9.1 rows 1–7, 9, 10, and a hollow
// variant of the surge row 8) against a real `loci server` and five hollow nodes. Images matching `foo:*` never
// start (the rollback row's `foo:non-existent`). kubectl 1.33 runs the steps the spec's "Re-running with kubectl"
// paragraph shows; everything else goes through the HTTP client.
import assert from "node:assert/strict";
import { after, afterEach, before, describe, test } from "node:test";
import { isDeepStrictEqual } from "node:util";
import type { KubeObject } from "../../src/api/object.ts";
import { controllerRef, isPodAvailable } from "../../src/api/scheduling/pod-conditions.ts";
import { CONTROLLER_REVISIONS, DAEMON_SETS, NAMESPACES, NODES, PODS } from "../../src/client/client.ts";
import { HttpClient } from "../../src/client/http-client.ts";
import { eventually, sleep } from "../helpers/eventually.ts";
import { type RunningHollow, startHollow } from "../helpers/hollow.ts";
import { request } from "../helpers/http.ts";
import { Kubectl, kubectlBinary } from "../helpers/kubectl.ts";
import { type RunningServer, startServer } from "../helpers/server.ts";

const NS = "daemonsets-e2e";
const NAME = "daemon-set";
const LABEL_KEY = "daemonset-name";
const SELECTOR = `${LABEL_KEY}=${NAME}`;
const IMAGE = "registry.k8s.io/e2e-test-images/httpd:2.4.38-4";
const NEW_IMAGE = "registry.k8s.io/e2e-test-images/agnhost:2.52";
const BROKEN_IMAGE = "foo:non-existent";
const NODE_COUNT = 5;
const NODE_NAMES = Array.from({ length: NODE_COUNT }, (_, i) => `ds-node-${i}`);
const binary = kubectlBinary(33);
const needsKubectl = binary ? false : "kubectl.1.33 is not installed";

function newDaemonSet(spec: Record<string, any> = {}, podSpec: Record<string, any> = {}): KubeObject {
  return {
    apiVersion: "apps/v1",
    kind: "DaemonSet",
    metadata: { name: NAME, namespace: NS, labels: { [LABEL_KEY]: NAME } },
    spec: {
      selector: { matchLabels: { [LABEL_KEY]: NAME } },
      template: {
        metadata: { labels: { [LABEL_KEY]: NAME } },
        spec: { containers: [{ name: "app", image: IMAGE, ports: [{ containerPort: 9376 }] }], ...podSpec },
      },
      ...spec,
    },
  };
}

describe("DaemonSet e2e scenarios (upstream daemon_set.go) on hollow nodes", () => {
  let server: RunningServer;
  let hollow: RunningHollow | undefined;
  let client: HttpClient;
  let k: Kubectl | undefined;

  before(async () => {
    server = await startServer({ args: ["--pod-gc-quarantine=1s"] });
    try {
      client = HttpClient.fromKubeconfig(server.kubeconfig);
      hollow = await startHollow(server.kubeconfig, [
        `--nodes=${NODE_COUNT}`,
        "--name-prefix=ds-node-",
        "--ready-delay=300ms",
        "--fail-images=foo:*",
      ]);
      await client.create(NAMESPACES, "", { apiVersion: "v1", kind: "Namespace", metadata: { name: NS } });
      if (binary) k = new Kubectl(binary, server.kubeconfig);
    } catch (e) {
      await hollow?.stop();
      await server.stop();
      throw e;
    }
  });
  after(async () => {
    k?.dispose();
    await client?.close();
    await hollow?.stop();
    await server?.stop();
  });

  // As upstream: delete the DaemonSet after each test, wait until its pods are gone, clear `daemonset-` labels.
  afterEach(async () => {
    try {
      await client.delete(DAEMON_SETS, NS, NAME);
    } catch (e) {
      if ((e as { code?: number }).code !== 404) throw e;
    }
    await eventually(async () => {
      const pods = await client.list(PODS, NS, { labelSelector: SELECTOR });
      assert.equal(pods.items.length, 0, "daemon pods left after deleting the DaemonSet");
    });
    for (const node of NODE_NAMES) {
      const n = await client.get(NODES, "", node);
      const stale = Object.keys(n.metadata.labels ?? {}).filter((l) => l.startsWith("daemonset-"));
      if (stale.length) {
        const labels = Object.fromEntries(stale.map((l) => [l, null]));
        await client.patch(NODES, "", node, "merge", { metadata: { labels } });
      }
    }
  });

  const ok = (args: string[], input?: string): string => {
    const r = k!.run(args, input);
    assert.equal(r.code, 0, `kubectl ${args.join(" ")} failed: ${r.stderr}`);
    return r.stdout;
  };

  const getDs = () => client.get(DAEMON_SETS, NS, NAME);

  /** Non-deleting pods controlled by the DaemonSet. */
  async function daemonPods(ds: KubeObject): Promise<KubeObject[]> {
    const list = await client.list(PODS, NS, { labelSelector: SELECTOR });
    return list.items.filter((p) => !p.metadata.deletionTimestamp && controllerRef(p)?.uid === ds.metadata.uid);
  }

  /** Upstream's checkRunningOnAllNodes / checkRunningOnNoNodes: one available pod on each of `nodes`, none elsewhere. */
  async function runningOn(nodes: string[]): Promise<KubeObject[]> {
    const ds = await getDs();
    const pods = await daemonPods(ds);
    const now = new Date();
    const byNode: Record<string, number> = {};
    for (const p of pods) {
      assert.ok(isPodAvailable(p, ds.spec.minReadySeconds ?? 0, now), `pod ${p.metadata.name} is not available`);
      byNode[p.spec.nodeName] = (byNode[p.spec.nodeName] ?? 0) + 1;
    }
    assert.deepEqual(byNode, Object.fromEntries(nodes.map((n) => [n, 1])));
    return pods;
  }
  const waitRunningOn = (nodes: string[], ms = 30_000) => eventually(() => runningOn(nodes), ms);

  /** Upstream's CheckDaemonStatus: desired == current == ready (== `n`). */
  async function checkStatus(n: number): Promise<void> {
    await eventually(async () => {
      const s = (await getDs()).status ?? {};
      assert.deepEqual(
        [s.desiredNumberScheduled, s.currentNumberScheduled, s.numberReady],
        [n, n, n],
        `status ${JSON.stringify(s)}`,
      );
    });
  }

  /**
   * Upstream's history checks: `count` revisions, exactly one matching the current template and carrying a hash
   * label, and every pod's controller-revision-hash equal to `podHash` (the current one unless given).
   */
  async function checkHistory(count: number, podHash?: string): Promise<{ revision: number; hash: string }> {
    return eventually(async () => {
      const ds = await getDs();
      const revs = (await client.list(CONTROLLER_REVISIONS, NS, { labelSelector: SELECTOR })).items;
      assert.equal(revs.length, count, `revisions: ${revs.map((r) => r.metadata.name)}`);
      const matching = revs.filter((r) => {
        // The data is Go-marshalled: sorted keys and the template's `creationTimestamp: null`.
        const { $patch, ...template } = structuredClone((r as any).data?.spec?.template ?? {});
        if (template.metadata?.creationTimestamp === null) delete template.metadata.creationTimestamp;
        return $patch === "replace" && isDeepStrictEqual(template, ds.spec.template);
      });
      assert.equal(matching.length, 1, "exactly one revision matches the DaemonSet's template");
      const cur = matching[0] as any;
      const hash = cur.metadata.labels?.["controller-revision-hash"];
      assert.ok(hash, "the current revision has a hash label");
      for (const p of await daemonPods(ds)) {
        assert.equal(p.metadata.labels?.["controller-revision-hash"], podHash ?? hash, `pod ${p.metadata.name}`);
      }
      return { revision: cur.revision, hash };
    });
  }

  /**
   * Polls every 200 ms until every node runs one available `image` pod, failing at once if more than one node is
   * ever without an available daemon pod (upstream's maxUnavailable 1 check, counted per node). Returns the polls.
   */
  async function pollRollout(image: string, ms = 60_000): Promise<number> {
    const end = Date.now() + ms;
    for (let polls = 1; ; polls++) {
      const pods = await daemonPods(await getDs());
      const now = new Date();
      const available = new Set(pods.filter((p) => isPodAvailable(p, 0, now)).map((p) => p.spec.nodeName));
      const unavailable = NODE_NAMES.filter((n) => !available.has(n));
      assert.ok(unavailable.length <= 1, `poll ${polls}: nodes without an available daemon pod: ${unavailable}`);
      const done =
        pods.length === NODE_COUNT &&
        unavailable.length === 0 &&
        pods.every((p) => p.spec.containers[0].image === image);
      if (done) return polls;
      assert.ok(Date.now() < end, `the rollout to ${image} did not finish in ${ms} ms`);
      await sleep(200);
    }
  }

  test("1: runs and stops a simple daemon; a deleted daemon pod is replaced", { skip: needsKubectl }, async () => {
    assert.match(
      ok(["create", "-n", NS, "-f", "-"], JSON.stringify(newDaemonSet())),
      /daemonset.apps\/daemon-set created/,
    );
    assert.match(ok(["rollout", "status", "-n", NS, `ds/${NAME}`, "--timeout=60s"]), /successfully rolled out/);
    const pods = await waitRunningOn(NODE_NAMES);
    await checkStatus(NODE_COUNT);
    const victim = pods[0];
    assert.match(ok(["delete", "pod", "-n", NS, victim.metadata.name!]), /pod ".*" deleted/);
    const replaced = await waitRunningOn(NODE_NAMES);
    const onNode = replaced.find((p) => p.spec.nodeName === victim.spec.nodeName)!;
    assert.notEqual(onNode.metadata.uid, victim.metadata.uid, "the deleted pod was replaced by a new one");
    await checkStatus(NODE_COUNT);
  });

  test("2: complex daemon follows a nodeSelector through relabels and a strategic merge patch", {
    skip: needsKubectl,
  }, async () => {
    await client.create(DAEMON_SETS, NS, newDaemonSet({}, { nodeSelector: { "daemonset-color": "blue" } }));
    await eventually(async () => assert.equal((await getDs()).status?.observedGeneration, 1));
    await sleep(500);
    await runningOn([]);
    const node = NODE_NAMES[2];
    ok(["label", "node", node, "daemonset-color=blue", "--overwrite"]);
    await waitRunningOn([node]);
    await checkStatus(1);
    ok(["label", "node", node, "daemonset-color=green", "--overwrite"]);
    await waitRunningOn([]);
    await checkStatus(0);
    const patch = {
      spec: {
        template: { spec: { nodeSelector: { "daemonset-color": "green" } } },
        updateStrategy: { type: "RollingUpdate" },
      },
    };
    assert.match(
      ok(["patch", "ds", NAME, "-n", NS, "-p", JSON.stringify(patch)]),
      /daemonset.apps\/daemon-set patched/,
    );
    await waitRunningOn([node]);
    await checkStatus(1);
  });

  test("3: complex daemon with required node affinity appears and disappears with the label", {
    skip: needsKubectl,
  }, async () => {
    const affinity = {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [{ matchExpressions: [{ key: "daemonset-color", operator: "In", values: ["blue"] }] }],
        },
      },
    };
    await client.create(DAEMON_SETS, NS, newDaemonSet({}, { affinity }));
    await eventually(async () => assert.equal((await getDs()).status?.observedGeneration, 1));
    await sleep(500);
    await runningOn([]);
    const node = NODE_NAMES[1];
    ok(["label", "node", node, "daemonset-color=blue", "--overwrite"]);
    await waitRunningOn([node]);
    await checkStatus(1);
    ok(["label", "node", node, "daemonset-color-"]);
    await waitRunningOn([]);
    await checkStatus(0);
  });

  test("4: a daemon pod set to Failed through PUT pods/<p>/status is deleted and replaced", async () => {
    await client.create(DAEMON_SETS, NS, newDaemonSet());
    const pods = await waitRunningOn(NODE_NAMES);
    await checkStatus(NODE_COUNT);
    const victim = structuredClone(pods[0]);
    victim.status = { ...victim.status, phase: "Failed" };
    const updated = await client.update(PODS, NS, victim, { subresource: "status" });
    assert.equal(updated.status?.phase, "Failed");
    // The controller deletes it (immediately, it is terminal) and creates a replacement on the same node.
    await eventually(async () => {
      try {
        await client.get(PODS, NS, victim.metadata.name!);
        assert.fail(`failed pod ${victim.metadata.name} still exists`);
      } catch (e) {
        assert.equal((e as { code?: number }).code, 404);
      }
    });
    const replaced = await waitRunningOn(NODE_NAMES);
    assert.ok(!replaced.some((p) => p.metadata.uid === victim.metadata.uid));
    await checkStatus(NODE_COUNT);
  });

  test("5: OnDelete: a template change makes a new revision but leaves the pods alone", async () => {
    await client.create(DAEMON_SETS, NS, newDaemonSet({ updateStrategy: { type: "OnDelete" } }));
    const before = await waitRunningOn(NODE_NAMES);
    const first = await checkHistory(1);
    assert.equal(first.revision, 1);
    await client.patch(DAEMON_SETS, NS, NAME, "strategic", {
      spec: { template: { spec: { containers: [{ name: "app", image: NEW_IMAGE }] } } },
    });
    const second = await checkHistory(2, first.hash);
    assert.equal(second.revision, 2);
    assert.notEqual(second.hash, first.hash);
    await sleep(1500);
    const now = await runningOn(NODE_NAMES);
    assert.deepEqual(now.map((p) => p.metadata.uid).sort(), before.map((p) => p.metadata.uid).sort());
    assert.ok(now.every((p) => p.spec.containers[0].image === IMAGE));
    assert.equal((await getDs()).status?.numberUnavailable ?? 0, 0);
  });

  test("6: RollingUpdate: never more than maxUnavailable (1) unavailable while kubectl set image rolls out", {
    skip: needsKubectl,
  }, async () => {
    await client.create(DAEMON_SETS, NS, newDaemonSet());
    await waitRunningOn(NODE_NAMES);
    await checkHistory(1);
    const watch = k!.start(["get", "pods", "-n", NS, "-l", SELECTOR, "-w"]);
    try {
      assert.match(
        ok(["set", "image", `ds/${NAME}`, "-n", NS, `app=${NEW_IMAGE}`]),
        /daemonset.apps\/daemon-set image updated/,
      );
      const polls = await pollRollout(NEW_IMAGE);
      assert.ok(polls > 3, `the rollout was observed (${polls} polls)`);
      await runningOn(NODE_NAMES);
      const cur = await checkHistory(2);
      assert.equal(cur.revision, 2);
      await eventually(() => assert.ok(watch.output().split("\n").length > NODE_COUNT * 2, watch.output()));
    } finally {
      watch.stop();
    }
  });

  test("7: rollback from a broken image restores the old image without restarting untouched pods", {
    skip: needsKubectl,
  }, async () => {
    await client.create(DAEMON_SETS, NS, newDaemonSet());
    await waitRunningOn(NODE_NAMES);
    ok(["set", "image", `ds/${NAME}`, "-n", NS, `app=${BROKEN_IMAGE}`]);
    const oldPods = await eventually(async () => {
      const pods = await daemonPods(await getDs());
      const broken = pods.filter((p) => p.spec.containers[0].image === BROKEN_IMAGE);
      assert.ok(broken.length >= 1, "a pod with the new image exists");
      const old = pods.filter((p) => p.spec.containers[0].image === IMAGE);
      assert.ok(old.length >= 1, "old-image pods remain during the rollout");
      return old;
    });
    // The broken pod never becomes available, so the rollout stalls with maxUnavailable 1.
    await sleep(1000);
    const stalled = await daemonPods(await getDs());
    assert.equal(stalled.filter((p) => p.spec.containers[0].image === BROKEN_IMAGE).length, 1);
    assert.match(ok(["rollout", "undo", `ds/${NAME}`, "-n", NS]), /daemonset.apps\/daemon-set rolled back/);
    await pollRollout(IMAGE);
    const restored = await runningOn(NODE_NAMES);
    assert.ok(restored.every((p) => p.spec.containers[0].image === IMAGE));
    const uids = new Set(restored.map((p) => p.metadata.uid));
    for (const p of oldPods) assert.ok(uids.has(p.metadata.uid), `old pod ${p.metadata.name} was restarted`);
    assert.equal(oldPods.length, NODE_COUNT - 1, "only the broken pod's node was touched");
  });

  test("8 (hollow variant): surge with maxUnavailable 0, maxSurge 20% keeps every node available", async () => {
    const strategy = { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: "20%" } };
    await client.create(DAEMON_SETS, NS, newDaemonSet({ updateStrategy: strategy }));
    await waitRunningOn(NODE_NAMES);
    await client.patch(DAEMON_SETS, NS, NAME, "strategic", {
      spec: { template: { spec: { containers: [{ name: "app", image: NEW_IMAGE }] } } },
    });
    const end = Date.now() + 60_000;
    let polls = 0;
    let sawTwo = false;
    for (;;) {
      const ds = await getDs();
      const all = (await client.list(PODS, NS, { labelSelector: SELECTOR })).items;
      const now = new Date();
      const perNode: Record<string, number> = {};
      for (const p of all) perNode[p.spec.nodeName] = (perNode[p.spec.nodeName] ?? 0) + 1;
      for (const [node, n] of Object.entries(perNode)) {
        assert.ok(n <= 2, `poll ${polls}: ${n} pods on ${node}`);
        if (n === 2) sawTwo = true;
      }
      const live = all.filter((p) => !p.metadata.deletionTimestamp && controllerRef(p)?.uid === ds.metadata.uid);
      const available = new Set(live.filter((p) => isPodAvailable(p, 0, now)).map((p) => p.spec.nodeName));
      assert.equal(available.size, NODE_COUNT, `poll ${polls}: nodes with an available pod: ${[...available]}`);
      polls++;
      if (live.length === NODE_COUNT && live.every((p) => p.spec.containers[0].image === NEW_IMAGE)) break;
      assert.ok(Date.now() < end, "the surge rollout did not finish in 60s");
      await sleep(200);
    }
    assert.ok(sawTwo, "a node ran an old and a new pod side by side (surge)");
    await waitRunningOn(NODE_NAMES);
    await checkStatus(NODE_COUNT);
    assert.equal((await checkHistory(2)).revision, 2);
  });

  test("9: list and delete a collection of DaemonSets by label (API, then kubectl)", async () => {
    await client.create(DAEMON_SETS, NS, newDaemonSet());
    await waitRunningOn(NODE_NAMES);
    assert.equal((await client.list(DAEMON_SETS, "", { labelSelector: SELECTOR })).items.length, 1);
    const r = await request(
      server,
      "DELETE",
      `/apis/apps/v1/namespaces/${NS}/daemonsets?labelSelector=${encodeURIComponent(SELECTOR)}`,
      { body: { apiVersion: "v1", kind: "DeleteOptions", gracePeriodSeconds: 1 } },
    );
    assert.equal(r.status, 200, r.body);
    assert.equal(r.json().kind, "DaemonSetList");
    assert.equal((await client.list(DAEMON_SETS, "", { labelSelector: SELECTOR })).items.length, 0);
    await eventually(async () =>
      assert.equal((await client.list(PODS, NS, { labelSelector: SELECTOR })).items.length, 0),
    );
    if (!k) return;
    await client.create(DAEMON_SETS, NS, newDaemonSet());
    await waitRunningOn(NODE_NAMES);
    assert.match(ok(["delete", "ds", "-n", NS, "-l", SELECTOR]), /daemonset.apps "daemon-set" deleted/);
    assert.equal((await client.list(DAEMON_SETS, "", { labelSelector: SELECTOR })).items.length, 0);
  });

  test("10: the status subresource: update and merge patch are watched, spec ignored, conditions kept", async () => {
    const rv = (await client.list(DAEMON_SETS, "", { labelSelector: SELECTOR })).metadata.resourceVersion;
    await client.create(DAEMON_SETS, NS, newDaemonSet());
    await waitRunningOn(NODE_NAMES);
    await checkStatus(NODE_COUNT);
    const viaStatus = await client.get(DAEMON_SETS, NS, NAME);
    const r = await request(server, "GET", `/apis/apps/v1/namespaces/${NS}/daemonsets/${NAME}/status`);
    assert.equal(r.status, 200);
    assert.equal(r.json().metadata.uid, viaStatus.metadata.uid);

    const seen: KubeObject[] = [];
    const w = await client.watch(DAEMON_SETS, "", { labelSelector: SELECTOR, resourceVersion: rv }, (ev) => {
      if (ev.type === "ADDED" || ev.type === "MODIFIED") seen.push(ev.object);
    });
    const condition = (ds: KubeObject, type: string) =>
      (ds.status?.conditions ?? []).find((c: { type: string }) => c.type === type);
    try {
      await eventually(async () => {
        const ds = structuredClone(await getDs());
        ds.status.conditions = [
          ...(ds.status.conditions ?? []),
          { type: "StatusUpdate", status: "True", reason: "E2E", message: "Set from e2e test" },
        ];
        await client.update(DAEMON_SETS, NS, ds, { subresource: "status" });
      });
      await eventually(() => assert.ok(seen.some((d) => condition(d, "StatusUpdate")?.reason === "E2E")));

      const generation = (await getDs()).metadata.generation;
      const patch = {
        apiVersion: "apps/v1",
        kind: "DaemonSet",
        metadata: { name: NAME },
        spec: {
          minReadySeconds: 7,
          selector: null,
          template: { metadata: { creationTimestamp: null }, spec: { containers: null } },
        },
        status: {
          currentNumberScheduled: 0,
          numberMisscheduled: 0,
          desiredNumberScheduled: 0,
          numberReady: 0,
          conditions: [{ type: "StatusPatched", status: "True" }],
        },
      };
      const patched = await client.patch(DAEMON_SETS, NS, NAME, "merge", patch, { subresource: "status" });
      assert.equal(condition(patched, "StatusPatched")?.status, "True");
      assert.equal(patched.spec.minReadySeconds ?? 0, 0, "spec in a status patch is ignored");
      assert.equal(patched.metadata.generation, generation);
      await eventually(() => assert.ok(seen.some((d) => condition(d, "StatusPatched"))));
      // The controller rewrites the counters but keeps the condition.
      await checkStatus(NODE_COUNT);
      assert.equal(condition(await getDs(), "StatusPatched")?.status, "True");

      if (k) {
        const dsWatch = k.start(["get", "ds", "-n", NS, "-w", "-o", 'jsonpath={.status.conditions[*].type}{"\\n"}']);
        try {
          const body = {
            status: {
              conditions: [
                { type: "StatusPatched", status: "True" },
                { type: "KubectlPatched", status: "True" },
              ],
            },
          };
          const out = ok([
            "patch",
            "ds",
            NAME,
            "-n",
            NS,
            "--subresource=status",
            "--type=merge",
            "-p",
            JSON.stringify(body),
          ]);
          assert.match(out, /daemonset.apps\/daemon-set patched/);
          await eventually(() => assert.match(dsWatch.output(), /StatusPatched KubectlPatched/));
        } finally {
          dsWatch.stop();
        }
        // A pod deletion makes the controller write the status again; the conditions survive it.
        const victim = (await daemonPods(await getDs()))[0];
        await client.delete(PODS, NS, victim.metadata.name!);
        await waitRunningOn(NODE_NAMES);
        await checkStatus(NODE_COUNT);
        const types = ((await getDs()).status.conditions ?? []).map((c: { type: string }) => c.type);
        assert.deepEqual(types, ["StatusPatched", "KubectlPatched"]);
      }
    } finally {
      w.stop();
    }
  });
});
