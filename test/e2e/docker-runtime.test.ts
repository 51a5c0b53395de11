// What only the Docker runtime has: containers Docker can show (IDs, labels, limits), pod IPs from loci's network,
// image pulls that fail, an agent restart that keeps live pods' containers and removes strays, and a DaemonSet
// rolled across three agents sharing one Docker Engine. Needs an Engine (LOCI_TEST_DOCKER_SOCKET; .ci/run starts one).
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import Docker from "dockerode";
import { type RunningAgent, startAgent } from "../helpers/agent.ts";
import { ensureTestImage, NO_DOCKER, nodeContainers, TEST_IMAGE, testDockerSocket } from "../helpers/docker.ts";
import { eventually, sleep } from "../helpers/eventually.ts";
import { Kubectl, kubectlBinary } from "../helpers/kubectl.ts";
import { type RunningServer, startServer } from "../helpers/server.ts";

const binary = kubectlBinary(33);
const socket = await testDockerSocket();
const skip = !binary ? "kubectl.1.33 is not installed" : !socket ? NO_DOCKER : false;
/** A second tag of the test image, for a rolling image update. */
const TEST_IMAGE_2 = "loci-test/busybox:2";

describe("the Docker runtime", { skip }, () => {
  let server: RunningServer;
  let k: Kubectl;
  let docker: Docker;
  const tmp = mkdtempSync(join(tmpdir(), "loci-docker-e2e-"));
  const agents = new Map<string, RunningAgent>();
  const NODES = ["dock-a", "dock-b", "dock-c"];

  const ok = (args: string[], input?: string) => {
    const r = k.run(args, input);
    assert.equal(r.code, 0, `kubectl ${args.join(" ")} failed: ${r.stderr}`);
    return r.stdout;
  };
  const podJson = (name: string) => JSON.parse(ok(["get", "pod", name, "-o", "json"]));
  const startNode = async (name: string, i: number) => {
    // dock-a leaves the choice to the agent: `auto` is Docker when it answers.
    const a = await startAgent(["--kubeconfig", server.kubeconfig], name, join(tmp, name), `127.0.0.${2 + i}`, {
      runtime: name === "dock-a" ? "auto" : "docker",
      args: ["--docker-socket", socket!],
    });
    agents.set(name, a);
  };
  const sleeper = (name: string, node: string, extra = "") => `apiVersion: v1
kind: Pod
metadata: {name: ${name}}
spec:
  nodeName: ${node}
  terminationGracePeriodSeconds: 1
  containers:
  - name: main
    image: ${TEST_IMAGE}
    imagePullPolicy: IfNotPresent
    command: ["/bin/sh", "-c", "echo up; while :; do sleep 1; done"]
${extra}`;

  before(async () => {
    await ensureTestImage(socket!);
    docker = new Docker({ socketPath: socket! });
    await docker.getImage(TEST_IMAGE).tag({ repo: "loci-test/busybox", tag: "2" });
    server = await startServer();
    k = new Kubectl(binary!, server.kubeconfig);
    for (const [i, name] of NODES.entries()) await startNode(name, i);
  });
  after(async () => {
    try {
      ok(["delete", "ds,pods", "--all", "--wait=true", "--timeout=60s"]);
    } catch {}
    for (const a of agents.values()) await a.stop("SIGTERM");
    k?.dispose();
    await server?.stop();
    // Nothing of these nodes may outlive the test.
    for (const node of NODES) {
      for (const c of await nodeContainers(socket!, node)) await docker.getContainer(c.Id).remove({ force: true });
    }
    rmSync(tmp, { recursive: true, force: true });
  });

  test("the node and its pods: docker:// runtime (chosen by --runtime auto), container and image IDs, pod IPs from --pod-cidr; hostNetwork pods have the node's", async () => {
    const nodeInfo = JSON.parse(ok(["get", "node", "dock-a", "-o", "json"])).status.nodeInfo;
    assert.match(nodeInfo.containerRuntimeVersion, /^docker:\/\/\d+\.\d+/);
    ok(["apply", "-f", "-"], sleeper("ids", "dock-a"));
    ok(["apply", "-f", "-"], sleeper("hostnet", "dock-a", "  hostNetwork: true\n"));
    const pod = await eventually(() => {
      const p = podJson("ids");
      assert.equal(p.status.phase, "Running");
      return p;
    });
    const cs = pod.status.containerStatuses[0];
    assert.match(cs.containerID, /^docker:\/\/[0-9a-f]{64}$/);
    assert.match(cs.imageID, /^docker:\/\/sha256:[0-9a-f]{64}$/);
    assert.match(pod.status.podIP, /^10\.88\.\d+\.\d+$/);
    assert.equal(pod.status.hostIP, "127.0.0.2");
    const host = await eventually(() => {
      const p = podJson("hostnet");
      assert.equal(p.status.phase, "Running");
      return p;
    });
    assert.equal(host.status.podIP, "127.0.0.2");
    // Docker shows the container, labelled with its pod, and the pod's sandbox.
    const mine = (await nodeContainers(socket!, "dock-a")).filter(
      (c) => c.Labels["io.kubernetes.pod.uid"] === pod.metadata.uid,
    );
    assert.deepEqual(mine.map((c) => c.Labels["io.kubernetes.docker.type"]).sort(), ["container", "podsandbox"]);
    const main = mine.find((c) => c.Labels["io.kubernetes.container.name"] === "main")!;
    assert.equal(`docker://${main.Id}`, cs.containerID);
    assert.equal(main.Labels["io.kubernetes.pod.name"], "ids");
    assert.equal(main.Labels["io.kubernetes.pod.namespace"], "default");
    ok(["delete", "pod", "ids", "hostnet"]);
    await eventually(async () => {
      const left = await nodeContainers(socket!, "dock-a");
      assert.equal(left.filter((c) => c.Labels["io.kubernetes.pod.uid"] === pod.metadata.uid).length, 0);
    });
  });

  test("securityContext: runAsUser and runAsGroup, capabilities dropped and added, a read-only root filesystem, privileged", async () => {
    ok(
      ["apply", "-f", "-"],
      `apiVersion: v1
kind: Pod
metadata: {name: confined}
spec:
  nodeName: dock-b
  terminationGracePeriodSeconds: 1
  securityContext: {runAsUser: 1000, runAsGroup: 3000}
  containers:
  - name: confined
    image: ${TEST_IMAGE}
    imagePullPolicy: IfNotPresent
    command: ["/bin/sh", "-c", "echo ids $(id -u) $(id -g); grep CapBnd /proc/self/status; touch /rootfs-test 2>/dev/null && echo wrote || echo read-only; sleep 1000"]
    securityContext: {readOnlyRootFilesystem: true, capabilities: {drop: [ALL], add: [NET_BIND_SERVICE]}}
  - name: privileged
    image: ${TEST_IMAGE}
    imagePullPolicy: IfNotPresent
    command: ["/bin/sh", "-c", "sleep 1000"]
    securityContext: {privileged: true, runAsUser: 0}
`,
    );
    // Only NET_BIND_SERVICE (bit 10) is left in the bounding set.
    await eventually(
      () =>
        assert.match(
          ok(["logs", "confined", "-c", "confined"]),
          /^ids 1000 3000\nCapBnd:\s+0000000000000400\nread-only\n$/,
        ),
      30_000,
    );
    // Whether a privileged container can start depends on the machine (a VM without every capability cannot);
    // what loci asks Docker for is the same everywhere.
    const uid = podJson("confined").metadata.uid;
    const privileged = await eventually(async () => {
      const c = (await nodeContainers(socket!, "dock-b")).find(
        (x) => x.Labels["io.kubernetes.pod.uid"] === uid && x.Labels["io.kubernetes.container.name"] === "privileged",
      );
      assert.ok(c);
      return docker.getContainer(c.Id).inspect();
    });
    assert.equal(privileged.HostConfig.Privileged, true);
    assert.equal(privileged.Config.User, "0:3000");
    ok(["delete", "pod", "confined", "--wait=false"]);
  });

  test("limits: Docker holds 32Mi and 250m; allocating past the memory limit ends OOMKilled with exit code 137", async () => {
    ok(
      ["apply", "-f", "-"],
      `apiVersion: v1
kind: Pod
metadata: {name: hungry}
spec:
  nodeName: dock-b
  terminationGracePeriodSeconds: 1
  containers:
  - name: eat
    image: ${TEST_IMAGE}
    imagePullPolicy: IfNotPresent
    command: ["/bin/sh", "-c", "echo eating; x=$(head -c 100000000 /dev/zero | tr '\\\\0' a); echo done"]
    resources: {limits: {memory: 32Mi, cpu: 250m}}
`,
    );
    const cs = await eventually(() => {
      const c = podJson("hungry").status.containerStatuses?.[0];
      assert.equal(c?.lastState?.terminated?.reason, "OOMKilled");
      return c;
    }, 30_000);
    assert.equal(cs.lastState.terminated.exitCode, 137);
    const id = cs.lastState.terminated.containerID.replace("docker://", "");
    const info = await docker.getContainer(id).inspect();
    assert.equal(info.HostConfig.Memory, 33554432);
    assert.equal(info.HostConfig.NanoCpus, 250000000);
    ok(["delete", "pod", "hungry", "--wait=false"]);
  });

  test("images: a pull that fails is ErrImagePull, then ImagePullBackOff with the kubelet's events; Never without the image is ErrImageNeverPull", async () => {
    // Nothing listens on port 9: the pull fails at once, as without a registry.
    const missing = "127.0.0.1:9/loci/missing:1";
    ok(["run", "unpullable", `--image=${missing}`, "--overrides", JSON.stringify({ spec: { nodeName: "dock-b" } })]);
    ok([
      "run",
      "neverpull",
      `--image=${missing}`,
      "--image-pull-policy=Never",
      "--overrides",
      JSON.stringify({ spec: { nodeName: "dock-b" } }),
    ]);
    const seen = new Set<string>();
    await eventually(() => {
      const w = podJson("unpullable").status.containerStatuses?.[0]?.state?.waiting;
      if (w?.reason) seen.add(w.reason);
      assert.ok(seen.has("ImagePullBackOff"), `waiting reasons seen: ${[...seen].join(", ")}`);
      assert.match(w.message, /^Back-off pulling image "127\.0\.0\.1:9\/loci\/missing:1": ErrImagePull: /);
    }, 30_000);
    assert.match(ok(["get", "pod", "unpullable"]), /unpullable\s+0\/1\s+(ImagePullBackOff|ErrImagePull)/);
    const events = ok(["get", "events", "--field-selector", "involvedObject.name=unpullable"]);
    assert.match(events, /Pulling\s+pod\/unpullable\s+Pulling image "127\.0\.0\.1:9\/loci\/missing:1"/);
    assert.match(events, /Failed\s+pod\/unpullable\s+Failed to pull image "127\.0\.0\.1:9\/loci\/missing:1": /);
    assert.match(events, /Failed\s+pod\/unpullable\s+Error: ErrImagePull/);
    assert.match(events, /BackOff\s+pod\/unpullable\s+Back-off pulling image "127\.0\.0\.1:9\/loci\/missing:1"/);
    const never = await eventually(() => {
      const w = podJson("neverpull").status.containerStatuses?.[0]?.state?.waiting;
      assert.equal(w?.reason, "ErrImageNeverPull");
      return w;
    });
    assert.equal(never.message, `Container image "${missing}" is not present with pull policy of Never`);
    ok(["delete", "pod", "unpullable", "neverpull", "--wait=false"]);
  });

  test("agent kill -9, a pod force-deleted meanwhile, a stray container: after a restart only the live pod's containers remain, unchanged", async () => {
    ok(["apply", "-f", "-"], sleeper("keep", "dock-c"));
    ok(["apply", "-f", "-"], sleeper("drop", "dock-c"));
    await eventually(() => {
      for (const p of ["keep", "drop"]) assert.equal(podJson(p).status.phase, "Running");
    });
    const keepUid = podJson("keep").metadata.uid;
    const idsOf = async (uid: string) =>
      (await nodeContainers(socket!, "dock-c"))
        .filter((c) => c.Labels["io.kubernetes.pod.uid"] === uid)
        .map((c) => c.Id)
        .sort();
    const keepIds = await idsOf(keepUid);
    assert.equal(keepIds.length, 2);
    await agents.get("dock-c")!.stop("SIGKILL");
    ok(["delete", "pod", "drop", "--force", "--grace-period=0"]);
    const stray = await docker.createContainer({
      Image: TEST_IMAGE,
      Entrypoint: ["/bin/sleep", "1000"],
      Labels: {
        "loci.node": "dock-c",
        "io.kubernetes.pod.uid": "00000000-0000-0000-0000-00000000dead",
        "io.kubernetes.container.name": "stray",
        "io.kubernetes.docker.type": "container",
        "loci.attempt": "0",
      },
    });
    await stray.start();
    await startNode("dock-c", 2);
    await eventually(async () => {
      const left = (await nodeContainers(socket!, "dock-c")).map((c) => c.Id).sort();
      assert.deepEqual(left, keepIds);
    }, 30_000);
    assert.equal(podJson("keep").status.containerStatuses[0].restartCount, 0);
    ok(["delete", "pod", "keep", "--wait=false"]);
  });

  test("a DaemonSet on three agents sharing one Engine: one container per node, a rolling image update within maxUnavailable, nothing left after delete", async () => {
    ok(
      ["apply", "-f", "-"],
      `apiVersion: apps/v1
kind: DaemonSet
metadata: {name: fleet}
spec:
  selector: {matchLabels: {app: fleet}}
  updateStrategy: {type: RollingUpdate, rollingUpdate: {maxUnavailable: 1}}
  template:
    metadata: {labels: {app: fleet}}
    spec:
      terminationGracePeriodSeconds: 1
      containers:
      - name: agent
        image: ${TEST_IMAGE}
        imagePullPolicy: IfNotPresent
        command: ["/bin/sh", "-c", "while :; do sleep 1; done"]
        readinessProbe: {exec: {command: ["true"]}, periodSeconds: 1}
`,
    );
    const running = async (image: string) => {
      let n = 0;
      for (const node of NODES) {
        n += (await nodeContainers(socket!, node)).filter(
          (c) => c.Labels["io.kubernetes.container.name"] === "agent" && c.State === "running" && c.Image === image,
        ).length;
      }
      return n;
    };
    await eventually(async () => assert.equal(await running(TEST_IMAGE), 3), 30_000);
    const ready = () => {
      const pods = JSON.parse(ok(["get", "pods", "-l", "app=fleet", "-o", "json"])).items as any[];
      return pods.filter((p) => p.status.conditions?.some((c: any) => c.type === "Ready" && c.status === "True"));
    };
    await eventually(() => assert.equal(ready().length, 3));
    ok(["set", "image", "ds/fleet", `agent=${TEST_IMAGE_2}`]);
    // Never fewer than 3 - maxUnavailable ready pods while the update runs.
    let fewest = 3;
    const end = Date.now() + 60_000;
    for (;;) {
      fewest = Math.min(fewest, ready().length);
      if ((await running(TEST_IMAGE_2)) === 3 && ready().length === 3) break;
      assert.ok(Date.now() < end, "the rolling update did not finish within 60 s");
      await sleep(200);
    }
    assert.ok(fewest >= 2, `only ${fewest} ready pods during the update`);
    assert.equal(await running(TEST_IMAGE), 0);
    ok(["delete", "ds", "fleet"]);
    await eventually(async () => {
      for (const node of NODES) {
        const left = (await nodeContainers(socket!, node)).filter((c) =>
          c.Labels["io.kubernetes.pod.name"]?.startsWith("fleet-"),
        );
        assert.deepEqual(left, []);
      }
    }, 30_000);
  });
});
