// Joining machines safely: bootstrap tokens from `loci token`, agents that check the CA hash before sending a
// token, node credentials limited as upstream's Node authorizer and NodeRestriction limit a kubelet, revocation
// when the Node is deleted, and `kubectl drain --ignore-daemonsets` through the eviction API.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { parse } from "yaml";
import { type RunningAgent, startAgent } from "../helpers/agent.ts";
import { eventually, sleep } from "../helpers/eventually.ts";
import { request } from "../helpers/http.ts";
import { Kubectl, kubectlBinary } from "../helpers/kubectl.ts";
import { LOCI, type RunningServer, startServer } from "../helpers/server.ts";

const binary = kubectlBinary(33);

function loci(args: string[]) {
  const r = spawnSync(process.execPath, [LOCI, ...args], { encoding: "utf8", timeout: 60_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

describe("joining nodes and node credentials", { skip: binary ? false : "kubectl.1.33 is not installed" }, () => {
  let server: RunningServer;
  let k: Kubectl;
  const tmp = mkdtempSync(join(tmpdir(), "loci-security-e2e-"));
  const agents: RunningAgent[] = [];
  let join1: string[] = [];
  const tokenOf = (node: string) =>
    parse(readFileSync(join(tmp, node, "node.kubeconfig"), "utf8")).users[0].user.token as string;
  const ok = (args: string[], input?: string) => {
    const r = k.run(args, input);
    assert.equal(r.code, 0, `kubectl ${args.join(" ")} failed: ${r.stderr}`);
    return r.stdout;
  };

  before(async () => {
    server = await startServer({ args: ["--pod-gc-quarantine=1s"] });
    k = new Kubectl(binary!, server.kubeconfig);
  });
  after(async () => {
    for (const a of agents) await a.stop("SIGTERM");
    k?.dispose();
    await server?.stop();
    rmSync(tmp, { recursive: true, force: true });
  });

  test("loci token create --print-join-command, list, and agents joining with it", async () => {
    const r = loci([
      "token",
      "create",
      "--kubeconfig",
      server.kubeconfig,
      "--print-join-command",
      "--description",
      "e2e",
    ]);
    assert.equal(r.code, 0, r.stderr);
    const m = /^loci agent --server (\S+) --token ([a-z0-9]{6}\.[a-z0-9]{16}) --ca-hash (sha256:[0-9a-f]{64})\n$/.exec(
      r.stdout,
    );
    assert.ok(m, r.stdout);
    assert.equal(m[1], server.url);
    assert.equal(m[3], server.caHash);
    join1 = ["--server", m[1], "--token", m[2], "--ca-hash", m[3]];
    const list = loci(["token", "list", "--kubeconfig", server.kubeconfig]);
    assert.match(list.stdout, /^TOKEN\s+TTL\s+EXPIRES\s+USAGES\s+DESCRIPTION\s+EXTRA GROUPS\n/);
    assert.match(
      list.stdout,
      new RegExp(`${m[2].replace(".", "\\.")}\\s+2[34]h\\s+\\S+Z\\s+authentication,signing\\s+e2e`),
    );
    agents.push(await startAgent(join1, "node-a", join(tmp, "node-a"), "127.0.0.2"));
    agents.push(await startAgent(join1, "node-b", join(tmp, "node-b"), "127.0.0.3"));
    assert.match(tokenOf("node-a"), /^loci-node\./);
    assert.match(ok(["get", "nodes"]), /node-a\s+Ready[\s\S]*node-b\s+Ready/);
  });

  test("a node credential may do what a kubelet may, and gets 403 for everything else", async () => {
    ok(["run", "on-a", "--image=busybox", "--overrides", '{"spec":{"nodeName":"node-a"}}', "--", "sleep", "300"]);
    ok(["run", "on-b", "--image=busybox", "--overrides", '{"spec":{"nodeName":"node-b"}}', "--", "sleep", "300"]);
    ok(["create", "configmap", "unused", "--from-literal=a=b"]);
    const asA = { url: server.url, ca: server.ca, token: tokenOf("node-a") };
    const merge = { contentType: "application/merge-patch+json" };
    const strategic = { contentType: "application/strategic-merge-patch+json" };
    const denied: [string, string, unknown?, object?][] = [
      ["PATCH", "/api/v1/nodes/node-b", { metadata: { labels: { x: "y" } } }, merge],
      ["PATCH", "/api/v1/nodes/node-a", { spec: { taints: [{ key: "k", effect: "NoSchedule" }] } }, merge],
      [
        "PATCH",
        "/api/v1/nodes/node-a",
        { metadata: { labels: { "node-restriction.kubernetes.io/pool": "x" } } },
        merge,
      ],
      [
        "PATCH",
        "/api/v1/nodes/node-a",
        { metadata: { labels: { "node-role.kubernetes.io/control-plane": "" } } },
        merge,
      ],
      ["GET", "/api/v1/namespaces/default/pods/on-b"],
      ["DELETE", "/api/v1/namespaces/default/pods/on-b"],
      ["GET", "/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/node-b"],
      ["GET", "/apis/apps/v1/namespaces/default/daemonsets"],
      ["GET", "/api/v1/namespaces/default/pods"],
      ["GET", "/api/v1/namespaces/default/configmaps/unused"],
      ["GET", "/api/v1/namespaces/kube-system/secrets"],
      ["DELETE", "/api/v1/nodes/node-a"],
    ];
    for (const [method, path, body, opts] of denied) {
      const r = await request(asA, method, path, { body, ...opts });
      assert.equal(r.status, 403, `${method} ${path}: ${r.body}`);
      assert.equal(r.json().reason, "Forbidden");
    }
    const allowed: [string, string, unknown?, object?][] = [
      ["PATCH", "/api/v1/nodes/node-a", { metadata: { labels: { "example.com/rack": "r1" } } }, merge],
      ["PATCH", "/api/v1/nodes/node-a/status", { status: { conditions: [] } }, strategic],
      ["GET", "/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/node-a"],
      ["PATCH", "/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/node-a", { spec: {} }, merge],
      ["GET", "/api/v1/namespaces/default/pods/on-a"],
      ["GET", "/api/v1/pods?fieldSelector=spec.nodeName%3Dnode-a"],
      ["PATCH", "/api/v1/namespaces/default/pods/on-a/status", { status: { message: "checked" } }, strategic],
      [
        "POST",
        "/api/v1/namespaces/default/events",
        {
          metadata: { name: "on-a.e2e" },
          involvedObject: { kind: "Pod", namespace: "default", name: "on-a" },
          reason: "Checked",
          message: "by node-a",
          type: "Normal",
        },
      ],
      ["DELETE", "/api/v1/namespaces/default/pods/on-a"],
    ];
    for (const [method, path, body, opts] of allowed) {
      const r = await request(asA, method, path, { body, ...opts });
      assert.ok(r.status >= 200 && r.status < 300, `${method} ${path}: ${r.status} ${r.body}`);
    }
    // Through kubectl, with upstream's wording.
    const nodeKubectl = new Kubectl(binary!, join(tmp, "node-a", "node.kubeconfig"));
    try {
      const r = nodeKubectl.run(["get", "daemonsets"]);
      assert.notEqual(r.code, 0);
      assert.match(
        r.stderr,
        /Error from server \(Forbidden\): daemonsets\.apps is forbidden: User "system:node:node-a" cannot list resource "daemonsets" in API group "apps" in the namespace "default"/,
      );
    } finally {
      nodeKubectl.dispose();
    }
  });

  test("an expired token is refused with 401", async () => {
    const r = loci(["token", "create", "--kubeconfig", server.kubeconfig, "--ttl", "1s"]);
    assert.equal(r.code, 0, r.stderr);
    const token = r.stdout.trim();
    await sleep(2000);
    const res = await request(server, "POST", "/loci/v1/node-credentials", { body: { nodeName: "late" }, token });
    assert.equal(res.status, 401);
    const agent = loci([
      "agent",
      "--server",
      server.url,
      "--token",
      token,
      "--ca-hash",
      server.caHash,
      "--name",
      "late",
      "--data",
      join(tmp, "late"),
    ]);
    assert.equal(agent.code, 1);
    assert.equal(agent.stderr.trim(), "loci agent: the token was refused (unknown or expired)");
  });

  test("a wrong --ca-hash makes the agent exit 1 before it sends the token", async () => {
    const wrong = `sha256:${"0".repeat(64)}`;
    const r = loci(["agent", ...join1.slice(0, 4), "--ca-hash", wrong, "--name", "mitm", "--data", join(tmp, "mitm")]);
    assert.equal(r.code, 1);
    assert.match(
      r.stderr,
      /^loci agent: the server's CA hash is sha256:[0-9a-f]{64}, not sha256:0{64}: refusing to send the token\n$/,
    );
    // No credential was issued for that name.
    const s = await request(server, "GET", "/api/v1/namespaces/kube-system/secrets/loci-node-credential-mitm");
    assert.equal(s.status, 404);
  });

  test("kubectl drain --ignore-daemonsets evicts ordinary pods and leaves daemon pods", async () => {
    ok(
      ["apply", "-f", "-"],
      `apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agentd}
spec:
  selector: {matchLabels: {app: agentd}}
  template:
    metadata: {labels: {app: agentd}}
    spec:
      terminationGracePeriodSeconds: 1
      containers: [{name: c, image: busybox, command: [sleep, "3000"]}]
`,
    );
    ok([
      "run",
      "plain",
      "--image=busybox",
      "--overrides",
      '{"spec":{"nodeName":"node-b","terminationGracePeriodSeconds":1}}',
      "--",
      "sleep",
      "300",
    ]);
    await eventually(() => {
      const pods = JSON.parse(ok(["get", "pods", "-o", "json"])).items;
      const running = pods.filter((p: any) => p.spec.nodeName === "node-b" && p.status.phase === "Running");
      assert.ok(running.length >= 2);
    });
    // --force: bare pods (no controller) are only drained when asked, as upstream.
    const out = ok(["drain", "node-b", "--ignore-daemonsets", "--force", "--timeout=60s"]);
    assert.match(out, /pod\/plain evicted/);
    assert.match(out, /node\/node-b drained/);
    const left = JSON.parse(ok(["get", "pods", "-o", "json"])).items.filter((p: any) => p.spec.nodeName === "node-b");
    assert.ok(left.every((p: any) => p.metadata.labels?.app === "agentd"));
    assert.equal(left.length, 1);
    ok(["uncordon", "node-b"]);
  });

  test("deleting a Node revokes its credential", async () => {
    const asB = { url: server.url, ca: server.ca, token: tokenOf("node-b") };
    assert.equal((await request(asB, "GET", "/api/v1/nodes/node-b")).status, 200);
    // The credential is owned by the Node once it exists; the garbage collector removes it with the Node.
    await eventually(async () => {
      const s = await request(server, "GET", "/api/v1/namespaces/kube-system/secrets/loci-node-credential-node-b");
      assert.equal(s.json().metadata.ownerReferences?.[0]?.name, "node-b");
    });
    ok(["delete", "node", "node-b"]);
    await eventually(async () => assert.equal((await request(asB, "GET", "/api/v1/nodes/node-a")).status, 401));
  });
});
