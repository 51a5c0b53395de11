// `loci agent` end to end: a real server, two real agent processes with the process runtime, and pods whose
// containers are real processes. Checks what a user sees through kubectl and what the machine shows (/proc).
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
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

  test("volumes: a ConfigMap update reaches the mounted file; env from a Secret; downwardAPI files", {
    skip: isRoot ? false : "mounting volumes needs root",
  }, async () => {
    ok(["create", "configmap", "settings", "--from-literal=color=blue"]);
    ok(["create", "secret", "generic", "creds", "--from-literal=password=hunter2"]);
    const at = join(tmp, "in-reader");
    ok(
      ["apply", "-f", "-"],
      `apiVersion: v1
kind: Pod
metadata: {name: reader, labels: {tier: backend}}
spec:
  nodeName: agent-a
  terminationGracePeriodSeconds: 1
  containers:
  - name: r
    image: busybox
    command: ["/bin/sh", "-c", "while :; do echo color=$(cat ${at}/cfg/color) pw=$PW labels=$(cat ${at}/info/labels); sleep 1; done"]
    env: [{name: PW, valueFrom: {secretKeyRef: {name: creds, key: password}}}]
    volumeMounts:
    - {name: cfg, mountPath: ${at}/cfg, readOnly: true}
    - {name: info, mountPath: ${at}/info}
  volumes:
  - {name: cfg, configMap: {name: settings}}
  - {name: info, downwardAPI: {items: [{path: labels, fieldRef: {fieldPath: metadata.labels}}]}}
`,
    );
    await eventually(() =>
      assert.match(ok(["logs", "reader", "--tail=1"]), /^color=blue pw=hunter2 labels=tier="backend"\n$/),
    );
    ok(["patch", "configmap", "settings", "-p", '{"data":{"color":"red"}}']);
    // The kubelet's sync period bounds how long an update takes; loci refreshes every 10 s.
    await eventually(() => assert.match(ok(["logs", "reader", "--tail=1"]), /^color=red /), 20_000);
    ok(["delete", "pod", "reader", "--wait=false"]);
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
        /FailedMount\s+pod\/claims\s+MountVolume.SetUp failed for volume "data" : volume type "persistentVolumeClaim" is not supported by the process runtime/,
      );
    });
    assert.match(ok(["get", "pod", "claims"]), /claims\s+0\/1\s+ContainerCreating/);
    ok(["delete", "pod", "claims", "--wait=false"]);
  });

  test("init containers in order, a sidecar that keeps running, preStop before SIGTERM", async () => {
    const marks = join(tmp, "marks");
    ok(
      ["apply", "-f", "-"],
      `apiVersion: v1
kind: Pod
metadata: {name: sidecars}
spec:
  nodeName: agent-a
  terminationGracePeriodSeconds: 5
  initContainers:
  - {name: first, image: busybox, command: ["/bin/sh", "-c", "mkdir -p ${marks}; echo first >> ${marks}/order"]}
  - name: helper
    image: busybox
    restartPolicy: Always
    command: ["/bin/sh", "-c", "echo helper >> ${marks}/order; while :; do sleep 1; done"]
  - {name: second, image: busybox, command: ["/bin/sh", "-c", "echo second >> ${marks}/order"]}
  containers:
  - name: app
    image: busybox
    command: ["/bin/sh", "-c", "echo app >> ${marks}/order; trap 'echo term >> ${marks}/order; exit 0' TERM; while :; do sleep 0.2; done"]
    lifecycle: {preStop: {exec: {command: ["/bin/sh", "-c", "echo prestop >> ${marks}/order"]}}}
`,
    );
    const pod = await eventually(() => {
      const p = JSON.parse(ok(["get", "pod", "sidecars", "-o", "json"]));
      assert.equal(p.status.phase, "Running");
      assert.ok(p.status.conditions.some((c: any) => c.type === "Ready" && c.status === "True"));
      return p;
    });
    const helper = pod.status.initContainerStatuses.find((s: any) => s.name === "helper");
    assert.ok(helper.state.running && helper.started && helper.ready);
    assert.match(ok(["get", "pod", "sidecars"]), /sidecars\s+2\/2\s+Running/);
    ok(["delete", "pod", "sidecars"]);
    assert.deepEqual(readFileSync(join(marks, "order"), "utf8").trim().split("\n"), [
      "first",
      "helper",
      "second",
      "app",
      "prestop",
      "term",
    ]);
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

  test("kubectl port-forward reaches a pod's port (WebSocket from kubectl 1.33, SPDY from 1.27)", async () => {
    const podPort = 21000 + (process.pid % 20000);
    const program = `require('http').createServer((q,r)=>r.end('pong '+q.url)).listen(${podPort},'127.0.0.2')`;
    ok(
      ["apply", "-f", "-"],
      `apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  nodeName: agent-a
  terminationGracePeriodSeconds: 1
  containers:
  - {name: web, image: node, command: ["${process.execPath}", "-e", "${program}"], readinessProbe: {tcpSocket: {port: ${podPort}}, periodSeconds: 1}}
`,
    );
    await eventually(() => assert.match(ok(["get", "pod", "web"]), /web\s+1\/1\s+Running/));
    for (const minor of [33, 27]) {
      const bin = kubectlBinary(minor);
      if (!bin) continue;
      const kc = new Kubectl(bin, server.kubeconfig);
      const local = podPort + minor;
      const pf = kc.start(["port-forward", "pod/web", `${local}:${podPort}`]);
      try {
        await eventually(() => assert.match(pf.output(), /Forwarding from 127\.0\.0\.1/), 10_000);
        for (const path of ["/a", "/b"]) {
          const res = await fetch(`http://127.0.0.1:${local}${path}`);
          assert.equal(await res.text(), `pong ${path}`);
        }
      } finally {
        pf.stop();
        kc.dispose();
      }
    }
    ok(["delete", "pod", "web", "--wait=false"]);
  });

  test("kubectl attach follows a running container's output and writes to its stdin (kubectl 1.33 and 1.27)", async () => {
    ok(
      ["apply", "-f", "-"],
      `apiVersion: v1
kind: Pod
metadata: {name: talker}
spec:
  nodeName: agent-a
  terminationGracePeriodSeconds: 1
  containers:
  - {name: echo, image: busybox, stdin: true, command: ["/bin/sh", "-c", "while read l; do echo got $l; echo warn $l >&2; done"]}
`,
    );
    await eventually(() => assert.match(ok(["get", "pod", "talker"]), /talker\s+1\/1\s+Running/));
    for (const minor of [33, 27]) {
      const bin = kubectlBinary(minor);
      if (!bin) continue;
      const kc = new Kubectl(bin, server.kubeconfig);
      const word = `w${minor}`;
      const attached = kc.start(["attach", "-i", "talker", "-c", "echo"]);
      try {
        await eventually(() => assert.match(attached.output(), /If you don't see a command prompt/), 10_000);
        attached.write(`${word}\n`);
        await eventually(() => {
          assert.match(attached.output(), new RegExp(`got ${word}\n`));
          assert.match(attached.output(), new RegExp(`warn ${word}\n`));
        }, 10_000);
      } finally {
        attached.stop();
        kc.dispose();
      }
    }
    assert.match(ok(["logs", "talker"]), /got w33\n[\s\S]*got w27\n/);
    ok(["delete", "pod", "talker", "--wait=false"]);
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

  test("a crashing container shows CrashLoopBackOff with growing back-off and its last exit code", async () => {
    ok([
      "run",
      "crasher",
      "--image=busybox",
      "--overrides",
      '{"spec":{"nodeName":"agent-a"}}',
      "--",
      "sh",
      "-c",
      "echo run $(date +%s%N); exit 3",
    ]);
    const cs = await eventually(() => {
      const p = JSON.parse(ok(["get", "pod", "crasher", "-o", "json"]));
      const s = p.status.containerStatuses?.[0];
      assert.equal(s?.state?.waiting?.reason, "CrashLoopBackOff");
      assert.ok(s.restartCount >= 1);
      return s;
    }, 30_000);
    assert.equal(cs.lastState.terminated.exitCode, 3);
    assert.match(
      cs.state.waiting.message,
      /^back-off (10|20)s restarting failed container=crasher pod=crasher_default\(/,
    );
    assert.match(ok(["get", "pod", "crasher"]), /crasher\s+0\/1\s+CrashLoopBackOff/);
    const events = ok(["get", "events", "--field-selector", "involvedObject.name=crasher"]);
    assert.match(
      events,
      /BackOff\s+pod\/crasher\s+Back-off restarting failed container crasher in pod crasher_default/,
    );
    // The last run and the one before it, each with its own output.
    const last = ok(["logs", "crasher"]);
    const previous = ok(["logs", "crasher", "--previous"]);
    assert.match(last, /^run \d+\n$/);
    assert.match(previous, /^run \d+\n$/);
    ok(["delete", "pod", "crasher", "--wait=false"]);
  });

  test("probes: an httpGet readiness probe makes the pod Ready; a failing exec liveness probe restarts it", async () => {
    const port = 20000 + (process.pid % 20000);
    const alive = join(tmp, "alive");
    writeFileSync(alive, "");
    const server = `require('http').createServer((q,r)=>r.end('ok')).listen(${port},'127.0.0.2')`;
    ok(
      ["apply", "-f", "-"],
      `apiVersion: v1
kind: Pod
metadata: {name: probed}
spec:
  nodeName: agent-a
  terminationGracePeriodSeconds: 1
  containers:
  - name: web
    image: node
    command: ["${process.execPath}", "-e", "${server}"]
    ports: [{name: http, containerPort: ${port}}]
    readinessProbe: {httpGet: {path: /, port: http}, periodSeconds: 1}
    livenessProbe: {exec: {command: [test, -f, "${alive}"]}, periodSeconds: 1, failureThreshold: 2}
`,
    );
    await eventually(() => assert.match(ok(["get", "pod", "probed"]), /probed\s+1\/1\s+Running\s+0/));
    rmSync(alive);
    await eventually(() => {
      const s = JSON.parse(ok(["get", "pod", "probed", "-o", "json"])).status.containerStatuses[0];
      assert.ok(s.restartCount >= 1);
    }, 20_000);
    const events = ok(["get", "events", "--field-selector", "involvedObject.name=probed"]);
    assert.match(events, /Unhealthy\s+pod\/probed\s+Liveness probe failed:/);
    assert.match(events, /Killing\s+pod\/probed\s+Container web failed liveness probe, will be restarted/);
    ok(["delete", "pod", "probed", "--wait=false"]);
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
