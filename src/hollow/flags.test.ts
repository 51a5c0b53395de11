import assert from "node:assert/strict";
import { test } from "node:test";
import { parseLabels, parseTaints } from "./flags.ts";

test("parseLabels: comma lists, repeats, empty values, later keys win", () => {
  assert.deepEqual(parseLabels(["a=1,b=", "example.com/zone=z1", "a=2"]), { a: "2", b: "", "example.com/zone": "z1" });
  assert.deepEqual(parseLabels([]), {});
});

test("parseLabels rejects keys without = and invalid keys or values", () => {
  assert.throws(() => parseLabels(["a"]), /invalid label "a": expected key=value/);
  assert.throws(() => parseLabels(["-a=1"]), /invalid label key "-a": name part must consist of alphanumeric/);
  assert.throws(() => parseLabels(["a=b c"]), /invalid label value "b c": a valid label must be/);
  assert.throws(() => parseLabels([`a=${"x".repeat(64)}`]), /must be no more than 63 characters/);
});

test("parseTaints: key[=value]:Effect lists", () => {
  assert.deepEqual(parseTaints(["a=b:NoSchedule,c:NoExecute", "example.com/d=:PreferNoSchedule"]), [
    { key: "a", value: "b", effect: "NoSchedule" },
    { key: "c", effect: "NoExecute" },
    { key: "example.com/d", effect: "PreferNoSchedule" },
  ]);
});

test("parseTaints rejects a missing or unknown effect, bad keys and values, duplicates", () => {
  assert.throws(() => parseTaints(["a=b"]), /invalid taint spec: a=b/);
  assert.throws(() => parseTaints(["a:Sometimes"]), /invalid taint effect: Sometimes, unsupported taint effect/);
  assert.throws(() => parseTaints(["a=b=c:NoSchedule"]), /invalid taint spec: a=b=c:NoSchedule/);
  assert.throws(() => parseTaints(["a=b c:NoSchedule"]), /invalid taint spec: a=b c:NoSchedule, a valid label/);
  assert.throws(() => parseTaints(["=b:NoSchedule"]), /invalid taint spec: =b:NoSchedule, name part must be non-empty/);
  assert.throws(
    () => parseTaints(["a:NoSchedule", "a=x:NoSchedule"]),
    /duplicated taints with the same key and effect: a:NoSchedule/,
  );
  assert.deepEqual(parseTaints(["a:NoSchedule", "a:NoExecute"]).length, 2);
});
