import assert from "node:assert/strict";
import { test } from "node:test";
import type { KubeObject } from "../object.ts";
import { nodeSelectorTermsMatch, podMatchesNodeSelectorAndAffinity, targetNodeName } from "./node-affinity.ts";

const node = (name: string, labels: Record<string, string>): KubeObject => ({ metadata: { name, labels } });
const ssd = node("n1", { disktype: "ssd", zone: "a", cores: "8" });

test("every operator of required node affinity", () => {
  const one = (key: string, operator: string, values?: string[]) => [{ matchExpressions: [{ key, operator, values }] }];
  const cases: Array<[string, ReturnType<typeof one>, boolean]> = [
    ["In", one("disktype", "In", ["ssd", "nvme"]), true],
    ["In other", one("disktype", "In", ["hdd"]), false],
    ["In missing key", one("gpu", "In", ["yes"]), false],
    ["NotIn", one("disktype", "NotIn", ["hdd"]), true],
    ["NotIn missing key", one("gpu", "NotIn", ["yes"]), true],
    ["NotIn hit", one("disktype", "NotIn", ["ssd"]), false],
    ["Exists", one("zone", "Exists"), true],
    ["DoesNotExist", one("zone", "DoesNotExist"), false],
    ["DoesNotExist missing", one("gpu", "DoesNotExist"), true],
    ["Gt", one("cores", "Gt", ["4"]), true],
    ["Gt equal", one("cores", "Gt", ["8"]), false],
    ["Lt", one("cores", "Lt", ["16"]), true],
    ["Gt non-integer label", one("disktype", "Gt", ["1"]), false],
    ["Gt two values is malformed", one("cores", "Gt", ["1", "2"]), false],
    ["In without values is malformed", one("disktype", "In", []), false],
    ["Exists with values is malformed", one("zone", "Exists", ["a"]), false],
    ["unknown operator", one("zone", "Like", ["a"]), false],
  ];
  for (const [name, terms, want] of cases) assert.equal(nodeSelectorTermsMatch(terms, ssd), want, name);
});

test("terms are ORed, requirements ANDed, empty terms match nothing, matchFields on metadata.name", () => {
  assert.equal(nodeSelectorTermsMatch([{}], ssd), false);
  assert.equal(nodeSelectorTermsMatch([], ssd), false);
  assert.equal(
    nodeSelectorTermsMatch(
      [
        { matchExpressions: [{ key: "disktype", operator: "In", values: ["hdd"] }] },
        { matchExpressions: [{ key: "zone", operator: "Exists" }] },
      ],
      ssd,
    ),
    true,
  );
  assert.equal(
    nodeSelectorTermsMatch(
      [
        {
          matchExpressions: [
            { key: "zone", operator: "Exists" },
            { key: "disktype", operator: "In", values: ["hdd"] },
          ],
        },
      ],
      ssd,
    ),
    false,
  );
  const f = (operator: string, values: string[]) => [{ matchFields: [{ key: "metadata.name", operator, values }] }];
  assert.equal(nodeSelectorTermsMatch(f("In", ["n1"]), ssd), true);
  assert.equal(nodeSelectorTermsMatch(f("In", ["n2"]), ssd), false);
  assert.equal(nodeSelectorTermsMatch(f("NotIn", ["n2"]), ssd), true);
  assert.equal(nodeSelectorTermsMatch(f("In", ["n1", "n2"]), ssd), false, "must have one element");
  assert.equal(
    nodeSelectorTermsMatch([{ matchFields: [{ key: "metadata.uid", operator: "In", values: ["x"] }] }], ssd),
    false,
  );
});

test("nodeSelector and affinity together", () => {
  assert.equal(podMatchesNodeSelectorAndAffinity({}, ssd), true);
  assert.equal(podMatchesNodeSelectorAndAffinity({ nodeSelector: { disktype: "ssd" } }, ssd), true);
  assert.equal(podMatchesNodeSelectorAndAffinity({ nodeSelector: { disktype: "ssd", app: "x" } }, ssd), false);
  const affinity = (values: string[]) => ({
    nodeAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: {
        nodeSelectorTerms: [{ matchExpressions: [{ key: "disktype", operator: "In", values }] }],
      },
    },
  });
  assert.equal(
    podMatchesNodeSelectorAndAffinity({ nodeSelector: { zone: "a" }, affinity: affinity(["ssd"]) }, ssd),
    true,
  );
  assert.equal(
    podMatchesNodeSelectorAndAffinity({ nodeSelector: { zone: "a" }, affinity: affinity(["hdd"]) }, ssd),
    false,
  );
  assert.equal(podMatchesNodeSelectorAndAffinity({ affinity: { nodeAffinity: {} } }, ssd), true, "preferred only");
});

test("targetNodeName reads nodeName or the matchFields pin", () => {
  assert.equal(targetNodeName({ metadata: {}, spec: { nodeName: "a" } }), "a");
  const pinned = {
    metadata: {},
    spec: {
      affinity: {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [{ matchFields: [{ key: "metadata.name", operator: "In", values: ["b"] }] }],
          },
        },
      },
    },
  };
  assert.equal(targetNodeName(pinned), "b");
  assert.equal(targetNodeName({ metadata: {}, spec: {} }), undefined);
});
