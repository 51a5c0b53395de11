import assert from "node:assert/strict";
import { test } from "node:test";
import * as apps from "../schema/apps.ts";
import * as coordination from "../schema/coordination.ts";
import * as core from "../schema/core.ts";
import * as eventsv1 from "../schema/events.ts";
import * as rbac from "../schema/rbac.ts";
import { decodeMessage } from "./message.ts";
import { ProtobufDecodeError } from "./protobuf-error.ts";
import { bool, cat, i32, int, msg, raw, str, w } from "./wire-fixtures.ts";

/** A map<string, string> entry. */
const kv = (n: number, k: string, v: string) => msg(n, str(1, k), str(2, v));
/** metav1.Time / MicroTime { seconds = 1, nanos = 2 }. */
const time = (n: number, seconds: number, nanos = 0) => msg(n, int(1, seconds), ...(nanos ? [i32(2, nanos)] : []));
/** resource.Quantity { string = 1 }. */
const qty = (n: number, v: string) => msg(n, str(1, v));

// ObjectMeta: name 1, generateName 2, namespace 3, selfLink 4, uid 5, resourceVersion 6, generation 7,
// creationTimestamp 8, deletionTimestamp 9, deletionGracePeriodSeconds 10, labels 11, annotations 12,
// ownerReferences 13, finalizers 14.
const meta = (...parts: Uint8Array[]) => msg(1, ...parts);

test("maps of strings and bytes, with Go's always-written zero scalars dropped and pointer ones kept", () => {
  // ConfigMap: metadata 1, data 2, binaryData 3, immutable 4 (*bool).
  const bytes = cat(
    meta(
      str(1, "cm"),
      str(2, ""),
      str(3, "ns"),
      int(7, 0),
      msg(8),
      kv(11, "app", "web"),
      kv(11, "tier", ""),
      kv(12, "note", "a=b"),
    ),
    kv(2, "a", "b"),
    kv(2, "empty", ""),
    msg(3, str(1, "bin"), raw(2, Uint8Array.of(0, 1, 255))),
    bool(4, false),
  );
  assert.deepEqual(decodeMessage(bytes, core.ConfigMap), {
    metadata: {
      name: "cm",
      namespace: "ns",
      creationTimestamp: null,
      labels: { app: "web", tier: "" },
      annotations: { note: "a=b" },
    },
    data: { a: "b", empty: "" },
    binaryData: { bin: "AAH/" },
    immutable: false,
  });
});

test("Secret data is base64 in JSON and a map entry without a value is the zero value", () => {
  // Secret: metadata 1, data 2 (map<string, bytes>), type 3, stringData 4.
  const bytes = cat(
    meta(str(1, "s")),
    msg(2, str(1, "pw"), raw(2, Buffer.from("hunter2"))),
    msg(2, str(1, "none")),
    str(3, "Opaque"),
  );
  assert.deepEqual(decodeMessage(bytes, core.Secret), {
    metadata: { name: "s" },
    data: { pw: Buffer.from("hunter2").toString("base64"), none: "" },
    type: "Opaque",
  });
});

test("a pod: nested and repeated messages, quantities, int-or-string, inline structs, times and int64", () => {
  // Container: name 1, image 2, command 3, args 4, ports 6, env 7, resources 8, livenessProbe 10.
  // ContainerPort: containerPort 3, protocol 4. EnvVar: name 1, value 2. ResourceRequirements: limits 1, requests 2.
  // Probe: handler 1 (inline ProbeHandler: httpGet 2, tcpSocket 3), initialDelaySeconds 2, periodSeconds 4.
  // HTTPGetAction: path 1, port 2. TCPSocketAction: port 1. IntOrString: type 1, intVal 2, strVal 3.
  const container = msg(
    2,
    str(1, "app"),
    str(2, "nginx:1.27"),
    str(3, "sh"),
    str(3, "-c"),
    str(4, ""),
    msg(6, i32(3, 8080), str(4, "TCP"), i32(2, 0)),
    msg(7, str(1, "A"), str(2, "B")),
    msg(8, msg(1, str(1, "cpu"), qty(2, "500m")), msg(2, str(1, "memory"), qty(2, "64Mi"))),
    msg(10, msg(1, msg(2, str(1, "/healthz"), msg(2, int(1, 1), str(3, "http")))), i32(2, 5), i32(4, 0)),
    msg(11, msg(1, msg(3, msg(1, int(1, 0), i32(2, 8080)))), i32(2, 0)),
  );
  // Volume: name 1, volumeSource 2 (inline; hostPath 1). HostPathVolumeSource: path 1, type 2 (*string).
  const volume = msg(1, str(1, "host"), msg(2, msg(1, str(1, "/"), str(2, ""))));
  // Toleration: key 1, operator 2, effect 4, tolerationSeconds 5 (*int64).
  const toleration = msg(22, str(1, "k"), str(2, "Exists"), str(4, "NoExecute"), int(5, 300));
  // PodSpec: volumes 1, containers 2, restartPolicy 3, terminationGracePeriodSeconds 4 (*int64), nodeName 10,
  // hostNetwork 11, nodeSelector 7, tolerations 22, priority 25 (*int32).
  const spec = msg(
    2,
    volume,
    container,
    str(3, "Always"),
    int(4, 0),
    kv(7, "disk", "ssd"),
    str(10, ""),
    bool(11, false),
    toleration,
    i32(25, -5),
  );
  const bytes = cat(
    meta(str(1, "p"), time(8, 1_700_000_000, 999_000_000), time(9, 0), int(10, 30), str(14, "f1"), str(14, "f2")),
    spec,
    msg(3),
  );
  assert.deepEqual(decodeMessage(bytes, core.Pod), {
    metadata: {
      name: "p",
      creationTimestamp: "2023-11-14T22:13:20Z",
      deletionTimestamp: "1970-01-01T00:00:00Z",
      deletionGracePeriodSeconds: 30,
      finalizers: ["f1", "f2"],
    },
    spec: {
      volumes: [{ name: "host", hostPath: { path: "/", type: "" } }],
      containers: [
        {
          name: "app",
          image: "nginx:1.27",
          command: ["sh", "-c"],
          args: [""],
          ports: [{ containerPort: 8080, protocol: "TCP" }],
          env: [{ name: "A", value: "B" }],
          resources: { limits: { cpu: "500m" }, requests: { memory: "64Mi" } },
          livenessProbe: { httpGet: { path: "/healthz", port: "http" }, initialDelaySeconds: 5 },
          readinessProbe: { tcpSocket: { port: 8080 } },
        },
      ],
      restartPolicy: "Always",
      terminationGracePeriodSeconds: 0,
      nodeSelector: { disk: "ssd" },
      tolerations: [{ key: "k", operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 }],
      priority: -5,
    },
    status: {},
  });
});

test("repeated numbers arrive packed or unpacked; int64 keeps values past 32 bits", () => {
  // PodSecurityContext: runAsUser 2 (*int64), supplementalGroups 4 ([]int64), fsGroup 5 (*int64).
  const packed = w()
    .uint32((4 << 3) | 2)
    .fork()
    .int64(1)
    .int64(5_000_000_000)
    .ldelim()
    .finish();
  const sc = msg(14, int(2, 0), packed, int(4, 7), int(5, 2_000));
  const out = decodeMessage(cat(msg(2, sc)), core.Pod) as { spec: { securityContext: unknown } };
  assert.deepEqual(out.spec.securityContext, {
    runAsUser: 0,
    supplementalGroups: [1, 5_000_000_000, 7],
    fsGroup: 2000,
  });
});

test("MicroTime keeps microseconds; Lease spec pointers keep explicit zeros", () => {
  // LeaseSpec: holderIdentity 1, leaseDurationSeconds 2, acquireTime 3, renewTime 4, leaseTransitions 5.
  const bytes = cat(
    meta(str(1, "n1"), str(3, "kube-node-lease")),
    msg(2, str(1, "n1"), i32(2, 40), time(4, 1_700_000_000, 123_456_789), i32(5, 0)),
  );
  assert.deepEqual(decodeMessage(bytes, coordination.Lease), {
    metadata: { name: "n1", namespace: "kube-node-lease" },
    spec: {
      holderIdentity: "n1",
      leaseDurationSeconds: 40,
      renewTime: "2023-11-14T22:13:20.123456Z",
      leaseTransitions: 0,
    },
  });
});

test("events.k8s.io/v1 Event: renamed fields, series and a nested ObjectReference", () => {
  // Event: metadata 1, eventTime 2, series 3, reportingController 4, reportingInstance 5, action 6, reason 7,
  // regarding 8, note 10, type 11, deprecatedCount 15. EventSeries: count 1, lastObservedTime 2.
  // ObjectReference: kind 1, namespace 2, name 3, uid 4, apiVersion 5.
  const bytes = cat(
    meta(str(1, "e1"), str(3, "default")),
    time(2, 1_700_000_000, 5_000),
    msg(3, i32(1, 2), time(2, 1_700_000_001)),
    str(4, "loci/ds"),
    str(7, "Created"),
    msg(8, str(1, "Pod"), str(2, "default"), str(3, "p"), str(5, "v1")),
    str(10, "hello"),
    str(11, "Normal"),
    i32(15, 0),
  );
  assert.deepEqual(decodeMessage(bytes, eventsv1.Event), {
    metadata: { name: "e1", namespace: "default" },
    eventTime: "2023-11-14T22:13:20.000005Z",
    series: { count: 2, lastObservedTime: "2023-11-14T22:13:21.000000Z" },
    reportingController: "loci/ds",
    reason: "Created",
    regarding: { kind: "Pod", namespace: "default", name: "p", apiVersion: "v1" },
    note: "hello",
    type: "Normal",
  });
});

test("RawExtension carries JSON; RBAC repeated strings and nested role refs", () => {
  // ControllerRevision: metadata 1, data 2 (RawExtension { raw 1 }), revision 3.
  const data = { spec: { template: { spec: { containers: [{ name: "c" }] } } } };
  const rev = cat(meta(str(1, "r-1")), msg(2, raw(1, Buffer.from(JSON.stringify(data)))), int(3, 3));
  assert.deepEqual(decodeMessage(rev, apps.ControllerRevision), { metadata: { name: "r-1" }, data, revision: 3 });

  // Role: rules 2; PolicyRule: verbs 1, apiGroups 2, resources 3, resourceNames 4.
  const role = cat(meta(str(1, "r")), msg(2, str(1, "get"), str(1, "list"), str(2, ""), str(3, "pods")));
  assert.deepEqual(decodeMessage(role, rbac.Role), {
    metadata: { name: "r" },
    rules: [{ verbs: ["get", "list"], apiGroups: [""], resources: ["pods"] }],
  });
  // RoleBinding: subjects 2, roleRef 3. Subject: kind 1, apiGroup 2, name 3, namespace 4. RoleRef: apiGroup 1,
  // kind 2, name 3.
  const binding = cat(
    meta(str(1, "rb")),
    msg(2, str(1, "ServiceAccount"), str(2, ""), str(3, "sa"), str(4, "default")),
    msg(3, str(1, "rbac.authorization.k8s.io"), str(2, "Role"), str(3, "r")),
  );
  assert.deepEqual(decodeMessage(binding, rbac.RoleBinding), {
    metadata: { name: "rb" },
    subjects: [{ kind: "ServiceAccount", name: "sa", namespace: "default" }],
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "r" },
  });
});

test("unknown field numbers are skipped; a repeated singular message merges", () => {
  const bytes = cat(meta(str(1, "n")), int(99, 5), str(98, "x"), meta(str(3, "ns")));
  assert.deepEqual(decodeMessage(bytes, core.ServiceAccount), { metadata: { name: "n", namespace: "ns" } });
});

test("malformed messages fail with Go's wording", () => {
  assert.throws(
    () => decodeMessage(cat(int(1, 5)), core.Namespace),
    (e: Error) => e instanceof ProtobufDecodeError && e.message === "proto: wrong wireType = 0 for field metadata",
  );
  const truncated = cat(meta(str(1, "long-name"))).subarray(0, 6);
  assert.throws(
    () => decodeMessage(truncated, core.Namespace),
    (e: Error) => e instanceof ProtobufDecodeError && e.message === "unexpected EOF",
  );
  const notJson = cat(msg(2, raw(1, Buffer.from("{nope"))));
  assert.throws(() => decodeMessage(notJson, apps.ControllerRevision), /data: raw data is not JSON/);
});
