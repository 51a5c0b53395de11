import assert from "node:assert/strict";
import { test } from "node:test";
import { namespacedResources } from "./namespaced-resources.ts";

test("lists every namespaced resource once, events under their core name", () => {
  const all = namespacedResources().map((r) => r.display);
  for (const r of ["pods.", "configmaps.", "secrets.", "serviceaccounts.", "events.", "daemonsets.apps"]) {
    assert.ok(all.includes(r), r);
  }
  assert.ok(all.includes("controllerrevisions.apps") && all.includes("leases.coordination.k8s.io"));
  assert.ok(!all.includes("events.events.k8s.io"));
  assert.ok(!all.includes("nodes.") && !all.includes("namespaces."));
});
