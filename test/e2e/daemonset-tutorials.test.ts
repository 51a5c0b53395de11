// The seed tutorials' DaemonSet steps end to end: a real `loci server` (controllers, scheduler), hollow nodes
// shaped like the seeds' cluster (a tainted control-plane node and two workers, one with disktype=ssd), and the
// oldest and newest kubectl the machine ships. Assertions are on what kubectl prints.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { eventually } from "../helpers/eventually.ts";
import { type RunningHollow, startHollow, startSeedCluster } from "../helpers/hollow.ts";
import { Kubectl, kubectlBinary } from "../helpers/kubectl.ts";
import { ROOT, type RunningServer, startServer } from "../helpers/server.ts";

const example = (name: string) => join(ROOT, "examples", name);
const CONTROL_PLANE = "ip-172-31-34-191";
const WORKER = "ip-172-31-5-194";
const SSD_WORKER = "ip-172-31-3-215";

for (const minor of [27, 33]) {
  const binary = kubectlBinary(minor);
  describe(`DaemonSet tutorials with kubectl 1.${minor}`, {
    skip: binary ? false : `kubectl.1.${minor} is not installed`,
  }, () => {
    let server: RunningServer;
    let nodes: RunningHollow[] = [];
    let k: Kubectl;
    const tmp = mkdtempSync(join(tmpdir(), "loci-ds-e2e-"));

    before(async () => {
      server = await startServer({ args: ["--pod-gc-quarantine=1s"] });
      nodes = await startSeedCluster(server.kubeconfig);
      k = new Kubectl(binary!, server.kubeconfig);
    });
    after(async () => {
      k?.dispose();
      await Promise.all(nodes.map((n) => n.stop()));
      await server?.stop();
      rmSync(tmp, { recursive: true, force: true });
    });

    const run = (args: string[], input?: string) => k.run(args, input);
    const ok = (args: string[], input?: string) => {
      const r = run(args, input);
      assert.equal(r.code, 0, `kubectl ${args.join(" ")} failed: ${r.stderr}`);
      return r.stdout;
    };

    /** `node → pod count` of running, ready pods with a label, from `get pods -o json`. */
    function podsByNode(selector: string, namespace = "default"): Record<string, number> {
      const list = JSON.parse(ok(["get", "pods", "-n", namespace, "-l", selector, "-o", "json"]));
      const out: Record<string, number> = {};
      for (const p of list.items) {
        if (p.metadata.deletionTimestamp) continue;
        const ready = p.status?.conditions?.some(
          (c: { type: string; status: string }) => c.type === "Ready" && c.status === "True",
        );
        if (!ready) continue;
        out[p.spec.nodeName] = (out[p.spec.nodeName] ?? 0) + 1;
      }
      return out;
    }

    const waitPods = (selector: string, want: Record<string, number>, namespace = "default", ms = 30_000) =>
      eventually(() => assert.deepEqual(podsByNode(selector, namespace), want), ms);

    test("the hollow nodes register and are Ready", async () => {
      await eventually(() => {
        const out = ok(["get", "nodes"]);
        assert.match(out, new RegExp(`^${CONTROL_PLANE}\\s+Ready\\s+control-plane\\s+`, "m"));
        assert.match(out, new RegExp(`^${WORKER}\\s+Ready\\s+<none>\\s+`, "m"));
        assert.match(out, new RegExp(`^${SSD_WORKER}\\s+Ready\\s+<none>\\s+`, "m"));
      });
    });

    test("seed 001: nginx runs on the two workers, not on the tainted control-plane node", async () => {
      assert.match(ok(["apply", "-f", example("ds.yaml")]), /daemonset.apps\/nginx created/);
      await waitPods("app=nginx", { [WORKER]: 1, [SSD_WORKER]: 1 });
      await eventually(() => assert.match(ok(["get", "ds", "nginx"]), /^nginx\s+2\s+2\s+2\s+2\s+2\s+<none>\s+\S+$/m));
      const wide = ok(["get", "pods", "-o", "wide"]);
      assert.match(wide, new RegExp(`^nginx-\\w{5}\\s+1/1\\s+Running\\s+0\\s+\\S+\\s+\\S+\\s+${WORKER}\\s`, "m"));
      const events = ok(["get", "events", "--field-selector", "involvedObject.kind=Pod"]);
      assert.match(events, /Scheduled\s+pod\/nginx-\w{5}\s+Successfully assigned default\/nginx-\w{5} to ip-172-31/);
    });

    test("seed 001: with the control-plane toleration it runs on all three nodes", async () => {
      assert.match(ok(["apply", "-f", example("ds-control-plane.yaml")]), /daemonset.apps\/nginx configured/);
      await waitPods("app=nginx", { [CONTROL_PLANE]: 1, [WORKER]: 1, [SSD_WORKER]: 1 });
      await eventually(() =>
        assert.match(ok(["rollout", "status", "ds/nginx", "--watch=false"]), /successfully rolled out/),
      );
      const describe = ok(["describe", "ds", "nginx"]);
      assert.match(describe, /Desired Number of Nodes Scheduled: 3/);
      assert.match(describe, /SuccessfulCreate\s+\S+\s+daemonset-controller\s+Created pod: nginx-\w{5}/);
      assert.match(ok(["delete", "-f", example("ds-control-plane.yaml")]), /daemonset.apps "nginx" deleted/);
      await waitPods("app=nginx", {});
    });

    test("seed 003: the legacy master toleration does not reach the control-plane node", async () => {
      ok(["apply", "-f", example("node-monitor.yaml")]);
      const legacy = readFileSync(example("node-monitor.yaml"), "utf8").replace(
        "    spec:\n",
        '    spec:\n      tolerations:\n      - key: "node-role.kubernetes.io/master"\n        operator: "Exists"\n        effect: "NoSchedule"\n',
      );
      const file = join(tmp, "node-monitor-master.yaml");
      writeFileSync(file, legacy);
      ok(["apply", "-f", file]);
      await waitPods("app=node-monitor", { [WORKER]: 1, [SSD_WORKER]: 1 }, "kube-system");
      ok(["delete", "-f", file]);
    });

    test("seed 003: node affinity disktype In ssd picks the ssd worker only", async () => {
      ok(["apply", "-f", example("node-monitor-placement.yaml")]);
      await waitPods("app=node-monitor-ssd", { [SSD_WORKER]: 1 }, "kube-system");
      ok(["delete", "-f", example("node-monitor-placement.yaml")]);
      await waitPods("app=node-monitor-ssd", {}, "kube-system");
    });

    test("seed 000: runs on every untainted node; with a nodeSelector it follows kubectl label", async () => {
      ok(["apply", "-f", example("daemonset-demo.yaml")]);
      await waitPods("app=example", { [WORKER]: 1, [SSD_WORKER]: 1 });
      const selecting = readFileSync(example("daemonset-demo.yaml"), "utf8").replace(
        "    spec:\n",
        "    spec:\n      nodeSelector:\n        app: example\n",
      );
      const file = join(tmp, "daemonset-demo-selector.yaml");
      writeFileSync(file, selecting);
      ok(["apply", "-f", file]);
      await waitPods("app=example", {});
      assert.match(ok(["label", "nodes", WORKER, "app=example"]), new RegExp(`node/${WORKER} labeled`));
      await waitPods("app=example", { [WORKER]: 1 });
      assert.match(
        ok(["get", "ds", "example-daemonset"]),
        /^example-daemonset\s+1\s+1\s+\d\s+\d\s+\d\s+app=example\s+/m,
      );
      ok(["label", "nodes", WORKER, "app-"]);
      await waitPods("app=example", {});
      ok(["delete", "-f", file]);
    });

    test("nodes joining and leaving get and lose daemon pods", async () => {
      ok(["apply", "-f", example("ds.yaml")]);
      await waitPods("app=nginx", { [WORKER]: 1, [SSD_WORKER]: 1 });
      const extra = await startHollow(server.kubeconfig, ["--nodes=1", "--name-prefix=joiner-"]);
      try {
        await waitPods("app=nginx", { [WORKER]: 1, [SSD_WORKER]: 1, "joiner-0": 1 });
      } finally {
        await extra.stop();
      }
      assert.match(ok(["delete", "node", "joiner-0"]), /node "joiner-0" deleted/);
      // Pod GC removes the pod of the deleted node after the quarantine, on its 20 s period (so up to two
      // periods); the DaemonSet's next sync then counts only the nodes that exist.
      await waitPods("app=nginx", { [WORKER]: 1, [SSD_WORKER]: 1 }, "default", 60_000);
      await eventually(() => assert.match(ok(["get", "ds", "nginx"]), /^nginx\s+2\s+2\s+2\s+2\s+2\s+/m));
    });

    test("history: set image A→B→A keeps two revisions; undo to the current one is skipped", async () => {
      ok(["set", "image", "ds/nginx", "nginx=nginx:1.27"]);
      await eventually(() =>
        assert.match(ok(["rollout", "status", "ds/nginx", "--watch=false"]), /successfully rolled out/),
      );
      ok(["set", "image", "ds/nginx", "nginx=nginx"]);
      await eventually(() =>
        assert.match(ok(["rollout", "status", "ds/nginx", "--watch=false"]), /successfully rolled out/),
      );
      const history = ok(["rollout", "history", "ds/nginx"]);
      assert.match(history, /^REVISION\s+CHANGE-CAUSE$/m);
      assert.match(history, /^2\s+<none>$/m);
      assert.match(history, /^3\s+<none>$/m);
      assert.doesNotMatch(history, /^1\s+/m);
      const revisions = JSON.parse(ok(["get", "controllerrevisions", "-l", "app=nginx", "-o", "json"])).items;
      assert.equal(revisions.length, 2);
      assert.match(
        ok(["rollout", "undo", "ds/nginx", "--to-revision=3"]),
        /daemonset.apps\/nginx skipped rollback \(current template already matches revision 3\)/,
      );
      assert.match(ok(["rollout", "undo", "ds/nginx"]), /daemonset.apps\/nginx rolled back/);
      await eventually(() =>
        assert.match(ok(["rollout", "status", "ds/nginx", "--watch=false"]), /successfully rolled out/),
      );
      const images = JSON.parse(ok(["get", "pods", "-l", "app=nginx", "-o", "json"])).items.map(
        (p: { spec: { containers: Array<{ image: string }> } }) => p.spec.containers[0].image,
      );
      assert.ok(
        images.every((i: string) => i === "nginx:1.27"),
        `images after undo: ${images}`,
      );
    });

    test("deleting the DaemonSet removes all its pods and revisions", async () => {
      assert.match(ok(["delete", "ds", "nginx"]), /daemonset.apps "nginx" deleted/);
      await eventually(() => {
        assert.equal(JSON.parse(ok(["get", "pods", "-l", "app=nginx", "-o", "json"])).items.length, 0);
        assert.equal(JSON.parse(ok(["get", "controllerrevisions", "-l", "app=nginx", "-o", "json"])).items.length, 0);
      });
    });
  });
}
