import assert from "node:assert/strict";
import { test } from "node:test";
import { ApiError } from "../../api/errors.ts";
import type { KubeObject } from "../../api/object.ts";
import { findResource } from "../../api/resources.ts";
import { authenticate, NODE_CREDENTIAL_TYPE, nodeToken, sha256Hex, type UserInfo } from "./authenticator.ts";
import { tokenSecret } from "./bootstrap-token.ts";
import { admitNodeWrite, authorizeNode, podReferences } from "./node-authorizer.ts";

const NOW = Date.parse("2026-12-01T00:00:00Z");
const b64 = (s: string) => Buffer.from(s).toString("base64");

test("authentication: admin token, bootstrap tokens (expiry), node credentials (hash, revocation)", () => {
  const secrets = new Map<string, KubeObject>();
  secrets.set("bootstrap-token-abcdef", tokenSecret("abcdef", "0123456789abcdef", 3_600_000, "", NOW));
  secrets.set("bootstrap-token-old000", tokenSecret("old000", "0123456789abcdef", 1000, "", NOW - 5000));
  secrets.set("loci-node-credential-n1", {
    metadata: { name: "loci-node-credential-n1", namespace: "kube-system" },
    type: NODE_CREDENTIAL_TYPE,
    data: { node: b64("n1"), "token-sha256": b64(sha256Hex("s".repeat(32))) },
  } as KubeObject);
  const deps = { adminToken: "admin-secret", secret: (n: string) => secrets.get(n), now: () => NOW };
  const who = (token: string) => authenticate(`Bearer ${token}`, deps)?.name;
  assert.equal(who("admin-secret"), "loci-admin");
  assert.equal(who("abcdef.0123456789abcdef"), "system:bootstrap:abcdef");
  assert.deepEqual(authenticate("Bearer abcdef.0123456789abcdef", deps)?.groups.slice(0, 1), ["system:bootstrappers"]);
  assert.equal(who("abcdef.0123456789abcdeX"), undefined, "wrong secret");
  assert.equal(who("old000.0123456789abcdef"), undefined, "expired");
  assert.equal(who(nodeToken("n1", "s".repeat(32))), "system:node:n1");
  assert.equal(who(nodeToken("n1", "t".repeat(32))), undefined, "wrong credential");
  assert.equal(who(nodeToken("n2", "s".repeat(32))), undefined, "no such node credential");
  secrets.delete("loci-node-credential-n1");
  assert.equal(who(nodeToken("n1", "s".repeat(32))), undefined, "revoked");
  assert.equal(authenticate(undefined, deps), undefined);
  assert.equal(authenticate("Basic abc", deps), undefined);
});

const node: UserInfo = { name: "system:node:n1", groups: ["system:nodes"], node: "n1" };
const pods: Record<string, KubeObject> = {
  "default/mine": {
    metadata: { name: "mine", namespace: "default" },
    spec: {
      nodeName: "n1",
      volumes: [{ name: "v", configMap: { name: "cm" } }],
      containers: [{ name: "c", envFrom: [{ secretRef: { name: "sec" } }] }],
    },
  },
  "default/theirs": { metadata: { name: "theirs", namespace: "default" }, spec: { nodeName: "n2" } },
};
const deps = {
  pod: (ns: string, name: string) => pods[`${ns}/${name}`],
  podsOnNode: (n: string) => Object.values(pods).filter((p) => p.spec?.nodeName === n),
};

function allowed(verb: string, resource: string, group: string, namespace: string, name?: string, extra = {}) {
  const info = findResource(group, "v1", resource)!;
  try {
    authorizeNode(node, { verb, info, namespace, name, ...extra }, deps);
    return true;
  } catch (e) {
    assert.ok(e instanceof ApiError && e.code === 403);
    return false;
  }
}

test("the Node authorizer's table", () => {
  const cases: [boolean, Parameters<typeof allowed>][] = [
    [true, ["get", "nodes", "", "", "n2"]],
    [true, ["patch", "nodes", "", "", "n1"]],
    [false, ["patch", "nodes", "", "", "n2"]],
    [false, ["delete", "nodes", "", "", "n1"]],
    [true, ["update", "leases", "coordination.k8s.io", "kube-node-lease", "n1"]],
    [false, ["get", "leases", "coordination.k8s.io", "kube-node-lease", "n2"]],
    [false, ["list", "leases", "coordination.k8s.io", "kube-node-lease"]],
    [true, ["get", "pods", "", "default", "mine"]],
    [false, ["get", "pods", "", "default", "theirs"]],
    [true, ["patch", "pods", "", "default", "mine", { subresource: "status" }]],
    [false, ["patch", "pods", "", "default", "mine"]],
    [true, ["delete", "pods", "", "default", "mine"]],
    [true, ["watch", "pods", "", "", undefined, { fieldSelector: "spec.nodeName=n1" }]],
    [false, ["list", "pods", "", "default"]],
    [false, ["watch", "pods", "", "", undefined, { fieldSelector: "spec.nodeName=n2" }]],
    [true, ["create", "events", "", "default"]],
    [true, ["patch", "events", "events.k8s.io", "default", "e"]],
    [false, ["list", "events", "", "default"]],
    [true, ["get", "configmaps", "", "default", "cm"]],
    [false, ["get", "configmaps", "", "default", "other"]],
    [true, ["get", "secrets", "", "default", "sec"]],
    [false, ["get", "secrets", "", "kube-system", "sec"]],
    [false, ["list", "secrets", "", "default"]],
    [false, ["get", "daemonsets", "apps", "default", "ds"]],
  ];
  for (const [want, args] of cases) assert.equal(allowed(...args), want, JSON.stringify(args));
  assert.deepEqual([...podReferences(pods["default/mine"], "secrets")], ["sec"]);
});

test("403 messages are upstream's", () => {
  const info = findResource("apps", "v1", "daemonsets")!;
  assert.throws(
    () => authorizeNode(node, { verb: "list", info, namespace: "default" }, deps),
    /^ApiError: daemonsets\.apps is forbidden: User "system:node:n1" cannot list resource "daemonsets" in API group "apps" in the namespace "default"$/,
  );
});

test("NodeRestriction: own Node only, no taint changes, no restricted labels", () => {
  const nodes = findResource("", "v1", "nodes")!;
  const n = (name: string, labels: Record<string, string> = {}, taints?: any[]): KubeObject => ({
    metadata: { name, labels },
    spec: taints ? { taints } : {},
  });
  const t = [{ key: "k", effect: "NoSchedule" }];
  admitNodeWrite(node, nodes, n("n1", {}, t), undefined);
  admitNodeWrite(node, nodes, n("n1", { a: "b" }, t), n("n1", {}, t));
  assert.throws(() => admitNodeWrite(node, nodes, n("n2"), undefined), /node "n1" is not allowed to modify node "n2"/);
  assert.throws(() => admitNodeWrite(node, nodes, n("n1"), n("n1", {}, t)), /not allowed to modify taints/);
  assert.throws(
    () => admitNodeWrite(node, nodes, n("n1", { "node-role.kubernetes.io/x": "" }), n("n1")),
    /not allowed to modify labels: node-role.kubernetes.io\/x/,
  );
  assert.throws(
    () => admitNodeWrite(node, nodes, n("n1", { "node-restriction.kubernetes.io/pool": "a" }), undefined),
    /not allowed to modify labels: node-restriction.kubernetes.io\/pool/,
  );
});
