import assert from "node:assert/strict";
import { test } from "node:test";
import {
  findUntoleratedTaint,
  sameToleration,
  type Taint,
  taintToString,
  toleratesTaint,
  tolerationsFor,
} from "./taints.ts";

const cp: Taint = { key: "node-role.kubernetes.io/control-plane", effect: "NoSchedule" };
const dedicated: Taint = { key: "dedicated", value: "gpu", effect: "NoExecute" };

test("toleration matching follows upstream ToleratesTaint", () => {
  const cases: Array<[string, Parameters<typeof toleratesTaint>[0], Taint, boolean]> = [
    ["Exists on the key", { key: cp.key, operator: "Exists", effect: "NoSchedule" }, cp, true],
    ["empty effect matches all effects", { key: cp.key, operator: "Exists" }, cp, true],
    ["other effect", { key: cp.key, operator: "Exists", effect: "NoExecute" }, cp, false],
    ["empty key with Exists tolerates everything", { operator: "Exists" }, dedicated, true],
    ["Equal needs the value", { key: "dedicated", operator: "Equal", value: "gpu" }, dedicated, true],
    ["empty operator means Equal", { key: "dedicated", value: "gpu" }, dedicated, true],
    ["Equal with another value", { key: "dedicated", value: "cpu" }, dedicated, false],
    ["Equal with no value vs valued taint", { key: "dedicated", operator: "Equal" }, dedicated, false],
    ["Equal with no value vs empty taint value", { key: cp.key, operator: "Equal" }, cp, true],
    [
      "legacy master key does not tolerate control-plane",
      { key: "node-role.kubernetes.io/master", operator: "Exists" },
      cp,
      false,
    ],
    ["Lt/Gt are gated off", { key: "dedicated", operator: "Gt", value: "1" }, dedicated, false],
  ];
  for (const [name, t, taint, want] of cases) assert.equal(toleratesTaint(t, taint), want, name);
});

test("findUntoleratedTaint only considers the given effects", () => {
  const taints: Taint[] = [{ key: "soft", effect: "PreferNoSchedule" }, cp, dedicated];
  assert.deepEqual(findUntoleratedTaint(taints, [], ["NoSchedule", "NoExecute"]), cp);
  assert.deepEqual(
    findUntoleratedTaint(taints, [{ key: cp.key, operator: "Exists" }], ["NoSchedule", "NoExecute"]),
    dedicated,
  );
  assert.equal(findUntoleratedTaint(taints, [{ operator: "Exists" }], ["NoSchedule", "NoExecute"]), undefined);
  assert.equal(findUntoleratedTaint(taints, [], ["NoExecute"]), dedicated);
  assert.equal(findUntoleratedTaint(undefined, undefined, ["NoExecute"]), undefined);
});

test("helpers", () => {
  assert.equal(taintToString(cp), "node-role.kubernetes.io/control-plane:NoSchedule");
  assert.equal(taintToString(dedicated), "dedicated=gpu:NoExecute");
  assert.equal(
    tolerationsFor(dedicated, [
      { operator: "Exists", tolerationSeconds: 5 },
      { key: "x", operator: "Exists" },
    ]).length,
    1,
  );
  assert.ok(
    sameToleration(
      { key: "a", operator: "Exists", effect: "NoExecute", tolerationSeconds: 5 },
      { key: "a", operator: "Exists", effect: "NoExecute" },
    ),
  );
  assert.ok(!sameToleration({ key: "a", operator: "Exists" }, { key: "a", operator: "Equal" }));
});
