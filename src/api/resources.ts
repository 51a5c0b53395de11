// The API surface loci serves: one entry per resource. Discovery, routing, OpenAPI paths, storage keys and
// the strategic-merge engine all read this table; nothing else lists resources.
import * as apps from "./schema/apps.ts";
import * as coordination from "./schema/coordination.ts";
import * as core from "./schema/core.ts";
import * as eventsv1 from "./schema/events.ts";
import * as policy from "./schema/policy.ts";
import * as rbac from "./schema/rbac.ts";
import * as scheduling from "./schema/scheduling.ts";
import type { ObjectSchema } from "./schema/schema.ts";

export type Verb = "create" | "delete" | "deletecollection" | "get" | "list" | "patch" | "update" | "watch";

export const ALL_VERBS: Verb[] = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];

export interface SubresourceInfo {
  name: string;
  verbs: Verb[];
  /** The kind the subresource takes and returns, when it differs from the parent (binding, eviction). */
  group?: string;
  version?: string;
  kind?: string;
  /** A stream reached through an upgrade (exec, attach, portforward): in discovery, not in the OpenAPI documents. */
  connect?: boolean;
}

export interface ResourceInfo {
  group: string;
  version: string;
  /** Plural, lower-case: `daemonsets`. */
  resource: string;
  singular: string;
  kind: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  verbs: Verb[];
  subresources: SubresourceInfo[];
  schema: () => ObjectSchema;
  /** Storage location: `/registry/<storagePrefix>/…`. Several API versions of one kind share storage. */
  storagePrefix: string;
  /** Set when another entry owns storage of the same objects (events.k8s.io/v1 events are core events). */
  storageOf?: string;
}

export const groupVersion = (r: { group: string; version: string }): string =>
  r.group ? `${r.group}/${r.version}` : r.version;

const statusSub: SubresourceInfo = { name: "status", verbs: ["get", "patch", "update"] };

function resource(
  r: Omit<ResourceInfo, "verbs" | "subresources" | "shortNames" | "categories" | "storagePrefix"> &
    Partial<Pick<ResourceInfo, "verbs" | "subresources" | "shortNames" | "categories" | "storagePrefix" | "storageOf">>,
): ResourceInfo {
  return {
    verbs: ALL_VERBS,
    subresources: [],
    shortNames: [],
    categories: [],
    storagePrefix: r.group ? `${r.group}/${r.resource}` : r.resource,
    ...r,
  };
}

export const RESOURCES: ResourceInfo[] = [
  resource({
    group: "",
    version: "v1",
    resource: "namespaces",
    singular: "namespace",
    kind: "Namespace",
    namespaced: false,
    shortNames: ["ns"],
    verbs: ["create", "delete", "get", "list", "patch", "update", "watch"],
    subresources: [statusSub, { name: "finalize", verbs: ["update"] }],
    schema: () => core.Namespace,
  }),
  resource({
    group: "",
    version: "v1",
    resource: "nodes",
    singular: "node",
    kind: "Node",
    namespaced: false,
    shortNames: ["no"],
    subresources: [statusSub],
    schema: () => core.Node,
  }),
  resource({
    group: "",
    version: "v1",
    resource: "pods",
    singular: "pod",
    kind: "Pod",
    namespaced: true,
    shortNames: ["po"],
    categories: ["all"],
    subresources: [
      statusSub,
      { name: "binding", verbs: ["create"], group: "", version: "v1", kind: "Binding" },
      { name: "eviction", verbs: ["create"], group: "policy", version: "v1", kind: "Eviction" },
      { name: "log", verbs: ["get"] },
      // Streams, reached through an upgrade (WebSocket or SPDY) and answered by the pod's node.
      { name: "attach", verbs: ["create", "get"], kind: "PodAttachOptions", connect: true },
      { name: "exec", verbs: ["create", "get"], kind: "PodExecOptions", connect: true },
      { name: "portforward", verbs: ["create", "get"], kind: "PodPortForwardOptions", connect: true },
    ],
    schema: () => core.Pod,
  }),
  resource({
    group: "",
    version: "v1",
    resource: "events",
    singular: "event",
    kind: "Event",
    namespaced: true,
    shortNames: ["ev"],
    schema: () => core.Event,
  }),
  resource({
    group: "",
    version: "v1",
    resource: "configmaps",
    singular: "configmap",
    kind: "ConfigMap",
    namespaced: true,
    shortNames: ["cm"],
    schema: () => core.ConfigMap,
  }),
  resource({
    group: "",
    version: "v1",
    resource: "secrets",
    singular: "secret",
    kind: "Secret",
    namespaced: true,
    schema: () => core.Secret,
  }),
  resource({
    group: "",
    version: "v1",
    resource: "serviceaccounts",
    singular: "serviceaccount",
    kind: "ServiceAccount",
    namespaced: true,
    shortNames: ["sa"],
    schema: () => core.ServiceAccount,
  }),
  resource({
    group: "apps",
    version: "v1",
    resource: "daemonsets",
    singular: "daemonset",
    kind: "DaemonSet",
    namespaced: true,
    shortNames: ["ds"],
    categories: ["all"],
    subresources: [statusSub],
    schema: () => apps.DaemonSet,
  }),
  resource({
    group: "apps",
    version: "v1",
    resource: "controllerrevisions",
    singular: "controllerrevision",
    kind: "ControllerRevision",
    namespaced: true,
    schema: () => apps.ControllerRevision,
  }),
  resource({
    group: "events.k8s.io",
    version: "v1",
    resource: "events",
    singular: "event",
    kind: "Event",
    namespaced: true,
    shortNames: ["ev"],
    schema: () => eventsv1.Event,
    storagePrefix: "events",
    storageOf: "events",
  }),
  resource({
    group: "coordination.k8s.io",
    version: "v1",
    resource: "leases",
    singular: "lease",
    kind: "Lease",
    namespaced: true,
    schema: () => coordination.Lease,
  }),
  resource({
    group: "scheduling.k8s.io",
    version: "v1",
    resource: "priorityclasses",
    singular: "priorityclass",
    kind: "PriorityClass",
    namespaced: false,
    shortNames: ["pc"],
    schema: () => scheduling.PriorityClass,
  }),
  resource({
    group: "rbac.authorization.k8s.io",
    version: "v1",
    resource: "roles",
    singular: "role",
    kind: "Role",
    namespaced: true,
    schema: () => rbac.Role,
  }),
  resource({
    group: "rbac.authorization.k8s.io",
    version: "v1",
    resource: "rolebindings",
    singular: "rolebinding",
    kind: "RoleBinding",
    namespaced: true,
    schema: () => rbac.RoleBinding,
  }),
  resource({
    group: "rbac.authorization.k8s.io",
    version: "v1",
    resource: "clusterroles",
    singular: "clusterrole",
    kind: "ClusterRole",
    namespaced: false,
    schema: () => rbac.ClusterRole,
  }),
  resource({
    group: "rbac.authorization.k8s.io",
    version: "v1",
    resource: "clusterrolebindings",
    singular: "clusterrolebinding",
    kind: "ClusterRoleBinding",
    namespaced: false,
    schema: () => rbac.ClusterRoleBinding,
  }),
];

/** policy/v1 has no resources of its own in loci; Eviction is served as pods/eviction. */
export const SUBRESOURCE_ONLY_KINDS = { Eviction: () => policy.Eviction, Binding: () => core.Binding };

/** Group order as kube-apiserver lists them in discovery. */
export const GROUP_ORDER = [
  "",
  "apps",
  "events.k8s.io",
  "coordination.k8s.io",
  "policy",
  "rbac.authorization.k8s.io",
  "scheduling.k8s.io",
];

export function findResource(group: string, version: string, resource: string): ResourceInfo | undefined {
  return RESOURCES.find((r) => r.group === group && r.version === version && r.resource === resource);
}

export function findKind(apiVersion: string, kind: string): ResourceInfo | undefined {
  return RESOURCES.find((r) => groupVersion(r) === apiVersion && r.kind === kind);
}
