import assert from "node:assert/strict";
import { test } from "node:test";
import type { KubeObject } from "../../api/object.ts";
import { addDaemonTolerations, mergeDaemonTolerations, nodeShouldRunDaemonPod, type Placement } from "./placement.ts";

const node = (
  name: string,
  extra: { labels?: Record<string, string>; taints?: any[]; spec?: any; status?: any } = {},
) =>
  ({
    apiVersion: "v1",
    kind: "Node",
    metadata: { name, labels: extra.labels ?? {} },
    spec: { ...(extra.spec ?? {}), taints: extra.taints },
    status: extra.status ?? { allocatable: { cpu: "100m", memory: "100Mi", pods: "100" } },
  }) as KubeObject;

const ds = (podSpec: any = {}): KubeObject => ({
  metadata: { name: "foo", namespace: "default", uid: "u1" },
  spec: {
    selector: { matchLabels: { name: "simple-daemon" } },
    template: {
      metadata: { labels: { name: "simple-daemon" } },
      spec: { containers: [{ name: "c", image: "foo/bar" }], ...podSpec },
    },
  },
});

const yes: Placement = { shouldRun: true, shouldContinueRunning: true };
const no: Placement = { shouldRun: false, shouldContinueRunning: false };
const keepOnly: Placement = { shouldRun: false, shouldContinueRunning: true };

test("TestNodeShouldRunDaemonPod: resources and host ports are ignored; nodeName, selector and affinity decide", () => {
  const cases: [string, KubeObject, KubeObject, Placement][] = [
    ["plain node", node("n1"), ds(), yes],
    [
      "insufficient resources still runs",
      node("n1"),
      ds({ containers: [{ name: "c", image: "x", resources: { requests: { cpu: "10", memory: "10Gi" } } }] }),
      yes,
    ],
    [
      "host port still runs",
      node("n1"),
      ds({ containers: [{ name: "c", image: "x", ports: [{ hostPort: 666, containerPort: 666 }] }] }),
      yes,
    ],
    ["template nodeName is this node", node("n1"), ds({ nodeName: "n1" }), yes],
    ["template nodeName is another node", node("n1"), ds({ nodeName: "other" }), no],
    ["nodeSelector matches", node("n1", { labels: { color: "blue" } }), ds({ nodeSelector: { color: "blue" } }), yes],
    ["nodeSelector mismatches", node("n1", { labels: { color: "red" } }), ds({ nodeSelector: { color: "blue" } }), no],
    [
      "name and selector inconsistent",
      node("n1", { labels: { color: "blue" } }),
      ds({ nodeName: "n2", nodeSelector: { color: "blue" } }),
      no,
    ],
    [
      "required affinity color In [blue]",
      node("n1", { labels: { color: "blue" } }),
      ds({
        affinity: {
          nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: {
              nodeSelectorTerms: [{ matchExpressions: [{ key: "color", operator: "In", values: ["blue"] }] }],
            },
          },
        },
      }),
      yes,
    ],
    [
      "required affinity not matched",
      node("n1", { labels: { color: "red" } }),
      ds({
        affinity: {
          nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: {
              nodeSelectorTerms: [{ matchExpressions: [{ key: "color", operator: "In", values: ["blue"] }] }],
            },
          },
        },
      }),
      no,
    ],
    [
      "unschedulable node (its taint is tolerated by default)",
      node("n1", {
        spec: { unschedulable: true },
        taints: [{ key: "node.kubernetes.io/unschedulable", effect: "NoSchedule" }],
      }),
      ds(),
      yes,
    ],
    [
      "not ready node (Ready=False condition) still runs",
      node("n1", { status: { conditions: [{ type: "Ready", status: "False" }] } }),
      ds(),
      yes,
    ],
  ];
  for (const [name, n, d, want] of cases) assert.deepEqual(nodeShouldRunDaemonPod(n, d), want, name);
});

test("taints: NoSchedule blocks creation only, NoExecute evicts, PreferNoSchedule is ignored", () => {
  const taint = (key: string, effect: string) => node("n1", { taints: [{ key, value: "v", effect }] });
  assert.deepEqual(nodeShouldRunDaemonPod(taint("dedicated", "NoSchedule"), ds()), keepOnly);
  assert.deepEqual(nodeShouldRunDaemonPod(taint("dedicated", "NoExecute"), ds()), no);
  assert.deepEqual(nodeShouldRunDaemonPod(taint("dedicated", "PreferNoSchedule"), ds()), yes);
  const tolerating = ds({ tolerations: [{ key: "dedicated", operator: "Equal", value: "v", effect: "NoSchedule" }] });
  assert.deepEqual(
    nodeShouldRunDaemonPod(taint("dedicated", "NoSchedule"), tolerating),
    yes,
    "TestTaintedNodeDaemonLaunchesToleratePod",
  );
  const control = node("cp", { taints: [{ key: "node-role.kubernetes.io/control-plane", effect: "NoSchedule" }] });
  assert.deepEqual(nodeShouldRunDaemonPod(control, ds()), keepOnly);
});

test("TestNotReadyNodeDaemonLaunchesPod / TestUnreachableNodeDaemonLaunchesPod / TestTaintPressureNodeDaemonLaunchesPod", () => {
  for (const [key, effect] of [
    ["node.kubernetes.io/not-ready", "NoExecute"],
    ["node.kubernetes.io/unreachable", "NoExecute"],
    ["node.kubernetes.io/memory-pressure", "NoSchedule"],
    ["node.kubernetes.io/disk-pressure", "NoSchedule"],
    ["node.kubernetes.io/pid-pressure", "NoSchedule"],
  ]) {
    assert.deepEqual(nodeShouldRunDaemonPod(node("n1", { taints: [{ key, effect }] }), ds()), yes, key);
  }
  // The NoSchedule form of not-ready is not among the defaults: existing pods stay, no new ones.
  assert.deepEqual(
    nodeShouldRunDaemonPod(
      node("n1", { taints: [{ key: "node.kubernetes.io/not-ready", effect: "NoSchedule" }] }),
      ds(),
    ),
    keepOnly,
  );
});

test("network-unavailable is tolerated only with host networking", () => {
  const n = node("n1", { taints: [{ key: "node.kubernetes.io/network-unavailable", effect: "NoSchedule" }] });
  assert.deepEqual(nodeShouldRunDaemonPod(n, ds()), keepOnly);
  assert.deepEqual(nodeShouldRunDaemonPod(n, ds({ hostNetwork: true })), yes);
});

test("addDaemonTolerations adds the six defaults (seven with hostNetwork) and is idempotent", () => {
  const spec: any = {};
  addDaemonTolerations(spec);
  assert.deepEqual(
    spec.tolerations.map((t: any) => `${t.key}:${t.effect}`),
    [
      "node.kubernetes.io/not-ready:NoExecute",
      "node.kubernetes.io/unreachable:NoExecute",
      "node.kubernetes.io/disk-pressure:NoSchedule",
      "node.kubernetes.io/memory-pressure:NoSchedule",
      "node.kubernetes.io/pid-pressure:NoSchedule",
      "node.kubernetes.io/unschedulable:NoSchedule",
    ],
  );
  assert.ok(spec.tolerations.every((t: any) => t.operator === "Exists" && t.tolerationSeconds === undefined));
  const again = structuredClone(spec);
  addDaemonTolerations(again);
  assert.deepEqual(again, spec);
  const hostNet: any = { hostNetwork: true };
  addDaemonTolerations(hostNet);
  assert.equal(hostNet.tolerations.length, 7);
  assert.equal(hostNet.tolerations[6].key, "node.kubernetes.io/network-unavailable");
});

test("add-or-update: a same-matching toleration with tolerationSeconds is replaced in place, others kept", () => {
  const user = [
    { key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoExecute", tolerationSeconds: 60 },
    { key: "node.kubernetes.io/unreachable", operator: "Equal", value: "x", effect: "NoExecute", tolerationSeconds: 5 },
    { key: "custom", operator: "Exists" },
  ];
  const merged = mergeDaemonTolerations(user, false);
  assert.deepEqual(merged[0], { key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoExecute" });
  assert.deepEqual(merged[1], user[1], "different operator/value: kept alongside");
  assert.deepEqual(merged[2], user[2]);
  assert.equal(merged.length, 3 + 5);
  assert.equal(user[0].tolerationSeconds, 60, "input untouched");
});
