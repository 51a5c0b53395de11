import assert from "node:assert/strict";
import { test } from "node:test";
import { defaultDaemonSet } from "./daemonset.ts";
import { imageTag } from "./image.ts";
import { defaultNamespace } from "./namespace.ts";
import { defaultNode } from "./node.ts";
import { defaultPod, defaultPodSpec } from "./pod.ts";
import { defaultSecret } from "./secret.ts";

type Json = any;

test("defaults: a minimal DaemonSet becomes what upstream's apps/v1 defaulter returns (spec §5.1)", () => {
  const ds: Json = {
    apiVersion: "apps/v1",
    kind: "DaemonSet",
    metadata: { name: "web", namespace: "default" },
    spec: {
      selector: { matchLabels: { app: "web" } },
      template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "app", image: "nginx" }] } },
    },
  };
  const out = defaultDaemonSet(ds);
  assert.equal(out, ds, "mutates in place and returns the same object");
  assert.deepEqual(ds.spec, {
    selector: { matchLabels: { app: "web" } },
    template: {
      metadata: { labels: { app: "web" } },
      spec: {
        containers: [
          {
            name: "app",
            image: "nginx",
            imagePullPolicy: "Always",
            resources: {},
            terminationMessagePath: "/dev/termination-log",
            terminationMessagePolicy: "File",
          },
        ],
        dnsPolicy: "ClusterFirst",
        restartPolicy: "Always",
        schedulerName: "default-scheduler",
        securityContext: {},
        terminationGracePeriodSeconds: 30,
      },
    },
    updateStrategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } },
    revisionHistoryLimit: 10,
  });
  assert.equal(ds.spec.template.spec.enableServiceLinks, undefined, "pod-only defaults stay off templates");
});

test("defaults: OnDelete gets no rollingUpdate; explicit values are kept", () => {
  const ds: Json = {
    metadata: { name: "x" },
    spec: { updateStrategy: { type: "OnDelete" }, revisionHistoryLimit: 0, template: { spec: { containers: [] } } },
  };
  defaultDaemonSet(ds);
  assert.deepEqual(ds.spec.updateStrategy, { type: "OnDelete" });
  assert.equal(ds.spec.revisionHistoryLimit, 0);
  const surge: Json = {
    metadata: {},
    spec: { updateStrategy: { rollingUpdate: { maxUnavailable: 0, maxSurge: "10%" } } },
  };
  defaultDaemonSet(surge);
  assert.deepEqual(surge.spec.updateStrategy, {
    type: "RollingUpdate",
    rollingUpdate: { maxUnavailable: 0, maxSurge: "10%" },
  });
});

test("defaults: containers, probes, ports and volumes", () => {
  const spec: Json = {
    containers: [
      {
        name: "a",
        image: "registry:5000/app:1.2",
        ports: [{ containerPort: 80 }],
        livenessProbe: { httpGet: { port: 80 } },
        readinessProbe: { grpc: { port: 9000 }, periodSeconds: 5 },
        env: [{ name: "NODE", valueFrom: { fieldRef: { fieldPath: "spec.nodeName" } } }],
        resources: { limits: { cpu: 0.5, memory: "1.5Gi" }, requests: { cpu: "100u" } },
      },
    ],
    initContainers: [{ name: "i", image: "busybox@sha256:abc" }],
    volumes: [
      { name: "empty" },
      { name: "logs", hostPath: { path: "/var/log" } },
      { name: "cfg", configMap: { name: "cm" } },
      { name: "sec", secret: { secretName: "s", defaultMode: 256 } },
      { name: "scratch", emptyDir: { sizeLimit: "1000Mi" } },
      { name: "proj", projected: { sources: [{ serviceAccountToken: { path: "token" } }] } },
    ],
  };
  defaultPodSpec(spec);
  const c = spec.containers[0];
  assert.equal(c.imagePullPolicy, "IfNotPresent");
  assert.deepEqual(c.ports, [{ containerPort: 80, protocol: "TCP" }]);
  assert.deepEqual(c.livenessProbe, {
    httpGet: { port: 80, path: "/", scheme: "HTTP" },
    timeoutSeconds: 1,
    periodSeconds: 10,
    successThreshold: 1,
    failureThreshold: 3,
  });
  assert.deepEqual(c.readinessProbe.grpc, { port: 9000, service: "" });
  assert.equal(c.readinessProbe.periodSeconds, 5);
  assert.equal(c.env[0].valueFrom.fieldRef.apiVersion, "v1");
  assert.deepEqual(c.resources, { limits: { cpu: "500m", memory: "1536Mi" }, requests: { cpu: "1m" } });
  assert.equal(spec.initContainers[0].imagePullPolicy, "IfNotPresent");
  assert.deepEqual(spec.volumes[0], { name: "empty", emptyDir: {} });
  assert.deepEqual(spec.volumes[1].hostPath, { path: "/var/log", type: "" });
  assert.equal(spec.volumes[2].configMap.defaultMode, 420);
  assert.equal(spec.volumes[3].secret.defaultMode, 256);
  assert.equal(spec.volumes[4].emptyDir.sizeLimit, "1000Mi");
  assert.equal(spec.volumes[5].projected.defaultMode, 420);
  assert.equal(spec.volumes[5].projected.sources[0].serviceAccountToken.expirationSeconds, 3600);
});

test("defaults: pod-only defaults (requests from limits, service links, host network ports)", () => {
  const pod: Json = {
    metadata: { name: "p" },
    spec: {
      hostNetwork: true,
      containers: [
        {
          name: "a",
          image: "x:latest",
          ports: [{ containerPort: 53 }],
          resources: { limits: { cpu: "1", memory: "64Mi" }, requests: { cpu: "0.5" } },
        },
      ],
    },
  };
  defaultPod(pod);
  const c = pod.spec.containers[0];
  assert.deepEqual(c.resources.requests, { cpu: "500m", memory: "64Mi" });
  assert.equal(c.imagePullPolicy, "Always");
  assert.equal(pod.spec.enableServiceLinks, true);
  assert.deepEqual(c.ports[0], { containerPort: 53, hostPort: 53, protocol: "TCP" });
});

test("defaults: image tags as upstream's parser sees them", () => {
  assert.equal(imageTag("nginx"), "latest");
  assert.equal(imageTag("nginx:1.25"), "1.25");
  assert.equal(imageTag("localhost:5000/nginx"), "latest");
  assert.equal(imageTag("nginx@sha256:0123"), "");
  assert.equal(imageTag("nginx:1.25@sha256:0123"), "1.25");
});

test("defaults: nodes round quantities and copy capacity to allocatable", () => {
  const node: Json = {
    metadata: { name: "n" },
    status: { capacity: { cpu: "2000m", memory: "1048576Ki", pods: "110" } },
  };
  defaultNode(node);
  assert.deepEqual(node.status.capacity, { cpu: "2", memory: "1Gi", pods: "110" });
  assert.deepEqual(node.status.allocatable, node.status.capacity);
  assert.notEqual(node.status.allocatable, node.status.capacity);
});

test("defaults: namespaces get the name label, Active phase and the kubernetes finalizer", () => {
  const ns: Json = { metadata: { name: "team-a" } };
  defaultNamespace(ns);
  assert.deepEqual(ns, {
    metadata: { name: "team-a", labels: { "kubernetes.io/metadata.name": "team-a" } },
    spec: { finalizers: ["kubernetes"] },
    status: { phase: "Active" },
  });
  const existing: Json = {
    metadata: { name: "b" },
    spec: { finalizers: ["example.com/x"] },
    status: { phase: "Terminating" },
  };
  defaultNamespace(existing, { creating: false });
  assert.deepEqual(existing.spec.finalizers, ["example.com/x"]);
  assert.equal(existing.status.phase, "Terminating");
});

test("defaults: secrets are Opaque unless typed", () => {
  assert.equal(defaultSecret({ metadata: {} }).type, "Opaque");
  assert.equal(defaultSecret({ metadata: {}, type: "kubernetes.io/tls" }).type, "kubernetes.io/tls");
});
