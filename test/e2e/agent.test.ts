// `loci agent` end to end: a real server, two real agent processes with the process runtime, and pods whose
// containers are real processes. Checks what a user sees through kubectl and what the machine shows (/proc).
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { markedPids } from "../../src/agent/runtime/process/process-runtime.ts";
import { type RunningAgent, startAgent } from "../helpers/agent.ts";
import { eventually } from "../helpers/eventually.ts";
import { Kubectl, kubectlBinary } from "../helpers/kubectl.ts";
import { type RunningServer, startServer } from "../helpers/server.ts";

const binary = kubectlBinary(33);
const LEASE = ["--node-lease-duration-seconds", "4"];
const isRoot = process.getuid?.() === 0;

describe("loci agent with the process runtime", { skip: binary ? false : "kubectl.1.33 is not installed" }, () => {
  let server: RunningServer;
  let k: Kubectl;
  const tmp = mkdtempSync(join(tmpdir(), "loci-agent-e2e-"));
  const out = join(tmp, "out");
  const agents = new Map<string, RunningAgent>();
  const dataOf = (node: string) => join(tmp, node);

  const ok = (args: string[], input?: string) => {
    const r = k.run(args, input);
    assert.equal(r.code, 0, `kubectl ${args.join(" ")} failed: ${r.stderr}`);
    return r.stdout;
  };
  const podsJson = (selector: string) => JSON.parse(ok(["get", "pods", "-l", selector, "-o", "json"])).items as any[];

  before(async () => {
    // Short node-monitor timings (and 4 s leases renewed every second) so a silent agent shows within seconds.
    server = await startServer({ args: ["--node-monitor-grace-period=4s", "--node-monitor-period=1s"] });
    k = new Kubectl(binary!, server.kubeconfig);
    for (const [name, ip] of [
      ["agent-a", "127.0.0.2"],
      ["agent-b", "127.0.0.3"],
    ]) {
      agents.set(name, await startAgent(["--kubeconfig", server.kubeconfig, ...LEASE], name, dataOf(name), ip));
    }
  });
  after(async () => {
    for (const a of agents.values()) await a.stop("SIGTERM");
    k?.dispose();
    await server?.stop();
    rmSync(tmp, { recursive: true, force: true });
  });

  test("nodes register Ready with the host's facts and the given address", () => {
    const nodes = JSON.parse(ok(["get", "nodes", "-o", "json"])).items;
    assert.deepEqual(nodes.map((n: any) => n.metadata.name).sort(), ["agent-a", "agent-b"]);
    const a = nodes.find((n: any) => n.metadata.name === "agent-a");
    assert.equal(a.status.conditions.find((c: any) => c.type === "Ready").status, "True");
    assert.deepEqual(a.status.addresses[0], { type: "InternalIP", address: "127.0.0.2" });
    assert.match(a.status.nodeInfo.containerRuntimeVersion, /^process:\/\//);
    assert.ok(Number(a.status.capacity.cpu) >= 1);
  });

  test("a DaemonSet writing its node name (downward API) into a hostPath volume: one fresh file per node", async () => {
    // As root the container sees the hostPath folder at another path (its own mount namespace); otherwise at
    // the same path, which needs no mount.
    const mounted = isRoot ? join(tmp, "in-container") : out;
    ok(
      ["apply", "-f", "-"],
      `apiVersion: apps/v1
kind: DaemonSet
metadata: {name: writer}
spec:
  selector: {matchLabels: {app: writer}}
  template:
    metadata: {labels: {app: writer}}
    spec:
      terminationGracePeriodSeconds: 5
      containers:
      - name: w
        image: busybox
        command: ["/bin/sh", "-c", "while :; do echo $(NODE) > ${mounted}/$(NODE); echo wrote $(NODE); sleep 1; done"]
        env:
        - {name: NODE, valueFrom: {fieldRef: {fieldPath: spec.nodeName}}}
        volumeMounts: [{name: out, mountPath: ${mounted}}]
      volumes:
      - {name: out, hostPath: {path: ${out}, type: DirectoryOrCreate}}
`,
    );
    await eventually(() => {
      const pods = podsJson("app=writer");
      assert.equal(pods.length, 2);
      for (const p of pods) assert.equal(p.status.phase, "Running");
    });
    await eventually(() => {
      for (const node of ["agent-a", "agent-b"]) {
        const f = join(out, node);
        assert.ok(existsSync(f), `${f} exists`);
        assert.equal(readFileSync(f, "utf8").trim(), node);
        assert.ok(Date.now() - statSync(f).mtimeMs < 3000, "written within the last seconds");
      }
    });
    const ds = JSON.parse(ok(["get", "ds", "writer", "-o", "json"]));
    await eventually(() => {
      const s = JSON.parse(ok(["get", "ds", "writer", "-o", "json"])).status;
      assert.deepEqual([s.desiredNumberScheduled, s.numberReady, s.numberAvailable], [2, 2, 2]);
    });
    assert.ok(ds.metadata.uid);
  });

  test("agent kill -9: the node goes Unknown, its daemon pod stays and keeps running; after a restart the same containers (pid, start time, restartCount) and the output written meanwhile", async () => {
    const pod = podsJson("app=writer").find((p) => p.spec.nodeName === "agent-a");
    const before = pod.status.containerStatuses[0];
    const uid = pod.metadata.uid;
    const pidsBefore = markedPids(uid);
    assert.ok(pidsBefore.length > 0);
    await agents.get("agent-a")!.stop("SIGKILL");
    const killedAt = Date.now();
    await eventually(() => {
      const node = JSON.parse(ok(["get", "node", "agent-a", "-o", "json"]));
      assert.equal(node.status.conditions.find((c: any) => c.type === "Ready").status, "Unknown");
    }, 20_000);
    assert.ok(podsJson("app=writer").some((p) => p.metadata.uid === uid && !p.metadata.deletionTimestamp));
    const ds = JSON.parse(ok(["get", "ds", "writer", "-o", "json"])).status;
    assert.deepEqual([ds.desiredNumberScheduled, ds.numberMisscheduled], [1, 1]);
    const restartedAt = Date.now();
    agents.set("agent-a", await startAgent(LEASE, "agent-a", dataOf("agent-a"), "127.0.0.2"));
    await eventually(() => {
      const node = JSON.parse(ok(["get", "node", "agent-a", "-o", "json"]));
      assert.equal(node.status.conditions.find((c: any) => c.type === "Ready").status, "True");
    });
    const after = podsJson("app=writer").find((p) => p.metadata.uid === uid).status.containerStatuses[0];
    assert.equal(after.restartCount, before.restartCount);
    assert.deepEqual(after.state, before.state);
    assert.equal(after.containerID, before.containerID);
    assert.ok(markedPids(uid).includes(pidsBefore[0]), "the same processes run");
    const stamps = ok(["logs", pod.metadata.name, "--timestamps"])
      .trim()
      .split("\n")
      .map((l) => Date.parse(l.split(" ")[0]));
    const meanwhile = stamps.filter((t) => t > killedAt + 500 && t < restartedAt - 500);
    assert.ok(meanwhile.length >= 2, `lines logged while the agent was down: ${meanwhile.length}`);
  });

  test("kubectl logs through the API server: --tail, --timestamps, -f, errors with the kubelet's words", async () => {
    const pod = podsJson("app=writer").find((p) => p.spec.nodeName === "agent-b");
    const name = pod.metadata.name;
    const all = ok(["logs", name]);
    assert.match(all, /^(wrote agent-b\n)+$/);
    assert.equal(ok(["logs", name, "--tail=2"]), "wrote agent-b\nwrote agent-b\n");
    assert.match(
      ok(["logs", name, "--tail=1", "--timestamps"]),
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z wrote agent-b\n$/,
    );
    const follow = k.start(["logs", "-f", name, "--tail=0"]);
    try {
      await eventually(() => assert.match(follow.output(), /wrote agent-b\nwrote agent-b\n/), 10_000);
    } finally {
      follow.stop();
    }
    const r = k.run(["logs", name, "--previous"]);
    assert.notEqual(r.code, 0);
    assert.match(
      r.stderr,
      /Error from server \(BadRequest\): previous terminated container "w" in pod "writer-\w+" not found/,
    );
  });

  test("an unsupported volume keeps the pod Pending with a FailedMount event", async () => {
    ok(
      ["apply", "-f", "-"],
      `apiVersion: v1
kind: Pod
metadata: {name: claims}
spec:
  nodeName: agent-a
  containers: [{name: c, image: busybox, command: [sleep, "100"], volumeMounts: [{name: data, mountPath: /data}]}]
  volumes: [{name: data, persistentVolumeClaim: {claimName: nope}}]
`,
    );
    await eventually(() => {
      const events = ok(["get", "events", "--field-selector", "involvedObject.name=claims"]);
      assert.match(
        events,
        /FailedMount\s+pod\/claims\s+MountVolume.SetUp failed for volume "data" : volume type "persistentVolumeClaim" is not supported by the loci agent/,
      );
    });
    assert.match(ok(["get", "pod", "claims"]), /claims\s+0\/1\s+ContainerCreating/);
    ok(["delete", "pod", "claims", "--wait=false"]);
  });

  test("cpu and memory limits through cgroups: the limits are set, going past memory is OOMKilled", async (t) => {
    const node = JSON.parse(ok(["get", "node", "agent-a", "-o", "json"]));
    const ready = node.status.conditions.find((c: any) => c.type === "Ready");
    if (/limits are not enforced/.test(ready.message)) {
      t.skip(`limits are not enforced here: ${ready.message}`);
      return;
    }
    ok(
      ["apply", "-f", "-"],
      `apiVersion: v1
kind: Pod
metadata: {name: hungry}
spec:
  nodeName: agent-a
  restartPolicy: Never
  containers:
  - name: eat
    image: busybox
    command: ["/bin/sh", "-c", "sleep 1; tail /dev/zero"]
    resources: {limits: {memory: 32Mi, cpu: 250m}}
`,
    );
    const pod = await eventually(() => {
      const p = JSON.parse(ok(["get", "pod", "hungry", "-o", "json"]));
      assert.equal(p.status.phase, "Running");
      return p;
    });
    const id = `${pod.metadata.uid}_eat_0`;
    const v2 = existsSync("/sys/fs/cgroup/cgroup.controllers");
    if (v2) {
      assert.equal(readFileSync(`/sys/fs/cgroup/loci/${id}/memory.max`, "utf8").trim(), "33554432");
      assert.equal(readFileSync(`/sys/fs/cgroup/loci/${id}/cpu.max`, "utf8").trim(), "25000 100000");
    } else {
      assert.equal(readFileSync(`/sys/fs/cgroup/memory/loci/${id}/memory.limit_in_bytes`, "utf8").trim(), "33554432");
      assert.equal(readFileSync(`/sys/fs/cgroup/cpu/loci/${id}/cpu.cfs_quota_us`, "utf8").trim(), "25000");
    }
    const terminated = await eventually(() => {
      const p = JSON.parse(ok(["get", "pod", "hungry", "-o", "json"]));
      const s = p.status.containerStatuses[0].state.terminated;
      assert.ok(s);
      return s;
    }, 30_000);
    assert.deepEqual([terminated.reason, terminated.exitCode], ["OOMKilled", 137]);
    ok(["delete", "pod", "hungry", "--wait=false"]);
  });

  test("kubectl exec runs in the container and returns its exit code (WebSocket from 1.33, SPDY from 1.27)", async () => {
    const pod = podsJson("app=writer").find((p) => p.spec.nodeName === "agent-a");
    const name = pod.metadata.name;
    const r = k.run(["exec", name, "--", "sh", "-c", 'echo "node=$NODE marker=$LOCI_POD_UID"; echo oops >&2; exit 3']);
    assert.equal(r.code, 3);
    assert.equal(r.stdout, `node=agent-a marker=${pod.metadata.uid}\n`);
    assert.match(r.stderr, /^oops\ncommand terminated with exit code 3\n$/);
    assert.equal(k.run(["exec", "-i", name, "--", "tr", "a-z", "A-Z"], "hello\n").stdout, "HELLO\n");
    // kubectl 1.27 speaks SPDY/3.1 for exec.
    const old = kubectlBinary(27);
    if (old) {
      const legacy = new Kubectl(old, server.kubeconfig);
      try {
        const x = legacy.run(["exec", name, "--", "sh", "-c", "echo old; exit 4"]);
        assert.equal(x.code, 4, x.stderr);
        assert.equal(x.stdout, "old\n");
        assert.equal(legacy.run(["exec", "-i", name, "--", "tr", "a-z", "A-Z"], "spdy\n").stdout, "SPDY\n");
      } finally {
        legacy.dispose();
      }
    }
  });

  test("deleting a pod leaves no process with its marker (setsid and double-forked children too)", async () => {
    ok(
      ["apply", "-f", "-"],
      `apiVersion: v1
kind: Pod
metadata: {name: forker}
spec:
  nodeName: agent-b
  terminationGracePeriodSeconds: 2
  containers:
  - name: main
    image: busybox
    command: ["/bin/sh", "-c", "setsid sleep 1000 & (sh -c 'sleep 1000 &' &); trap '' TERM; while :; do sleep 0.2; done"]
`,
    );
    const pod = await eventually(() => {
      const p = JSON.parse(ok(["get", "pod", "forker", "-o", "json"]));
      assert.equal(p.status.phase, "Running");
      return p;
    });
    const uid = pod.metadata.uid;
    await eventually(() => assert.ok(markedPids(uid).length >= 3));
    const t0 = Date.now();
    ok(["delete", "pod", "forker", "--wait=true"]);
    await eventually(() => assert.deepEqual(markedPids(uid), []), 4000, 100);
    assert.ok(Date.now() - t0 < 2000 + 2000 + 1000, "gone within grace + 2 s");
    await eventually(() => assert.equal(existsSync(join(dataOf("agent-b"), "containers", uid)), false), 3000);
  });

  test("agent SIGTERM stops every container of the node", async () => {
    const uids = podsJson("app=writer")
      .filter((p) => p.spec.nodeName === "agent-b")
      .map((p) => p.metadata.uid);
    assert.equal(uids.length, 1);
    assert.ok(markedPids(uids[0]).length > 0);
    await agents.get("agent-b")!.stop("SIGTERM");
    assert.deepEqual(markedPids(uids[0]), []);
    // The runtime's records stay: a new agent starts from them.
    assert.ok(readdirSync(join(dataOf("agent-b"), "containers")).includes(uids[0]));
  });
});
