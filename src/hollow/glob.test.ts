import assert from "node:assert/strict";
import { test } from "node:test";
import { globToRegExp, imageMatcher } from "./glob.ts";

test("* matches any run (slashes included), ? one character, the rest literally", () => {
  assert.ok(globToRegExp("*bad*").test("registry.example.com/bad:1"));
  assert.ok(globToRegExp("busybox:1.3?").test("busybox:1.36"));
  assert.ok(!globToRegExp("busybox:1.3?").test("busybox:1.367"));
  assert.ok(globToRegExp("a.b+c(d)").test("a.b+c(d)"));
  assert.ok(!globToRegExp("a.b").test("aXb"), "dots are literal");
  assert.ok(!globToRegExp("nginx").test("nginx:1"), "anchored at both ends");
  assert.ok(globToRegExp("[x]").test("[x]"));
});

test("imageMatcher: any of several globs; none matches nothing", () => {
  const m = imageMatcher(["*/fail:*", "oops"]);
  assert.equal(m("example.com/fail:v1"), true);
  assert.equal(m("oops"), true);
  assert.equal(m("ok"), false);
  assert.equal(imageMatcher([])("anything"), false);
  assert.equal(imageMatcher([""])("anything"), false);
});
