import assert from "node:assert/strict";
import { test } from "node:test";
import type { KubeObject } from "../../api/object.ts";
import { nodeTable } from "./nodes.ts";

const now = new Date("2024-06-01T12:00:00Z");

function node(opts: { ready?: string; unschedulable?: boolean; labels?: Record<string, string> }): KubeObject {
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: { name: "node-1", creationTimestamp: "2024-05-30T12:00:00Z", labels: opts.labels ?? {} },
    spec: opts.unschedulable ? { unschedulable: true } : {},
    status: {
      conditions: [
        { type: "MemoryPressure", status: "False" },
        ...(opts.ready ? [{ type: "Ready", status: opts.ready }] : []),
      ],
      addresses: [
        { type: "Hostname", address: "node-1" },
        { type: "InternalIP", address: "172.18.0.2" },
      ],
      nodeInfo: {
        kubeletVersion: "v1.33.0",
        osImage: "Debian GNU/Linux 12 (bookworm)",
        kernelVersion: "6.1.0",
        containerRuntimeVersion: "loci://0.1.0",
      },
    },
  };
}

test("columns as upstream: five default, five wide", () => {
  assert.deepEqual(
    nodeTable.columns.map((c) => `${c.name}:${c.priority}`),
    [
      "Name:0",
      "Status:0",
      "Roles:0",
      "Age:0",
      "Version:0",
      "Internal-IP:1",
      "External-IP:1",
      "OS-Image:1",
      "Kernel-Version:1",
      "Container-Runtime:1",
    ],
  );
});

test("Ready control-plane node, all cells", () => {
  const n = node({ ready: "True", labels: { "node-role.kubernetes.io/control-plane": "" } });
  assert.deepEqual(nodeTable.cells(n, now), [
    "node-1",
    "Ready",
    "control-plane",
    "2d",
    "v1.33.0",
    "172.18.0.2",
    "<none>",
    "Debian GNU/Linux 12 (bookworm)",
    "6.1.0",
    "loci://0.1.0",
  ]);
});

test("NotReady (False or Unknown), Unknown without a Ready condition, SchedulingDisabled appended", () => {
  assert.equal(nodeTable.cells(node({ ready: "False" }), now)[1], "NotReady");
  assert.equal(nodeTable.cells(node({ ready: "Unknown" }), now)[1], "NotReady");
  assert.equal(nodeTable.cells(node({}), now)[1], "Unknown");
  assert.equal(nodeTable.cells(node({ ready: "True", unschedulable: true }), now)[1], "Ready,SchedulingDisabled");
  assert.equal(nodeTable.cells(node({ ready: "False", unschedulable: true }), now)[1], "NotReady,SchedulingDisabled");
});

test("roles: sorted, de-duplicated, legacy label honoured, <none> without", () => {
  const labels = {
    "node-role.kubernetes.io/worker": "",
    "node-role.kubernetes.io/control-plane": "",
    "node-role.kubernetes.io/": "",
    "kubernetes.io/role": "worker",
  };
  assert.equal(nodeTable.cells(node({ ready: "True", labels }), now)[2], "control-plane,worker");
  assert.equal(
    nodeTable.cells(node({ ready: "True", labels: { "kubernetes.io/role": "ingress" } }), now)[2],
    "ingress",
  );
  assert.equal(nodeTable.cells(node({ ready: "True" }), now)[2], "<none>");
});

test("missing node info prints <unknown> in wide columns", () => {
  const n: KubeObject = { metadata: { name: "bare" }, status: {} };
  assert.deepEqual(nodeTable.cells(n, now), [
    "bare",
    "Unknown",
    "<none>",
    "<unknown>",
    "",
    "<none>",
    "<none>",
    "<unknown>",
    "<unknown>",
    "<unknown>",
  ]);
});
