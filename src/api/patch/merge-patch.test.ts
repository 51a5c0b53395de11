import assert from "node:assert/strict";
import { test } from "node:test";
import { ApiError } from "../errors.ts";
import { applyMergePatch } from "./merge-patch.ts";

test("objects merge recursively, null deletes, other values replace", () => {
  const original = { metadata: { labels: { a: "1", b: "2" }, name: "x" }, spec: { list: [1, 2], n: 1 } };
  assert.deepEqual(
    applyMergePatch(original, { metadata: { labels: { a: null, c: "3" } }, spec: { list: [3], n: "s" } }),
    {
      metadata: { labels: { b: "2", c: "3" }, name: "x" },
      spec: { list: [3], n: "s" },
    },
  );
  assert.deepEqual(original.metadata.labels, { a: "1", b: "2" }, "input must not change");
});

test("RFC 7386 appendix examples", () => {
  assert.deepEqual(applyMergePatch({ a: "b" }, { a: "c" }), { a: "c" });
  assert.deepEqual(applyMergePatch({ a: "b" }, { b: "c" }), { a: "b", b: "c" });
  assert.deepEqual(applyMergePatch({ a: "b" }, { a: null }), {});
  assert.deepEqual(applyMergePatch({ a: "b", b: "c" }, { a: null }), { b: "c" });
  assert.deepEqual(applyMergePatch({ a: ["b"] }, { a: "c" }), { a: "c" });
  assert.deepEqual(applyMergePatch({ a: "c" }, { a: ["b"] }), { a: ["b"] });
  assert.deepEqual(applyMergePatch({ a: { b: "c" } }, { a: { b: "d", c: null } }), { a: { b: "d" } });
  assert.deepEqual(applyMergePatch({ a: [{ b: "c" }] }, { a: [1] }), { a: [1] });
  assert.deepEqual(applyMergePatch({ e: null }, { a: 1 }), { e: null, a: 1 });
  assert.deepEqual(applyMergePatch({}, { a: { bb: { ccc: null } } }), { a: { bb: {} } });
});

test("nulls are pruned from added values, also inside objects in added arrays", () => {
  assert.deepEqual(applyMergePatch({}, { a: [{ x: null, y: 1 }, null] }), { a: [{ y: 1 }, null] });
  assert.deepEqual(
    applyMergePatch(
      { status: { conditions: [{ type: "A" }] } },
      { status: { conditions: [{ type: "B", reason: null }] } },
    ),
    {
      status: { conditions: [{ type: "B" }] },
    },
  );
});

test("a patch that is not an object or array is a bad request", () => {
  for (const bad of [null, "x", 3, true]) {
    assert.throws(
      () => applyMergePatch({ a: 1 }, bad),
      (e: unknown) => e instanceof ApiError && e.code === 400 && e.message === "Invalid JSON Patch",
    );
  }
  assert.deepEqual(applyMergePatch({ a: 1 }, [{ a: null }]), [{}]);
});
