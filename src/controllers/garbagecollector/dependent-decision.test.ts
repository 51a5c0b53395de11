import assert from "node:assert/strict";
import { test } from "node:test";
import type { OwnerReference } from "../../api/object.ts";
import {
  type ClassifiedReference,
  decideDependentAction,
  type OwnerState,
  removeFinalizerPatch,
  removeOwnerReferencesPatch,
} from "./dependent-decision.ts";

const ref = (uid: string): OwnerReference => ({ apiVersion: "apps/v1", kind: "DaemonSet", name: uid, uid });
const refs = (...states: Array<[string, OwnerState]>): ClassifiedReference[] =>
  states.map(([uid, state]) => ({ ref: ref(uid), state }));
const leaf = { hasDependents: false, finalizers: [] };

test("no owners: nothing to do", () => {
  assert.deepEqual(decideDependentAction([], leaf), { kind: "none" });
});

test("solid owners keep the object; dangling and waiting references are dropped", () => {
  assert.deepEqual(decideDependentAction(refs(["a", "solid"]), leaf), { kind: "none" });
  assert.deepEqual(decideDependentAction(refs(["a", "solid"], ["b", "dangling"], ["c", "waiting"]), leaf), {
    kind: "removeReferences",
    ownerUids: ["b", "c"],
  });
});

test("all owners dangling: background delete, or the propagation its own finalizers ask for", () => {
  assert.deepEqual(decideDependentAction(refs(["a", "dangling"]), leaf), { kind: "delete", policy: "Background" });
  assert.deepEqual(decideDependentAction(refs(["a", "dangling"]), { hasDependents: false, finalizers: ["orphan"] }), {
    kind: "delete",
    policy: "Orphan",
  });
  assert.deepEqual(
    decideDependentAction(refs(["a", "dangling"]), { hasDependents: true, finalizers: ["foregroundDeletion"] }),
    { kind: "delete", policy: "Foreground" },
  );
});

test("an owner waiting in the foreground: dependents with their own dependents go in the foreground too", () => {
  assert.deepEqual(decideDependentAction(refs(["a", "waiting"]), leaf), { kind: "delete", policy: "Background" });
  assert.deepEqual(decideDependentAction(refs(["a", "waiting"], ["b", "dangling"]), { ...leaf, hasDependents: true }), {
    kind: "delete",
    policy: "Foreground",
  });
});

test("patches", () => {
  assert.deepEqual(removeOwnerReferencesPatch("dep", ["o1", "o2"]), {
    metadata: {
      ownerReferences: [
        { $patch: "delete", uid: "o1" },
        { $patch: "delete", uid: "o2" },
      ],
      uid: "dep",
    },
  });
  assert.deepEqual(removeFinalizerPatch(["a", "foregroundDeletion", "b"], "foregroundDeletion", "42"), {
    metadata: { resourceVersion: "42", finalizers: ["a", "b"] },
  });
});
