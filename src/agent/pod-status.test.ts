import assert from "node:assert/strict";
import { test } from "node:test";
import type { KubeObject } from "../api/object.ts";
import { agentPodStatus, type ContainerView } from "./pod-status.ts";
import type { ContainerRecord } from "./runtime/runtime.ts";

const T0 = Date.parse("2026-01-01T00:00:00Z");

function pod(restartPolicy: string, containers: string[], inits: string[] = []): KubeObject {
  const c = (name: string) => ({ name, image: "busybox" });
  return {
    metadata: { name: "p", namespace: "ns", uid: "u" },
    spec: { restartPolicy, containers: containers.map(c), initContainers: inits.length ? inits.map(c) : undefined },
  };
}

function rec(name: string, attempt: number, exitCode?: number): ContainerRecord {
  const r: ContainerRecord = {
    containerName: name,
    attempt,
    containerID: `process://u/${name}/${attempt}`,
    startedAt: T0,
  };
  if (exitCode !== undefined) Object.assign(r, { finishedAt: T0 + 1000, exitCode });
  return r;
}

const running = (name: string, attempt = 0): ContainerView => ({
  record: rec(name, attempt),
  ready: true,
  started: true,
});
const exited = (name: string, code: number): ContainerView => ({
  record: rec(name, 0, code),
  ready: false,
  started: false,
});

function status(p: KubeObject, views: Record<string, ContainerView>) {
  return agentPodStatus({
    pod: p,
    views: new Map(Object.entries(views)),
    nowMs: T0 + 5000,
    hostIP: "127.0.0.2",
    podIP: "127.0.0.2",
  });
}

const cond = (s: any, type: string) => s.conditions.find((c: any) => c.type === type);

test("phase follows the kubelet's getPhase", () => {
  assert.equal(status(pod("Always", ["a"]), {}).phase, "Pending");
  assert.equal(status(pod("Always", ["a"]), { a: running("a") }).phase, "Running");
  assert.equal(status(pod("Always", ["a", "b"]), { a: running("a") }).phase, "Pending");
  assert.equal(status(pod("Never", ["a"]), { a: exited("a", 0) }).phase, "Succeeded");
  assert.equal(status(pod("Never", ["a"]), { a: exited("a", 1) }).phase, "Failed");
  assert.equal(status(pod("OnFailure", ["a"]), { a: exited("a", 1) }).phase, "Running");
  assert.equal(status(pod("OnFailure", ["a"]), { a: exited("a", 0) }).phase, "Succeeded");
  assert.equal(status(pod("Always", ["a"], ["init"]), { init: running("init") }).phase, "Pending");
  assert.equal(status(pod("Always", ["a"], ["init"]), { init: exited("init", 0), a: running("a") }).phase, "Running");
});

test("conditions carry upstream's reasons and messages", () => {
  const s = status(pod("Always", ["a", "b"], ["init"]), { init: running("init") });
  assert.deepEqual(
    [cond(s, "Initialized").status, cond(s, "Initialized").reason, cond(s, "Initialized").message],
    ["False", "ContainersNotInitialized", "containers with incomplete status: [init]"],
  );
  assert.equal(cond(s, "Ready").message, "containers with unready status: [a b]");
  assert.equal(cond(s, "ContainersReady").reason, "ContainersNotReady");
  const done = status(pod("Never", ["a"]), { a: exited("a", 0) });
  assert.equal(cond(done, "Ready").reason, "PodCompleted");
  assert.equal(done.containerStatuses[0].state.terminated.reason, "Completed");
});

test("a container backing off shows CrashLoopBackOff with its last run as lastState", () => {
  const v: ContainerView = {
    record: rec("a", 2, 3),
    previous: rec("a", 1, 3),
    waiting: { reason: "CrashLoopBackOff", message: "back-off 20s restarting failed container=a pod=p_ns(u)" },
    ready: false,
    started: false,
  };
  const s = status(pod("Always", ["a"]), { a: v });
  const cs = s.containerStatuses[0];
  assert.equal(s.phase, "Running");
  assert.equal(cs.restartCount, 2);
  assert.equal(cs.state.waiting.reason, "CrashLoopBackOff");
  assert.equal(cs.lastState.terminated.exitCode, 3);
  assert.equal(cs.lastState.terminated.containerID, "process://u/a/2");
  const r = status(pod("Always", ["a"]), { a: { ...running("a", 3), previous: rec("a", 2, 3) } }).containerStatuses[0];
  assert.deepEqual([r.ready, r.restartCount, r.lastState.terminated.reason], [true, 3, "Error"]);
});
