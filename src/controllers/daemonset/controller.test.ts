import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import type { KubeObject } from "../../api/object.ts";
import { targetNodeName } from "../../api/scheduling/node-affinity.ts";
import { ApiServer } from "../../apiserver/server.ts";
import { CONTROLLER_REVISIONS, DAEMON_SETS, EVENTS, NODES, PODS } from "../../client/client.ts";
import { InProcessClient } from "../../client/in-process-client.ts";
import { realClock } from "../runtime/clock.ts";
import { defaultControllerOptions } from "../runtime/controller.ts";
import { EventRecorder } from "../runtime/events.ts";
import { SharedInformers } from "../runtime/shared-informers.ts";
import { DaemonSetController } from "./controller.ts";
import { templatePatchData } from "./revisions.ts";

const NS = "default";

interface Harness {
  client: InProcessClient;
  ctrl: DaemonSetController;
  close(): Promise<void>;
}

/**
 * A real API server, client and runtime, plus the two duties of other components the DaemonSet depends on:
 * binding new pods to their target node (scheduler) and finishing graceful deletions (node agent).
 */
async function harness(): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), "loci-dsc-"));
  const server = await ApiServer.start({ dataDir: dir, listen: "127.0.0.1:0" });
  const client = new InProcessClient(server);
  const informers = new SharedInformers(client);
  const recorders: EventRecorder[] = [];
  const ctrl = new DaemonSetController({
    client,
    informers,
    clock: realClock,
    recorder: (c) => {
      const r = new EventRecorder(client, c);
      recorders.push(r);
      return r;
    },
    options: defaultControllerOptions(),
  });
  const pods = informers.informer(PODS);
  const helper = (pod: KubeObject) => {
    if (pod.metadata.deletionTimestamp) {
      client
        .delete(PODS, pod.metadata.namespace ?? "", pod.metadata.name ?? "", { gracePeriodSeconds: 0 })
        .catch(() => {});
    } else if (!pod.spec?.nodeName) {
      const node = targetNodeName(pod);
      if (node) client.bind(pod.metadata.namespace ?? "", pod.metadata.name ?? "", node).catch(() => {});
    }
  };
  pods.addHandlers({ onAdd: helper, onUpdate: (_o, c) => helper(c) });
  ctrl.start();
  informers.start();
  await informers.waitForSync();
  return {
    client,
    ctrl,
    async close() {
      await ctrl.stop();
      informers.stop();
      await Promise.all(recorders.map((r) => r.flush()));
      await client.close();
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function waitFor<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 8000): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined && v !== false) return v as T;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${last ? `: ${last}` : ""}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const mkNode = (name: string, labels: Record<string, string> = {}, taints?: any[]) => ({
  apiVersion: "v1",
  kind: "Node",
  metadata: { name, labels: { "kubernetes.io/hostname": name, ...labels } },
  spec: taints ? { taints } : {},
});

function mkDs(name: string, opts: { nodeSelector?: Record<string, string>; strategy?: any; image?: string } = {}) {
  return {
    apiVersion: "apps/v1",
    kind: "DaemonSet",
    metadata: { name, namespace: NS },
    spec: {
      selector: { matchLabels: { app: name } },
      updateStrategy: opts.strategy ?? { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 1 } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          containers: [{ name: "app", image: opts.image ?? "nginx:1" }],
          ...(opts.nodeSelector ? { nodeSelector: opts.nodeSelector } : {}),
        },
      },
    },
  };
}

async function dsPods(h: Harness, name: string, includeTerminating = false): Promise<KubeObject[]> {
  const list = await h.client.list(PODS, NS, { labelSelector: `app=${name}` });
  return list.items.filter((p) => includeTerminating || !p.metadata.deletionTimestamp);
}

/** What a node agent reports once a pod runs: phase Running, Ready True. */
async function markReady(h: Harness, pod: KubeObject): Promise<void> {
  const now = new Date().toISOString().replace(/\.\d+Z$/, "Z");
  const fresh = await h.client.get(PODS, NS, pod.metadata.name ?? "");
  fresh.status = {
    ...(fresh.status ?? {}),
    phase: "Running",
    conditions: [
      { type: "Ready", status: "True", lastTransitionTime: now },
      { type: "ContainersReady", status: "True", lastTransitionTime: now },
    ],
  };
  await h.client.update(PODS, NS, fresh, { subresource: "status" });
}

const hashOf = (p: KubeObject) => p.metadata.labels?.["controller-revision-hash"];
const image = (p: KubeObject) => p.spec.containers[0].image;

test("pods land on untainted nodes with the upstream shape; a toleration extends to the control plane", async () => {
  const h = await harness();
  try {
    await h.client.create(NODES, "", mkNode("n1"));
    await h.client.create(NODES, "", mkNode("n2"));
    await h.client.create(
      NODES,
      "",
      mkNode("cp", {}, [{ key: "node-role.kubernetes.io/control-plane", effect: "NoSchedule" }]),
    );
    const ds = await h.client.create(DAEMON_SETS, NS, mkDs("web"));
    const pods = await waitFor("2 pods", async () => {
      const p = await dsPods(h, "web");
      return p.length === 2 && p;
    });
    assert.deepEqual(pods.map((p) => targetNodeName(p)).sort(), ["n1", "n2"]);
    const revs = (await h.client.list(CONTROLLER_REVISIONS, NS)).items;
    assert.equal(revs.length, 1);
    const hash = revs[0].metadata.labels?.["controller-revision-hash"];
    for (const p of pods) {
      assert.ok(p.metadata.name?.startsWith("web-"));
      assert.equal(p.metadata.generateName, "web-");
      assert.equal(hashOf(p), hash);
      assert.equal(p.metadata.labels?.["pod-template-generation"], "1");
      assert.deepEqual(p.metadata.ownerReferences, [
        {
          apiVersion: "apps/v1",
          kind: "DaemonSet",
          name: "web",
          uid: ds.metadata.uid,
          controller: true,
          blockOwnerDeletion: true,
        },
      ]);
      const terms = p.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms;
      assert.equal(terms.length, 1);
      assert.equal(terms[0].matchFields[0].key, "metadata.name");
      assert.ok(
        p.spec.tolerations.some((t: any) => t.key === "node.kubernetes.io/not-ready" && t.effect === "NoExecute"),
      );
    }
    await waitFor("status desired 2", async () => {
      const d = await h.client.get(DAEMON_SETS, NS, "web");
      return (
        d.status?.desiredNumberScheduled === 2 &&
        d.status?.currentNumberScheduled === 2 &&
        d.status.observedGeneration === 1
      );
    });
    // Tolerating the control-plane taint changes the template: the control-plane node gets a pod too.
    await h.client.patch(DAEMON_SETS, NS, "web", "strategic", {
      spec: {
        template: {
          spec: {
            tolerations: [{ key: "node-role.kubernetes.io/control-plane", operator: "Exists", effect: "NoSchedule" }],
          },
        },
      },
    });
    await waitFor("a pod on cp", async () => (await dsPods(h, "web")).some((p) => targetNodeName(p) === "cp"));
    await waitFor(
      "desired 3",
      async () => (await h.client.get(DAEMON_SETS, NS, "web")).status?.desiredNumberScheduled === 3,
    );
  } finally {
    await h.close();
  }
});

test("nodeSelector: relabelling a node adds or removes its pod", async () => {
  const h = await harness();
  try {
    await h.client.create(NODES, "", mkNode("a", { color: "blue" }));
    await h.client.create(NODES, "", mkNode("b", { color: "red" }));
    await h.client.create(DAEMON_SETS, NS, mkDs("sel", { nodeSelector: { color: "blue" } }));
    await waitFor("pod on a", async () => {
      const p = await dsPods(h, "sel");
      return p.length === 1 && targetNodeName(p[0]) === "a";
    });
    await h.client.patch(NODES, "", "b", "merge", { metadata: { labels: { color: "blue" } } });
    await waitFor("pods on a and b", async () => (await dsPods(h, "sel")).length === 2);
    await h.client.patch(NODES, "", "a", "merge", { metadata: { labels: { color: "green" } } });
    await waitFor("only b", async () => {
      const p = await dsPods(h, "sel", true);
      return p.length === 1 && targetNodeName(p[0]) === "b";
    });
    // While a's pod terminates it counts as misscheduled; once gone the status settles.
    await waitFor("misscheduled 0, desired 1", async () => {
      const x = await h.client.get(DAEMON_SETS, NS, "sel");
      return (
        x.status?.desiredNumberScheduled === 1 &&
        x.status.currentNumberScheduled === 1 &&
        x.status.numberMisscheduled === 0
      );
    });
  } finally {
    await h.close();
  }
});

test("a deleted pod is recreated; a failed pod is deleted with FailedDaemonPod and recreated", async () => {
  const h = await harness();
  try {
    await h.client.create(NODES, "", mkNode("n1"));
    await h.client.create(DAEMON_SETS, NS, mkDs("rec"));
    const first = await waitFor("pod", async () => (await dsPods(h, "rec"))[0]);
    await h.client.delete(PODS, NS, first.metadata.name ?? "", { gracePeriodSeconds: 0 });
    const second = await waitFor("replacement", async () =>
      (await dsPods(h, "rec")).find((p) => p.metadata.name !== first.metadata.name),
    );
    assert.equal(targetNodeName(second), "n1");
    const bound = await waitFor("bound", async () => {
      const p = await h.client.get(PODS, NS, second.metadata.name ?? "");
      return p.spec.nodeName === "n1" && p;
    });
    bound.status = { ...(bound.status ?? {}), phase: "Failed" };
    await h.client.update(PODS, NS, bound, { subresource: "status" });
    const third = await waitFor("replacement of the failed pod", async () =>
      (await dsPods(h, "rec", true)).find(
        (p) => p.metadata.name !== second.metadata.name && p.metadata.name !== first.metadata.name,
      ),
    );
    assert.equal(targetNodeName(third), "n1");
    const events = await waitFor("FailedDaemonPod event", async () => {
      const ev = (await h.client.list(EVENTS, NS)).items.filter((e) => e.reason === "FailedDaemonPod");
      return ev.length > 0 && ev;
    });
    assert.equal(events[0].type, "Warning");
    assert.equal(
      events[0].message,
      `Found failed daemon pod default/${second.metadata.name} on node n1, will try to kill it`,
    );
    assert.equal(events[0].source?.component, "daemonset-controller");
    const created = (await h.client.list(EVENTS, NS)).items.filter((e) => e.reason === "SuccessfulCreate");
    assert.ok(created.some((e) => e.message === `Created pod: ${first.metadata.name}`));
  } finally {
    await h.close();
  }
});

test("RollingUpdate maxUnavailable 1 replaces one pod at a time as new pods become Ready", async () => {
  const h = await harness();
  try {
    for (const n of ["n1", "n2", "n3"]) await h.client.create(NODES, "", mkNode(n));
    await h.client.create(DAEMON_SETS, NS, mkDs("roll"));
    const initial = await waitFor("3 pods", async () => {
      const p = await dsPods(h, "roll");
      return p.length === 3 && p.every((x) => x.spec.nodeName) && p;
    });
    for (const p of initial) await markReady(h, p);
    await waitFor(
      "3 available",
      async () => (await h.client.get(DAEMON_SETS, NS, "roll")).status?.numberAvailable === 3,
    );
    await h.client.patch(DAEMON_SETS, NS, "roll", "strategic", {
      spec: { template: { spec: { containers: [{ name: "app", image: "nginx:2" }] } } },
    });
    for (let step = 1; step <= 3; step++) {
      const fresh = await waitFor(`new pod ${step}`, async () => {
        const p = await dsPods(h, "roll");
        const news = p.filter((x) => image(x) === "nginx:2" && x.spec.nodeName);
        const notReady = news.filter(
          (x) => !x.status?.conditions?.some((c: any) => c.type === "Ready" && c.status === "True"),
        );
        return news.length === step && notReady.length === 1 && { all: p, notReady: notReady[0] };
      });
      // While the new pod is not Ready, no further old pod is taken down.
      await new Promise((r) => setTimeout(r, 150));
      const now = await dsPods(h, "roll", true);
      assert.equal(now.filter((x) => image(x) === "nginx:1").length, 3 - step, `step ${step}: old pods left`);
      assert.equal(now.length, 3);
      await markReady(h, fresh.notReady);
    }
    const d = await waitFor("rolled out", async () => {
      const x = await h.client.get(DAEMON_SETS, NS, "roll");
      return x.status?.updatedNumberScheduled === 3 && x.status.numberAvailable === 3 && x;
    });
    assert.equal(d.status.observedGeneration, 2);
    assert.equal(d.status.numberUnavailable ?? 0, 0);
  } finally {
    await h.close();
  }
});

test("OnDelete keeps old pods until they are deleted by hand", async () => {
  const h = await harness();
  try {
    await h.client.create(NODES, "", mkNode("n1"));
    await h.client.create(NODES, "", mkNode("n2"));
    await h.client.create(DAEMON_SETS, NS, mkDs("od", { strategy: { type: "OnDelete" } }));
    const before = await waitFor("2 pods", async () => {
      const p = await dsPods(h, "od");
      return p.length === 2 && p;
    });
    await h.client.patch(DAEMON_SETS, NS, "od", "strategic", {
      spec: { template: { spec: { containers: [{ name: "app", image: "nginx:2" }] } } },
    });
    await waitFor("generation 2 observed", async () => {
      const x = await h.client.get(DAEMON_SETS, NS, "od");
      return x.status?.observedGeneration === 2 && x.status.updatedNumberScheduled === 0;
    });
    await new Promise((r) => setTimeout(r, 150));
    const after = await dsPods(h, "od");
    assert.deepEqual(after.map((p) => p.metadata.name).sort(), before.map((p) => p.metadata.name).sort());
    await h.client.delete(PODS, NS, before[0].metadata.name ?? "", { gracePeriodSeconds: 0 });
    const replacement = await waitFor("new-template pod", async () =>
      (await dsPods(h, "od")).find((p) => image(p) === "nginx:2"),
    );
    assert.equal(targetNodeName(replacement), targetNodeName(before[0]));
    assert.equal((await dsPods(h, "od")).filter((p) => image(p) === "nginx:1").length, 1);
  } finally {
    await h.close();
  }
});

test("ControllerRevisions: A → B → A leaves exactly two revisions, numbered 2 and 3", async () => {
  const h = await harness();
  try {
    await h.client.create(NODES, "", mkNode("n1"));
    await h.client.create(DAEMON_SETS, NS, mkDs("hist", { strategy: { type: "OnDelete" } }));
    const revsOf = async () => (await h.client.list(CONTROLLER_REVISIONS, NS)).items;
    const [a] = await waitFor("revision 1", async () => {
      const r = await revsOf();
      return r.length === 1 && r;
    });
    assert.equal(a.revision, 1);
    assert.equal(a.metadata.annotations?.["deprecated.daemonset.template.generation"], "1");
    const setImage = (img: string) =>
      h.client.patch(DAEMON_SETS, NS, "hist", "strategic", {
        spec: { template: { spec: { containers: [{ name: "app", image: img }] } } },
      });
    await setImage("nginx:2");
    await waitFor("revision 2", async () => (await revsOf()).length === 2);
    await setImage("nginx:1");
    const final = await waitFor("A renumbered to 3", async () => {
      const r = await revsOf();
      return r.length === 2 && r.some((x) => x.metadata.name === a.metadata.name && x.revision === 3) && r;
    });
    assert.deepEqual(final.map((r) => r.revision).sort(), [2, 3]);
    const ds = await h.client.get(DAEMON_SETS, NS, "hist");
    // The stored data is what kubectl's rollout undo computes from the DaemonSet it reads (byte comparison).
    const current = final.find((r) => r.revision === 3)!;
    assert.equal(JSON.stringify(current.data), templatePatchData(ds));
    assert.ok(
      JSON.stringify(current.data).startsWith(
        '{"spec":{"template":{"$patch":"replace","metadata":{"creationTimestamp":null,',
      ),
    );
    for (const r of final) {
      assert.equal(r.metadata.ownerReferences?.[0].uid, ds.metadata.uid);
      assert.equal(r.metadata.labels?.app, "hist");
      assert.match(r.metadata.name ?? "", /^hist-[456789bcdf]+$/);
    }
  } finally {
    await h.close();
  }
});

test("status numbers follow readiness; the controller keeps client-set conditions", async () => {
  const h = await harness();
  try {
    await h.client.create(NODES, "", mkNode("n1"));
    await h.client.create(NODES, "", mkNode("n2"));
    await h.client.create(NODES, "", mkNode("n3", {}, [{ key: "dedicated", effect: "NoSchedule" }]));
    await h.client.create(DAEMON_SETS, NS, mkDs("st"));
    const pods = await waitFor("2 bound pods", async () => {
      const p = await dsPods(h, "st");
      return p.length === 2 && p.every((x) => x.spec.nodeName) && p;
    });
    await h.client.patch(
      DAEMON_SETS,
      NS,
      "st",
      "merge",
      { status: { conditions: [{ type: "StatusPatched", status: "True" }] } },
      { subresource: "status" },
    );
    await markReady(h, pods[0]);
    const s = await waitFor("one ready", async () => {
      const x = await h.client.get(DAEMON_SETS, NS, "st");
      return x.status?.numberReady === 1 && x.status;
    });
    assert.equal(s.desiredNumberScheduled, 2);
    assert.equal(s.currentNumberScheduled, 2);
    assert.equal(s.numberMisscheduled, 0);
    assert.equal(s.updatedNumberScheduled, 2);
    assert.equal(s.numberAvailable, 1);
    assert.equal(s.numberUnavailable, 1);
    assert.equal(s.observedGeneration, 1);
    assert.deepEqual(
      s.conditions?.map((c: any) => c.type),
      ["StatusPatched"],
    );
  } finally {
    await h.close();
  }
});
