// The objects the benchmarks write: small ConfigMaps for raw store throughput, and realistic small pods bound to
// nodes (`spec.nodeName`) for the pod, list and watch benchmarks.

export const NAMESPACE = "default";

export function configMap(name: string): Record<string, unknown> {
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name, namespace: NAMESPACE, labels: { app: "bench" } },
    data: { "config.yaml": "replicas: 1\nlogLevel: info\n", "feature-flags": "a=true,b=false" },
  };
}

export function podName(i: number): string {
  return `pod-${i}`;
}

export function nodeName(i: number): string {
  return `node-${i}`;
}

/** A pod the size of a typical DaemonSet pod: one container with resources, probes, env and a mounted volume. */
export function pod(i: number): Record<string, unknown> {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name: podName(i),
      namespace: NAMESPACE,
      labels: { app: "node-agent", "app.kubernetes.io/part-of": "bench" },
      annotations: { "bench.loci.dev/index": String(i) },
    },
    spec: {
      nodeName: nodeName(i),
      containers: [
        {
          name: "agent",
          image: "registry.example.com/node-agent:1.4.2",
          args: ["--listen=:9100", "--log-level=info"],
          ports: [{ name: "metrics", containerPort: 9100, protocol: "TCP" }],
          env: [{ name: "NODE_NAME", valueFrom: { fieldRef: { fieldPath: "spec.nodeName" } } }],
          resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { memory: "128Mi" } },
          readinessProbe: { httpGet: { path: "/healthz", port: 9100 }, periodSeconds: 10 },
          volumeMounts: [{ name: "config", mountPath: "/etc/agent", readOnly: true }],
        },
      ],
      volumes: [{ name: "config", configMap: { name: "node-agent-config" } }],
      tolerations: [{ operator: "Exists" }],
    },
  };
}
