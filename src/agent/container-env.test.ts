import assert from "node:assert/strict";
import { test } from "node:test";
import type { KubeObject } from "../api/object.ts";
import { ContainerConfigError, containerEnv, expand, expandCommand } from "./container-env.ts";

test("$(VAR) expansion as upstream: defined names replaced, $$ escapes, unknown kept", () => {
  const vars = (n: string) => ({ A: "1", B: "two" })[n];
  assert.equal(expand("$(A)-$(B)", vars), "1-two");
  assert.equal(expand("$$(A)", vars), "$(A)");
  assert.equal(expand("$(C) $A $", vars), "$(C) $A $");
  assert.equal(expand("$(A", vars), "$(A");
});

const pod: KubeObject = {
  metadata: { name: "p", namespace: "ns", uid: "u1", labels: { app: "x", tier: "b" } },
  spec: { nodeName: "n1", serviceAccountName: "default" },
};

test("env: envFrom, values referring to earlier ones, downward API, resources, ConfigMap and Secret keys", async () => {
  const data: Record<string, Record<string, string>> = {
    "ConfigMap/ns/cm": { color: "blue", size: "L" },
    "Secret/ns/s": { password: "hunter2" },
  };
  const env = await containerEnv({
    pod,
    hostIP: "127.0.0.2",
    podIP: "127.0.0.2",
    nodeAllocatable: { cpu: "2", memory: "4Gi" },
    lookup: async (kind, ns, name) => {
      const d = data[`${kind}/${ns}/${name}`];
      return d && Object.fromEntries(Object.entries(d).map(([k, v]) => [k, Buffer.from(v)]));
    },
    container: {
      resources: { limits: { memory: "64Mi" } },
      envFrom: [{ configMapRef: { name: "cm" }, prefix: "CM_" }],
      env: [
        { name: "NODE", valueFrom: { fieldRef: { fieldPath: "spec.nodeName" } } },
        { name: "MSG", value: "on $(NODE) in $(NS)" },
        { name: "APP", valueFrom: { fieldRef: { fieldPath: "metadata.labels['app']" } } },
        { name: "HOST", valueFrom: { fieldRef: { fieldPath: "status.hostIP" } } },
        { name: "MEM", valueFrom: { resourceFieldRef: { resource: "limits.memory", divisor: "1Mi" } } },
        { name: "CPU", valueFrom: { resourceFieldRef: { resource: "limits.cpu" } } },
        { name: "COLOR", valueFrom: { configMapKeyRef: { name: "cm", key: "color" } } },
        { name: "PW", valueFrom: { secretKeyRef: { name: "s", key: "password" } } },
        { name: "OPT", valueFrom: { secretKeyRef: { name: "missing", key: "k", optional: true } } },
      ],
    },
  });
  assert.deepEqual(env, {
    CM_color: "blue",
    CM_size: "L",
    NODE: "n1",
    MSG: "on n1 in $(NS)",
    APP: "x",
    HOST: "127.0.0.2",
    MEM: "64",
    CPU: "2",
    COLOR: "blue",
    PW: "hunter2",
  });
  assert.deepEqual(expandCommand(["echo", "$(MSG)", "$(PW)"], env), ["echo", "on n1 in $(NS)", "hunter2"]);
});

test("a missing ConfigMap or key is a container config error", async () => {
  const base = { pod, hostIP: "h", podIP: "p", nodeAllocatable: {}, lookup: async () => undefined };
  await assert.rejects(
    containerEnv({
      ...base,
      container: { env: [{ name: "X", valueFrom: { configMapKeyRef: { name: "cm", key: "k" } } }] },
    }),
    (e: unknown) => e instanceof ContainerConfigError && /configmap "cm" not found/.test(e.message),
  );
  await assert.rejects(
    containerEnv({
      ...base,
      lookup: async () => ({}) as Record<string, Buffer>,
      container: { env: [{ name: "X", valueFrom: { secretKeyRef: { name: "s", key: "k" } } }] },
    }),
    /couldn't find key k in Secret ns\/s/,
  );
});
