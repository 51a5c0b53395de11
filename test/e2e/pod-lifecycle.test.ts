// The pod lifecycle, identical cases for both runtimes: a real server, one real agent with the process runtime or
// the Docker runtime, and kubectl 1.33. The pods run busybox commands (the host's for the process runtime, the
// test image's for Docker) and share state with the test through hostPath folders mounted at their own path.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { type RunningAgent, startAgent } from "../helpers/agent.ts";
import { ensureTestImage, NO_DOCKER, TEST_IMAGE, testDockerSocket } from "../helpers/docker.ts";
import { eventually } from "../helpers/eventually.ts";
import { Kubectl, kubectlBinary } from "../helpers/kubectl.ts";
import { type RunningServer, startServer } from "../helpers/server.ts";

const binary = kubectlBinary(33);
const dockerSocket = await testDockerSocket();

for (const runtime of ["process", "docker"] as const) {
  const skip = !binary ? "kubectl.1.33 is not installed" : runtime === "docker" && !dockerSocket ? NO_DOCKER : false;
  describe(`pod lifecycle with the ${runtime} runtime`, { skip }, () => {
    let server: RunningServer;
    let agent: RunningAgent;
    let k: Kubectl;
    const node = `lifecycle-${runtime}`;
    const tmp = mkdtempSync(join(tmpdir(), `loci-lifecycle-${runtime}-`));
    // Distinct ports per runtime: process-runtime pods share the host's network.
    const basePort = 22000 + (process.pid % 10000) + (runtime === "docker" ? 100 : 0);

    const ok = (args: string[], input?: string) => {
      const r = k.run(args, input);
      assert.equal(r.code, 0, `kubectl ${args.join(" ")} failed: ${r.stderr}`);
      return r.stdout;
    };
    const podJson = (name: string) => JSON.parse(ok(["get", "pod", name, "-o", "json"]));
    const events = (name: string) => ok(["get", "events", "--field-selector", `involvedObject.name=${name}`]);
    /** A folder shared with the pod: a hostPath volume mounted at the same path. */
    const shared = (name: string) => {
      const dir = join(tmp, name);
      mkdirSync(dir, { recursive: true });
      return {
        dir,
        mount: `volumeMounts: [{name: shared, mountPath: ${dir}}]`,
        volume: `volumes: [{name: shared, hostPath: {path: ${dir}}}]`,
      };
    };
    const image = `image: ${TEST_IMAGE}\n    imagePullPolicy: IfNotPresent`;

    before(async () => {
      if (runtime === "docker") await ensureTestImage(dockerSocket!);
      server = await startServer();
      k = new Kubectl(binary!, server.kubeconfig);
      agent = await startAgent(["--kubeconfig", server.kubeconfig], node, join(tmp, "agent"), "127.0.0.2", {
        runtime,
        args: runtime === "docker" ? ["--docker-socket", dockerSocket!] : [],
      });
    });
    after(async () => {
      try {
        ok(["delete", "pods", "--all", "--wait=true", "--timeout=60s"]);
      } catch {}
      await agent?.stop("SIGTERM");
      k?.dispose();
      await server?.stop();
      rmSync(tmp, { recursive: true, force: true });
    });

    test("init containers in order, a sidecar that keeps running, preStop before SIGTERM", async () => {
      const s = shared("order");
      ok(
        ["apply", "-f", "-"],
        `apiVersion: v1
kind: Pod
metadata: {name: ordered}
spec:
  nodeName: ${node}
  terminationGracePeriodSeconds: 5
  initContainers:
  - name: first
    ${image}
    command: ["/bin/sh", "-c", "echo first >> ${s.dir}/order"]
    ${s.mount}
  - name: helper
    ${image}
    restartPolicy: Always
    command: ["/bin/sh", "-c", "echo helper >> ${s.dir}/order; while :; do sleep 1; done"]
    ${s.mount}
  - name: second
    ${image}
    command: ["/bin/sh", "-c", "echo second >> ${s.dir}/order"]
    ${s.mount}
  containers:
  - name: app
    ${image}
    command: ["/bin/sh", "-c", "echo app >> ${s.dir}/order; trap 'echo term >> ${s.dir}/order; exit 0' TERM; while :; do sleep 0.2; done"]
    lifecycle: {preStop: {exec: {command: ["/bin/sh", "-c", "echo prestop >> ${s.dir}/order"]}}}
    ${s.mount}
  ${s.volume}
`,
      );
      const pod = await eventually(() => {
        const p = podJson("ordered");
        assert.equal(p.status.phase, "Running");
        assert.ok(p.status.conditions.some((c: any) => c.type === "Ready" && c.status === "True"));
        return p;
      });
      const first = pod.status.initContainerStatuses.find((c: any) => c.name === "first");
      assert.equal(first.state.terminated.reason, "Completed");
      assert.equal(first.state.terminated.exitCode, 0);
      assert.match(ok(["get", "pod", "ordered"]), /ordered\s+2\/2\s+Running/);
      ok(["delete", "pod", "ordered"]);
      assert.deepEqual(readFileSync(join(s.dir, "order"), "utf8").trim().split("\n"), [
        "first",
        "helper",
        "second",
        "app",
        "prestop",
        "term",
      ]);
    });

    test("probes: tcpSocket startup, httpGet readiness on the pod IP, a failing exec liveness probe restarts the server; its neighbour reaches it on localhost before and after", async () => {
      const s = shared("probes");
      const port = basePort + 1;
      writeFileSync(join(s.dir, "alive"), "");
      writeFileSync(join(s.dir, "index.html"), "ok\n");
      ok(
        ["apply", "-f", "-"],
        `apiVersion: v1
kind: Pod
metadata: {name: probed}
spec:
  nodeName: ${node}
  terminationGracePeriodSeconds: 1
  containers:
  - name: web
    ${image}
    command: ["busybox", "httpd", "-f", "-p", "${port}", "-h", "${s.dir}"]
    ports: [{name: http, containerPort: ${port}}]
    startupProbe: {tcpSocket: {port: http}, periodSeconds: 1}
    readinessProbe: {httpGet: {path: /index.html, port: http}, periodSeconds: 1}
    livenessProbe: {exec: {command: [test, -f, "${s.dir}/alive"]}, periodSeconds: 1, failureThreshold: 2}
    ${s.mount}
  - name: neighbour
    ${image}
    command: ["/bin/sh", "-c", "while :; do if (printf 'GET /index.html HTTP/1.0\\r\\n\\r\\n'; sleep 0.3) | busybox nc localhost ${port} | grep -q ' 200 '; then echo reached; else echo missed; fi; sleep 0.5; done"]
  ${s.volume}
`,
      );
      await eventually(() => assert.match(ok(["get", "pod", "probed"]), /probed\s+2\/2\s+Running\s+0/));
      await eventually(() => assert.match(ok(["logs", "probed", "-c", "neighbour"]), /reached/));
      rmSync(join(s.dir, "alive"));
      await eventually(() => {
        const web = podJson("probed").status.containerStatuses.find((c: any) => c.name === "web");
        assert.ok(web.restartCount >= 1);
      }, 30_000);
      writeFileSync(join(s.dir, "alive"), "");
      const reachedBefore = ok(["logs", "probed", "-c", "neighbour"]).split("reached").length;
      await eventually(() => {
        assert.match(ok(["get", "pod", "probed"]), /probed\s+2\/2\s+Running/);
        assert.ok(ok(["logs", "probed", "-c", "neighbour"]).split("reached").length > reachedBefore + 1);
      }, 30_000);
      const e = events("probed");
      assert.match(e, /Unhealthy\s+pod\/probed\s+Liveness probe failed:/);
      assert.match(e, /Killing\s+pod\/probed\s+Container web failed liveness probe, will be restarted/);
      ok(["delete", "pod", "probed", "--wait=false"]);
    });

    test("a crashing container: CrashLoopBackOff with its last exit code; logs --previous shows the run before", async () => {
      ok([
        "run",
        "crasher",
        `--image=${TEST_IMAGE}`,
        "--image-pull-policy=IfNotPresent",
        "--overrides",
        JSON.stringify({ spec: { nodeName: node } }),
        "--",
        "/bin/sh",
        "-c",
        "echo run $(cat /proc/sys/kernel/random/uuid); exit 3",
      ]);
      const cs = await eventually(() => {
        const c = podJson("crasher").status.containerStatuses?.[0];
        assert.equal(c?.state?.waiting?.reason, "CrashLoopBackOff");
        assert.ok(c.restartCount >= 1);
        return c;
      }, 30_000);
      assert.equal(cs.lastState.terminated.exitCode, 3);
      assert.equal(cs.lastState.terminated.reason, "Error");
      assert.match(
        cs.state.waiting.message,
        /^back-off (10|20)s restarting failed container=crasher pod=crasher_default\(/,
      );
      assert.match(ok(["get", "pod", "crasher"]), /crasher\s+0\/1\s+CrashLoopBackOff/);
      assert.match(events("crasher"), /BackOff\s+pod\/crasher\s+Back-off restarting failed container crasher/);
      const last = ok(["logs", "crasher"]);
      const previous = ok(["logs", "crasher", "--previous"]);
      assert.match(last, /^run [0-9a-f-]{36}\n$/);
      assert.match(previous, /^run [0-9a-f-]{36}\n$/);
      ok(["delete", "pod", "crasher", "--wait=false"]);
    });

    test("volumes: a ConfigMap update reaches the mounted file; env from a Secret; downwardAPI files", {
      skip:
        runtime === "process" && process.getuid?.() !== 0 ? "the process runtime mounts volumes as root only" : false,
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
  nodeName: ${node}
  terminationGracePeriodSeconds: 1
  containers:
  - name: r
    ${image}
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

    test("kubectl exec: output, stderr and the exit code; stdin with -i", async () => {
      ok([
        "run",
        "shell",
        `--image=${TEST_IMAGE}`,
        "--image-pull-policy=IfNotPresent",
        "--env=GREETING=hello",
        "--overrides",
        JSON.stringify({ spec: { nodeName: node, terminationGracePeriodSeconds: 1 } }),
        "--",
        "/bin/sh",
        "-c",
        "while :; do sleep 1; done",
      ]);
      await eventually(() => assert.match(ok(["get", "pod", "shell"]), /shell\s+1\/1\s+Running/));
      const r = k.run(["exec", "shell", "--", "/bin/sh", "-c", 'echo "$GREETING"; echo oops >&2; exit 3']);
      assert.equal(r.code, 3);
      assert.equal(r.stdout, "hello\n");
      assert.match(r.stderr, /^oops\ncommand terminated with exit code 3\n$/);
      assert.equal(k.run(["exec", "-i", "shell", "--", "tr", "a-z", "A-Z"], "hello\n").stdout, "HELLO\n");
      ok(["delete", "pod", "shell", "--wait=false"]);
    });

    test("kubectl port-forward reaches a pod's port (WebSocket from kubectl 1.33, SPDY from 1.27)", async () => {
      const s = shared("forward");
      const port = basePort + 2;
      writeFileSync(join(s.dir, "index.html"), "pong\n");
      ok(
        ["apply", "-f", "-"],
        `apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  nodeName: ${node}
  terminationGracePeriodSeconds: 1
  containers:
  - name: web
    ${image}
    command: ["busybox", "httpd", "-f", "-p", "${port}", "-h", "${s.dir}"]
    readinessProbe: {tcpSocket: {port: ${port}}, periodSeconds: 1}
    ${s.mount}
  ${s.volume}
`,
      );
      await eventually(() => assert.match(ok(["get", "pod", "web"]), /web\s+1\/1\s+Running/));
      for (const minor of [33, 27]) {
        const bin = kubectlBinary(minor);
        if (!bin) continue;
        const kc = new Kubectl(bin, server.kubeconfig);
        const local = port + minor;
        const pf = kc.start(["port-forward", "pod/web", `${local}:${port}`]);
        try {
          await eventually(() => assert.match(pf.output(), /Forwarding from 127\.0\.0\.1/), 10_000);
          for (let i = 0; i < 2; i++) {
            const res = await fetch(`http://127.0.0.1:${local}/index.html`);
            assert.equal(await res.text(), "pong\n");
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
  nodeName: ${node}
  terminationGracePeriodSeconds: 1
  containers:
  - name: echo
    ${image}
    stdin: true
    command: ["/bin/sh", "-c", "while read l; do echo got $l; echo warn $l >&2; done"]
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

    test("kubectl run -it: a shell on a terminal shows its prompt, echoes what is typed, and ends with its exit code", async () => {
      const term = k.startOnTerminal([
        "run",
        "-it",
        "tty",
        `--image=${TEST_IMAGE}`,
        "--image-pull-policy=IfNotPresent",
        "--restart=Never",
        "--env=PS1=tty$ ",
        "--overrides",
        JSON.stringify({ spec: { nodeName: node, terminationGracePeriodSeconds: 1 } }),
        "--",
        "/bin/sh",
        "-i",
      ]);
      await eventually(
        () => assert.match(term.output(), /If you don't see a command prompt, try pressing enter\./),
        30_000,
      );
      term.write("\r");
      // (busybox's shell follows its prompt with a cursor-position query, ESC [6n.)
      const ESC = String.fromCharCode(27);
      await eventually(() => assert.ok(/tty\$ $/.test(term.output().replace(`${ESC}[6n`, ""))), 10_000);
      term.write("echo answer-$((6*7)) $(test -t 0 && echo on-a-terminal)\r");
      // (Typed-ahead input is echoed by the terminal before the shell's next prompt, so only the answer's line is
      // certain.)
      await eventually(() => assert.match(term.output(), /answer-42 on-a-terminal\r\n/), 10_000);
      term.write("exit 3\r");
      assert.equal(await term.exited, 3, term.output());
      const pod = podJson("tty");
      assert.equal(pod.spec.containers[0].tty, true);
      assert.equal(pod.status.containerStatuses[0].state.terminated.exitCode, 3);
      ok(["delete", "pod", "tty", "--wait=false"]);
    });

    test("kubectl exec -it: the command's terminal has kubectl's window size (kubectl 1.33 and 1.27)", async () => {
      ok([
        "run",
        "sized",
        `--image=${TEST_IMAGE}`,
        "--image-pull-policy=IfNotPresent",
        "--overrides",
        JSON.stringify({ spec: { nodeName: node, terminationGracePeriodSeconds: 1 } }),
        "--",
        "/bin/sh",
        "-c",
        "while :; do sleep 1; done",
      ]);
      await eventually(() => assert.match(ok(["get", "pod", "sized"]), /sized\s+1\/1\s+Running/));
      for (const [minor, cols, rows] of [
        [33, 97, 31],
        [27, 101, 29],
      ]) {
        const bin = kubectlBinary(minor);
        if (!bin) continue;
        const kc = new Kubectl(bin, server.kubeconfig);
        try {
          // The size arrives just after the command starts: it looks a moment later.
          const term = kc.startOnTerminal(["exec", "-it", "sized", "--", "/bin/sh", "-c", "sleep 1; stty size"], {
            cols,
            rows,
          });
          assert.equal(await term.exited, 0, term.output());
          assert.match(term.output(), new RegExp(`${rows} ${cols}\r\n`));
        } finally {
          kc.dispose();
        }
      }
      ok(["delete", "pod", "sized", "--wait=false"]);
    });

    test("graceful stop: a container that ignores SIGTERM is killed when terminationGracePeriodSeconds is over", async () => {
      ok(
        ["apply", "-f", "-"],
        `apiVersion: v1
kind: Pod
metadata: {name: stubborn}
spec:
  nodeName: ${node}
  terminationGracePeriodSeconds: 3
  containers:
  - name: c
    ${image}
    command: ["/bin/sh", "-c", "trap '' TERM; echo started; while :; do sleep 0.2; done"]
`,
      );
      await eventually(() => assert.match(ok(["logs", "stubborn"]), /started/));
      const started = Date.now();
      ok(["delete", "pod", "stubborn"]);
      const took = Date.now() - started;
      assert.ok(took >= 2500, `deleted after ${took} ms, before the grace period`);
      assert.ok(took < 12_000, `deleted after ${took} ms`);
      assert.match(events("stubborn"), /Killing\s+pod\/stubborn\s+Stopping container c/);
    });
  });
}
