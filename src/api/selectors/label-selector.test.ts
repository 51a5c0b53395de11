import assert from "node:assert/strict";
import { test } from "node:test";
import { ApiError } from "../errors.ts";
import {
  exactValueFor,
  formatLabelSelector,
  isEverything,
  matchesLabels,
  parseLabelSelector,
  requirementsToString,
  selectorFromLabelSelector,
} from "./label-selector.ts";

const NAME_PART_RULE =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const VALUE_RULE =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

test("parse then print: canonical string form (sorted by key, set values sorted)", () => {
  const cases: [string, string][] = [
    ["", ""],
    ["   ", ""],
    ["a=b", "a=b"],
    ["a==b", "a==b"],
    ["a!=b", "a!=b"],
    ["a", "a"],
    ["!a", "!a"],
    ["a>1", "a>1"],
    ["a<10", "a<10"],
    ["a in (z,y,x)", "a in (x,y,z)"],
    ["a notin (x)", "a notin (x)"],
    ["x in (foo,,baz),y,z notin ()", "x in (,baz,foo),y,z notin ()"],
    ["b=1,a=2", "a=2,b=1"],
    [" a = b , c ", "a=b,c"],
    ["a=", "a="],
    ["a=,b", "a=,b"],
    ["a in (b,b)", "a in (b)"],
    ["in=notin", "in=notin"],
    ["a notin (in,notin)", "a notin (in,notin)"],
    ["example.com/app=web", "example.com/app=web"],
    ["\ta\n=\rb", "a=b"],
  ];
  for (const [input, want] of cases) {
    assert.equal(requirementsToString(parseLabelSelector(input)), want, input);
  }
});

test("bad syntax is a 400 carrying upstream's parser message", () => {
  const cases: [string, string][] = [
    ["a b", "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt"],
    ["a in", "unable to parse requirement: found '' expected: '('"],
    ["a in (", "unable to parse requirement: found '', expected: ',', ')' or identifier"],
    ["a in (b c)", "unable to parse requirement: found 'c', expected: ',' or ')'"],
    ["a=b c", "found 'c', expected: ',' or 'end of string'"],
    ["!a=b", "found '=', expected: ',' or 'end of string'"],
    ["a=b,", "found '', expected: identifier after ','"],
    [",a", "found ',', expected: !, identifier, or 'end of string'"],
    ["a=(", "unable to parse requirement: found '(', expected: identifier"],
    ["!", "unable to parse requirement: found '', expected: identifier"],
    ["a/", `unable to parse requirement: <nil>: Invalid value: "a/": name part must be non-empty; ${NAME_PART_RULE}`],
    ["-a=b", `unable to parse requirement: <nil>: Invalid value: "-a": ${NAME_PART_RULE}`],
    ["a=-1", `unable to parse requirement: values[0][a]: Invalid value: "-1": ${VALUE_RULE}`],
    [
      "a>x",
      `unable to parse requirement: values[0]: Invalid value: "x": for 'Gt', 'Lt' operators, the value must be an integer`,
    ],
    [
      "a in (-x,-y)",
      `unable to parse requirement: [values[0][a]: Invalid value: "-x": ${VALUE_RULE}, values[1][a]: Invalid value: "-y": ${VALUE_RULE}]`,
    ],
  ];
  for (const [input, message] of cases) {
    assert.throws(
      () => parseLabelSelector(input),
      (e: unknown) => e instanceof ApiError && e.code === 400 && e.reason === "BadRequest" && e.message === message,
      input,
    );
  }
});

test("a prefix that is not a DNS subdomain is named as such", () => {
  assert.throws(
    () => parseLabelSelector("Example.com/a"),
    (e: unknown) =>
      e instanceof ApiError &&
      e.message.startsWith(
        'unable to parse requirement: <nil>: Invalid value: "Example.com/a": prefix part a lowercase RFC 1123 subdomain must consist of',
      ),
  );
});

test("matching follows upstream operator semantics", () => {
  const labels = { app: "web", tier: "front", n: "5", empty: "" };
  const cases: [string, Record<string, string> | undefined, boolean][] = [
    ["app=web", labels, true],
    ["app=db", labels, false],
    ["app!=db", labels, true],
    ["missing!=x", labels, true],
    ["app in (web,db)", labels, true],
    ["app notin (web)", labels, false],
    ["missing notin (x)", labels, true],
    ["missing in (x)", labels, false],
    ["app", labels, true],
    ["!app", labels, false],
    ["!missing", labels, true],
    ["empty=", labels, true],
    ["missing=", labels, false],
    ["n>4", labels, true],
    ["n>5", labels, false],
    ["n<6", labels, true],
    ["app>1", labels, false], // non-numeric label value never compares
    ["missing<9", labels, false],
    ["app=web,tier=front", labels, true],
    ["app=web,tier=back", labels, false],
    ["", undefined, true],
    ["!app", undefined, true],
    ["app", undefined, false],
  ];
  for (const [sel, ls, want] of cases) assert.equal(matchesLabels(parseLabelSelector(sel), ls), want, sel);
});

test("API LabelSelector: nil selects nothing, {} selects everything", () => {
  const nothing = selectorFromLabelSelector(null);
  assert.equal(matchesLabels(nothing, {}), false);
  assert.equal(matchesLabels(nothing, { a: "b" }), false);
  assert.equal(matchesLabels(selectorFromLabelSelector(undefined), { a: "b" }), false);
  const everything = selectorFromLabelSelector({});
  assert.equal(isEverything(everything), true);
  assert.equal(matchesLabels(everything, undefined), true);
  assert.equal(matchesLabels(selectorFromLabelSelector({ matchLabels: {}, matchExpressions: [] }), { x: "y" }), true);
});

test("API LabelSelector: matchLabels and matchExpressions are ANDed", () => {
  const sel = selectorFromLabelSelector({
    matchLabels: { app: "web" },
    matchExpressions: [
      { key: "tier", operator: "In", values: ["front", "edge"] },
      { key: "canary", operator: "DoesNotExist" },
      { key: "zone", operator: "Exists" },
      { key: "env", operator: "NotIn", values: ["dev"] },
    ],
  });
  assert.equal(matchesLabels(sel, { app: "web", tier: "edge", zone: "a" }), true);
  assert.equal(matchesLabels(sel, { app: "web", tier: "edge", zone: "a", canary: "1" }), false);
  assert.equal(matchesLabels(sel, { app: "web", tier: "edge" }), false);
  assert.equal(matchesLabels(sel, { app: "web", tier: "edge", zone: "a", env: "dev" }), false);
  assert.equal(matchesLabels(sel, { app: "db", tier: "edge", zone: "a" }), false);
});

test("API LabelSelector errors carry upstream's messages", () => {
  const cases: [Parameters<typeof selectorFromLabelSelector>[0], string][] = [
    [
      { matchExpressions: [{ key: "a", operator: "Equals", values: ["b"] }] },
      '"Equals" is not a valid pod selector operator',
    ],
    [
      { matchExpressions: [{ key: "a", operator: "In", values: [] }] },
      "values: Invalid value: []string(nil): for 'in', 'notin' operators, values set can't be empty",
    ],
    [
      { matchExpressions: [{ key: "a", operator: "Exists", values: ["x"] }] },
      'values: Invalid value: []string{"x"}: values set must be empty for exists and does not exist',
    ],
    [{ matchLabels: { "bad key": "v" } }, `key: Invalid value: "bad key": ${NAME_PART_RULE}`],
  ];
  for (const [sel, message] of cases) {
    assert.throws(
      () => selectorFromLabelSelector(sel),
      (e: unknown) => e instanceof ApiError && e.code === 400 && e.message === message,
      message,
    );
  }
});

test("formatLabelSelector prints what kubectl shows", () => {
  assert.equal(
    formatLabelSelector({
      matchLabels: { z: "1", a: "b" },
      matchExpressions: [
        { key: "c", operator: "In", values: ["e", "d"] },
        { key: "f", operator: "DoesNotExist" },
      ],
    }),
    "a=b,c in (d,e),!f,z=1",
  );
  assert.equal(formatLabelSelector({ matchLabels: { "daemonset-name": "daemon-set" } }), "daemonset-name=daemon-set");
  assert.equal(formatLabelSelector({}), "<none>");
  assert.equal(formatLabelSelector(null), "<none>");
  assert.equal(formatLabelSelector({ matchExpressions: [{ key: "a", operator: "Bogus" }] }), "<error>");
});

test("exactValueFor reports the single value a key is pinned to", () => {
  assert.equal(exactValueFor(parseLabelSelector("app=web,tier in (front)"), "app"), "web");
  assert.equal(exactValueFor(parseLabelSelector("app==web"), "app"), "web");
  assert.equal(exactValueFor(parseLabelSelector("tier in (front)"), "tier"), "front");
  assert.equal(exactValueFor(parseLabelSelector("tier in (a,b)"), "tier"), undefined);
  assert.equal(exactValueFor(parseLabelSelector("app!=web"), "app"), undefined);
  assert.equal(exactValueFor(parseLabelSelector("app"), "app"), undefined);
  assert.equal(exactValueFor(parseLabelSelector("other=x"), "app"), undefined);
  assert.equal(exactValueFor(selectorFromLabelSelector(null), "app"), undefined);
  assert.equal(exactValueFor(selectorFromLabelSelector({ matchLabels: { app: "web" } }), "app"), "web");
});
