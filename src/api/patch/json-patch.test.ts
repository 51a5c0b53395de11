import assert from "node:assert/strict";
import { test } from "node:test";
import { ApiError } from "../errors.ts";
import { applyJsonPatch } from "./json-patch.ts";

const pod = () => ({ metadata: { name: "p", labels: { a: "1" } }, spec: { containers: [{ name: "c", image: "i" }] } });

function assertApiError(fn: () => unknown, code: number, reason: string, message: string) {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof ApiError);
    assert.equal(e.code, code);
    assert.equal(e.reason, reason);
    assert.equal(e.message, message);
    return true;
  });
}

test("operations apply in order without touching the inputs", () => {
  const original = pod();
  const ops = [
    { op: "replace", path: "/spec/containers/0/image", value: "j" },
    { op: "add", path: "/metadata/labels/b", value: "2" },
    { op: "remove", path: "/metadata/labels/a" },
    { op: "add", path: "/spec/containers/-", value: { name: "d", image: "k" } },
    { op: "test", path: "/metadata/name", value: "p" },
    { op: "copy", from: "/metadata/name", path: "/metadata/generateName" },
    { op: "move", from: "/metadata/generateName", path: "/metadata/annotations" },
  ];
  assert.deepEqual(applyJsonPatch(original, ops), {
    metadata: { name: "p", labels: { b: "2" }, annotations: "p" },
    spec: {
      containers: [
        { name: "c", image: "j" },
        { name: "d", image: "k" },
      ],
    },
  });
  assert.deepEqual(original, pod());
  assert.deepEqual(applyJsonPatch(original, null), pod());
  assert.deepEqual(applyJsonPatch(original, []), pod());
});

test("apply failures are 422 with upstream's generic message", () => {
  const invalid = "the server rejected our request due to an error in our request";
  for (const ops of [
    [{ op: "test", path: "/metadata/name", value: "q" }],
    [{ op: "remove", path: "/metadata/nope" }],
    [{ op: "replace", path: "/spec/nope", value: 1 }],
    [{ op: "add", path: "/spec/a/b", value: 1 }],
    [{ op: "frobnicate", path: "/spec" }],
    [null],
  ]) {
    assertApiError(() => applyJsonPatch(pod(), ops), 422, "Invalid", invalid);
  }
});

test("bodies that are not lists of operation objects are bad requests", () => {
  assertApiError(
    () => applyJsonPatch(pod(), { op: "add" }),
    400,
    "BadRequest",
    "json: cannot unmarshal object into Go value of type jsonpatch.Patch",
  );
  assertApiError(
    () => applyJsonPatch(pod(), ["x"]),
    400,
    "BadRequest",
    "json: cannot unmarshal string into Go value of type jsonpatch.Operation",
  );
});

test("more than 10000 operations is 413", () => {
  const ops = Array.from({ length: 10001 }, () => ({ op: "test", path: "/metadata/name", value: "p" }));
  assertApiError(
    () => applyJsonPatch(pod(), ops),
    413,
    "RequestEntityTooLarge",
    "Request entity too large: The allowed maximum operations in a JSON patch is 10000, got 10001",
  );
});
