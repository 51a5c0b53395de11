// rbac.authorization.k8s.io/v1: roles, cluster roles and their bindings.
import { atomicStruct } from "./atomic.ts";
import { LabelSelector, objectHeader } from "./meta.ts";
import { arr, ref, str, struct } from "./schema.ts";

const RBAC = "io.k8s.api.rbac.v1";
const rbacKind = (kind: string) => [{ group: "rbac.authorization.k8s.io", version: "v1", kind }];
const atomicList = { listType: "atomic" } as const;

export const PolicyRule = struct(
  `${RBAC}.PolicyRule`,
  "Verbs allowed on a set of resources or non-resource URLs.",
  () => ({
    apiGroups: arr(str(), 'API groups of the resources; "" is the core group and "*" all groups.', atomicList),
    nonResourceURLs: arr(str(), "Non-resource URL paths, such as /healthz; only in cluster roles.", atomicList),
    resourceNames: arr(str(), "Names of the objects the rule is limited to; all when empty.", atomicList),
    resources: arr(str(), 'Resources the rule covers, such as pods or pods/log; "*" means all.', atomicList),
    verbs: arr(str(), 'Verbs allowed, such as get or list; "*" means all.', atomicList),
  }),
  { required: ["verbs"] },
);

export const AggregationRule = struct(
  `${RBAC}.AggregationRule`,
  "How a cluster role's rules are gathered from other cluster roles.",
  () => ({
    clusterRoleSelectors: arr(LabelSelector, "Cluster roles matching any selector contribute their rules.", atomicList),
  }),
);

export const Subject = atomicStruct(
  `${RBAC}.Subject`,
  "A user, group or service account a binding grants a role to.",
  () => ({
    apiGroup: str('API group of the subject: "" for service accounts, rbac.authorization.k8s.io for users and groups.'),
    kind: str("Kind of subject: User, Group or ServiceAccount."),
    name: str("Name of the subject."),
    namespace: str("Namespace of a service account subject."),
  }),
  { required: ["kind", "name"] },
);

export const RoleRef = atomicStruct(
  `${RBAC}.RoleRef`,
  "The role a binding grants.",
  () => ({
    apiGroup: str("API group of the role."),
    kind: str("Kind of the role: Role or ClusterRole."),
    name: str("Name of the role."),
  }),
  { required: ["apiGroup", "kind", "name"] },
);

export const Role = struct(
  `${RBAC}.Role`,
  "A namespaced set of permissions.",
  () => ({
    ...objectHeader(),
    rules: arr(PolicyRule, "Permissions the role grants.", atomicList),
  }),
  { gvk: rbacKind("Role") },
);

export const ClusterRole = struct(
  `${RBAC}.ClusterRole`,
  "A cluster-wide set of permissions.",
  () => ({
    ...objectHeader(),
    aggregationRule: ref(
      AggregationRule,
      "When set, the rules are filled in from other cluster roles by a controller.",
    ),
    rules: arr(PolicyRule, "Permissions the cluster role grants.", atomicList),
  }),
  { gvk: rbacKind("ClusterRole") },
);

export const RoleBinding = struct(
  `${RBAC}.RoleBinding`,
  "Grants a role's permissions to subjects within one namespace.",
  () => ({
    ...objectHeader(),
    roleRef: ref(RoleRef, "Role or ClusterRole granted; cannot change after creation."),
    subjects: arr(Subject, "Who receives the permissions.", atomicList),
  }),
  { required: ["roleRef"], gvk: rbacKind("RoleBinding") },
);

export const ClusterRoleBinding = struct(
  `${RBAC}.ClusterRoleBinding`,
  "Grants a cluster role's permissions to subjects across the cluster.",
  () => ({
    ...objectHeader(),
    roleRef: ref(RoleRef, "ClusterRole granted; cannot change after creation."),
    subjects: arr(Subject, "Who receives the permissions.", atomicList),
  }),
  { required: ["roleRef"], gvk: rbacKind("ClusterRoleBinding") },
);
