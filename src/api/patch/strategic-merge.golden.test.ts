// Golden cases for strategic merge patch over the real Pod, Node and DaemonSet schemas: the patches kubectl and
// the controllers actually send (apply 3-way patches, set image, rollout undo/restart, taint, cordon, adoption
// and release of pods) plus every directive. Expected results follow upstream `strategicpatch` semantics.
import assert from "node:assert/strict";
import { test } from "node:test";
import { ApiError } from "../errors.ts";
import { DaemonSet } from "../schema/apps.ts";
import { Node, Pod } from "../schema/core.ts";
import type { Schema } from "../schema/schema.ts";
import { applyStrategicMergePatch, mergeKeySites } from "./strategic-merge.ts";

const dsRef = {
  apiVersion: "apps/v1",
  kind: "DaemonSet",
  name: "ds",
  uid: "ds-uid",
  controller: true,
  blockOwnerDeletion: true,
};

const daemonSet = (): any => ({
  apiVersion: "apps/v1",
  kind: "DaemonSet",
  metadata: {
    name: "ds",
    namespace: "default",
    uid: "ds-uid",
    generation: 1,
    labels: { app: "ds" },
    annotations: { "deprecated.daemonset.template.generation": "1" },
  },
  spec: {
    selector: { matchLabels: { app: "ds" } },
    template: {
      metadata: { labels: { app: "ds" } },
      spec: {
        containers: [
          {
            name: "c",
            image: "a",
            args: ["--v=1", "--x"],
            env: [
              { name: "A", value: "1" },
              { name: "B", value: "2" },
            ],
            ports: [
              { containerPort: 80, protocol: "TCP" },
              { containerPort: 8080, name: "metrics", protocol: "TCP" },
            ],
            volumeMounts: [
              { name: "data", mountPath: "/data" },
              { name: "cache", mountPath: "/cache" },
            ],
            resources: { limits: { cpu: "100m" } },
            livenessProbe: { httpGet: { path: "/healthz", port: 8080, scheme: "HTTP" }, periodSeconds: 10 },
            terminationMessagePath: "/dev/termination-log",
            terminationMessagePolicy: "File",
            imagePullPolicy: "IfNotPresent",
          },
        ],
        volumes: [
          { name: "data", hostPath: { path: "/var/data", type: "" } },
          { name: "cache", emptyDir: {} },
        ],
        tolerations: [
          { key: "a", operator: "Exists", effect: "NoSchedule" },
          { key: "b", operator: "Exists", effect: "NoExecute" },
        ],
        nodeSelector: { "daemonset-color": "blue", zone: "z1" },
        restartPolicy: "Always",
        terminationGracePeriodSeconds: 30,
        dnsPolicy: "ClusterFirst",
        securityContext: { runAsUser: 1000 },
        schedulerName: "default-scheduler",
      },
    },
    updateStrategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } },
    revisionHistoryLimit: 10,
  },
  status: {
    currentNumberScheduled: 1,
    numberMisscheduled: 0,
    desiredNumberScheduled: 1,
    numberReady: 1,
    observedGeneration: 1,
    conditions: [{ type: "StatusUpdate", status: "True", reason: "E2E" }],
  },
});

const pod = (): any => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: {
    name: "ds-abcde",
    namespace: "default",
    uid: "pod-uid",
    labels: { app: "ds", "controller-revision-hash": "h1" },
    finalizers: ["example.com/a", "example.com/b"],
    ownerReferences: [{ ...dsRef }],
  },
  spec: {
    nodeName: "n1",
    initContainers: [{ name: "init", image: "busybox", command: ["sh", "-c", "true"] }],
    containers: [
      {
        name: "c",
        image: "a",
        env: [{ name: "A", value: "1" }],
        envFrom: [{ configMapRef: { name: "cm" } }],
        ports: [{ containerPort: 80, protocol: "TCP" }],
        volumeMounts: [{ name: "data", mountPath: "/data" }],
        volumeDevices: [
          { name: "blk", devicePath: "/dev/xvda" },
          { name: "blk2", devicePath: "/dev/xvdb" },
        ],
      },
    ],
    volumes: [{ name: "data", configMap: { name: "cm", defaultMode: 420 } }],
    imagePullSecrets: [{ name: "regcred" }],
    hostAliases: [{ ip: "10.0.0.1", hostnames: ["foo"] }],
    tolerations: [{ key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoExecute" }],
    topologySpreadConstraints: [{ topologyKey: "zone", maxSkew: 1, whenUnsatisfiable: "DoNotSchedule" }],
    schedulingGates: [{ name: "gate-a" }, { name: "gate-b" }],
  },
  status: {
    phase: "Running",
    conditions: [
      { type: "Initialized", status: "True" },
      { type: "Ready", status: "False" },
      { type: "PodScheduled", status: "True" },
    ],
    podIPs: [{ ip: "10.1.0.5" }],
    hostIPs: [{ ip: "192.168.0.10" }],
    containerStatuses: [
      { name: "c", ready: false, restartCount: 0, image: "a", imageID: "", state: { waiting: { reason: "X" } } },
    ],
  },
});

const node = (): any => ({
  apiVersion: "v1",
  kind: "Node",
  metadata: { name: "n1", uid: "node-uid", labels: { "kubernetes.io/hostname": "n1", "daemonset-color": "blue" } },
  spec: {
    podCIDR: "10.1.0.0/24",
    podCIDRs: ["10.1.0.0/24"],
    taints: [{ key: "dedicated", value: "x", effect: "NoSchedule" }],
  },
  status: {
    capacity: { cpu: "2", memory: "4Gi", pods: "110" },
    allocatable: { cpu: "2", memory: "4Gi", pods: "110" },
    conditions: [
      { type: "MemoryPressure", status: "False", lastHeartbeatTime: "t0" },
      { type: "DiskPressure", status: "False", lastHeartbeatTime: "t0" },
      { type: "Ready", status: "True", lastHeartbeatTime: "t0", reason: "KubeletReady" },
    ],
    addresses: [
      { type: "InternalIP", address: "192.168.0.10" },
      { type: "Hostname", address: "n1" },
    ],
  },
});

interface Case {
  name: string;
  schema: Schema;
  base: () => any;
  patch: unknown;
  /** Edits the base into the expected result. */
  expect?: (o: any) => void;
  error?: { code: number; message: string | RegExp };
}

const tpl = (o: any) => o.spec.template.spec;
const c0 = (o: any) => o.spec.template.spec.containers[0];

const cases: Case[] = [
  // ---- DaemonSet: kubectl set image / rollout ----
  {
    name: "kubectl set image merges the container by name",
    schema: DaemonSet,
    base: daemonSet,
    patch: { spec: { template: { spec: { containers: [{ image: "b", name: "c" }] } } } },
    expect: (o) => {
      c0(o).image = "b";
    },
  },
  {
    name: "kubectl rollout undo replaces the whole template ($patch: replace on a map)",
    schema: DaemonSet,
    base: daemonSet,
    patch: {
      spec: {
        template: {
          $patch: "replace",
          metadata: { creationTimestamp: null, labels: { app: "ds" } },
          spec: {
            containers: [{ image: "old", imagePullPolicy: "IfNotPresent", name: "c", resources: {} }],
            dnsPolicy: "ClusterFirst",
            restartPolicy: "Always",
          },
        },
      },
    },
    expect: (o) => {
      // Upstream hands the replaced map back as sent (nulls included); typed decoding drops creationTimestamp.
      o.spec.template = {
        metadata: { creationTimestamp: null, labels: { app: "ds" } },
        spec: {
          containers: [{ image: "old", imagePullPolicy: "IfNotPresent", name: "c", resources: {} }],
          dnsPolicy: "ClusterFirst",
          restartPolicy: "Always",
        },
      };
    },
  },
  {
    name: "kubectl rollout restart adds the restartedAt template annotation",
    schema: DaemonSet,
    base: daemonSet,
    patch: {
      spec: {
        template: { metadata: { annotations: { "kubectl.kubernetes.io/restartedAt": "2024-01-01T00:00:00Z" } } },
      },
    },
    expect: (o) => {
      o.spec.template.metadata.annotations = { "kubectl.kubernetes.io/restartedAt": "2024-01-01T00:00:00Z" };
    },
  },
  {
    name: "e2e NodeSelection patch merges nodeSelector and updateStrategy maps",
    schema: DaemonSet,
    base: daemonSet,
    patch: {
      spec: {
        template: { spec: { nodeSelector: { "daemonset-color": "green" } } },
        updateStrategy: { type: "RollingUpdate" },
      },
    },
    expect: (o) => {
      tpl(o).nodeSelector["daemonset-color"] = "green";
    },
  },
  {
    name: "null removes one nodeSelector key",
    schema: DaemonSet,
    base: daemonSet,
    patch: { spec: { template: { spec: { nodeSelector: { zone: null } } } } },
    expect: (o) => {
      delete tpl(o).nodeSelector.zone;
    },
  },
  // ---- DaemonSet: kubectl apply three-way patches ----
  {
    name: "kubectl apply deleting an env var",
    schema: DaemonSet,
    base: daemonSet,
    patch: {
      spec: {
        template: {
          spec: {
            "$setElementOrder/containers": [{ name: "c" }],
            containers: [
              { "$setElementOrder/env": [{ name: "A" }], env: [{ $patch: "delete", name: "B" }], name: "c" },
            ],
          },
        },
      },
    },
    expect: (o) => {
      c0(o).env = [{ name: "A", value: "1" }];
    },
  },
  {
    name: "kubectl apply deleting a container port",
    schema: DaemonSet,
    base: daemonSet,
    patch: {
      spec: {
        template: {
          spec: {
            "$setElementOrder/containers": [{ name: "c" }],
            containers: [
              {
                "$setElementOrder/ports": [{ containerPort: 80 }],
                name: "c",
                ports: [{ $patch: "delete", containerPort: 8080 }],
              },
            ],
          },
        },
      },
    },
    expect: (o) => {
      c0(o).ports = [{ containerPort: 80, protocol: "TCP" }];
    },
  },
  {
    name: "kubectl apply adding a container port keeps the configured order",
    schema: DaemonSet,
    base: daemonSet,
    patch: {
      spec: {
        template: {
          spec: {
            "$setElementOrder/containers": [{ name: "c" }],
            containers: [
              {
                "$setElementOrder/ports": [{ containerPort: 9090 }, { containerPort: 80 }, { containerPort: 8080 }],
                name: "c",
                ports: [{ containerPort: 9090, name: "admin" }],
              },
            ],
          },
        },
      },
    },
    expect: (o) => {
      c0(o).ports = [
        { containerPort: 9090, name: "admin" },
        { containerPort: 80, protocol: "TCP" },
        { containerPort: 8080, name: "metrics", protocol: "TCP" },
      ];
    },
  },
  {
    name: "kubectl apply removing one toleration sends the whole list (no merge strategy)",
    schema: DaemonSet,
    base: daemonSet,
    patch: { spec: { template: { spec: { tolerations: [{ effect: "NoSchedule", key: "a", operator: "Exists" }] } } } },
    expect: (o) => {
      tpl(o).tolerations = [{ effect: "NoSchedule", key: "a", operator: "Exists" }];
    },
  },
  {
    name: "kubectl apply removing all tolerations sends null",
    schema: DaemonSet,
    base: daemonSet,
    patch: { spec: { template: { spec: { tolerations: null } } } },
    expect: (o) => {
      delete tpl(o).tolerations;
    },
  },
  {
    name: "kubectl apply removing a volume and its mount",
    schema: DaemonSet,
    base: daemonSet,
    patch: {
      spec: {
        template: {
          spec: {
            "$setElementOrder/containers": [{ name: "c" }],
            "$setElementOrder/volumes": [{ name: "data" }],
            containers: [
              {
                "$setElementOrder/volumeMounts": [{ mountPath: "/data" }],
                name: "c",
                volumeMounts: [{ $patch: "delete", mountPath: "/cache" }],
              },
            ],
            volumes: [{ $patch: "delete", name: "cache" }],
          },
        },
      },
    },
    expect: (o) => {
      c0(o).volumeMounts = [{ name: "data", mountPath: "/data" }];
      tpl(o).volumes = [{ name: "data", hostPath: { path: "/var/data", type: "" } }];
    },
  },
  {
    name: "kubectl apply switching a volume source uses $retainKeys",
    schema: DaemonSet,
    base: daemonSet,
    patch: {
      spec: {
        template: {
          spec: {
            "$setElementOrder/volumes": [{ name: "data" }, { name: "cache" }],
            volumes: [{ $retainKeys: ["emptyDir", "name"], emptyDir: {}, hostPath: null, name: "data" }],
          },
        },
      },
    },
    expect: (o) => {
      tpl(o).volumes[0] = { name: "data", emptyDir: {} };
    },
  },
  {
    name: "kubectl apply switching updateStrategy to OnDelete",
    schema: DaemonSet,
    base: daemonSet,
    patch: { spec: { updateStrategy: { rollingUpdate: null, type: "OnDelete" } } },
    expect: (o) => {
      o.spec.updateStrategy = { type: "OnDelete" };
    },
  },
  {
    name: "kubectl apply changing maxUnavailable merges rollingUpdate",
    schema: DaemonSet,
    base: daemonSet,
    patch: { spec: { updateStrategy: { rollingUpdate: { maxUnavailable: "10%" } } } },
    expect: (o) => {
      o.spec.updateStrategy.rollingUpdate.maxUnavailable = "10%";
    },
  },
  {
    name: "kubectl apply adding a sidecar with $setElementOrder appends it",
    schema: DaemonSet,
    base: daemonSet,
    patch: {
      spec: {
        template: {
          spec: {
            "$setElementOrder/containers": [{ name: "c" }, { name: "sidecar" }],
            containers: [{ image: "busybox", name: "sidecar" }],
          },
        },
      },
    },
    expect: (o) => {
      tpl(o).containers.push({ image: "busybox", name: "sidecar" });
    },
  },
  {
    name: "kubectl apply turning an env value into valueFrom",
    schema: DaemonSet,
    base: daemonSet,
    patch: {
      spec: {
        template: {
          spec: {
            "$setElementOrder/containers": [{ name: "c" }],
            containers: [
              {
                "$setElementOrder/env": [{ name: "A" }, { name: "B" }],
                env: [{ name: "A", value: null, valueFrom: { fieldRef: { fieldPath: "spec.nodeName" } } }],
                name: "c",
              },
            ],
          },
        },
      },
    },
    expect: (o) => {
      c0(o).env[0] = { name: "A", valueFrom: { fieldRef: { fieldPath: "spec.nodeName" } } };
    },
  },
  {
    name: "kubectl apply reordering env only sends $setElementOrder",
    schema: DaemonSet,
    base: daemonSet,
    patch: {
      spec: {
        template: {
          spec: {
            "$setElementOrder/containers": [{ name: "c" }],
            containers: [{ "$setElementOrder/env": [{ name: "B" }, { name: "A" }], name: "c" }],
          },
        },
      },
    },
    expect: (o) => {
      c0(o).env = [
        { name: "B", value: "2" },
        { name: "A", value: "1" },
      ];
    },
  },
  {
    name: "kubectl apply switching the liveness probe handler",
    schema: DaemonSet,
    base: daemonSet,
    patch: {
      spec: {
        template: {
          spec: {
            "$setElementOrder/containers": [{ name: "c" }],
            containers: [{ livenessProbe: { exec: { command: ["true"] }, httpGet: null }, name: "c" }],
          },
        },
      },
    },
    expect: (o) => {
      c0(o).livenessProbe = { exec: { command: ["true"] }, periodSeconds: 10 };
    },
  },
  // ---- DaemonSet: plain strategic patches ----
  {
    name: "a new container without $setElementOrder is placed before the existing ones",
    schema: DaemonSet,
    base: daemonSet,
    patch: { spec: { template: { spec: { containers: [{ image: "busybox", name: "sidecar" }] } } } },
    expect: (o) => {
      tpl(o).containers.unshift({ image: "busybox", name: "sidecar" });
    },
  },
  {
    name: "$patch: delete removes a container",
    schema: DaemonSet,
    base: daemonSet,
    patch: { spec: { template: { spec: { containers: [{ $patch: "delete", name: "c" }] } } } },
    expect: (o) => {
      tpl(o).containers = [];
    },
  },
  {
    name: "$patch: replace inside the containers list replaces the list",
    schema: DaemonSet,
    base: daemonSet,
    patch: { spec: { template: { spec: { containers: [{ image: "x", name: "x" }, { $patch: "replace" }] } } } },
    expect: (o) => {
      tpl(o).containers = [{ image: "x", name: "x" }];
    },
  },
  {
    name: "resource limits merge as a map",
    schema: DaemonSet,
    base: daemonSet,
    patch: { spec: { template: { spec: { containers: [{ name: "c", resources: { limits: { memory: "64Mi" } } }] } } } },
    expect: (o) => {
      c0(o).resources.limits.memory = "64Mi";
    },
  },
  {
    name: "container args are replaced (no strategy)",
    schema: DaemonSet,
    base: daemonSet,
    patch: { spec: { template: { spec: { containers: [{ args: ["--v=2"], name: "c" }] } } } },
    expect: (o) => {
      c0(o).args = ["--v=2"];
    },
  },
  {
    name: "$patch: delete on a map leaves it empty",
    schema: DaemonSet,
    base: daemonSet,
    patch: { spec: { template: { spec: { securityContext: { $patch: "delete" } } } } },
    expect: (o) => {
      tpl(o).securityContext = {};
    },
  },
  {
    name: "metadata labels merge and null removes a label",
    schema: DaemonSet,
    base: daemonSet,
    patch: { metadata: { labels: { tier: "infra", app: null } } },
    expect: (o) => {
      o.metadata.labels = { tier: "infra" };
    },
  },
  {
    name: "selector matchLabels merge",
    schema: DaemonSet,
    base: daemonSet,
    patch: { spec: { selector: { matchLabels: { tier: "x" } } } },
    expect: (o) => {
      o.spec.selector.matchLabels.tier = "x";
    },
  },
  {
    name: "status conditions merge by type; a new condition goes first",
    schema: DaemonSet,
    base: daemonSet,
    patch: { status: { conditions: [{ status: "True", type: "StatusPatched" }] } },
    expect: (o) => {
      o.status.conditions.unshift({ status: "True", type: "StatusPatched" });
    },
  },
  {
    name: "an empty patch changes nothing",
    schema: DaemonSet,
    base: daemonSet,
    patch: {},
    expect: () => {},
  },
  {
    name: "$patch: merge is not a valid map directive",
    schema: DaemonSet,
    base: daemonSet,
    patch: { spec: { template: { spec: { securityContext: { $patch: "merge" } } } } },
    error: { code: 500, message: "unknown patch type: merge in map: map[$patch:merge]" },
  },
  {
    name: "a container without its merge key",
    schema: DaemonSet,
    base: daemonSet,
    patch: { spec: { template: { spec: { containers: [{ image: "x" }] } } } },
    error: { code: 500, message: "map: map[image:x] does not contain declared merge key: name" },
  },
  {
    name: "an unknown $patch value in a list element",
    schema: DaemonSet,
    base: daemonSet,
    patch: { spec: { template: { spec: { containers: [{ $patch: "remove", name: "c" }] } } } },
    error: { code: 500, message: "unknown patch type: remove in map: map[$patch:remove name:c]" },
  },
  {
    name: "$setElementOrder that is not a list",
    schema: DaemonSet,
    base: daemonSet,
    patch: { spec: { template: { spec: { "$setElementOrder/containers": "c" } } } },
    error: { code: 500, message: "expected a []interface {}, but received a string" },
  },
  {
    name: "$setElementOrder missing an item of the patch list",
    schema: DaemonSet,
    base: daemonSet,
    patch: {
      spec: {
        template: { spec: { "$setElementOrder/containers": [{ name: "c" }], containers: [{ image: "y", name: "y" }] } },
      },
    },
    error: {
      code: 500,
      message: "the order in patch list:\n[map[image:y name:y]]\n doesn't match $setElementOrder list:\n[map[name:c]]",
    },
  },
  {
    name: "$retainKeys not covering a patched key",
    schema: DaemonSet,
    base: daemonSet,
    patch: { spec: { template: { spec: { volumes: [{ $retainKeys: ["name"], emptyDir: {}, name: "data" }] } } } },
    error: { code: 400, message: "invalid patch format of retainKeys" },
  },
  {
    name: "$setElementOrder without a list name",
    schema: DaemonSet,
    base: daemonSet,
    patch: { spec: { template: { spec: { $setElementOrder: [] } } } },
    error: { code: 400, message: "invalid patch format of setElementOrder list" },
  },
  // ---- Pod: controller ownership ----
  {
    name: "adoption adds the controller reference to an orphan",
    schema: Pod,
    base: () => {
      const p = pod();
      delete p.metadata.ownerReferences;
      return p;
    },
    patch: { metadata: { ownerReferences: [{ ...dsRef }], uid: "pod-uid" } },
    expect: (o) => {
      o.metadata.ownerReferences = [{ ...dsRef }];
    },
  },
  {
    name: "adoption next to another owner puts the new reference first",
    schema: Pod,
    base: () => {
      const p = pod();
      p.metadata.ownerReferences = [{ apiVersion: "v1", kind: "ConfigMap", name: "cm", uid: "cm-uid" }];
      return p;
    },
    patch: { metadata: { ownerReferences: [{ ...dsRef }], uid: "pod-uid" } },
    expect: (o) => {
      o.metadata.ownerReferences = [{ ...dsRef }, { apiVersion: "v1", kind: "ConfigMap", name: "cm", uid: "cm-uid" }];
    },
  },
  {
    name: "release deletes the controller reference by uid",
    schema: Pod,
    base: pod,
    patch: { metadata: { ownerReferences: [{ $patch: "delete", uid: "ds-uid" }], uid: "pod-uid" } },
    expect: (o) => {
      o.metadata.ownerReferences = [];
    },
  },
  {
    name: "release keeps other owners",
    schema: Pod,
    base: () => {
      const p = pod();
      p.metadata.ownerReferences.push({ apiVersion: "v1", kind: "ConfigMap", name: "cm", uid: "cm-uid" });
      return p;
    },
    patch: { metadata: { ownerReferences: [{ $patch: "delete", uid: "ds-uid" }], uid: "pod-uid" } },
    expect: (o) => {
      o.metadata.ownerReferences = [{ apiVersion: "v1", kind: "ConfigMap", name: "cm", uid: "cm-uid" }];
    },
  },
  {
    name: "release of an already orphaned pod drops the directive",
    schema: Pod,
    base: () => {
      const p = pod();
      delete p.metadata.ownerReferences;
      return p;
    },
    patch: { metadata: { ownerReferences: [{ $patch: "delete", uid: "ds-uid" }], uid: "pod-uid" } },
    expect: (o) => {
      o.metadata.ownerReferences = [];
    },
  },
  // ---- Pod: finalizers (primitive merge list) ----
  {
    name: "finalizers merge as a set",
    schema: Pod,
    base: pod,
    patch: { metadata: { finalizers: ["example.com/b", "example.com/c"] } },
    expect: (o) => {
      o.metadata.finalizers = ["example.com/a", "example.com/b", "example.com/c"];
    },
  },
  {
    name: "$deleteFromPrimitiveList removes a finalizer",
    schema: Pod,
    base: pod,
    patch: { metadata: { "$deleteFromPrimitiveList/finalizers": ["example.com/a"] } },
    expect: (o) => {
      o.metadata.finalizers = ["example.com/b"];
    },
  },
  {
    name: "kubectl apply replacing a finalizer (order, deletion and addition)",
    schema: Pod,
    base: pod,
    patch: {
      metadata: {
        "$deleteFromPrimitiveList/finalizers": ["example.com/a"],
        "$setElementOrder/finalizers": ["example.com/c", "example.com/b"],
        finalizers: ["example.com/c"],
      },
    },
    expect: (o) => {
      o.metadata.finalizers = ["example.com/c", "example.com/b"];
    },
  },
  // ---- Pod: spec lists ----
  {
    name: "initContainers merge by name",
    schema: Pod,
    base: pod,
    patch: { spec: { initContainers: [{ image: "busybox:2", name: "init" }] } },
    expect: (o) => {
      o.spec.initContainers[0].image = "busybox:2";
    },
  },
  {
    name: "imagePullSecrets merge by name",
    schema: Pod,
    base: pod,
    patch: { spec: { imagePullSecrets: [{ name: "other" }] } },
    expect: (o) => {
      o.spec.imagePullSecrets = [{ name: "other" }, { name: "regcred" }];
    },
  },
  {
    name: "hostAliases merge by ip; hostnames inside are replaced",
    schema: Pod,
    base: pod,
    patch: { spec: { hostAliases: [{ hostnames: ["bar"], ip: "10.0.0.1" }] } },
    expect: (o) => {
      o.spec.hostAliases = [{ ip: "10.0.0.1", hostnames: ["bar"] }];
    },
  },
  {
    name: "envFrom is replaced (no strategy)",
    schema: Pod,
    base: pod,
    patch: { spec: { containers: [{ envFrom: [{ secretRef: { name: "s" } }], name: "c" }] } },
    expect: (o) => {
      o.spec.containers[0].envFrom = [{ secretRef: { name: "s" } }];
    },
  },
  {
    name: "volumeMounts merge by mountPath",
    schema: Pod,
    base: pod,
    patch: { spec: { containers: [{ name: "c", volumeMounts: [{ mountPath: "/data", readOnly: true }] }] } },
    expect: (o) => {
      o.spec.containers[0].volumeMounts = [{ name: "data", mountPath: "/data", readOnly: true }];
    },
  },
  {
    name: "volumeDevices delete by devicePath",
    schema: Pod,
    base: pod,
    patch: { spec: { containers: [{ name: "c", volumeDevices: [{ $patch: "delete", devicePath: "/dev/xvda" }] }] } },
    expect: (o) => {
      o.spec.containers[0].volumeDevices = [{ name: "blk2", devicePath: "/dev/xvdb" }];
    },
  },
  {
    name: "schedulingGates removal by name",
    schema: Pod,
    base: pod,
    patch: { spec: { schedulingGates: [{ $patch: "delete", name: "gate-a" }] } },
    expect: (o) => {
      o.spec.schedulingGates = [{ name: "gate-b" }];
    },
  },
  {
    name: "topologySpreadConstraints merge by topologyKey",
    schema: Pod,
    base: pod,
    patch: { spec: { topologySpreadConstraints: [{ maxSkew: 2, topologyKey: "zone" }] } },
    expect: (o) => {
      o.spec.topologySpreadConstraints[0].maxSkew = 2;
    },
  },
  {
    name: "pod tolerations are replaced (kubectl edit)",
    schema: Pod,
    base: pod,
    patch: { spec: { tolerations: [{ effect: "NoSchedule", key: "x", operator: "Exists" }] } },
    expect: (o) => {
      o.spec.tolerations = [{ effect: "NoSchedule", key: "x", operator: "Exists" }];
    },
  },
  {
    name: "volume configMap to secret with $retainKeys",
    schema: Pod,
    base: pod,
    patch: {
      spec: {
        "$setElementOrder/volumes": [{ name: "data" }],
        volumes: [{ $retainKeys: ["name", "secret"], configMap: null, name: "data", secret: { secretName: "s" } }],
      },
    },
    expect: (o) => {
      o.spec.volumes = [{ name: "data", secret: { secretName: "s" } }];
    },
  },
  // ---- Pod: status ----
  {
    name: "kubelet status patch updates one condition in place",
    schema: Pod,
    base: pod,
    patch: {
      status: {
        "$setElementOrder/conditions": [{ type: "Initialized" }, { type: "Ready" }, { type: "PodScheduled" }],
        conditions: [{ lastTransitionTime: "t1", status: "True", type: "Ready" }],
      },
    },
    expect: (o) => {
      o.status.conditions[1] = { type: "Ready", status: "True", lastTransitionTime: "t1" };
    },
  },
  {
    name: "containerStatuses are replaced (atomic list)",
    schema: Pod,
    base: pod,
    patch: { status: { containerStatuses: [{ name: "c", ready: true, restartCount: 1 }] } },
    expect: (o) => {
      o.status.containerStatuses = [{ name: "c", ready: true, restartCount: 1 }];
    },
  },
  {
    name: "podIPs merge by ip in the given order",
    schema: Pod,
    base: pod,
    patch: {
      status: { "$setElementOrder/podIPs": [{ ip: "10.1.0.5" }, { ip: "fd00::5" }], podIPs: [{ ip: "fd00::5" }] },
    },
    expect: (o) => {
      o.status.podIPs = [{ ip: "10.1.0.5" }, { ip: "fd00::5" }];
    },
  },
  // ---- Node ----
  {
    name: "kubectl taint adds a taint by sending the whole list",
    schema: Node,
    base: node,
    patch: {
      spec: {
        taints: [
          { effect: "NoSchedule", key: "dedicated", value: "x" },
          { effect: "NoExecute", key: "k2" },
        ],
      },
    },
    expect: (o) => {
      o.spec.taints = [
        { effect: "NoSchedule", key: "dedicated", value: "x" },
        { effect: "NoExecute", key: "k2" },
      ];
    },
  },
  {
    name: "kubectl taint removing the last taint sends null",
    schema: Node,
    base: node,
    patch: { spec: { taints: null } },
    expect: (o) => {
      delete o.spec.taints;
    },
  },
  {
    name: "kubectl cordon",
    schema: Node,
    base: node,
    patch: { spec: { unschedulable: true } },
    expect: (o) => {
      o.spec.unschedulable = true;
    },
  },
  {
    name: "kubectl uncordon",
    schema: Node,
    base: () => {
      const n = node();
      n.spec.unschedulable = true;
      return n;
    },
    patch: { spec: { unschedulable: null } },
    expect: (o) => {
      delete o.spec.unschedulable;
    },
  },
  {
    name: "node label change",
    schema: Node,
    base: node,
    patch: { metadata: { labels: { "daemonset-color": "green" } } },
    expect: (o) => {
      o.metadata.labels["daemonset-color"] = "green";
    },
  },
  {
    name: "node heartbeat updates conditions by type",
    schema: Node,
    base: node,
    patch: {
      status: {
        "$setElementOrder/conditions": [{ type: "MemoryPressure" }, { type: "DiskPressure" }, { type: "Ready" }],
        conditions: [
          { lastHeartbeatTime: "t1", type: "MemoryPressure" },
          { lastHeartbeatTime: "t1", type: "DiskPressure" },
          { lastHeartbeatTime: "t1", type: "Ready" },
        ],
      },
    },
    expect: (o) => {
      for (const c of o.status.conditions) c.lastHeartbeatTime = "t1";
    },
  },
  {
    name: "node addresses merge by type",
    schema: Node,
    base: node,
    patch: { status: { addresses: [{ address: "192.168.0.11", type: "InternalIP" }] } },
    expect: (o) => {
      o.status.addresses[0].address = "192.168.0.11";
    },
  },
  {
    name: "podCIDRs merge as a set; without $setElementOrder new items go first",
    schema: Node,
    base: node,
    patch: { spec: { podCIDRs: ["fd00::/64"] } },
    expect: (o) => {
      o.spec.podCIDRs = ["fd00::/64", "10.1.0.0/24"];
    },
  },
  {
    name: "podCIDRs with $setElementOrder keep the requested order",
    schema: Node,
    base: node,
    patch: { spec: { "$setElementOrder/podCIDRs": ["10.1.0.0/24", "fd00::/64"], podCIDRs: ["fd00::/64"] } },
    expect: (o) => {
      o.spec.podCIDRs = ["10.1.0.0/24", "fd00::/64"];
    },
  },
  {
    name: "capacity merges as a map",
    schema: Node,
    base: node,
    patch: { status: { capacity: { "example.com/gpu": "1" } } },
    expect: (o) => {
      o.status.capacity["example.com/gpu"] = "1";
    },
  },
];

for (const c of cases) {
  test(c.name, () => {
    const original = c.base();
    const before = structuredClone(original);
    if (c.error) {
      const { code, message } = c.error;
      assert.throws(
        () => applyStrategicMergePatch(original, c.patch, c.schema),
        (e: unknown) => {
          assert.ok(e instanceof ApiError, `expected ApiError, got ${String(e)}`);
          assert.equal(e.code, code);
          if (typeof message === "string") assert.equal(e.message, message);
          else assert.match(e.message, message);
          return true;
        },
      );
    } else {
      const expected = c.base();
      c.expect?.(expected);
      assert.deepEqual(applyStrategicMergePatch(original, c.patch, c.schema), expected);
    }
    assert.deepEqual(original, before, "the original must not be modified");
  });
}

test("the golden table is large enough to cover every directive", () => {
  assert.ok(cases.length >= 45, `only ${cases.length} cases`);
});

test("merge-key sites of Pod, Node and DaemonSet match upstream's patch tags", () => {
  const byPath = (schema: Schema) => new Map(mergeKeySites(schema).map((s) => [s.path, s]));
  const pods = byPath(Pod);
  const nodes = byPath(Node);
  const daemonSets = byPath(DaemonSet);
  const expectSite = (sites: Map<string, unknown>, path: string, patchStrategy: string, patchMergeKey?: string) =>
    assert.deepEqual(sites.get(path), patchMergeKey ? { path, patchStrategy, patchMergeKey } : { path, patchStrategy });

  expectSite(pods, "metadata.finalizers", "merge");
  expectSite(pods, "metadata.ownerReferences", "merge", "uid");
  expectSite(pods, "spec.containers", "merge", "name");
  expectSite(pods, "spec.initContainers", "merge", "name");
  expectSite(pods, "spec.containers.env", "merge", "name");
  expectSite(pods, "spec.containers.ports", "merge", "containerPort");
  expectSite(pods, "spec.containers.volumeMounts", "merge", "mountPath");
  expectSite(pods, "spec.containers.volumeDevices", "merge", "devicePath");
  expectSite(pods, "spec.volumes", "merge,retainKeys", "name");
  expectSite(pods, "spec.imagePullSecrets", "merge", "name");
  expectSite(pods, "spec.hostAliases", "merge", "ip");
  expectSite(pods, "status.conditions", "merge", "type");
  expectSite(pods, "status.podIPs", "merge", "ip");
  expectSite(nodes, "spec.podCIDRs", "merge");
  expectSite(nodes, "status.conditions", "merge", "type");
  expectSite(nodes, "status.addresses", "merge", "type");
  expectSite(daemonSets, "spec.template.spec.containers", "merge", "name");
  expectSite(daemonSets, "spec.template.spec.volumes", "merge,retainKeys", "name");
  expectSite(daemonSets, "status.conditions", "merge", "type");
  // Replaced wholesale upstream: no patch strategy at all.
  for (const path of ["spec.tolerations", "spec.containers.envFrom", "status.containerStatuses"]) {
    assert.equal(pods.get(path), undefined, path);
  }
  assert.equal(nodes.get("spec.taints"), undefined);
  assert.equal(daemonSets.get("spec.updateStrategy"), undefined);
});
