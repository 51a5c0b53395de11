import assert from "node:assert/strict";
import { test } from "node:test";
import { monitoredResources, ownerResource } from "./monitored-resources.ts";

test("watches the resources that can own or be owned, not events or namespaces", () => {
  const names = monitoredResources().map((r) => `${r.group}/${r.resource}`);
  for (const r of ["/pods", "/nodes", "/configmaps", "/secrets", "/serviceaccounts"]) assert.ok(names.includes(r), r);
  for (const r of ["apps/daemonsets", "apps/controllerrevisions", "coordination.k8s.io/leases"]) {
    assert.ok(names.includes(r), r);
  }
  for (const r of ["/events", "events.k8s.io/events", "/namespaces"]) assert.ok(!names.includes(r), r);
});

test("maps an ownerReference to the resource it names", () => {
  assert.equal(
    ownerResource({ apiVersion: "apps/v1", kind: "DaemonSet", name: "x", uid: "u" })?.resource,
    "daemonsets",
  );
  assert.equal(ownerResource({ apiVersion: "v1", kind: "Node", name: "x", uid: "u" })?.namespaced, false);
  assert.equal(ownerResource({ apiVersion: "apps/v1", kind: "Deployment", name: "x", uid: "u" }), undefined);
});
