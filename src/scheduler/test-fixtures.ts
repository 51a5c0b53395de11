// Builders shared by the scheduler's tests: nodes and pods as the API would hand them out.
import type { KubeObject } from "../api/object.ts";

export interface NodeSpecOptions {
  cpu?: string;
  memory?: string;
  pods?: string;
  labels?: Record<string, string>;
  taints?: Array<{ key: string; value?: string; effect: string }>;
  unschedulable?: boolean;
  extra?: Record<string, string>;
}

export function makeNode(name: string, o: NodeSpecOptions = {}): KubeObject {
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: { name, labels: { "kubernetes.io/hostname": name, ...o.labels } },
    spec: { ...(o.taints ? { taints: o.taints } : {}), ...(o.unschedulable ? { unschedulable: true } : {}) },
    status: {
      allocatable: { cpu: o.cpu ?? "4", memory: o.memory ?? "8Gi", pods: o.pods ?? "110", ...o.extra },
      capacity: { cpu: o.cpu ?? "4", memory: o.memory ?? "8Gi", pods: o.pods ?? "110", ...o.extra },
    },
  };
}

export interface PodSpecOptions {
  namespace?: string;
  cpu?: string;
  memory?: string;
  nodeName?: string;
  nodeSelector?: Record<string, string>;
  tolerations?: any[];
  affinity?: any;
  pinnedTo?: string;
  priority?: number;
  uid?: string;
  extraRequests?: Record<string, string>;
}

export function makePod(name: string, o: PodSpecOptions = {}): KubeObject {
  const requests: Record<string, string> = { ...o.extraRequests };
  if (o.cpu) requests.cpu = o.cpu;
  if (o.memory) requests.memory = o.memory;
  const affinity =
    o.affinity ??
    (o.pinnedTo
      ? {
          nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: {
              nodeSelectorTerms: [{ matchFields: [{ key: "metadata.name", operator: "In", values: [o.pinnedTo] }] }],
            },
          },
        }
      : undefined);
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace: o.namespace ?? "default", uid: o.uid ?? `uid-${name}` },
    spec: {
      containers: [{ name: "c", image: "busybox", resources: Object.keys(requests).length ? { requests } : {} }],
      ...(o.nodeName ? { nodeName: o.nodeName } : {}),
      ...(o.nodeSelector ? { nodeSelector: o.nodeSelector } : {}),
      ...(o.tolerations ? { tolerations: o.tolerations } : {}),
      ...(affinity ? { affinity } : {}),
      ...(o.priority !== undefined ? { priority: o.priority } : {}),
    },
  };
}
