import assert from "node:assert/strict";
import { test } from "node:test";
import { contentConditions, mergeConditions, NAMESPACE_CONDITION_TYPES } from "./namespace-conditions.ts";

const empty = () => ({ remainingByResource: new Map(), remainingByFinalizer: new Map(), deleteErrors: [] });

test("an empty pass yields no failing condition; merging adds every type in its ok form", () => {
  assert.deepEqual(contentConditions(empty()), []);
  const { conditions, changed } = mergeConditions([], [], "2026-01-01T00:00:00Z");
  assert.equal(changed, true);
  assert.deepEqual(
    conditions.map((c) => c.type),
    [...NAMESPACE_CONDITION_TYPES],
  );
  assert.ok(conditions.every((c) => c.status === "False" && c.lastTransitionTime === "2026-01-01T00:00:00Z"));
  assert.equal(conditions[3].message, "All content successfully removed");
  assert.equal(conditions[2].reason, "ContentDeleted");
  assert.equal(mergeConditions(conditions, [], "2026-01-02T00:00:00Z").changed, false);
});

test("remaining content, finalizers and errors use upstream's messages, sorted", () => {
  const fresh = contentConditions({
    remainingByResource: new Map([
      ["pods.", 2],
      ["daemonsets.apps", 1],
      ["secrets.", 0],
    ]),
    remainingByFinalizer: new Map([["example.com/x", 3]]),
    deleteErrors: ["b failed", "a failed"],
  });
  assert.deepEqual(fresh, [
    {
      type: "NamespaceDeletionContentFailure",
      status: "True",
      reason: "ContentDeletionFailed",
      message: "Failed to delete all resource types, 2 remaining: a failed, b failed",
    },
    {
      type: "NamespaceContentRemaining",
      status: "True",
      reason: "SomeResourcesRemain",
      message: "Some resources are remaining: daemonsets.apps has 1 resource instances, pods. has 2 resource instances",
    },
    {
      type: "NamespaceFinalizersRemaining",
      status: "True",
      reason: "SomeFinalizerRemain",
      message: "Some finalizers are remaining: example.com/x in 3 resource instances",
    },
  ]);
});

test("a transition stamps a new time; a message change alone keeps the old one", () => {
  const start = mergeConditions([], [], "t0").conditions;
  const failing = contentConditions({ ...empty(), remainingByResource: new Map([["pods.", 1]]) });
  const a = mergeConditions(start, failing, "t1");
  const remaining = a.conditions.find((c) => c.type === "NamespaceContentRemaining")!;
  assert.equal(remaining.status, "True");
  assert.equal(remaining.lastTransitionTime, "t1");
  const b = mergeConditions(
    a.conditions,
    contentConditions({ ...empty(), remainingByResource: new Map([["pods.", 2]]) }),
    "t2",
  );
  assert.equal(b.changed, true);
  assert.equal(b.conditions.find((c) => c.type === "NamespaceContentRemaining")!.lastTransitionTime, "t1");
  // The input is not mutated.
  assert.equal(start.find((c) => c.type === "NamespaceContentRemaining")!.status, "False");
});
