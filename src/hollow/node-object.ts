// The Node and Lease a hollow kubelet registers and keeps fresh (pure builders). Shapes follow kubelet's
// `initialNode` and node status setters: default labels, capacity = allocatable (no reservations), the four
// conditions with upstream reasons and messages, addresses, nodeInfo, the kubelet endpoint; and the node
// Lease of pkg/kubelet/nodelease (holder = node, 40 s, owned by the Node).
import { createHash } from "node:crypto";
import type { KubeObject } from "../api/object.ts";
import { LOCI_VERSION } from "../apiserver/server.ts";
import type { Taint } from "./flags.ts";
import { rfc3339 } from "./pod-status.ts";

export const NODE_LEASE_NAMESPACE = "kube-node-lease";
export const KUBELET_PORT = 10250;

export interface NodeShape {
  name: string;
  /** The node's number (start-index + i); addresses derive from it. */
  index: number;
  /** Extra labels (`--labels`); the kubelet's defaults are added. */
  labels: Record<string, string>;
  /** Applied at registration only, as `--register-with-taints`. */
  taints: Taint[];
  cpu: string;
  memory: string;
  maxPods: number;
  /** A real node's InternalIP (hollow nodes derive theirs from the index). */
  internalIP?: string;
  /** A real node's nodeInfo fields, over the hollow defaults. */
  nodeInfo?: Record<string, string>;
  /** The Ready condition's message when it says more than upstream's (e.g. limits not enforced). */
  readyMessage?: string;
  /** Extra capacity (e.g. ephemeral-storage) of a real node. */
  extraCapacity?: Record<string, string>;
}

/** InternalIP 10.x.y.z from index + 1, unique for the first 16 million nodes. */
export function hostIPFor(index: number): string {
  const n = (index + 1) % 0x1000000;
  return `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
}

/** Pod IPs from 100.64.0.0/10: a /24 per node (16384 distinct), host part cycling 1–254. */
export function podIPFor(index: number, seq: number): string {
  const slot = index % 16384;
  return `100.${64 + (slot >> 8)}.${slot & 255}.${(seq % 254) + 1}`;
}

export function nodeLabels(shape: NodeShape): Record<string, string> {
  return {
    "beta.kubernetes.io/arch": "amd64",
    "beta.kubernetes.io/os": "linux",
    "kubernetes.io/arch": "amd64",
    "kubernetes.io/hostname": shape.name,
    "kubernetes.io/os": "linux",
    ...shape.labels,
  };
}

function stableId(name: string, salt: string): string {
  return createHash("sha256").update(`${salt}/${name}`).digest("hex").slice(0, 32);
}

function uuid(hex: string): string {
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

const CONDITIONS = [
  ["MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"],
  ["DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"],
  ["PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"],
  ["Ready", "True", "KubeletReady", "kubelet is posting ready status"],
] as const;

/**
 * The node status as the kubelet posts it at `nowMs`: heartbeats are now, a condition's transition time is kept
 * from `prev` while its status stays the same.
 */
export function nodeStatus(shape: NodeShape, nowMs: number, prev?: any): Record<string, any> {
  const now = rfc3339(nowMs);
  const prevConds = new Map<string, any>();
  for (const c of prev?.conditions ?? []) prevConds.set(c.type, c);
  const resources = { cpu: shape.cpu, memory: shape.memory, pods: String(shape.maxPods), ...shape.extraCapacity };
  return {
    capacity: { ...resources },
    allocatable: { ...resources },
    conditions: CONDITIONS.map(([type, status, reason, message]) => {
      const p = prevConds.get(type);
      return {
        type,
        status,
        lastHeartbeatTime: now,
        lastTransitionTime: p?.status === status && p.lastTransitionTime ? p.lastTransitionTime : now,
        reason,
        message: type === "Ready" && shape.readyMessage ? shape.readyMessage : message,
      };
    }),
    addresses: [
      { type: "InternalIP", address: shape.internalIP ?? hostIPFor(shape.index) },
      { type: "Hostname", address: shape.name },
    ],
    daemonEndpoints: { kubeletEndpoint: { Port: KUBELET_PORT } },
    nodeInfo: {
      machineID: stableId(shape.name, "machine"),
      systemUUID: uuid(stableId(shape.name, "system")),
      bootID: uuid(stableId(shape.name, "boot")),
      kernelVersion: "6.8.0-hollow",
      osImage: `loci hollow node ${LOCI_VERSION}`,
      containerRuntimeVersion: `hollow://${LOCI_VERSION}`,
      kubeletVersion: `v1.33.0-loci.${LOCI_VERSION}`,
      kubeProxyVersion: "",
      operatingSystem: "linux",
      architecture: "amd64",
      ...shape.nodeInfo,
    },
  };
}

/** A new Node as registered: labels, `--taints`, and a full status. */
export function newNode(shape: NodeShape, nowMs: number): KubeObject {
  const node: KubeObject = {
    apiVersion: "v1",
    kind: "Node",
    metadata: { name: shape.name, labels: nodeLabels(shape) },
    spec: {},
    status: nodeStatus(shape, nowMs),
  };
  if (shape.taints.length) node.spec.taints = shape.taints.map((t) => ({ ...t }));
  return node;
}

/** Labels an existing Node lacks or has different from ours (kubelet's updateDefaultLabels on re-registration). */
export function missingLabels(node: KubeObject, shape: NodeShape): Record<string, string> | undefined {
  const want = nodeLabels(shape);
  const have = node.metadata.labels ?? {};
  const diff: Record<string, string> = {};
  for (const [k, v] of Object.entries(want)) if (have[k] !== v) diff[k] = v;
  return Object.keys(diff).length ? diff : undefined;
}

/** True when the observed status differs from what the kubelet would post (heartbeat times aside). */
export function nodeStatusDiffers(observed: any, shape: NodeShape): boolean {
  const want = nodeStatus(shape, 0);
  const conds = (s: any) => {
    const byType = new Map<string, any>();
    for (const c of s?.conditions ?? []) byType.set(c.type, c);
    return CONDITIONS.map(([t]) => {
      const c = byType.get(t);
      return [t, c?.status, c?.reason, c?.message];
    });
  };
  const view = (s: any) =>
    JSON.stringify([
      conds(s),
      s?.capacity?.cpu,
      s?.capacity?.memory,
      s?.capacity?.pods,
      s?.allocatable?.cpu,
      s?.allocatable?.memory,
      s?.allocatable?.pods,
      s?.nodeInfo?.kubeletVersion,
      s?.daemonEndpoints?.kubeletEndpoint?.Port,
      (s?.addresses ?? []).map((a: any) => `${a.type}=${a.address}`),
    ]);
  return view(observed) !== view(want);
}

/** Kubernetes `MicroTime`: RFC 3339 with microseconds. */
export function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, ".$1000Z");
}

export function leaseOwner(nodeName: string, nodeUid: string) {
  return { apiVersion: "v1", kind: "Node", name: nodeName, uid: nodeUid };
}

export function newLease(nodeName: string, nodeUid: string, durationSeconds: number, nowMs: number): KubeObject {
  return {
    apiVersion: "coordination.k8s.io/v1",
    kind: "Lease",
    metadata: {
      name: nodeName,
      namespace: NODE_LEASE_NAMESPACE,
      ownerReferences: [leaseOwner(nodeName, nodeUid)],
    },
    spec: { holderIdentity: nodeName, leaseDurationSeconds: durationSeconds, renewTime: microTime(nowMs) },
  };
}
