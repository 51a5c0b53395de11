import assert from "node:assert/strict";
import { test } from "node:test";
import type { KubeObject } from "../api/object.ts";
import { imageMatcher } from "./glob.ts";
import {
  desiredPodStatus,
  nextReadyInMs,
  type PodSimulation,
  podStatusDiffers,
  podStatusPatch,
  pullFailureShown,
  rfc3339,
} from "./pod-status.ts";

const T0 = Date.parse("2026-03-01T10:00:00Z");

const sim = (over: Partial<PodSimulation> = {}): PodSimulation => ({
  nowMs: T0,
  hostIP: "10.0.0.1",
  podIP: "100.64.0.1",
  readyDelayMs: 0,
  failImage: imageMatcher(["*broken*"]),
  unreadyImage: imageMatcher(["slow*"]),
  pullFailure: "ErrImagePull",
  ...over,
});

const pod = (containers: { name: string; image: string }[], extra: Record<string, unknown> = {}): KubeObject => ({
  metadata: { name: "p", namespace: "default", uid: "u-1" },
  spec: { nodeName: "n", containers, ...extra },
  status: {
    phase: "Pending",
    conditions: [{ type: "PodScheduled", status: "True", lastTransitionTime: "2026-03-01T09:59:00Z" }],
  },
});

const cond = (s: any, type: string) => s.conditions.find((c: any) => c.type === type);

test("a plain pod: Running and Ready with every kubelet field", () => {
  const s = desiredPodStatus(pod([{ name: "a", image: "nginx" }]), sim());
  assert.equal(s.phase, "Running");
  assert.equal(s.startTime, "2026-03-01T10:00:00Z");
  assert.equal(s.hostIP, "10.0.0.1");
  assert.deepEqual(s.hostIPs, [{ ip: "10.0.0.1" }]);
  assert.equal(s.podIP, "100.64.0.1");
  assert.deepEqual(s.podIPs, [{ ip: "100.64.0.1" }]);
  assert.deepEqual(
    s.conditions.map((c: any) => [c.type, c.status]),
    [
      ["PodReadyToStartContainers", "True"],
      ["Initialized", "True"],
      ["Ready", "True"],
      ["ContainersReady", "True"],
      ["PodScheduled", "True"],
    ],
  );
  assert.equal(cond(s, "PodScheduled").lastTransitionTime, "2026-03-01T09:59:00Z", "kept while unchanged");
  const [c] = s.containerStatuses;
  assert.deepEqual(c.state, { running: { startedAt: "2026-03-01T10:00:00Z" } });
  assert.equal(c.ready, true);
  assert.equal(c.started, true);
  assert.equal(c.restartCount, 0);
  assert.equal(c.image, "docker.io/library/nginx:latest");
  assert.match(c.imageID, /^docker\.io\/library\/nginx@sha256:/);
  assert.equal(c.containerID, "hollow://u-1/a");
});

test("--ready-delay: running, not ready, until the delay passed since the start", () => {
  const p = pod([{ name: "a", image: "nginx" }]);
  const first = desiredPodStatus(p, sim({ readyDelayMs: 5000, startedMs: T0 }));
  assert.equal(first.phase, "Running");
  assert.equal(cond(first, "Ready").status, "False");
  assert.equal(cond(first, "Ready").reason, "ContainersNotReady");
  assert.equal(cond(first, "Ready").message, "containers with unready status: [a]");
  assert.equal(nextReadyInMs(p, first, sim({ readyDelayMs: 5000, startedMs: T0, nowMs: T0 + 1000 })), 4000);
  const running = { ...p, status: first };
  const later = desiredPodStatus(running, sim({ readyDelayMs: 5000, startedMs: T0, nowMs: T0 + 5000 }));
  assert.equal(cond(later, "Ready").status, "True");
  assert.equal(cond(later, "Ready").lastTransitionTime, rfc3339(T0 + 5000));
  assert.equal(later.containerStatuses[0].state.running.startedAt, "2026-03-01T10:00:00Z", "start kept");
  assert.equal(later.startTime, "2026-03-01T10:00:00Z");
  assert.equal(nextReadyInMs(running, later, sim({ readyDelayMs: 5000, nowMs: T0 + 5000 })), undefined);
});

test("--unready-images: running, never ready, and no readiness timer", () => {
  const p = pod([
    { name: "a", image: "nginx" },
    { name: "b", image: "slow:1" },
  ]);
  const s = desiredPodStatus(p, sim({ readyDelayMs: 1000 }));
  assert.equal(s.phase, "Running");
  assert.equal(cond(s, "ContainersReady").message, "containers with unready status: [a b]");
  const later = desiredPodStatus({ ...p, status: s }, sim({ readyDelayMs: 1000, nowMs: T0 + 2000 }));
  assert.equal(cond(later, "Ready").message, "containers with unready status: [b]");
  assert.equal(nextReadyInMs(p, later, sim({ readyDelayMs: 1000, nowMs: T0 + 2000 })), undefined);
});

test("--fail-images: Pending with ErrImagePull, then ImagePullBackOff; other containers run", () => {
  const p = pod([
    { name: "a", image: "registry.example.com/broken:1" },
    { name: "b", image: "nginx" },
  ]);
  const s = desiredPodStatus(p, sim());
  assert.equal(s.phase, "Pending");
  const [a, b] = s.containerStatuses;
  assert.equal(a.state.waiting.reason, "ErrImagePull");
  assert.equal(a.ready, false);
  assert.equal(a.imageID, "");
  assert.equal(a.containerID, undefined);
  assert.ok(b.state.running);
  assert.equal(pullFailureShown(s), "ErrImagePull");
  const backoff = desiredPodStatus({ ...p, status: s }, sim({ pullFailure: "ImagePullBackOff" }));
  assert.equal(backoff.containerStatuses[0].state.waiting.reason, "ImagePullBackOff");
  assert.match(
    backoff.containerStatuses[0].state.waiting.message,
    /^Back-off pulling image "registry.example.com\/broken:1": ErrImagePull: /,
  );
  assert.equal(cond(backoff, "Ready").status, "False");
  assert.equal(pullFailureShown(backoff), "ImagePullBackOff");
});

test("init containers: completed before the app starts; a failing one blocks the rest", () => {
  const ok = desiredPodStatus(
    pod([{ name: "a", image: "nginx" }], { initContainers: [{ name: "i", image: "busybox" }] }),
    sim(),
  );
  assert.equal(ok.initContainerStatuses[0].state.terminated.reason, "Completed");
  assert.equal(ok.initContainerStatuses[0].state.terminated.exitCode, 0);
  assert.equal(cond(ok, "Initialized").status, "True");
  assert.equal(ok.phase, "Running");
  const blocked = desiredPodStatus(
    pod([{ name: "a", image: "nginx" }], {
      initContainers: [
        { name: "i1", image: "broken" },
        { name: "i2", image: "busybox" },
      ],
    }),
    sim(),
  );
  assert.equal(blocked.phase, "Pending");
  assert.equal(blocked.initContainerStatuses[0].state.waiting.reason, "ErrImagePull");
  assert.equal(blocked.initContainerStatuses[1].state.waiting.reason, "PodInitializing");
  assert.equal(blocked.containerStatuses[0].state.waiting.reason, "PodInitializing");
  assert.equal(cond(blocked, "Initialized").reason, "ContainersNotInitialized");
  assert.equal(cond(blocked, "Initialized").message, "containers with incomplete status: [i1 i2]");
});

test("readiness gates hold Ready back until their condition is True", () => {
  const p = pod([{ name: "a", image: "nginx" }], { readinessGates: [{ conditionType: "example.com/lb" }] });
  const s = desiredPodStatus(p, sim());
  assert.equal(cond(s, "ContainersReady").status, "True");
  assert.equal(cond(s, "Ready").reason, "ReadinessGatesNotReady");
  assert.equal(
    cond(s, "Ready").message,
    'corresponding condition of pod readiness gate "example.com/lb" does not exist.',
  );
  const gated = { ...p, status: { ...s, conditions: [...s.conditions, { type: "example.com/lb", status: "True" }] } };
  assert.equal(cond(desiredPodStatus(gated, sim()), "Ready").status, "True");
});

test("an up-to-date status is not rewritten; the patch carries the uid", () => {
  const p = pod([{ name: "a", image: "nginx" }]);
  const s = desiredPodStatus(p, sim());
  assert.equal(podStatusDiffers(p, s), true);
  const current = {
    ...p,
    status: {
      ...s,
      qosClass: "BestEffort",
      conditions: [...s.conditions, { type: "DisruptionTarget", status: "True" }],
    },
  };
  assert.equal(podStatusDiffers(current, desiredPodStatus(current, sim({ nowMs: T0 + 60_000 }))), false);
  assert.deepEqual(podStatusPatch(p, s), { metadata: { uid: "u-1" }, status: s });
});
