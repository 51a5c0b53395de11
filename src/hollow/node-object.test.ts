import assert from "node:assert/strict";
import { test } from "node:test";
import { LOCI_VERSION } from "../apiserver/server.ts";
import { fakeImageID, normalizeImage } from "./image-ref.ts";
import {
  hostIPFor,
  microTime,
  missingLabels,
  type NodeShape,
  newLease,
  newNode,
  nodeStatus,
  nodeStatusDiffers,
  podIPFor,
} from "./node-object.ts";

const shape: NodeShape = {
  name: "hollow-300",
  index: 300,
  labels: { zone: "a" },
  taints: [{ key: "k", value: "v", effect: "NoSchedule" }],
  cpu: "4",
  memory: "16Gi",
  maxPods: 110,
};
const T0 = Date.parse("2026-03-01T10:00:00Z");

test("addresses derive from the index and stay unique", () => {
  assert.equal(hostIPFor(0), "10.0.0.1");
  assert.equal(hostIPFor(300), "10.0.1.45");
  assert.equal(new Set(Array.from({ length: 20_000 }, (_, i) => hostIPFor(i))).size, 20_000);
  assert.equal(podIPFor(0, 0), "100.64.0.1");
  assert.equal(podIPFor(300, 253), "100.65.44.254");
  assert.equal(podIPFor(300, 254), "100.65.44.1", "host part cycles");
});

test("a new Node carries default and extra labels, taints and the full status", () => {
  const n = newNode(shape, T0);
  assert.equal(n.metadata.labels?.["kubernetes.io/hostname"], "hollow-300");
  assert.equal(n.metadata.labels?.["beta.kubernetes.io/os"], "linux");
  assert.equal(n.metadata.labels?.zone, "a");
  assert.deepEqual(n.spec.taints, [{ key: "k", value: "v", effect: "NoSchedule" }]);
  assert.deepEqual(n.status.capacity, { cpu: "4", memory: "16Gi", pods: "110" });
  assert.deepEqual(
    n.status.conditions.map((c: any) => [c.type, c.status, c.reason]),
    [
      ["MemoryPressure", "False", "KubeletHasSufficientMemory"],
      ["DiskPressure", "False", "KubeletHasNoDiskPressure"],
      ["PIDPressure", "False", "KubeletHasSufficientPID"],
      ["Ready", "True", "KubeletReady"],
    ],
  );
  assert.equal(n.status.conditions[3].lastHeartbeatTime, "2026-03-01T10:00:00Z");
  assert.equal(n.status.nodeInfo.kubeletVersion, `v1.33.0-loci.${LOCI_VERSION}`);
  assert.deepEqual(n.status.daemonEndpoints, { kubeletEndpoint: { Port: 10250 } });
  assert.equal(newNode({ ...shape, taints: [] }, T0).spec.taints, undefined);
});

test("status heartbeats move, transition times stay while the status holds", () => {
  const first = nodeStatus(shape, T0);
  const next = nodeStatus(shape, T0 + 300_000, first);
  assert.equal(next.conditions[3].lastHeartbeatTime, "2026-03-01T10:05:00Z");
  assert.equal(next.conditions[3].lastTransitionTime, "2026-03-01T10:00:00Z");
  const unknown = {
    conditions: first.conditions.map((c: any) => (c.type === "Ready" ? { ...c, status: "Unknown" } : c)),
  };
  assert.equal(nodeStatus(shape, T0 + 1000, unknown).conditions[3].lastTransitionTime, "2026-03-01T10:00:01Z");
});

test("nodeStatusDiffers ignores heartbeats and notices condition or capacity changes", () => {
  const s = nodeStatus(shape, T0);
  assert.equal(nodeStatusDiffers(s, shape), false);
  assert.equal(nodeStatusDiffers(nodeStatus(shape, T0 + 99_000, s), shape), false);
  const unknown = {
    ...s,
    conditions: s.conditions.map((c: any) => (c.type === "Ready" ? { ...c, status: "Unknown" } : c)),
  };
  assert.equal(nodeStatusDiffers(unknown, shape), true);
  assert.equal(nodeStatusDiffers({ ...s, capacity: { ...s.capacity, pods: "10" } }, shape), true);
  assert.equal(nodeStatusDiffers(undefined, shape), true);
});

test("missingLabels lists only what an existing Node lacks", () => {
  const n = newNode(shape, T0);
  assert.equal(missingLabels(n, shape), undefined);
  n.metadata.labels = { other: "x", zone: "b" };
  assert.deepEqual(Object.keys(missingLabels(n, shape) ?? {}).sort(), [
    "beta.kubernetes.io/arch",
    "beta.kubernetes.io/os",
    "kubernetes.io/arch",
    "kubernetes.io/hostname",
    "kubernetes.io/os",
    "zone",
  ]);
});

test("node Lease: holder, 40 s, MicroTime renewTime, owned by the Node", () => {
  const l = newLease("hollow-1", "uid-1", 40, T0 + 123);
  assert.deepEqual(l.spec, {
    holderIdentity: "hollow-1",
    leaseDurationSeconds: 40,
    renewTime: "2026-03-01T10:00:00.123000Z",
  });
  assert.equal(l.metadata.namespace, "kube-node-lease");
  assert.deepEqual(l.metadata.ownerReferences, [{ apiVersion: "v1", kind: "Node", name: "hollow-1", uid: "uid-1" }]);
  assert.equal(microTime(T0), "2026-03-01T10:00:00.000000Z");
});

test("images are reported as a runtime normalizes them", () => {
  assert.equal(normalizeImage("busybox"), "docker.io/library/busybox:latest");
  assert.equal(normalizeImage("user/app:1"), "docker.io/user/app:1");
  assert.equal(normalizeImage("localhost/app"), "localhost/app:latest");
  assert.equal(normalizeImage("registry.example.com:5000/team/app"), "registry.example.com:5000/team/app:latest");
  assert.equal(normalizeImage("quay.io/x/y@sha256:abc"), "quay.io/x/y@sha256:abc");
  assert.match(fakeImageID("busybox:1.36"), /^docker\.io\/library\/busybox@sha256:[0-9a-f]{64}$/);
  assert.equal(fakeImageID("busybox:1.36"), fakeImageID("docker.io/library/busybox:1.36"));
  assert.match(fakeImageID("registry.example.com:5000/app"), /^registry\.example\.com:5000\/app@sha256:[0-9a-f]{64}$/);
});
