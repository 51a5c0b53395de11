// API semantics over raw HTTPS against a real server: auth, limits, status subresources, generation, pods'
// binding/eviction/graceful deletion, priority admission, dry run, generateName, deletecollection, events.k8s.io.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { request } from "../helpers/http.ts";
import { API_ONLY, type RunningServer, startServer } from "../helpers/server.ts";

const ds = (name: string) => ({
  apiVersion: "apps/v1",
  kind: "DaemonSet",
  metadata: { name },
  spec: {
    selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: "c", image: "busybox:1.36" }] } },
  },
});
const pod = (name: string, spec: Record<string, unknown> = {}) => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name },
  spec: { containers: [{ name: "c", image: "busybox", resources: { limits: { cpu: 0.5, memory: "64Mi" } } }], ...spec },
});

describe("API semantics", () => {
  let s: RunningServer;
  before(async () => {
    s = await startServer({ args: ["--max-request-bytes", "65536", API_ONLY] });
  });
  after(async () => {
    await s?.stop();
  });
  const pods = "/api/v1/namespaces/default/pods";
  const dss = "/apis/apps/v1/namespaces/default/daemonsets";

  test("requests without valid credentials get 401; health and version are public", async () => {
    for (const token of [null, "wrong"]) {
      const r = await request(s, "GET", "/api/v1/namespaces", { token });
      assert.equal(r.status, 401);
      assert.deepEqual(r.json(), {
        kind: "Status",
        apiVersion: "v1",
        metadata: {},
        status: "Failure",
        message: "Unauthorized",
        reason: "Unauthorized",
        code: 401,
      });
    }
    assert.equal((await request(s, "GET", "/healthz", { token: null })).body, "ok");
    assert.equal((await request(s, "GET", "/version", { token: null })).json().minor, "33");
  });

  test("a body over --max-request-bytes gets 413 and writes nothing", async () => {
    const big = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "big" }, data: { x: "y".repeat(70_000) } };
    const r = await request(s, "POST", "/api/v1/namespaces/default/configmaps", { body: big });
    assert.equal(r.status, 413);
    assert.equal(r.json().message, "Request entity too large: limit is 65536");
    assert.equal((await request(s, "GET", "/api/v1/namespaces/default/configmaps/big")).status, 404);
  });

  test("quantities are canonical and pods get upstream's defaults and admission", async () => {
    const r = await request(s, "POST", pods, { body: pod("q") });
    assert.equal(r.status, 201, r.body);
    const p = r.json();
    assert.equal(p.spec.containers[0].resources.limits.cpu, "500m");
    assert.equal(p.spec.containers[0].resources.requests.cpu, "500m");
    assert.equal(p.status.phase, "Pending");
    assert.equal(p.status.qosClass, "Guaranteed");
    assert.equal(p.spec.priority, 0);
    assert.equal(p.spec.serviceAccountName, "default");
    const keys = p.spec.tolerations.map(
      (t: { key: string; tolerationSeconds: number }) => `${t.key}:${t.tolerationSeconds}`,
    );
    assert.deepEqual(keys, ["node.kubernetes.io/not-ready:300", "node.kubernetes.io/unreachable:300"]);
  });

  test("priorityClassName sets spec.priority; an unknown class is forbidden", async () => {
    const ok = await request(s, "POST", pods, { body: pod("crit", { priorityClassName: "system-node-critical" }) });
    assert.equal(ok.json().spec.priority, 2000001000);
    const bad = await request(s, "POST", pods, { body: pod("nope", { priorityClassName: "gold" }) });
    assert.equal(bad.status, 403);
    assert.equal(bad.json().message, 'pods "nope" is forbidden: no PriorityClass with name gold was found');
    assert.equal((await request(s, "GET", `${pods}/nope`)).status, 404);
  });

  test("generation follows spec changes only; status is a separate subresource", async () => {
    const created = (await request(s, "POST", dss, { body: ds("gen") })).json();
    assert.equal(created.metadata.generation, 1);
    assert.deepEqual(created.status, {
      currentNumberScheduled: 0,
      numberMisscheduled: 0,
      desiredNumberScheduled: 0,
      numberReady: 0,
    });
    const labeled = await request(s, "PATCH", `${dss}/gen`, {
      body: { metadata: { labels: { a: "b" } }, status: { numberReady: 5 } },
      contentType: "application/merge-patch+json",
    });
    assert.equal(labeled.json().metadata.generation, 1);
    assert.equal(labeled.json().status.numberReady, 0, "the main resource ignores status");
    const st = await request(s, "PATCH", `${dss}/gen/status`, {
      body: { spec: { minReadySeconds: 9 }, status: { numberReady: 2, observedGeneration: 1 } },
      contentType: "application/merge-patch+json",
    });
    assert.equal(st.status, 200, st.body);
    assert.equal(st.json().status.numberReady, 2);
    assert.equal(st.json().spec.minReadySeconds, undefined, "the status subresource ignores spec");
    const img = await request(s, "PATCH", `${dss}/gen`, {
      body: { spec: { template: { spec: { containers: [{ name: "c", image: "busybox:1.37" }] } } } },
      contentType: "application/strategic-merge-patch+json",
    });
    assert.equal(img.json().metadata.generation, 2);
    assert.equal(img.json().metadata.annotations["deprecated.daemonset.template.generation"], "2");
  });

  test("a stale resourceVersion is a 409 Conflict", async () => {
    const cur = (await request(s, "GET", `${dss}/gen`)).json();
    await request(s, "PATCH", `${dss}/gen`, {
      body: { metadata: { labels: { x: "1" } } },
      contentType: "application/merge-patch+json",
    });
    const r = await request(s, "PUT", `${dss}/gen`, { body: cur });
    assert.equal(r.status, 409);
    assert.equal(r.json().reason, "Conflict");
    assert.equal(
      r.json().message,
      'Operation cannot be fulfilled on daemonsets.apps "gen": the object has been modified; please apply your changes to the latest version and try again',
    );
  });

  test("binding sets nodeName once; a bound pod deletes gracefully; grace 0 removes it", async () => {
    await request(s, "POST", pods, { body: pod("b1") });
    const bind = {
      apiVersion: "v1",
      kind: "Binding",
      metadata: { name: "b1" },
      target: { apiVersion: "v1", kind: "Node", name: "n1" },
    };
    assert.equal((await request(s, "POST", `${pods}/b1/binding`, { body: bind })).status, 201);
    const bound = (await request(s, "GET", `${pods}/b1`)).json();
    assert.equal(bound.spec.nodeName, "n1");
    assert.ok(
      bound.status.conditions.some(
        (c: { type: string; status: string }) => c.type === "PodScheduled" && c.status === "True",
      ),
    );
    const again = await request(s, "POST", `${pods}/b1/binding`, {
      body: { ...bind, target: { ...bind.target, name: "n2" } },
    });
    assert.equal(again.status, 409);
    const del = await request(s, "DELETE", `${pods}/b1`);
    assert.equal(del.status, 200);
    assert.ok(del.json().metadata.deletionTimestamp);
    assert.equal(del.json().metadata.deletionGracePeriodSeconds, 30);
    assert.equal((await request(s, "GET", `${pods}/b1`)).status, 200, "still there during its grace period");
    const final = await request(s, "DELETE", `${pods}/b1`, {
      body: { kind: "DeleteOptions", apiVersion: "v1", gracePeriodSeconds: 0 },
    });
    assert.equal(final.status, 200);
    assert.equal((await request(s, "GET", `${pods}/b1`)).status, 404);
  });

  test("an unscheduled pod is removed at once; eviction deletes through the API", async () => {
    await request(s, "POST", pods, { body: pod("u1") });
    assert.equal((await request(s, "DELETE", `${pods}/u1`)).status, 200);
    assert.equal((await request(s, "GET", `${pods}/u1`)).status, 404);
    await request(s, "POST", pods, { body: pod("e1") });
    const ev = await request(s, "POST", `${pods}/e1/eviction`, {
      body: { apiVersion: "policy/v1", kind: "Eviction", metadata: { name: "e1", namespace: "default" } },
    });
    assert.equal(ev.status, 201, ev.body);
    assert.equal((await request(s, "GET", `${pods}/e1`)).status, 404);
  });

  test("dryRun=All validates and answers without storing", async () => {
    const r = await request(s, "POST", `${dss}?dryRun=All`, { body: ds("dry") });
    assert.equal(r.status, 201);
    assert.equal(r.json().metadata.name, "dry");
    assert.equal((await request(s, "GET", `${dss}/dry`)).status, 404);
  });

  test("generateName, label-selected list, deletecollection", async () => {
    const cms = "/api/v1/namespaces/default/configmaps";
    for (let i = 0; i < 3; i++) {
      const r = await request(s, "POST", cms, {
        body: { apiVersion: "v1", kind: "ConfigMap", metadata: { generateName: "gen-", labels: { batch: "x" } } },
      });
      assert.match(r.json().metadata.name, /^gen-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    }
    const list = (await request(s, "GET", `${cms}?labelSelector=batch%3Dx&limit=2`)).json();
    assert.equal(list.kind, "ConfigMapList");
    assert.equal(list.items.length, 2);
    assert.ok(list.metadata.continue);
    const rest = (
      await request(s, "GET", `${cms}?labelSelector=batch%3Dx&limit=2&continue=${list.metadata.continue}`)
    ).json();
    assert.equal(rest.items.length, 1);
    assert.equal((await request(s, "DELETE", `${cms}?labelSelector=batch%3Dx`)).status, 200);
    assert.equal((await request(s, "GET", `${cms}?labelSelector=batch%3Dx`)).json().items.length, 0);
  });

  test("finalizers hold a deleted object until they are removed", async () => {
    const cms = "/api/v1/namespaces/default/configmaps";
    await request(s, "POST", cms, {
      body: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "fin", finalizers: ["example.com/hold"] } },
    });
    const del = await request(s, "DELETE", `${cms}/fin`);
    assert.equal(del.status, 200);
    assert.ok(del.json().metadata.deletionTimestamp);
    assert.ok((await request(s, "GET", `${cms}/fin`)).json().metadata.deletionTimestamp);
    const rm = await request(s, "PATCH", `${cms}/fin`, {
      body: { metadata: { finalizers: null } },
      contentType: "application/merge-patch+json",
    });
    assert.equal(rm.status, 200, rm.body);
    assert.equal((await request(s, "GET", `${cms}/fin`)).status, 404);
  });

  test("events.k8s.io/v1 and core/v1 events are the same objects", async () => {
    const ev = {
      apiVersion: "events.k8s.io/v1",
      kind: "Event",
      metadata: { name: "e.1" },
      eventTime: "2026-11-21T10:00:00.000000Z",
      reportingController: "example.com/ctl",
      reportingInstance: "ctl-1",
      action: "Test",
      reason: "Tested",
      type: "Normal",
      note: "hello",
      regarding: { kind: "Pod", name: "q", namespace: "default" },
    };
    const r = await request(s, "POST", "/apis/events.k8s.io/v1/namespaces/default/events", { body: ev });
    assert.equal(r.status, 201, r.body);
    const core = (await request(s, "GET", "/api/v1/namespaces/default/events/e.1")).json();
    assert.equal(core.apiVersion, "v1");
    assert.equal(core.message, "hello");
    assert.equal(core.involvedObject.name, "q");
    assert.equal(core.reportingComponent, "example.com/ctl");
    const v1 = (await request(s, "GET", "/apis/events.k8s.io/v1/namespaces/default/events/e.1")).json();
    assert.equal(v1.note, "hello");
    assert.equal(v1.regarding.kind, "Pod");
    const sel = (
      await request(s, "GET", "/api/v1/namespaces/default/events?fieldSelector=involvedObject.name%3Dq")
    ).json();
    assert.equal(sel.items.length, 1);
  });

  test("discovery lists the pods' stream subresources; without an upgrade they answer 400", async () => {
    const r = await request(s, "GET", "/api/v1");
    const subs = (r.json().resources as Array<{ name: string; kind: string; verbs: string[] }>).filter((x) =>
      x.name.startsWith("pods/"),
    );
    const byName = Object.fromEntries(subs.map((x) => [x.name, x]));
    assert.deepEqual(Object.keys(byName).sort(), [
      "pods/attach",
      "pods/binding",
      "pods/eviction",
      "pods/exec",
      "pods/log",
      "pods/portforward",
      "pods/status",
    ]);
    assert.equal(byName["pods/exec"].kind, "PodExecOptions");
    assert.deepEqual(byName["pods/exec"].verbs, ["create", "get"]);
    await request(s, "POST", "/api/v1/namespaces/default/pods", {
      body: { metadata: { name: "streams" }, spec: { containers: [{ name: "c", image: "busybox" }] } },
    });
    const plain = await request(s, "POST", "/api/v1/namespaces/default/pods/streams/exec?command=true");
    assert.equal(plain.status, 400);
    assert.equal(plain.json().message, "Upgrade request required");
  });

  test("server-side apply is refused with a clear 415", async () => {
    const r = await request(s, "PATCH", `${dss}/gen?fieldManager=x`, {
      body: "{}",
      contentType: "application/apply-patch+yaml",
    });
    assert.equal(r.status, 415);
    assert.match(r.json().message, /server-side apply is not supported/);
  });
});
