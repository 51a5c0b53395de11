import assert from "node:assert/strict";
import { test } from "node:test";
import { AbsentOwnerCache } from "./absent-owner-cache.ts";

test("remembers absent owners per namespace and forgets the oldest past capacity", () => {
  const c = new AbsentOwnerCache(2);
  c.add("ns", "u1");
  assert.equal(c.has("ns", "u1"), true);
  assert.equal(c.has("other", "u1"), false);
  c.add("ns", "u2");
  c.add("ns", "u1"); // refreshed: now the newest
  c.add("", "u3");
  assert.equal(c.has("ns", "u2"), false);
  assert.equal(c.has("ns", "u1"), true);
  assert.equal(c.has("", "u3"), true);
});
