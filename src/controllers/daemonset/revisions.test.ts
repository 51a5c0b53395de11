import assert from "node:assert/strict";
import { test } from "node:test";
import type { KubeObject } from "../../api/object.ts";
import { goJson, goNormalizedTemplate } from "./go-json.ts";
import {
  computeTemplateHash,
  fnv1a32,
  isPodUpdated,
  maxRevision,
  newRevision,
  pickCurrent,
  revisionMatches,
  revisionsToDelete,
  safeEncodeString,
  splitHistories,
  templateGeneration,
  templatePatchData,
} from "./revisions.ts";

const ds = (template: any, extra: Partial<KubeObject> = {}): KubeObject => ({
  metadata: {
    name: "foo",
    namespace: "default",
    uid: "ds-uid",
    annotations: { "deprecated.daemonset.template.generation": "2" },
  },
  spec: { selector: { matchLabels: { app: "x" } }, template },
  ...extra,
});

const template = {
  metadata: { labels: { app: "x" } },
  spec: {
    containers: [
      {
        name: "c",
        image: "nginx",
        args: ["sh", "-c", "a && b < c > d"],
        env: [],
        securityContext: { privileged: false },
        resources: {},
        terminationMessagePath: "/dev/termination-log",
        ports: [{ containerPort: 80, hostPort: 0, protocol: "TCP" }],
      },
    ],
    hostNetwork: false,
    nodeName: "",
    restartPolicy: "Always",
    terminationGracePeriodSeconds: 0,
    securityContext: {},
  },
};

test("template patch data is Go's re-marshalled form: sorted keys, $patch first, omitempty zeros gone, pointers kept", () => {
  assert.equal(
    templatePatchData(ds(template)),
    '{"spec":{"template":{"$patch":"replace","metadata":{"creationTimestamp":null,"labels":{"app":"x"}},' +
      '"spec":{"containers":[{"args":["sh","-c","a \\u0026\\u0026 b \\u003c c \\u003e d"],"image":"nginx",' +
      '"name":"c","ports":[{"containerPort":80,"protocol":"TCP"}],"resources":{},' +
      '"securityContext":{"privileged":false},"terminationMessagePath":"/dev/termination-log"}],' +
      '"restartPolicy":"Always","securityContext":{},"terminationGracePeriodSeconds":0}}}}',
  );
});

test("value structs are always present; unknown fields and nulls are dropped; map values keep empty strings", () => {
  const t = goNormalizedTemplate({
    metadata: { labels: { a: "" }, annotations: {}, bogus: 1 },
    spec: { containers: [{ name: "c" }], nodeSelector: {}, tolerations: null },
  });
  assert.deepEqual(t, {
    metadata: { labels: { a: "" }, creationTimestamp: null },
    spec: { containers: [{ name: "c", resources: {} }] },
  });
  assert.equal(goJson({ b: 1, a: [true, null], $p: "x" }), '{"$p":"x","a":[true,null],"b":1}');
});

test("revisions match by canonical bytes whatever key order the server returns", () => {
  const d = ds(template);
  const data = templatePatchData(d);
  const rev = newRevision(d, "abc", data, 1);
  const shuffled = { ...rev, data: JSON.parse(JSON.stringify(rev.data), (_k, v) => v) };
  shuffled.data = {
    spec: {
      template: { spec: rev.data.spec.template.spec, metadata: rev.data.spec.template.metadata, $patch: "replace" },
    },
  };
  assert.ok(revisionMatches(data, shuffled));
  assert.ok(!revisionMatches(templatePatchData(ds({ ...template, metadata: { labels: { app: "y" } } })), rev));
});

test("FNV-1a and SafeEncodeString follow the Go implementations", () => {
  assert.equal(fnv1a32(new Uint8Array()), 0x811c9dc5);
  assert.equal(fnv1a32(new TextEncoder().encode("a")), 0xe40c292c);
  assert.equal(fnv1a32(new TextEncoder().encode("foobar")), 0xbf9cf968);
  assert.equal(safeEncodeString("0123456789"), "456789bcdf");
});

test("template hash: stable, safe alphabet, salted by collisionCount (0 differs from unset)", () => {
  const h = computeTemplateHash(template);
  assert.match(h, /^[456789bcdf]{1,10}$/);
  assert.equal(computeTemplateHash(structuredClone(template)), h);
  assert.notEqual(computeTemplateHash(template, 0), h);
  assert.notEqual(computeTemplateHash(template, 1), computeTemplateHash(template, 0));
  assert.notEqual(computeTemplateHash({ ...template, metadata: { labels: { app: "z" } } }), h);
  // Fields Go would drop do not change the hash.
  assert.equal(computeTemplateHash({ ...template, spec: { ...template.spec, hostIPC: false } }), h);
});

test("newRevision: name, labels, annotations copy, controllerRef, data, revision", () => {
  const d = ds(template);
  const rev = newRevision(d, "5d8c", templatePatchData(d), 3);
  assert.equal(rev.metadata.name, "foo-5d8c");
  assert.deepEqual(rev.metadata.labels, { app: "x", "controller-revision-hash": "5d8c" });
  assert.deepEqual(rev.metadata.annotations, d.metadata.annotations);
  assert.deepEqual(rev.metadata.ownerReferences, [
    {
      apiVersion: "apps/v1",
      kind: "DaemonSet",
      name: "foo",
      uid: "ds-uid",
      controller: true,
      blockOwnerDeletion: true,
    },
  ]);
  assert.equal(rev.revision, 3);
  assert.equal(rev.data.spec.template.$patch, "replace");
});

const rev = (name: string, revision: number, hash = name): KubeObject => ({
  metadata: { name, labels: { "controller-revision-hash": hash } },
  revision,
  data: { spec: { template: { $patch: "replace", n: name } } },
});

test("history helpers: split, pick highest current, max revision", () => {
  const a = rev("a", 1);
  const b = rev("b", 2);
  const { current, old } = splitHistories([a, b], goJson(a.data));
  assert.deepEqual(current, [a]);
  assert.deepEqual(old, [b]);
  assert.equal(maxRevision([a, b]), 2);
  assert.equal(maxRevision([]), 0);
  assert.equal(pickCurrent([rev("x", 4), rev("y", 7), rev("z", 5)]).metadata.name, "y");
});

test("cleanupHistory decisions: oldest first, live hashes kept, limit 0 allowed", () => {
  const old = [rev("r3", 3), rev("r1", 1), rev("r2", 2), rev("r4", 4)];
  assert.deepEqual(
    revisionsToDelete(old, 2, new Set()).map((r) => r.metadata.name),
    ["r1", "r2"],
  );
  assert.deepEqual(
    revisionsToDelete(old, 2, new Set(["r1"])).map((r) => r.metadata.name),
    ["r2", "r3"],
  );
  assert.deepEqual(
    revisionsToDelete(old, 0, new Set(["r4"])).map((r) => r.metadata.name),
    ["r1", "r2", "r3"],
  );
  assert.deepEqual(revisionsToDelete(old, 10, new Set()), []);
});

test("isPodUpdated: hash label, or legacy generation label", () => {
  const pod = (labels: Record<string, string>): KubeObject => ({ metadata: { labels } });
  const gen = templateGeneration(ds(template));
  assert.equal(gen, "2");
  assert.ok(isPodUpdated(pod({ "controller-revision-hash": "h1" }), "h1", gen));
  assert.ok(!isPodUpdated(pod({ "controller-revision-hash": "h0" }), "h1", gen));
  assert.ok(isPodUpdated(pod({ "pod-template-generation": "2" }), "h1", gen));
  assert.ok(!isPodUpdated(pod({ "pod-template-generation": "2" }), "h1", undefined));
  assert.ok(!isPodUpdated(pod({}), "", gen));
});
