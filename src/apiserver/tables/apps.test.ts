import assert from "node:assert/strict";
import { test } from "node:test";
import type { KubeObject } from "../../api/object.ts";
import { controllerRevisionTable, daemonSetTable } from "./apps.ts";

const now = new Date("2024-06-01T12:00:00Z");

const ds: KubeObject = {
  apiVersion: "apps/v1",
  kind: "DaemonSet",
  metadata: { name: "fluentd", namespace: "kube-system", creationTimestamp: "2024-06-01T11:53:00Z" },
  spec: {
    selector: {
      matchLabels: { name: "fluentd" },
      matchExpressions: [{ key: "tier", operator: "In", values: ["logging", "infra"] }],
    },
    template: {
      metadata: { labels: { name: "fluentd", tier: "logging" } },
      spec: {
        nodeSelector: { "kubernetes.io/os": "linux", disktype: "ssd" },
        containers: [
          { name: "fluentd", image: "fluent/fluentd:v1.16" },
          { name: "sidecar", image: "busybox:1.36" },
        ],
      },
    },
  },
  status: {
    desiredNumberScheduled: 3,
    currentNumberScheduled: 3,
    numberReady: 2,
    updatedNumberScheduled: 3,
    numberAvailable: 2,
  },
};

test("daemonset columns and cells as `kubectl get ds -o wide`", () => {
  assert.deepEqual(
    daemonSetTable.columns.map((c) => [c.name, c.type, c.priority]),
    [
      ["Name", "string", 0],
      ["Desired", "integer", 0],
      ["Current", "integer", 0],
      ["Ready", "integer", 0],
      ["Up-to-date", "integer", 0],
      ["Available", "integer", 0],
      ["Node Selector", "string", 0],
      ["Age", "string", 0],
      ["Containers", "string", 1],
      ["Images", "string", 1],
      ["Selector", "string", 1],
    ],
  );
  assert.deepEqual(daemonSetTable.cells(ds, now), [
    "fluentd",
    3,
    3,
    2,
    3,
    2,
    "disktype=ssd,kubernetes.io/os=linux",
    "7m",
    "fluentd,sidecar",
    "fluent/fluentd:v1.16,busybox:1.36",
    "name=fluentd,tier in (infra,logging)",
  ]);
});

test("a fresh daemonset without status or node selector", () => {
  const fresh: KubeObject = {
    metadata: { name: "d", creationTimestamp: "2024-06-01T11:59:50Z" },
    spec: { selector: { matchLabels: { a: "b" } }, template: { spec: { containers: [{ name: "c", image: "i" }] } } },
  };
  assert.deepEqual(daemonSetTable.cells(fresh, now), ["d", 0, 0, 0, 0, 0, "<none>", "10s", "c", "i", "a=b"]);
});

test("controllerrevision shows its controlling owner as kind.group/name", () => {
  const cr: KubeObject = {
    metadata: {
      name: "fluentd-6d4b5c7f8",
      creationTimestamp: "2024-06-01T09:00:00Z",
      ownerReferences: [
        { apiVersion: "v1", kind: "ConfigMap", name: "other", uid: "0" },
        { apiVersion: "apps/v1", kind: "DaemonSet", name: "fluentd", uid: "1", controller: true },
      ],
    },
    revision: 2,
  };
  assert.deepEqual(controllerRevisionTable.cells(cr, now), ["fluentd-6d4b5c7f8", "daemonset.apps/fluentd", 2, "3h"]);
  const orphan: KubeObject = { metadata: { name: "x", creationTimestamp: "2024-06-01T09:00:00Z" }, revision: 1 };
  assert.equal(controllerRevisionTable.cells(orphan, now)[1], "<none>");
  const core: KubeObject = {
    metadata: {
      name: "y",
      ownerReferences: [{ apiVersion: "v1", kind: "Pod", name: "p", uid: "2", controller: true }],
    },
  };
  assert.equal(controllerRevisionTable.cells(core, now)[1], "pod/p");
});
