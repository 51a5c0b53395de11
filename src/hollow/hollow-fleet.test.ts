import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { ApiError } from "../api/errors.ts";
import type { KubeObject } from "../api/object.ts";
import { ApiServer, LOCI_VERSION } from "../apiserver/server.ts";
import { LEASES, NODES, PODS } from "../client/client.ts";
import { InProcessClient } from "../client/in-process-client.ts";
import { HollowFleet, type HollowFleetOptions } from "./hollow-fleet.ts";

let server: ApiServer;
let dir: string;
let client: InProcessClient;
let fleet: HollowFleet;
const warnings: string[] = [];

const N = 20;
const fleetOptions = (): HollowFleetOptions => ({
  client,
  nodes: N,
  labels: { "pool.example.com/name": "hollow", empty: "" },
  taints: [{ key: "dedicated", value: "hollow", effect: "PreferNoSchedule" }],
  cpu: "8",
  memory: "32Gi",
  maxPods: 50,
  readyDelayMs: 300,
  stopDelayMs: 100,
  failImages: ["*broken*"],
  unreadyImages: ["example.com/never-ready:*"],
  // Short periods instead of the kubelet's 10 s / 5 min so the test sees several renewals.
  leaseRenewIntervalMs: 300,
  statusReportIntervalMs: 60_000,
  pullBackOffMs: 200,
  retryMs: 100,
  tickMs: 20,
  log: (l) => warnings.push(l),
});

async function waitFor<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${last}` : ""}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const condition = (obj: KubeObject, type: string) => obj.status?.conditions?.find((c: any) => c.type === type);

async function boundPod(name: string, node: string, image: string, extra: Record<string, unknown> = {}) {
  const pod = await client.create(PODS, "default", {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name },
    spec: { containers: [{ name: "main", image }], ...extra },
  });
  await client.bind("default", name, node, pod.metadata.uid);
  return pod;
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "loci-hollow-"));
  server = await ApiServer.start({ dataDir: dir, listen: "127.0.0.1:0" });
  client = new InProcessClient(server, "loci-hollow-test");
  fleet = new HollowFleet(fleetOptions());
  await fleet.start();
});

after(async () => {
  await fleet.stop();
  await client.close();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

test("registers every node with labels, taints, capacity, conditions, addresses and nodeInfo", async () => {
  const nodes = (await client.list(NODES, "")).items.filter((n) => n.metadata.name?.startsWith("hollow-"));
  assert.equal(nodes.length, N);
  const n = await client.get(NODES, "", "hollow-7");
  assert.deepEqual(n.metadata.labels, {
    "beta.kubernetes.io/arch": "amd64",
    "beta.kubernetes.io/os": "linux",
    "kubernetes.io/arch": "amd64",
    "kubernetes.io/hostname": "hollow-7",
    "kubernetes.io/os": "linux",
    "pool.example.com/name": "hollow",
    empty: "",
  });
  assert.ok(
    n.spec.taints.some((t: any) => t.key === "dedicated" && t.value === "hollow" && t.effect === "PreferNoSchedule"),
  );
  assert.deepEqual(n.status.capacity, { cpu: "8", memory: "32Gi", pods: "50" });
  assert.deepEqual(n.status.allocatable, { cpu: "8", memory: "32Gi", pods: "50" });
  const ready = condition(n, "Ready");
  assert.equal(ready.status, "True");
  assert.equal(ready.reason, "KubeletReady");
  assert.equal(ready.message, "kubelet is posting ready status");
  assert.ok(ready.lastHeartbeatTime);
  for (const [type, reason] of [
    ["MemoryPressure", "KubeletHasSufficientMemory"],
    ["DiskPressure", "KubeletHasNoDiskPressure"],
    ["PIDPressure", "KubeletHasSufficientPID"],
  ]) {
    assert.equal(condition(n, type).status, "False");
    assert.equal(condition(n, type).reason, reason);
  }
  assert.deepEqual(n.status.addresses, [
    { type: "InternalIP", address: "10.0.0.8" },
    { type: "Hostname", address: "hollow-7" },
  ]);
  assert.equal(n.status.nodeInfo.kubeletVersion, `v1.33.0-loci.${LOCI_VERSION}`);
  assert.equal(n.status.nodeInfo.containerRuntimeVersion, `hollow://${LOCI_VERSION}`);
  assert.equal(n.status.nodeInfo.architecture, "amd64");
  assert.equal(n.status.nodeInfo.operatingSystem, "linux");
  assert.equal(n.status.daemonEndpoints.kubeletEndpoint.Port, 10250);
});

test("each node has a Lease owned by its Node, and the Leases are renewed", async () => {
  const leases = (await client.list(LEASES, "kube-node-lease")).items;
  assert.equal(leases.filter((l) => l.metadata.name?.startsWith("hollow-")).length, N);
  const node = await client.get(NODES, "", "hollow-3");
  const lease = await client.get(LEASES, "kube-node-lease", "hollow-3");
  assert.equal(lease.spec.holderIdentity, "hollow-3");
  assert.equal(lease.spec.leaseDurationSeconds, 40);
  assert.deepEqual(lease.metadata.ownerReferences, [
    { apiVersion: "v1", kind: "Node", name: "hollow-3", uid: node.metadata.uid },
  ]);
  const first = Date.parse(lease.spec.renewTime);
  await waitFor("all leases renewed", async () => {
    const now = (await client.list(LEASES, "kube-node-lease")).items;
    return now.filter((l) => Date.parse(l.spec.renewTime) > first).length >= N - 1;
  });
});

test("a bound pod becomes Running, then Ready after --ready-delay", async () => {
  const created = await boundPod("web", "hollow-3", "nginx:1.27");
  const running = await waitFor("Running", async () => {
    const p = await client.get(PODS, "default", "web");
    return p.status.phase === "Running" && p;
  });
  assert.equal(condition(running, "Ready").status, "False", "not ready before the ready delay");
  assert.equal(condition(running, "Ready").reason, "ContainersNotReady");
  assert.equal(condition(running, "Ready").message, "containers with unready status: [main]");
  assert.equal(running.status.hostIP, "10.0.0.4");
  assert.match(running.status.podIP, /^100\.64\.3\.\d+$/);
  assert.ok(running.status.startTime);
  const cs = running.status.containerStatuses[0];
  assert.equal(cs.containerID, `hollow://${created.metadata.uid}/main`);
  assert.equal(cs.image, "docker.io/library/nginx:1.27");
  assert.match(cs.imageID, /^docker\.io\/library\/nginx@sha256:[0-9a-f]{64}$/);
  assert.equal(cs.restartCount, 0);
  assert.ok(cs.state.running.startedAt);

  const ready = await waitFor("Ready", async () => {
    const p = await client.get(PODS, "default", "web");
    return condition(p, "Ready")?.status === "True" && p;
  });
  for (const t of ["PodScheduled", "Initialized", "ContainersReady", "Ready"]) {
    assert.equal(condition(ready, t)?.status, "True", t);
  }
  assert.equal(ready.status.containerStatuses[0].ready, true);
  assert.equal(ready.status.containerStatuses[0].started, true);
});

test("--unready-images: Running but never Ready", async () => {
  await boundPod("slow", "hollow-5", "example.com/never-ready:v1");
  const p = await waitFor("Running", async () => {
    const p = await client.get(PODS, "default", "slow");
    return p.status.phase === "Running" && p;
  });
  await new Promise((r) => setTimeout(r, 500));
  const later = await client.get(PODS, "default", "slow");
  assert.equal(condition(later, "Ready").status, "False");
  assert.equal(later.status.containerStatuses[0].ready, false);
  assert.equal(
    later.status.containerStatuses[0].state.running.startedAt,
    p.status.containerStatuses[0].state.running.startedAt,
  );
});

test("--fail-images: ErrImagePull then ImagePullBackOff, never Running", async () => {
  await boundPod("bad", "hollow-6", "registry.example.com/broken:1");
  const reason = (p: KubeObject) => p.status.containerStatuses?.[0]?.state?.waiting?.reason;
  const pulling = await waitFor("ErrImagePull", async () => {
    const p = await client.get(PODS, "default", "bad");
    return reason(p) === "ErrImagePull" && p;
  });
  assert.equal(pulling.status.phase, "Pending");
  const backoff = await waitFor("ImagePullBackOff", async () => {
    const p = await client.get(PODS, "default", "bad");
    return reason(p) === "ImagePullBackOff" && p;
  });
  assert.equal(backoff.status.phase, "Pending");
  assert.equal(condition(backoff, "Ready").status, "False");
  assert.match(
    backoff.status.containerStatuses[0].state.waiting.message,
    /^Back-off pulling image "registry.example.com\/broken:1"/,
  );
});

test("deleting a pod: after --stop-delay the node removes it with grace 0", async () => {
  const created = await boundPod("gone", "hollow-9", "busybox");
  await waitFor("Running", async () => (await client.get(PODS, "default", "gone")).status.phase === "Running");
  const t0 = Date.now();
  const pending = await client.delete(PODS, "default", "gone");
  assert.ok(pending.metadata.deletionTimestamp, "a pod on a node lingers until the kubelet confirms");
  await waitFor("pod removed", async () => {
    try {
      await client.get(PODS, "default", "gone");
      return false;
    } catch (e) {
      return e instanceof ApiError && e.code === 404;
    }
  });
  assert.ok(Date.now() - t0 >= 90, "waited for the stop delay");
  assert.ok(created.metadata.uid);
});

test("an externally changed node status is corrected", async () => {
  const n = await client.get(NODES, "", "hollow-11");
  const conds = n.status.conditions.map((c: any) =>
    c.type === "Ready"
      ? { ...c, status: "Unknown", reason: "NodeStatusUnknown", message: "Kubelet stopped posting node status." }
      : c,
  );
  await client.patch(NODES, "", "hollow-11", "merge", { status: { conditions: conds } }, { subresource: "status" });
  const fixed = await waitFor("Ready True again", async () => {
    const cur = await client.get(NODES, "", "hollow-11");
    return condition(cur, "Ready").status === "True" && cur;
  });
  assert.equal(condition(fixed, "Ready").reason, "KubeletReady");
});

test("a deleted Node stops its hollow node (as a kubelet that registered once); a restart brings it back", async () => {
  await client.delete(NODES, "", "hollow-19");
  await waitFor("node gone", async () => fleet.node("hollow-19")?.state === "gone");
  await new Promise((r) => setTimeout(r, 400));
  await assert.rejects(client.get(NODES, "", "hollow-19"), (e: unknown) => e instanceof ApiError && e.code === 404);
});

test("a restarted fleet re-adopts Nodes, Leases and running pods", async () => {
  await waitFor(
    "web Ready",
    async () => condition(await client.get(PODS, "default", "web"), "Ready")?.status === "True",
  );
  const nodeBefore = await client.get(NODES, "", "hollow-3");
  const podBefore = await client.get(PODS, "default", "web");
  await fleet.stop();
  // Someone dropped a Lease while the fleet was down.
  await client.delete(LEASES, "kube-node-lease", "hollow-4");
  fleet = new HollowFleet(fleetOptions());
  await fleet.start();
  const nodeAfter = await client.get(NODES, "", "hollow-3");
  assert.equal(nodeAfter.metadata.uid, nodeBefore.metadata.uid, "same Node object");
  const lease = await client.get(LEASES, "kube-node-lease", "hollow-4");
  assert.equal(lease.metadata.ownerReferences?.[0]?.uid, (await client.get(NODES, "", "hollow-4")).metadata.uid);
  assert.ok(await client.get(NODES, "", "hollow-19"), "re-registered");
  const podAfter = await client.get(PODS, "default", "web");
  assert.equal(
    podAfter.metadata.resourceVersion,
    podBefore.metadata.resourceVersion,
    "an up-to-date pod is not rewritten",
  );
  // And the new fleet serves new pods.
  await boundPod("web2", "hollow-3", "nginx");
  await waitFor(
    "web2 Ready",
    async () => condition(await client.get(PODS, "default", "web2"), "Ready")?.status === "True",
  );
  assert.deepEqual(
    warnings.filter((w) => !/retrying|stops until restarted/.test(w)),
    [],
    "no unexpected warnings",
  );
});
