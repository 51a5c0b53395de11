// `loci up` end to end: the whole local cluster (control plane in the `loci up` process, three `loci agent`
// children running pods as processes) driven by the oldest and newest kubectl through the seed tutorials'
// steps, then Ctrl-C (SIGINT) leaving no container process behind.
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { markedPids } from "../../src/agent/runtime/process/process-runtime.ts";
import { eventually } from "../helpers/eventually.ts";
import { Kubectl, kubectlBinary } from "../helpers/kubectl.ts";
import { LOCI, ROOT } from "../helpers/server.ts";

const example = (name: string) => join(ROOT, "examples", name);

/** Pod UIDs the cluster's nodes have containers for (from the runtime's folders). */
function containerUids(dataDir: string): string[] {
  const nodes = join(dataDir, "nodes");
  const out: string[] = [];
  for (const n of readdirSync(nodes)) {
    try {
      out.push(...readdirSync(join(nodes, n, "containers")));
    } catch {}
  }
  return out;
}

for (const minor of [27, 33]) {
  const binary = kubectlBinary(minor);
  describe(`loci up with kubectl 1.${minor}`, { skip: binary ? false : `kubectl.1.${minor} is not installed` }, () => {
    const tmp = mkdtempSync(join(tmpdir(), "loci-up-e2e-"));
    const dataDir = join(tmp, "cluster");
    let proc: ChildProcess;
    let output = "";
    let exited: Promise<number | null>;
    let k: Kubectl;

    const ok = (args: string[], input?: string) => {
      const r = k.run(args, input);
      assert.equal(r.code, 0, `kubectl ${args.join(" ")} failed: ${r.stderr}`);
      return r.stdout;
    };
    /** node → number of Ready pods with the label. */
    const readyByNode = (selector: string) => {
      const out: Record<string, number> = {};
      for (const p of JSON.parse(ok(["get", "pods", "-l", selector, "-o", "json"])).items) {
        if (p.metadata.deletionTimestamp) continue;
        if (!p.status?.conditions?.some((c: any) => c.type === "Ready" && c.status === "True")) continue;
        out[p.spec.nodeName] = (out[p.spec.nodeName] ?? 0) + 1;
      }
      return out;
    };

    before(async () => {
      proc = spawn(
        process.execPath,
        [LOCI, "up", "--nodes", "3", "--data", dataDir, "--listen", "127.0.0.1:0", "--kubeconfig-merge=false"],
        { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, HOME: tmp } },
      );
      exited = new Promise((r) => proc.on("exit", (code) => r(code)));
      proc.stderr!.on("data", (d) => {
        output += d;
      });
      const kubeconfig = await new Promise<string>((res, rej) => {
        const timer = setTimeout(() => rej(new Error(`loci up not ready in 60 s:\n${output}`)), 60_000);
        proc.stdout!.on("data", (d) => {
          output += d;
          const m = /export KUBECONFIG=(\S+)/.exec(output);
          if (m) {
            clearTimeout(timer);
            res(m[1]);
          }
        });
        proc.on("exit", (code) => {
          clearTimeout(timer);
          rej(new Error(`loci up exited with ${code}:\n${output}`));
        });
      });
      k = new Kubectl(binary!, kubeconfig);
    });
    after(async () => {
      if (proc.exitCode === null && proc.signalCode === null) {
        proc.kill("SIGINT");
        await exited;
      }
      k?.dispose();
      rmSync(tmp, { recursive: true, force: true });
    });

    test("progress lines, and three Ready nodes: a tainted, labelled control-plane node and two workers", () => {
      assert.match(output, /control plane ready at https:\/\/127\.0\.0\.1:\d+/);
      assert.match(output, /cluster ready: 3 node\(s\)/);
      const nodes = ok(["get", "nodes", "-o", "wide"]);
      assert.match(nodes, /loci-control-plane\s+Ready\s+control-plane\s+.*127\.0\.0\.2/);
      assert.match(nodes, /loci-worker-1\s+Ready\s+<none>\s+.*127\.0\.0\.3/);
      assert.match(nodes, /loci-worker-2\s+Ready\s+<none>\s+.*127\.0\.0\.4/);
      const taints = JSON.parse(ok(["get", "node", "loci-control-plane", "-o", "jsonpath={.spec.taints}"]));
      assert.deepEqual(taints, [{ key: "node-role.kubernetes.io/control-plane", effect: "NoSchedule" }]);
    });

    test("seed 001: nginx on the two workers; with the control-plane toleration on all three", async () => {
      ok(["apply", "-f", example("ds.yaml")]);
      await eventually(() => assert.deepEqual(readyByNode("app=nginx"), { "loci-worker-1": 1, "loci-worker-2": 1 }));
      const wide = ok(["get", "pods", "-l", "app=nginx", "-o", "wide"]);
      assert.match(wide, /Running\s+0\s+\S+\s+127\.0\.0\.3\s+loci-worker-1/);
      const events = ok(["get", "events", "--field-selector", "reason=ImageNotRun"]);
      assert.match(
        events,
        /image "nginx" was not run: no host command is mapped; a stand-in pause process runs instead/,
      );
      ok(["apply", "-f", example("ds-control-plane.yaml")]);
      await eventually(() =>
        assert.deepEqual(readyByNode("app=nginx"), { "loci-control-plane": 1, "loci-worker-1": 1, "loci-worker-2": 1 }),
      );
      ok(["delete", "ds", "nginx"]);
      await eventually(() => assert.deepEqual(readyByNode("app=nginx"), {}));
    });

    test("seed 000: with a nodeSelector its pods follow kubectl label nodes on and off", async () => {
      const manifest = readFileSync(example("daemonset-demo.yaml"), "utf8").replace(
        "    spec:\n",
        "    spec:\n      nodeSelector:\n        app: example\n",
      );
      ok(["apply", "-f", "-"], manifest);
      ok(["label", "nodes", "loci-worker-1", "app=example"]);
      await eventually(() => assert.deepEqual(readyByNode("app=example"), { "loci-worker-1": 1 }));
      ok(["label", "nodes", "loci-worker-2", "app=example"]);
      await eventually(() => assert.deepEqual(readyByNode("app=example"), { "loci-worker-1": 1, "loci-worker-2": 1 }));
      ok(["label", "nodes", "loci-worker-1", "app-"]);
      await eventually(() => assert.deepEqual(readyByNode("app=example"), { "loci-worker-2": 1 }));
    });

    test("Ctrl-C stops the cluster and leaves no container process behind", async () => {
      const uids = containerUids(dataDir);
      assert.ok(uids.length > 0);
      assert.ok(uids.some((u) => markedPids(u).length > 0));
      proc.kill("SIGINT");
      assert.equal(await exited, 0);
      assert.match(output, /stopped/);
      for (const u of uids) assert.deepEqual(markedPids(u), [], `processes of pod ${u}`);
    });
  });
}
