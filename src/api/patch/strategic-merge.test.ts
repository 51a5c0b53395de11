// Engine tests on a small schema modelled on upstream's `MergeItem` test type (strategicpatch/patch_test.go):
// the expected results are the ones upstream's own test tables state for server-side application.
import assert from "node:assert/strict";
import { test } from "node:test";
import { ApiError } from "../errors.ts";
import { any, arr, int64, map, type ObjectSchema, ref, str, struct } from "../schema/schema.ts";
import { applyStrategicMergePatch, mergeKeySites } from "./strategic-merge.ts";

const RetainKeysMergeItem: ObjectSchema = struct("test.RetainKeysMergeItem", "", () => ({
  name: str(),
  value: str(),
  other: str(),
  simpleMap: map(str()),
  mergingIntList: arr(int64(), "", { patchStrategy: "merge" }),
  mergingList: arr(MergeItem, "", { patchStrategy: "merge", patchMergeKey: "name" }),
  nonMergingList: arr(MergeItem),
}));

const MergeItem: ObjectSchema = struct("test.MergeItem", "", () => ({
  name: str(),
  value: str(),
  other: str(),
  mergingList: arr(MergeItem, "", { patchStrategy: "merge", patchMergeKey: "name" }),
  nonMergingList: arr(MergeItem),
  mergingIntList: arr(int64(), "", { patchStrategy: "merge" }),
  nonMergingIntList: arr(int64()),
  simpleMap: map(str()),
  replacingItem: any("", { patchStrategy: "replace" }),
  replacingMap: ref(RetainKeysMergeItem, "", { patchStrategy: "replace" }),
  retainKeysMap: ref(RetainKeysMergeItem, "", { patchStrategy: "retainKeys" }),
  retainKeysMergingList: arr(MergeItem, "", { patchStrategy: "merge,retainKeys", patchMergeKey: "name" }),
  free: any(),
}));

const smp = (original: unknown, patch: unknown) => applyStrategicMergePatch(original, patch, MergeItem);

function assertApiError(fn: () => unknown, code: number, message: string | RegExp) {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof ApiError, `expected ApiError, got ${String(e)}`);
    assert.equal(e.code, code);
    if (typeof message === "string") assert.equal(e.message, message);
    else assert.match(e.message, message);
    return true;
  });
}

test("maps merge recursively and null deletes a key", () => {
  assert.deepEqual(smp({ name: "1", simpleMap: { key1: "1", key2: "1" } }, { value: "1", simpleMap: { key2: null } }), {
    name: "1",
    value: "1",
    simpleMap: { key1: "1" },
  });
});

test("null for a missing key is ignored and nulls inside new values are dropped", () => {
  assert.deepEqual(smp({ name: "a" }, { other: null, simpleMap: { a: "1", b: null } }), {
    name: "a",
    simpleMap: { a: "1" },
  });
});

test("lists without a strategy are replaced", () => {
  assert.deepEqual(smp({ nonMergingIntList: [1, 2] }, { nonMergingIntList: [2, 3] }), { nonMergingIntList: [2, 3] });
  assert.deepEqual(smp({ nonMergingList: [{ name: "1", value: "a" }] }, { nonMergingList: [{ name: "1" }] }), {
    nonMergingList: [{ name: "1" }],
  });
});

test("merging scalar lists are unioned without duplicates", () => {
  assert.deepEqual(smp({ mergingIntList: [1, 2] }, { mergingIntList: [2, 3] }), { mergingIntList: [1, 2, 3] });
});

test("merging lists of maps merge by key and keep the patch order", () => {
  assert.deepEqual(
    smp(
      { mergingList: [{ name: "1" }, { name: "2", value: "b" }, { name: "3" }] },
      {
        mergingList: [
          { name: "3", value: "c" },
          { name: "1", value: "a" },
          { name: "2", other: "x" },
        ],
      },
    ),
    {
      mergingList: [
        { name: "3", value: "c" },
        { name: "1", value: "a" },
        { name: "2", value: "b", other: "x" },
      ],
    },
  );
  assert.deepEqual(
    smp(
      { mergingList: [{ name: "1" }, { name: "2", value: "b" }, { name: "3" }] },
      {
        mergingList: [
          { name: "3", value: "c" },
          { name: "1", value: "a" },
        ],
      },
    ),
    {
      mergingList: [
        { name: "2", value: "b" },
        { name: "3", value: "c" },
        { name: "1", value: "a" },
      ],
    },
  );
  assert.deepEqual(smp({ mergingIntList: [1, 2, 3] }, { mergingIntList: [3, 1] }), { mergingIntList: [2, 3, 1] });
});

test("$patch: delete elements remove every match; $patch: replace replaces the list", () => {
  assert.deepEqual(
    smp(
      { mergingList: [{ name: "1" }, { name: "1" }, { name: "2", value: "a" }, { name: "3" }, { name: "3" }] },
      {
        mergingList: [
          { name: "1", $patch: "delete" },
          { name: "3", $patch: "delete" },
        ],
      },
    ),
    { mergingList: [{ name: "2", value: "a" }] },
  );
  assert.deepEqual(smp({ mergingList: [{ name: "1" }, { name: "2" }] }, { mergingList: [{ $patch: "replace" }] }), {
    mergingList: [],
  });
  assert.deepEqual(
    smp({ mergingList: [{ name: "1" }, { name: "2" }] }, { mergingList: [{ name: "3" }, { $patch: "replace" }] }),
    { mergingList: [{ name: "3" }] },
  );
});

test("$patch on maps: replace takes the patch, delete empties the map", () => {
  assert.deepEqual(smp({ name: "1", value: "1" }, { $patch: "replace" }), {});
  assert.deepEqual(smp({ name: "1", value: "1" }, { other: "a", $patch: "replace" }), { other: "a" });
  assert.deepEqual(smp({ simpleMap: { key1: "1", key2: "1" } }, { simpleMap: { $patch: "delete" } }), {
    simpleMap: {},
  });
  assert.deepEqual(
    smp({ retainKeysMap: { name: "a", value: "b" } }, { retainKeysMap: { $patch: "replace", other: "c" } }),
    {
      retainKeysMap: { other: "c" },
    },
  );
});

test("directives inside values that are new to the object are dropped", () => {
  assert.deepEqual(smp({ name: "hi" }, { mergingList: [{ name: "hello" }, { $patch: "delete", name: "gone" }] }), {
    name: "hi",
    mergingList: [{ name: "hello" }],
  });
  assert.deepEqual(smp({ name: "hi" }, { simpleMap: { $patch: "replace", a: "b" } }), { name: "hi" });
});

test("patchStrategy replace on a map field replaces it", () => {
  assert.deepEqual(smp({ replacingMap: { name: "a", value: "b" } }, { replacingMap: { other: "c" } }), {
    replacingMap: { other: "c" },
  });
});

test("$setElementOrder orders merged lists (maps and scalars)", () => {
  assert.deepEqual(
    smp(
      {
        mergingList: [
          { name: "1", other: "a" },
          { name: "2", value: "2", other: "b" },
        ],
      },
      {
        "$setElementOrder/mergingList": [{ name: "4" }, { name: "1" }, { name: "2" }, { name: "3" }],
        mergingList: [
          { name: "4", value: "4" },
          { name: "3", value: "3" },
        ],
      },
    ),
    {
      mergingList: [
        { name: "4", value: "4" },
        { name: "1", other: "a" },
        { name: "2", value: "2", other: "b" },
        { name: "3", value: "3" },
      ],
    },
  );
  assert.deepEqual(
    smp(
      { mergingList: [{ name: "1" }, { name: "3" }] },
      {
        "$setElementOrder/mergingList": [{ name: "3" }, { name: "2" }, { name: "1" }],
        mergingList: [
          { name: "3", value: "3" },
          { name: "1", value: "1" },
        ],
      },
    ),
    {
      mergingList: [
        { name: "3", value: "3" },
        { name: "1", value: "1" },
      ],
    },
  );
  assert.deepEqual(smp({ mergingIntList: [1, 3] }, { "$setElementOrder/mergingIntList": [3, 2, 1] }), {
    mergingIntList: [3, 1],
  });
});

test("$setElementOrder keeps server-only items and ignores deletions of missing items", () => {
  assert.deepEqual(
    smp(
      { name: "hi", mergingList: [{ name: "hello2" }] },
      {
        "$setElementOrder/mergingList": [{ name: "hello" }, { name: "doesntexist" }],
        mergingList: [{ name: "hello" }, { $patch: "delete", name: "doesntexist" }],
      },
    ),
    { name: "hi", mergingList: [{ name: "hello" }, { name: "hello2" }] },
  );
});

test("$setElementOrder that contradicts the patch list is an error", () => {
  assertApiError(
    () =>
      smp(
        { mergingList: [{ name: "1" }, { name: "3" }, { name: "2" }] },
        {
          "$setElementOrder/mergingList": [{ name: "1" }, { name: "2" }, { name: "3" }],
          mergingList: [
            { name: "3", value: "3" },
            { name: "1", value: "1" },
          ],
        },
      ),
    500,
    /doesn't match \$setElementOrder list/,
  );
});

test("$deleteFromPrimitiveList removes scalars, with or without a merge strategy, and never adds", () => {
  assert.deepEqual(smp({ mergingIntList: [1, 2, 3] }, { "$deleteFromPrimitiveList/mergingIntList": [2] }), {
    mergingIntList: [1, 3],
  });
  assert.deepEqual(smp({ nonMergingIntList: [1, 2, 3] }, { "$deleteFromPrimitiveList/nonMergingIntList": [2] }), {
    nonMergingIntList: [1, 3],
  });
  assert.deepEqual(smp({ mergingIntList: [1, 2] }, { "$deleteFromPrimitiveList/mergingIntList": [3] }), {
    mergingIntList: [1, 2],
  });
  assert.deepEqual(smp({ foo: ["bar"] }, { "$deleteFromPrimitiveList/mergingIntList": [3] }), { foo: ["bar"] });
  assert.deepEqual(
    smp(
      { mergingIntList: [1, 2, 3, 3, 4] },
      { "$setElementOrder/mergingIntList": [1, 2], "$deleteFromPrimitiveList/mergingIntList": [3] },
    ),
    { mergingIntList: [1, 2, 4] },
  );
  assert.deepEqual(
    smp(
      { mergingIntList: [1, 2, 3, 4] },
      {
        "$setElementOrder/mergingIntList": [1, 2, 4],
        "$deleteFromPrimitiveList/mergingIntList": [3],
        mergingIntList: [4],
      },
    ),
    { mergingIntList: [1, 2, 4] },
  );
});

test("$retainKeys clears unlisted keys and rejects patch keys it does not list", () => {
  assert.deepEqual(
    smp(
      { retainKeysMap: { name: "foo", value: "a", other: "x" } },
      { retainKeysMap: { $retainKeys: ["name", "other"], other: "y" } },
    ),
    { retainKeysMap: { name: "foo", other: "y" } },
  );
  assert.deepEqual(
    smp(
      { retainKeysMergingList: [{ name: "bar" }, { name: "foo", value: "a", other: "o" }] },
      { retainKeysMergingList: [{ name: "foo", $retainKeys: ["name", "value"] }] },
    ),
    { retainKeysMergingList: [{ name: "bar" }, { name: "foo", value: "a" }] },
  );
  assertApiError(
    () => smp({ retainKeysMap: { name: "foo" } }, { retainKeysMap: { $retainKeys: ["name"], value: "v" } }),
    400,
    "invalid patch format of retainKeys",
  );
  assertApiError(
    () => smp({ retainKeysMap: { name: "foo" } }, { retainKeysMap: { $retainKeys: "name" } }),
    400,
    "invalid patch format of retainKeys",
  );
});

test("bad directives and malformed patches fail with upstream messages", () => {
  assertApiError(
    () => smp({ simpleMap: { a: "b" } }, { simpleMap: { $patch: "foo" } }),
    500,
    "unknown patch type: foo in map: map[$patch:foo]",
  );
  assertApiError(
    () => smp({ mergingList: [{ name: "1" }] }, { mergingList: [{ name: "1", $patch: "bogus" }] }),
    500,
    "unknown patch type: bogus in map: map[$patch:bogus name:1]",
  );
  assertApiError(
    () => smp({ mergingList: [{ name: "1" }] }, { mergingList: [{ name: "1", $patch: "merge" }] }),
    500,
    "merging lists cannot yet be specified in the patch",
  );
  assertApiError(
    () => smp({ mergingList: [{ name: "1", value: "a" }] }, { mergingList: [{ value: "b" }] }),
    500,
    "map: map[value:b] does not contain declared merge key: name",
  );
  assertApiError(
    () => smp({ mergingList: [{ name: "1" }] }, { mergingList: [{ $patch: "delete" }] }),
    500,
    "map: map[$patch:delete] does not contain declared merge key: name",
  );
  assertApiError(() => smp({ a: 1 }, { $patch: 3 }), 500, "unknown patch type: %!s(int64=3) in map: map[$patch:3]");
  assertApiError(
    () => smp({ mergingIntList: [1] }, { $deleteFromPrimitiveListmergingIntList: [1] }),
    400,
    "invalid patch format of primitive list",
  );
  assertApiError(
    () => smp({ mergingList: [[1]] }, { mergingList: [[2]] }),
    422,
    "the server rejected our request due to an error in our request",
  );
  assertApiError(() => smp({}, [1]), 400, "json: cannot unmarshal array into Go value of type map[string]interface {}");
});

test("maps and lists under free-form (any) fields merge like plain maps", () => {
  assert.deepEqual(smp({ free: { a: { b: 1, c: 2 }, l: [1, 2] } }, { free: { a: { c: null, d: 3 }, l: [3] } }), {
    free: { a: { b: 1, d: 3 }, l: [3] },
  });
});

test("a field the schema does not know fails only when it must be merged", () => {
  assert.deepEqual(smp({ name: "a" }, { unknown: { x: 1 } }), { name: "a", unknown: { x: 1 } });
  assertApiError(
    () => smp({ unknown: { x: 1 } }, { unknown: { y: 1 } }),
    500,
    'unable to find api field in struct MergeItem for the json field "unknown"',
  );
});

test("inputs are never mutated and null patches change nothing", () => {
  const original = { mergingList: [{ name: "1", value: "a" }], simpleMap: { a: "1" } };
  const patch = { mergingList: [{ name: "1", value: null }], simpleMap: { $patch: "delete" } };
  const before = structuredClone(original);
  const patchBefore = structuredClone(patch);
  const out = smp(original, patch);
  assert.deepEqual(out, { mergingList: [{ name: "1" }], simpleMap: {} });
  assert.deepEqual(original, before);
  assert.deepEqual(patch, patchBefore);
  assert.deepEqual(smp(original, null), original);
});

test("mergeKeySites lists every field with patch metadata and stops at recursion", () => {
  const sites = mergeKeySites(MergeItem);
  const paths = sites.map((s) => s.path);
  assert.ok(paths.includes("mergingList"));
  assert.ok(paths.includes("retainKeysMap.mergingList"));
  assert.ok(!paths.includes("mergingList.mergingList"), "recursive struct must not be walked again");
  assert.deepEqual(
    sites.find((s) => s.path === "retainKeysMergingList"),
    { path: "retainKeysMergingList", patchStrategy: "merge,retainKeys", patchMergeKey: "name" },
  );
  assert.deepEqual(
    sites.find((s) => s.path === "mergingIntList"),
    { path: "mergingIntList", patchStrategy: "merge" },
  );
});
