// kubectl 1.32+ sends typed-client request bodies as application/vnd.kubernetes.protobuf. Each step runs the
// real binary at -v=8, checks the write really went out as protobuf, and reads the object back as JSON.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { Kubectl, kubectlBinary } from "../helpers/kubectl.ts";
import { type RunningServer, startServer } from "../helpers/server.ts";

const PROTOBUF = "Content-Type: application/vnd.kubernetes.protobuf";

for (const minor of [32, 33]) {
  const binary = kubectlBinary(minor);
  describe(`kubectl 1.${minor} protobuf bodies`, {
    skip: binary ? false : `kubectl.1.${minor} is not installed`,
  }, () => {
    let server: RunningServer;
    let k: Kubectl;

    before(async () => {
      server = await startServer();
      k = new Kubectl(binary!, server.kubeconfig);
    });
    after(async () => {
      k?.dispose();
      await server?.stop();
    });

    const ok = (args: string[], input?: string) => {
      const r = k.run(args, input);
      assert.equal(r.code, 0, `kubectl ${args.join(" ")} failed: ${r.stderr.slice(-2000)}`);
      return r;
    };
    /** Runs a write at -v=8 and asserts it sent a protobuf body. */
    const write = (args: string[]) => {
      const r = ok([...args, "-v=8"]);
      assert.ok(r.stderr.includes(PROTOBUF), `kubectl ${args.join(" ")} sent no protobuf body`);
      return r.stdout;
    };
    const get = (args: string[]) => JSON.parse(ok(["get", ...args, "-o", "json"]).stdout);

    test("create namespace", () => {
      assert.match(write(["create", "namespace", "pb"]), /namespace\/pb created/);
      const ns = get(["namespace", "pb"]);
      assert.equal(ns.metadata.name, "pb");
      assert.equal(ns.status.phase, "Active");
      assert.equal(ns.metadata.namespace, undefined);
    });

    test("create configmap --from-literal keeps empty values", () => {
      write(["-n", "pb", "create", "configmap", "cm", "--from-literal=a=b", "--from-literal=empty="]);
      const cm = get(["-n", "pb", "configmap", "cm"]);
      assert.deepEqual(cm.data, { a: "b", empty: "" });
      assert.equal(cm.binaryData, undefined);
      assert.equal(cm.immutable, undefined);
    });

    test("create secret generic: bytes arrive as base64", () => {
      write(["-n", "pb", "create", "secret", "generic", "s", "--from-literal=pw=hunter2", "--from-literal=user=ann"]);
      const s = get(["-n", "pb", "secret", "s"]);
      assert.equal(s.type, "Opaque");
      assert.deepEqual(s.data, {
        pw: Buffer.from("hunter2").toString("base64"),
        user: Buffer.from("ann").toString("base64"),
      });
    });

    test("create serviceaccount", () => {
      write(["-n", "pb", "create", "serviceaccount", "sa"]);
      const sa = get(["-n", "pb", "serviceaccount", "sa"]);
      assert.equal(sa.metadata.name, "sa");
      assert.equal(sa.metadata.namespace, "pb");
    });

    test("create role and rolebinding", () => {
      write(["-n", "pb", "create", "role", "r", "--verb=get,list", "--resource=pods,configmaps", "--resource-name=x"]);
      const role = get(["-n", "pb", "role", "r"]);
      assert.deepEqual(role.rules, [
        { apiGroups: [""], resources: ["pods", "configmaps"], resourceNames: ["x"], verbs: ["get", "list"] },
      ]);
      write(["-n", "pb", "create", "rolebinding", "rb", "--role=r", "--serviceaccount=pb:sa", "--user=alice"]);
      const rb = get(["-n", "pb", "rolebinding", "rb"]);
      assert.deepEqual(rb.roleRef, { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "r" });
      assert.deepEqual(rb.subjects, [
        { apiGroup: "rbac.authorization.k8s.io", kind: "User", name: "alice" },
        { kind: "ServiceAccount", name: "sa", namespace: "pb" },
      ]);
    });

    test("create clusterrole and clusterrolebinding", () => {
      write(["create", "clusterrole", `cr${minor}`, "--verb=get", "--non-resource-url=/healthz"]);
      assert.deepEqual(get(["clusterrole", `cr${minor}`]).rules, [{ nonResourceURLs: ["/healthz"], verbs: ["get"] }]);
      write(["create", "clusterrolebinding", `crb${minor}`, `--clusterrole=cr${minor}`, "--group=devs"]);
      const crb = get(["clusterrolebinding", `crb${minor}`]);
      assert.deepEqual(crb.subjects, [{ apiGroup: "rbac.authorization.k8s.io", kind: "Group", name: "devs" }]);
    });

    test("create priorityclass", () => {
      write([
        "create",
        "priorityclass",
        `pc${minor}`,
        "--value=1000",
        "--description=batch",
        "--preemption-policy=Never",
      ]);
      const pc = get(["priorityclass", `pc${minor}`]);
      assert.equal(pc.value, 1000);
      assert.equal(pc.description, "batch");
      assert.equal(pc.preemptionPolicy, "Never");
      assert.equal(pc.globalDefault, undefined);
      write(["create", "priorityclass", `zero${minor}`, "--value=0"]);
      assert.equal(get(["priorityclass", `zero${minor}`]).value, 0);
    });

    test("run a pod (kubectl run itself sends JSON)", () => {
      ok(["-n", "pb", "run", "web", "--image=nginx:1.27", "--labels=app=web", "--env=A=B", "--port=80"]);
      const pod = get(["-n", "pb", "pod", "web"]);
      assert.deepEqual(pod.metadata.labels, { app: "web" });
      const c = pod.spec.containers[0];
      assert.equal(c.image, "nginx:1.27");
      assert.deepEqual(c.env, [{ name: "A", value: "B" }]);
      assert.deepEqual(c.ports, [{ containerPort: 80, protocol: "TCP" }]);
    });

    test("debug node creates a protobuf pod; drain --disable-eviction deletes with protobuf DeleteOptions", () => {
      ok(["apply", "-f", "-"], "apiVersion: v1\nkind: Node\nmetadata:\n  name: n1\n");
      const out = write(["debug", "node/n1", "--image=busybox", "--profile=general"]);
      const name = /pod (node-debugger-n1-\w+)/.exec(out)?.[1];
      assert.ok(name, out);
      const pod = get(["pod", name]);
      assert.equal(pod.spec.nodeName, "n1");
      assert.equal(pod.spec.hostPID, true);
      assert.equal(pod.spec.hostNetwork, true);
      assert.equal(pod.spec.restartPolicy, "Never");
      assert.deepEqual(pod.spec.tolerations, [{ operator: "Exists" }]);
      // VolumeSource is an inline struct: on the wire it is a nested message, in JSON its fields sit on the volume.
      assert.deepEqual(pod.spec.volumes, [{ name: "host-root", hostPath: { path: "/", type: "" } }]);
      assert.equal(pod.spec.containers[0].volumeMounts[0].mountPath, "/host");

      // A zero grace period is a pointer field: it must survive decoding, or the pod would linger for 30 s.
      const drained = write(["drain", "n1", "--force", "--disable-eviction", "--grace-period=0", "--timeout=20s"]);
      assert.match(drained, new RegExp(`pod/${name} deleted`));
      assert.equal(k.run(["get", "pod", name]).code, 1);
    });
  });
}
