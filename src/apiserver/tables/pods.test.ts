import assert from "node:assert/strict";
import { test } from "node:test";
import type { KubeObject } from "../../api/object.ts";
import { podTable } from "./pods.ts";

const now = new Date("2024-06-01T12:00:00Z");
const created = "2024-06-01T11:00:00Z"; // 60m old

function pod(spec: Record<string, any>, status: Record<string, any>, meta: Record<string, any> = {}): KubeObject {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "web", namespace: "default", creationTimestamp: created, ...meta },
    spec: { containers: [{ name: "app", image: "nginx" }], ...spec },
    status,
  };
}

const running = (ready: boolean, restartCount = 0, extra: Record<string, any> = {}) => ({
  name: "app",
  ready,
  restartCount,
  state: { running: { startedAt: "2024-06-01T11:01:00Z" } },
  ...extra,
});

/** Name, Ready, Status, Restarts, Age. */
const main = (p: KubeObject) => podTable.cells(p, now).slice(0, 5);

test("every column gets a cell, wide ones included", () => {
  assert.equal(podTable.columns.length, 9);
  assert.deepEqual(
    podTable.columns.map((c) => [c.name, c.type, c.priority]),
    [
      ["Name", "string", 0],
      ["Ready", "string", 0],
      ["Status", "string", 0],
      ["Restarts", "string", 0],
      ["Age", "string", 0],
      ["IP", "string", 1],
      ["Node", "string", 1],
      ["Nominated Node", "string", 1],
      ["Readiness Gates", "string", 1],
    ],
  );
  assert.equal(podTable.columns[0]!.format, "name");
});

test("Pending, unscheduled: wide cells show <none>", () => {
  const p = pod({}, { phase: "Pending" });
  assert.deepEqual(podTable.cells(p, now), [
    "web",
    "0/1",
    "Pending",
    "0",
    "60m",
    "<none>",
    "<none>",
    "<none>",
    "<none>",
  ]);
});

test("Pending with a waiting reason shows the reason", () => {
  const p = pod(
    { nodeName: "n1" },
    {
      phase: "Pending",
      containerStatuses: [
        { name: "app", ready: false, restartCount: 0, state: { waiting: { reason: "ContainerCreating" } } },
      ],
    },
  );
  assert.deepEqual(main(p), ["web", "0/1", "ContainerCreating", "0", "60m"]);
});

test("Running and ready, with IP, node and readiness gates", () => {
  const p = pod(
    { nodeName: "n1", readinessGates: [{ conditionType: "example.com/lb" }] },
    {
      phase: "Running",
      podIP: "10.0.0.7",
      podIPs: [{ ip: "10.0.0.7" }],
      conditions: [
        { type: "Ready", status: "True" },
        { type: "example.com/lb", status: "True" },
      ],
      containerStatuses: [running(true)],
    },
  );
  assert.deepEqual(podTable.cells(p, now), ["web", "1/1", "Running", "0", "60m", "10.0.0.7", "n1", "<none>", "1/1"]);
  assert.equal(podTable.conditions!(p), undefined);
});

test("CrashLoopBackOff: waiting reason, restarts with time since last termination", () => {
  const p = pod(
    { nodeName: "n1" },
    {
      phase: "Running",
      containerStatuses: [
        {
          name: "app",
          ready: false,
          restartCount: 4,
          state: { waiting: { reason: "CrashLoopBackOff", message: "back-off 40s" } },
          lastState: { terminated: { exitCode: 1, reason: "Error", finishedAt: "2024-06-01T11:57:30Z" } },
        },
      ],
    },
  );
  assert.deepEqual(main(p), ["web", "0/1", "CrashLoopBackOff", "4 (2m30s ago)", "60m"]);
});

test("Completed pod: terminated reason and a Completed row condition", () => {
  const p = pod(
    { nodeName: "n1", restartPolicy: "Never" },
    {
      phase: "Succeeded",
      containerStatuses: [
        { name: "app", ready: false, restartCount: 0, state: { terminated: { exitCode: 0, reason: "Completed" } } },
      ],
    },
  );
  assert.deepEqual(main(p), ["web", "0/1", "Completed", "0", "60m"]);
  assert.deepEqual(podTable.conditions!(p), [
    { type: "Completed", status: "True", reason: "Succeeded", message: "The pod has completed successfully." },
  ]);
});

test("terminated without a reason shows ExitCode or Signal", () => {
  const exit = pod(
    {},
    { phase: "Failed", containerStatuses: [{ name: "app", state: { terminated: { exitCode: 137 } } }] },
  );
  assert.equal(main(exit)[2], "ExitCode:137");
  const signal = pod(
    {},
    { phase: "Failed", containerStatuses: [{ name: "app", state: { terminated: { exitCode: 0, signal: 9 } } }] },
  );
  assert.equal(main(signal)[2], "Signal:9");
});

test("Completed next to a running container reads Running or NotReady", () => {
  const status = (ready: boolean) => ({
    phase: "Running",
    conditions: [{ type: "Ready", status: ready ? "True" : "False" }],
    containerStatuses: [
      { name: "a", ready: true, state: { running: {} } },
      { name: "b", ready: false, state: { terminated: { exitCode: 0, reason: "Completed" } } },
    ],
  });
  const spec = { containers: [{ name: "a" }, { name: "b" }] };
  assert.deepEqual(main(pod(spec, status(true))).slice(1, 3), ["1/2", "Running"]);
  assert.deepEqual(main(pod(spec, status(false))).slice(1, 3), ["1/2", "NotReady"]);
});

test("Init:0/1 while the first init container runs; Init:<reason> when it fails", () => {
  const spec = { initContainers: [{ name: "setup", image: "busybox" }] };
  const runningInit = pod(spec, {
    phase: "Pending",
    initContainerStatuses: [{ name: "setup", ready: false, restartCount: 0, state: { running: {} } }],
    containerStatuses: [
      { name: "app", ready: false, restartCount: 0, state: { waiting: { reason: "PodInitializing" } } },
    ],
  });
  assert.deepEqual(main(runningInit), ["web", "0/1", "Init:0/1", "0", "60m"]);

  const crashing = pod(spec, {
    phase: "Pending",
    initContainerStatuses: [
      {
        name: "setup",
        restartCount: 2,
        state: { waiting: { reason: "CrashLoopBackOff" } },
        lastState: { terminated: { exitCode: 1, finishedAt: "2024-06-01T11:59:00Z" } },
      },
    ],
  });
  assert.deepEqual(main(crashing), ["web", "0/1", "Init:CrashLoopBackOff", "2 (60s ago)", "60m"]);

  const failed = pod(spec, {
    phase: "Failed",
    initContainerStatuses: [{ name: "setup", state: { terminated: { exitCode: 2 } } }],
  });
  assert.equal(main(failed)[2], "Init:ExitCode:2");
});

test("finished init containers give way to the app containers", () => {
  const p = pod(
    { initContainers: [{ name: "setup" }] },
    {
      phase: "Running",
      conditions: [{ type: "Initialized", status: "True" }],
      initContainerStatuses: [
        { name: "setup", restartCount: 1, state: { terminated: { exitCode: 0, reason: "Completed" } } },
      ],
      containerStatuses: [running(true)],
    },
  );
  // Restarts of ordinary init containers stop counting once the pod is initialized.
  assert.deepEqual(main(p), ["web", "1/1", "Running", "0", "60m"]);
});

test("sidecar (restartable) init containers count toward Ready", () => {
  const p = pod(
    { initContainers: [{ name: "proxy", restartPolicy: "Always" }] },
    {
      phase: "Running",
      conditions: [{ type: "Initialized", status: "True" }],
      initContainerStatuses: [{ name: "proxy", started: true, ready: true, restartCount: 1, state: { running: {} } }],
      containerStatuses: [running(true)],
    },
  );
  assert.deepEqual(main(p).slice(1, 4), ["2/2", "Running", "1"]);
});

test("Terminating while being deleted; Unknown when the node was lost; terminal phases keep their status", () => {
  const deleting = { deletionTimestamp: "2024-06-01T11:59:00Z" };
  const p = pod({ nodeName: "n1" }, { phase: "Running", containerStatuses: [running(true)] }, deleting);
  assert.equal(main(p)[2], "Terminating");
  const lost = pod({ nodeName: "n1" }, { phase: "Running", reason: "NodeLost" }, deleting);
  assert.equal(main(lost)[2], "Unknown");
  const done = pod(
    {},
    {
      phase: "Succeeded",
      containerStatuses: [{ name: "app", state: { terminated: { exitCode: 0, reason: "Completed" } } }],
    },
    deleting,
  );
  assert.equal(main(done)[2], "Completed");
});

test("status.reason and SchedulingGated override the phase", () => {
  assert.equal(main(pod({}, { phase: "Failed", reason: "Evicted" }))[2], "Evicted");
  const gated = pod(
    {},
    { phase: "Pending", conditions: [{ type: "PodScheduled", status: "False", reason: "SchedulingGated" }] },
  );
  assert.equal(main(gated)[2], "SchedulingGated");
});
