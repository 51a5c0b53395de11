import assert from "node:assert/strict";
import { test } from "node:test";
import type { KubeObject } from "../../api/object.ts";
import { tableFor } from "./table.ts";

const now = new Date("2024-06-01T12:00:00Z");
const meta = { name: "x", namespace: "default", creationTimestamp: "2024-06-01T11:00:00Z" };

const resources: [string, string][] = [
  ["", "pods"],
  ["", "nodes"],
  ["", "namespaces"],
  ["", "events"],
  ["events.k8s.io", "events"],
  ["", "configmaps"],
  ["", "secrets"],
  ["", "serviceaccounts"],
  ["apps", "daemonsets"],
  ["apps", "controllerrevisions"],
  ["coordination.k8s.io", "leases"],
  ["scheduling.k8s.io", "priorityclasses"],
  ["rbac.authorization.k8s.io", "roles"],
  ["rbac.authorization.k8s.io", "rolebindings"],
  ["rbac.authorization.k8s.io", "clusterroles"],
  ["rbac.authorization.k8s.io", "clusterrolebindings"],
  ["example.com", "widgets"],
];

test("every printer emits exactly one cell per column, even for a bare object", () => {
  for (const [group, resource] of resources) {
    const t = tableFor(group, resource);
    assert.equal(t.cells({ metadata: meta }, now).length, t.columns.length, `${group}/${resource}`);
    for (const c of t.columns) {
      assert.ok(c.name && c.type && c.description, `${group}/${resource} ${c.name}`);
    }
  }
});

test("core events: Last Seen, Type, Reason, Object, Message | Subobject, Source, First Seen, Count, Name", () => {
  const t = tableFor("", "events");
  assert.deepEqual(
    t.columns.map((c) => `${c.name}:${c.priority}`),
    [
      "Last Seen:0",
      "Type:0",
      "Reason:0",
      "Object:0",
      "Subobject:1",
      "Source:1",
      "Message:0",
      "First Seen:1",
      "Count:1",
      "Name:1",
    ],
  );
  const ev: KubeObject = {
    metadata: { name: "fluentd.17a", namespace: "default" },
    involvedObject: { kind: "DaemonSet", name: "fluentd", namespace: "default" },
    reason: "SuccessfulCreate",
    message: "Created pod: fluentd-abcde\n",
    source: { component: "daemonset-controller" },
    firstTimestamp: "2024-06-01T11:50:00Z",
    lastTimestamp: "2024-06-01T11:58:00Z",
    count: 3,
    type: "Normal",
  };
  assert.deepEqual(t.cells(ev, now), [
    "2m",
    "Normal",
    "SuccessfulCreate",
    "daemonset/fluentd",
    "",
    "daemonset-controller",
    "Created pod: fluentd-abcde",
    "10m",
    3,
    "fluentd.17a",
  ]);
});

test("events.k8s.io events print through the same columns, series and eventTime honoured", () => {
  const ev: KubeObject = {
    apiVersion: "events.k8s.io/v1",
    kind: "Event",
    metadata: { name: "p.1", namespace: "default" },
    eventTime: "2024-06-01T11:30:00.000000Z",
    series: { count: 7, lastObservedTime: "2024-06-01T11:59:30.000000Z" },
    regarding: { kind: "Node", name: "node-1", fieldPath: "" },
    reason: "Rebooted",
    note: "node rebooted",
    type: "Warning",
    reportingController: "kubelet",
    reportingInstance: "node-1",
  };
  assert.deepEqual(tableFor("events.k8s.io", "events").cells(ev, now), [
    "30s",
    "Warning",
    "Rebooted",
    "node/node-1",
    "",
    "kubelet, node-1",
    "node rebooted",
    "30m",
    7,
    "p.1",
  ]);
  // A singleton event without count or series counts once; no involved name prints the kind alone.
  const single: KubeObject = {
    metadata: { name: "s" },
    involvedObject: { kind: "Node" },
    eventTime: "2024-06-01T11:59:00Z",
  };
  const cells = tableFor("", "events").cells(single, now);
  assert.equal(cells[0], "60s");
  assert.equal(cells[3], "node");
  assert.equal(cells[8], 1);
});

test("configmaps, secrets, serviceaccounts count their entries", () => {
  assert.deepEqual(
    tableFor("", "configmaps").cells({ metadata: meta, data: { a: "1", b: "2" }, binaryData: { c: "AA==" } }, now),
    ["x", 3, "60m"],
  );
  assert.deepEqual(
    tableFor("", "secrets").cells(
      { metadata: meta, type: "kubernetes.io/tls", data: { "tls.crt": "", "tls.key": "" } },
      now,
    ),
    ["x", "kubernetes.io/tls", 2, "60m"],
  );
  assert.deepEqual(tableFor("", "serviceaccounts").cells({ metadata: meta, secrets: [{ name: "t" }] }, now), [
    "x",
    1,
    "60m",
  ]);
});

test("namespaces, leases, priorityclasses", () => {
  assert.deepEqual(tableFor("", "namespaces").cells({ metadata: meta, status: { phase: "Active" } }, now), [
    "x",
    "Active",
    "60m",
  ]);
  assert.deepEqual(
    tableFor("coordination.k8s.io", "leases").cells({ metadata: meta, spec: { holderIdentity: "node-1" } }, now),
    ["x", "node-1", "60m"],
  );
  assert.deepEqual(tableFor("coordination.k8s.io", "leases").cells({ metadata: meta, spec: {} }, now), [
    "x",
    "",
    "60m",
  ]);
  const pc = tableFor("scheduling.k8s.io", "priorityclasses");
  assert.deepEqual(
    pc.columns.map((c) => [c.name, c.type]),
    [
      ["Name", "string"],
      ["Value", "integer"],
      ["Global-Default", "boolean"],
      ["Age", "string"],
      ["PreemptionPolicy", "string"],
    ],
  );
  assert.deepEqual(
    pc.cells(
      { metadata: meta, value: 2000001000, globalDefault: false, preemptionPolicy: "PreemptLowerPriority" },
      now,
    ),
    ["x", 2000001000, false, "60m", "PreemptLowerPriority"],
  );
});

test("role bindings list users, groups and namespaced service accounts", () => {
  const rb: KubeObject = {
    metadata: meta,
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "view" },
    subjects: [
      { kind: "User", name: "alice" },
      { kind: "Group", name: "devs" },
      { kind: "ServiceAccount", name: "ci", namespace: "build" },
      { kind: "User", name: "bob" },
    ],
  };
  const t = tableFor("rbac.authorization.k8s.io", "rolebindings");
  assert.deepEqual(
    t.columns.map((c) => `${c.name}:${c.priority}`),
    ["Name:0", "Role:0", "Age:0", "Users:1", "Groups:1", "ServiceAccounts:1"],
  );
  assert.deepEqual(t.cells(rb, now), ["x", "ClusterRole/view", "60m", "alice, bob", "devs", "build/ci"]);
});

test("roles, clusterroles and unknown kinds use upstream's default Name / Created At table", () => {
  for (const resource of ["roles", "clusterroles"]) {
    const t = tableFor("rbac.authorization.k8s.io", resource);
    assert.deepEqual(
      t.columns.map((c) => [c.name, c.type, c.format]),
      [
        ["Name", "string", "name"],
        ["Created At", "date", ""],
      ],
    );
    assert.deepEqual(t.cells({ metadata: { name: "r", creationTimestamp: "2024-06-01T11:00:00.123Z" } }, now), [
      "r",
      "2024-06-01T11:00:00Z",
    ]);
  }
  assert.deepEqual(tableFor("example.com", "widgets").cells({ metadata: { name: "w" } }, now), [
    "w",
    "0001-01-01T00:00:00Z",
  ]);
});
