import assert from "node:assert/strict";
import { test } from "node:test";
import { PODS } from "../../client/client.ts";
import { type GraphNode, OwnerGraph, sameOwners } from "./owner-graph.ts";

function node(uid: string, owners: Array<{ uid: string; block?: boolean }> = []): GraphNode {
  return {
    uid,
    res: PODS,
    namespace: "default",
    name: uid,
    owners: owners.map((o) => ({
      apiVersion: "apps/v1",
      kind: "DaemonSet",
      name: o.uid,
      uid: o.uid,
      blockOwnerDeletion: o.block,
    })),
    beingDeleted: false,
    deletingDependents: false,
    orphaning: false,
  };
}

test("indexes dependents and blocking dependents by owner UID", () => {
  const g = new OwnerGraph();
  g.upsert(node("p1", [{ uid: "ds", block: true }]));
  g.upsert(node("p2", [{ uid: "ds" }, { uid: "other", block: true }]));
  assert.deepEqual([...g.dependentsOf("ds")].sort(), ["p1", "p2"]);
  assert.equal(g.blockingCount("ds"), 1);
  assert.equal(g.blockingCount("other"), 1);
  assert.equal(g.hasDependents("p1"), false);
  assert.equal(g.size, 2);
});

test("an update moves edges; removal unlinks the object but keeps its dependents indexed", () => {
  const g = new OwnerGraph();
  g.upsert(node("ds"));
  g.upsert(node("p1", [{ uid: "ds", block: true }]));
  const prev = g.upsert(node("p1", [{ uid: "ds2" }]));
  assert.equal(prev?.owners[0].uid, "ds");
  assert.equal(g.blockingCount("ds"), 0);
  assert.deepEqual([...g.dependentsOf("ds")], []);
  assert.deepEqual([...g.dependentsOf("ds2")], ["p1"]);
  g.upsert(node("p2", [{ uid: "ds", block: true }]));
  g.remove("ds");
  assert.equal(g.get("ds"), undefined);
  // The owner is gone, its dependents still name it: they are what the collector must visit.
  assert.deepEqual([...g.dependentsOf("ds")], ["p2"]);
  g.remove("p2");
  assert.equal(g.hasDependents("ds"), false);
  assert.equal(g.remove("missing"), undefined);
});

test("sameOwners compares UIDs, names and blocking flags in order", () => {
  const a = node("x", [{ uid: "1", block: true }]).owners;
  assert.equal(sameOwners(a, node("y", [{ uid: "1", block: true }]).owners), true);
  assert.equal(sameOwners(a, node("y", [{ uid: "1" }]).owners), false);
  assert.equal(sameOwners(a, node("y", [{ uid: "2", block: true }]).owners), false);
  assert.equal(sameOwners(a, []), false);
});
