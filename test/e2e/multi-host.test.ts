// Two machines joining over a network: each agent runs in its own network namespace whose only address is on a
// veth link to a bridge in the root namespace, where the server listens. The agents join with a token and the CA
// hash, run a DaemonSet, and serve logs through the connections they opened. Needs root and iproute2 (CI has
// both); the addresses exist only inside namespaces this test creates and removes.
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { type RunningAgent, startAgent } from "../helpers/agent.ts";
import { eventually } from "../helpers/eventually.ts";
import { Kubectl, kubectlBinary } from "../helpers/kubectl.ts";
import { LOCI, type RunningServer, startServer } from "../helpers/server.ts";

const ip = (args: string[]) => execFileSync("ip", args, { stdio: ["ignore", "pipe", "pipe"] });
const hasIp = spawnSync("ip", ["-V"]).status === 0;
const isRoot = process.getuid?.() === 0;
const binary = kubectlBinary(33);
const skip = !isRoot
  ? "needs root for network namespaces"
  : !hasIp
    ? "needs iproute2 (ip)"
    : !binary
      ? "kubectl.1.33 is not installed"
      : false;

// A subnet of its own for this run, inside namespaces made here.
const tag = (process.pid % 200) + 20;
const BRIDGE = `lb${process.pid}`;
const SUBNET = `10.250.${tag}`;
const HOSTS = ["a", "b"].map((h, i) => ({
  name: `host-${h}`,
  ns: `loci-e2e-${process.pid}-${h}`,
  veth: `lv${process.pid}${h}`,
  ip: `${SUBNET}.${i + 2}`,
}));

describe("agents on two hosts (network namespaces) join across a veth network", { skip }, () => {
  let server: RunningServer;
  let k: Kubectl;
  const tmp = mkdtempSync(join(tmpdir(), "loci-multihost-"));
  const agents: RunningAgent[] = [];

  before(async () => {
    ip(["link", "add", BRIDGE, "type", "bridge"]);
    ip(["addr", "add", `${SUBNET}.1/24`, "dev", BRIDGE]);
    ip(["link", "set", BRIDGE, "up"]);
    for (const h of HOSTS) {
      ip(["netns", "add", h.ns]);
      ip(["link", "add", h.veth, "type", "veth", "peer", "name", `${h.veth}p`]);
      ip(["link", "set", `${h.veth}p`, "netns", h.ns]);
      ip(["link", "set", h.veth, "master", BRIDGE, "up"]);
      ip(["netns", "exec", h.ns, "ip", "addr", "add", `${h.ip}/24`, "dev", `${h.veth}p`]);
      ip(["netns", "exec", h.ns, "ip", "link", "set", `${h.veth}p`, "up"]);
      ip(["netns", "exec", h.ns, "ip", "link", "set", "lo", "up"]);
    }
    server = await startServer({ args: ["--listen", `${SUBNET}.1:0`, "--tls-san", `${SUBNET}.1`] });
    k = new Kubectl(binary!, server.kubeconfig);
  });
  after(async () => {
    for (const a of agents) await a.stop("SIGTERM");
    k?.dispose();
    await server?.stop();
    for (const h of HOSTS) spawnSync("ip", ["netns", "delete", h.ns]);
    spawnSync("ip", ["link", "delete", BRIDGE]);
    rmSync(tmp, { recursive: true, force: true });
  });

  test("each host sees only its own address and the server's network", () => {
    const addrs = ip(["netns", "exec", HOSTS[0].ns, "ip", "-4", "-o", "addr"]).toString();
    assert.match(addrs, new RegExp(`inet ${HOSTS[0].ip.replace(/\./g, "\\.")}/24`));
    assert.doesNotMatch(addrs, /127\.0\.0\.2|10\.250\.\d+\.1\//);
  });

  test("agents join with a token over the network and run a DaemonSet; logs come back through their tunnels", async () => {
    const r = spawnSync(
      process.execPath,
      [LOCI, "token", "create", "--kubeconfig", server.kubeconfig, "--print-join-command"],
      { encoding: "utf8" },
    );
    assert.equal(r.status, 0, r.stderr);
    const m = /--server (\S+) --token (\S+) --ca-hash (\S+)/.exec(r.stdout)!;
    assert.equal(m[1], server.url);
    for (const h of HOSTS) {
      agents.push(
        await startAgent(["--server", m[1], "--token", m[2], "--ca-hash", m[3]], h.name, join(tmp, h.name), h.ip, {
          netns: h.ns,
        }),
      );
    }
    const wide = k.run(["get", "nodes", "-o", "wide"]).stdout;
    for (const h of HOSTS) assert.match(wide, new RegExp(`${h.name}\\s+Ready.*${h.ip.replace(/\./g, "\\.")}`));
    k.run(
      ["apply", "-f", "-"],
      `apiVersion: apps/v1
kind: DaemonSet
metadata: {name: hello}
spec:
  selector: {matchLabels: {app: hello}}
  template:
    metadata: {labels: {app: hello}}
    spec:
      terminationGracePeriodSeconds: 1
      containers:
      - name: c
        image: busybox
        command: ["/bin/sh", "-c", "while :; do echo hello from $(NODE); sleep 1; done"]
        env: [{name: NODE, valueFrom: {fieldRef: {fieldPath: spec.nodeName}}}]
`,
    );
    const pods = await eventually(() => {
      const items = JSON.parse(k.run(["get", "pods", "-l", "app=hello", "-o", "json"]).stdout).items;
      assert.equal(items.filter((p: any) => p.status?.phase === "Running").length, 2);
      return items;
    });
    for (const p of pods) {
      const host = HOSTS.find((h) => h.name === p.spec.nodeName)!;
      assert.equal(p.status.podIP, host.ip);
      await eventually(() =>
        assert.match(k.run(["logs", p.metadata.name, "--tail=1"]).stdout, new RegExp(`^hello from ${host.name}\\n$`)),
      );
    }
  });
});
