// The seed tutorials' kubectl steps against a real loci server, with the oldest and newest kubectl the machine
// ships (called directly, default flags). Assertions are on what kubectl prints.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { Kubectl, kubectlBinary } from "../helpers/kubectl.ts";
import { API_ONLY, ROOT, type RunningServer, startServer } from "../helpers/server.ts";

const example = (name: string) => join(ROOT, "examples", name);
const nodesFile = join(ROOT, "test/fixtures/nodes.yaml");

for (const minor of [27, 33]) {
  const binary = kubectlBinary(minor);
  describe(`kubectl 1.${minor}`, { skip: binary ? false : `kubectl.1.${minor} is not installed` }, () => {
    let server: RunningServer;
    let k: Kubectl;
    const tmp = mkdtempSync(join(tmpdir(), "loci-kubectl-"));

    before(async () => {
      server = await startServer({ args: [API_ONLY] });
      k = new Kubectl(binary!, server.kubeconfig);
    });
    after(async () => {
      k?.dispose();
      await server?.stop();
      rmSync(tmp, { recursive: true, force: true });
    });

    const ok = (args: string[], input?: string) => {
      const r = k.run(args, input);
      assert.equal(r.code, 0, `kubectl ${args.join(" ")} failed: ${r.stderr}`);
      return r.stdout;
    };

    test("version and api-resources come from discovery with short names", () => {
      const v = ok(["version", "-o", "json"]);
      assert.equal(JSON.parse(v).serverVersion.minor, "33");
      const res = ok(["api-resources"]);
      assert.match(res, /^daemonsets\s+ds\s+apps\/v1\s+true\s+DaemonSet$/m);
      assert.match(res, /^pods\s+po\s+v1\s+true\s+Pod$/m);
      assert.match(res, /^nodes\s+no\s+v1\s+false\s+Node$/m);
      assert.match(res, /^leases\s+coordination\.k8s\.io\/v1\s+true\s+Lease$/m);
    });

    test("nodes are created from manifests and listed with roles", () => {
      assert.match(ok(["apply", "-f", nodesFile]), /node\/ip-172-31-34-191 created/);
      const out = ok(["get", "nodes"]);
      assert.match(out, /^NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION$/m);
      assert.match(out, /^ip-172-31-34-191\s+\S+\s+control-plane\s+/m);
      assert.match(out, /^ip-172-31-5-194\s+\S+\s+<none>\s+/m);
    });

    test("every seed DaemonSet applies, and re-applies after an edit", () => {
      for (const f of [
        "daemonset-demo.yaml",
        "ds.yaml",
        "nginx-daemonset.yaml",
        "node-monitor.yaml",
        "node-monitor-placement.yaml",
      ]) {
        const out = ok(["apply", "-f", example(f)]);
        assert.match(out, /daemonset\.apps\/\S+ created/, f);
      }
      assert.match(
        ok(["create", "-f", example("daemon-set-definition.yaml")]),
        /daemonset\.apps\/monitoring-daemon created/,
      );
      assert.match(ok(["apply", "-f", example("ds.yaml")]), /daemonset\.apps\/nginx unchanged/);
      assert.match(ok(["apply", "-f", example("ds-control-plane.yaml")]), /daemonset\.apps\/nginx configured/);
      const ds = JSON.parse(ok(["get", "ds", "nginx", "-o", "json"]));
      assert.equal(ds.spec.template.spec.tolerations[0].key, "node-role.kubernetes.io/control-plane");
      assert.equal(ds.metadata.generation, 2);
      assert.equal(ds.metadata.annotations["deprecated.daemonset.template.generation"], "2");
      assert.equal(ds.spec.updateStrategy.rollingUpdate.maxUnavailable, 1);
      assert.equal(ds.spec.template.spec.containers[0].imagePullPolicy, "Always");
      assert.equal(ds.spec.template.spec.containers[0].ports[0].protocol, "TCP");
    });

    test("re-applying with fields removed leaves none of them in the live object", () => {
      const full = `apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: agent
spec:
  selector:
    matchLabels: {app: agent}
  updateStrategy:
    type: RollingUpdate
    rollingUpdate: {maxUnavailable: 2}
  template:
    metadata:
      labels: {app: agent}
    spec:
      tolerations:
      - {key: a, operator: Exists, effect: NoSchedule}
      - {key: b, operator: Exists, effect: NoExecute}
      volumes:
      - name: logs
        hostPath: {path: /var/log}
      - name: run
        hostPath: {path: /run}
      containers:
      - name: agent
        image: busybox:1.36
        env:
        - {name: KEEP, value: "1"}
        - {name: DROP, value: "2"}
        ports:
        - {containerPort: 8080}
        - {containerPort: 9090}
        volumeMounts:
        - {name: logs, mountPath: /var/log}
        - {name: run, mountPath: /run}
`;
      const file = join(tmp, `agent-${minor}.yaml`);
      writeFileSync(file, full);
      assert.match(ok(["apply", "-f", file]), /daemonset\.apps\/agent created/);
      const edited = full
        .replace("    type: RollingUpdate\n    rollingUpdate: {maxUnavailable: 2}\n", "    type: OnDelete\n")
        .replace("      - {key: b, operator: Exists, effect: NoExecute}\n", "")
        .replace("      - name: run\n        hostPath: {path: /run}\n", "")
        .replace('        - {name: DROP, value: "2"}\n', "")
        .replace("        - {containerPort: 9090}\n", "")
        .replace("        - {name: run, mountPath: /run}\n", "");
      writeFileSync(file, edited);
      assert.match(ok(["apply", "-f", file]), /daemonset\.apps\/agent configured/);
      const ds = JSON.parse(ok(["get", "ds", "agent", "-o", "json"]));
      const spec = ds.spec.template.spec;
      assert.deepEqual(ds.spec.updateStrategy, { type: "OnDelete" });
      assert.deepEqual(
        spec.tolerations.map((t: { key: string }) => t.key),
        ["a"],
      );
      assert.deepEqual(
        spec.volumes.map((v: { name: string }) => v.name),
        ["logs"],
      );
      assert.deepEqual(
        spec.containers[0].env.map((e: { name: string }) => e.name),
        ["KEEP"],
      );
      assert.deepEqual(
        spec.containers[0].ports.map((p: { containerPort: number }) => p.containerPort),
        [8080],
      );
      assert.deepEqual(
        spec.containers[0].volumeMounts.map((m: { mountPath: string }) => m.mountPath),
        ["/var/log"],
      );
    });

    test("get with every output format", () => {
      const plain = ok(["get", "ds"]);
      assert.match(plain, /^NAME\s+DESIRED\s+CURRENT\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+NODE SELECTOR\s+AGE$/m);
      assert.match(plain, /^nginx\s+0\s+0\s+0\s+0\s+0\s+<none>\s+\d+s$/m);
      const wide = ok(["get", "ds", "-o", "wide"]);
      assert.match(wide, /CONTAINERS\s+IMAGES\s+SELECTOR/);
      assert.match(wide, /^nginx\s+.*\s+nginx\s+nginx\s+app=nginx$/m);
      const all = ok(["get", "ds,nodes", "-A"]);
      assert.match(all, /^NAMESPACE\s+NAME\s+DESIRED/m);
      assert.match(all, /^kube-system\s+daemonset\.apps\/node-monitor\s+/m);
      assert.match(ok(["get", "ds", "-A", "-o", "name"]), /^daemonset\.apps\/node-monitor$/m);
      assert.match(ok(["get", "ds", "nginx", "-o", "yaml"]), /^kind: DaemonSet$/m);
      assert.equal(ok(["get", "ds", "nginx", "-o", "jsonpath={.spec.template.spec.containers[0].image}"]), "nginx");
      assert.match(ok(["get", "node", "ip-172-31-3-215", "--show-labels"]), /disktype=ssd/);
      const none = k.run(["get", "pods"]);
      assert.match(none.stderr, /No resources found in default namespace\./);
    });

    test("describe daemonset and node", () => {
      const ds = ok(["describe", "ds", "nginx"]);
      assert.match(ds, /^Name:\s+nginx$/m);
      assert.match(ds, /^Selector:\s+app=nginx$/m);
      assert.match(ds, /^Desired Number of Nodes Scheduled: 0$/m);
      // kubectl 1.27's describer does not print the template's tolerations; newer ones do.
      if (minor >= 30) assert.match(ds, /node-role\.kubernetes\.io\/control-plane:NoSchedule op=Exists/);
      const node = ok(["describe", "node", "ip-172-31-34-191"]);
      assert.match(node, /^Taints:\s+node-role\.kubernetes\.io\/control-plane:NoSchedule$/m);
      assert.match(node, /^Roles:\s+control-plane$/m);
    });

    test("label and unlabel, taint and untaint, cordon and uncordon", () => {
      const n = "ip-172-31-5-194";
      assert.match(ok(["label", "nodes", n, "app=example"]), new RegExp(`node/${n} labeled`));
      assert.match(ok(["get", "nodes", "-l", "app=example", "-o", "name"]), new RegExp(`node/${n}`));
      const again = k.run(["label", "nodes", n, "app=other"]);
      assert.match(again.stderr, /'app' already has a value \(example\), and --overwrite is false/);
      assert.match(ok(["label", "nodes", n, "app-"]), new RegExp(`node/${n} unlabeled`));
      assert.match(ok(["taint", "nodes", n, "dedicated=infra:NoSchedule"]), new RegExp(`node/${n} tainted`));
      assert.match(ok(["describe", "node", n]), /Taints:\s+dedicated=infra:NoSchedule/);
      assert.match(ok(["taint", "nodes", n, "dedicated:NoSchedule-"]), new RegExp(`node/${n} untainted`));
      const node = JSON.parse(ok(["get", "node", n, "-o", "json"]));
      assert.equal(node.spec.taints, undefined);
      assert.match(ok(["cordon", n]), new RegExp(`node/${n} cordoned`));
      assert.match(ok(["get", "node", n]), /SchedulingDisabled/);
      assert.match(ok(["uncordon", n]), new RegExp(`node/${n} uncordoned`));
      assert.doesNotMatch(ok(["get", "node", n]), /SchedulingDisabled/);
    });

    test("get -w sees another command's change", async () => {
      const w = k.start(["get", "ds", "nginx", "-w", "-o", "name"]);
      try {
        await waitFor(() => w.output().includes("daemonset.apps/nginx"));
        const before = w.output().length;
        ok(["label", "ds", "nginx", "watched=yes"]);
        await waitFor(() => w.output().length > before);
        assert.match(w.output().slice(before), /daemonset\.apps\/nginx/);
      } finally {
        w.stop();
      }
    });

    test("explain shows upstream's fields", () => {
      const out = ok(["explain", "pod.spec.containers.livenessProbe.httpGet"]);
      for (const f of ["host", "httpHeaders", "path", "port", "scheme"])
        assert.match(out, new RegExp(`^\\s+${f}\\s`, "m"), f);
    });

    test("unknown fields are rejected by strict decoding", () => {
      const bad = readFileSync(example("nginx-daemonset.yaml"), "utf8")
        .replace("spec:\n  selector", "spec:\n  foo: bar\n  selector")
        .replace("nginx-daemonset", "strict-ds");
      const r = k.run(["apply", "-f", "-"], bad);
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, /strict decoding error: unknown field "spec\.foo"/);
      assert.equal(k.run(["get", "ds", "strict-ds"]).code, 1);
    });

    test("the Deployment --dry-run trick from seed 004", () => {
      const yaml = ok([
        "create",
        "deployment",
        "elasticsearch",
        "--image=registry.k8s.io/fluentd-elasticsearch:1.20",
        "-n",
        "kube-system",
        "--dry-run=client",
        "-o",
        "yaml",
      ]);
      const asDs = yaml.replace("kind: Deployment", "kind: DaemonSet");
      const file = join(tmp, `fluentd-${minor}.yaml`);
      writeFileSync(file, asDs);
      const r = k.run(["create", "-f", file]);
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, /unknown field "spec\.replicas"/);
      assert.match(r.stderr, /unknown field "spec\.strategy"/);
      const cleaned = asDs
        .replace(/^ {2}replicas: \d+\n/m, "")
        .replace(/^ {2}strategy: \{\}\n/m, "")
        .replace(/^status: \{\}\n/m, "");
      writeFileSync(file, cleaned);
      assert.match(ok(["create", "-f", file]), /daemonset\.apps\/elasticsearch created/);
      assert.match(ok(["get", "daemonsets", "-n", "kube-system"]), /^elasticsearch\s+/m);
    });

    test("delete -f removes what the file created", () => {
      assert.match(ok(["delete", "-f", example("ds-control-plane.yaml")]), /daemonset\.apps "nginx" deleted/);
      const r = k.run(["get", "ds", "nginx"]);
      assert.match(r.stderr, /daemonsets\.apps "nginx" not found/);
    });
  });
}

async function waitFor(cond: () => boolean, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 50));
  }
}
