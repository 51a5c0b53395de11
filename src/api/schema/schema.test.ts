import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { test } from "node:test";
import * as k8s from "@kubernetes/client-node";
import * as apps from "./apps.ts";
import * as coordination from "./coordination.ts";
import * as core from "./core.ts";
import * as events from "./events.ts";
import * as meta from "./meta.ts";
import * as policy from "./policy.ts";
import * as rbac from "./rbac.ts";
import * as scheduling from "./scheduling.ts";
import { type ObjectSchema, type Schema, schemaAt } from "./schema.ts";

const modules = { apps, coordination, core, events, meta, policy, rbac, scheduling };

/** Every struct exported by the schema modules. */
const exported: ObjectSchema[] = Object.values(modules).flatMap((m) =>
  Object.values(m as Record<string, unknown>).filter(
    (v): v is ObjectSchema => typeof v === "object" && v !== null && (v as Schema).type === "object",
  ),
);

/** Every struct reachable from the exported ones, with every place it occurs. */
function reachableStructs(): Map<string, ObjectSchema[]> {
  const found = new Map<string, ObjectSchema[]>();
  const visit = (s: Schema): void => {
    if (s.type === "array") {
      visit(s.items);
      return;
    }
    if (s.type === "map") {
      visit(s.values);
      return;
    }
    if (s.type !== "object") return;
    const seen = found.get(s.name);
    if (seen) {
      seen.push(s);
      return;
    }
    found.set(s.name, [s]);
    for (const field of Object.values(s.properties())) visit(field);
  };
  for (const s of exported) visit(s);
  return found;
}
const structs = reachableStructs();

type AttributeType = { name: string; baseName: string; type: string; format: string };
type ModelClass = { attributeTypeMap?: AttributeType[]; getAttributeTypeMap?: () => AttributeType[] };
const models = k8s as unknown as Record<string, ModelClass | undefined>;

/** Candidate client model names for an upstream definition name, most specific first. */
function modelNames(definition: string): string[] {
  const parts = definition.split(".");
  const kind = parts[parts.length - 1];
  const version = parts[parts.length - 2].replace(/^v/, "V");
  const group = definition.startsWith("io.k8s.api.") ? parts[3] : "meta";
  // The generator prefixes names that clash across groups (CoreV1Event, EventsV1Event, RbacV1Subject, ...).
  const prefix = group.charAt(0).toUpperCase() + group.slice(1);
  return [`${prefix}${version}${kind}`, `${version}${kind}`];
}

function clientModel(definition: string): { name: string; attributes: AttributeType[] } | undefined {
  for (const name of modelNames(definition)) {
    const cls = models[name];
    const attributes = cls?.attributeTypeMap ?? cls?.getAttributeTypeMap?.();
    if (attributes) return { name, attributes };
  }
  return undefined;
}

const clientPackage = createRequire(import.meta.url)("@kubernetes/client-node/package.json") as { version: string };

/**
 * Fields the installed client knows but Kubernetes 1.33 does not have. @kubernetes/client-node 1.4 is generated
 * from the 1.34 OpenAPI, so its 1.34 additions are listed here; everything else must match exactly.
 */
const NEWER_THAN_133: Record<string, string[]> = {
  // KEP-5307 container restart rules (alpha in 1.34).
  "io.k8s.api.core.v1.Container": ["restartPolicyRules"],
  "io.k8s.api.core.v1.EphemeralContainer": ["restartPolicyRules"],
  // KEP-5321 env vars from files (alpha in 1.34).
  "io.k8s.api.core.v1.EnvVarSource": ["fileKeyRef"],
  // KEP-4762 hostnameOverride (alpha in 1.34).
  "io.k8s.api.core.v1.PodSpec": ["hostnameOverride"],
  // DRA extended resources (alpha in 1.34).
  "io.k8s.api.core.v1.PodStatus": ["extendedResourceClaimStatus"],
  // KEP-4317 pod certificates (alpha in 1.34).
  "io.k8s.api.core.v1.VolumeProjection": ["podCertificate"],
};

/** Checks one of our field schemas against the client's attribute type; returns a problem or undefined. */
function typeMismatch(ours: Schema, type: string, format: string): string | undefined {
  const describe = () => `${ours.type}${"format" in ours && ours.format ? `/${ours.format}` : ""} vs ${type}/${format}`;
  const array = /^Array<(.+)>$/.exec(type);
  if (array) return ours.type === "array" ? typeMismatch(ours.items, array[1], format) : describe();
  if (type.startsWith("{ [key: string]:")) {
    if (ours.type !== "map") return describe();
    const want = format === "byte" ? ["bytes"] : ["string", "quantity"];
    return want.includes(ours.values.type) ? undefined : describe();
  }
  switch (type) {
    case "string":
      return ["string", "quantity"].includes(ours.type) ? undefined : describe();
    case "boolean":
      return ours.type === "boolean" ? undefined : describe();
    case "number":
      if (format === "int32" || format === "int64")
        return ours.type === "integer" && ours.format === format ? undefined : describe();
      return ours.type === "number" ? undefined : describe();
    case "Date":
      return ours.type === "time" && !ours.micro ? undefined : describe();
    case "V1MicroTime":
      return ours.type === "time" && ours.micro ? undefined : describe();
    case "IntOrString":
      return ours.type === "int-or-string" ? undefined : describe();
    case "any":
      return ours.type === "any" ? undefined : describe();
  }
  if (ours.type !== "object") return describe();
  return clientModel(ours.name)?.name === type ? undefined : `${ours.name} vs ${type}`;
}

test("the installed client is 1.33 or newer (its version decides the allow-list)", () => {
  const [major, minor] = clientPackage.version.split(".").map(Number);
  assert.ok(major > 1 || (major === 1 && minor >= 3), `client ${clientPackage.version} predates Kubernetes 1.33`);
});

test("every reachable struct has exactly the fields, types and formats of the official client model", () => {
  let compared = 0;
  const problems: string[] = [];
  for (const [name, [schema]] of structs) {
    const model = clientModel(name);
    if (!model) {
      problems.push(`${name}: no client model`);
      continue;
    }
    compared++;
    const ours = schema.properties();
    const allowed = new Set(NEWER_THAN_133[name] ?? []);
    const theirs = new Set(model.attributes.map((a) => a.baseName));
    for (const a of model.attributes) {
      if (!(a.baseName in ours)) {
        if (!allowed.has(a.baseName)) problems.push(`${name}: missing field ${a.baseName}`);
        continue;
      }
      const mismatch = typeMismatch(ours[a.baseName], a.type, a.format);
      if (mismatch) problems.push(`${name}.${a.baseName}: ${mismatch}`);
    }
    for (const field of Object.keys(ours)) if (!theirs.has(field)) problems.push(`${name}: extra field ${field}`);
  }
  assert.deepEqual(problems, []);
  assert.ok(compared > 170, `only ${compared} structs compared`);
});

test("every struct and every field carries a description", () => {
  const missing: string[] = [];
  for (const [name, [schema]] of structs) {
    if (!schema.description) missing.push(name);
    for (const [field, s] of Object.entries(schema.properties()))
      if (!s.description?.trim()) missing.push(`${name}.${field}`);
  }
  assert.deepEqual(missing, []);
});

test("one definition name means one shape", () => {
  for (const [name, uses] of structs) {
    const [first] = uses;
    for (const other of uses) {
      assert.equal(other.properties, first.properties, `${name} is declared twice with different properties`);
      assert.deepEqual(other.required, first.required, `${name} has differing required lists`);
      assert.deepEqual(other.gvk, first.gvk, `${name} has differing gvks`);
    }
  }
});

test("top-level kinds carry their group/version/kind and TypeMeta/ObjectMeta", () => {
  const kinds: [ObjectSchema, string, string][] = [
    [core.Namespace, "", "Namespace"],
    [core.Node, "", "Node"],
    [core.Pod, "", "Pod"],
    [core.Binding, "", "Binding"],
    [core.Event, "", "Event"],
    [core.ConfigMap, "", "ConfigMap"],
    [core.Secret, "", "Secret"],
    [core.ServiceAccount, "", "ServiceAccount"],
    [apps.DaemonSet, "apps", "DaemonSet"],
    [apps.ControllerRevision, "apps", "ControllerRevision"],
    [events.Event, "events.k8s.io", "Event"],
    [coordination.Lease, "coordination.k8s.io", "Lease"],
    [scheduling.PriorityClass, "scheduling.k8s.io", "PriorityClass"],
    [rbac.Role, "rbac.authorization.k8s.io", "Role"],
    [rbac.RoleBinding, "rbac.authorization.k8s.io", "RoleBinding"],
    [rbac.ClusterRole, "rbac.authorization.k8s.io", "ClusterRole"],
    [rbac.ClusterRoleBinding, "rbac.authorization.k8s.io", "ClusterRoleBinding"],
    [policy.Eviction, "policy", "Eviction"],
  ];
  for (const [schema, group, kind] of kinds) {
    assert.deepEqual(schema.gvk, [{ group, version: "v1", kind }], schema.name);
    const props = schema.properties();
    assert.equal(props.apiVersion?.type, "string", schema.name);
    assert.equal(props.kind?.type, "string", schema.name);
    assert.equal((props.metadata as ObjectSchema).name, "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta");
  }
  assert.equal(core.Pod.name, "io.k8s.api.core.v1.Pod");
  assert.equal(events.Event.name, "io.k8s.api.events.v1.Event");
});

/** Patch metadata at a path under a root struct. */
function patchMeta(root: ObjectSchema, path: string) {
  const s = schemaAt(root, path.split("."));
  assert.ok(s, `${root.name} has no ${path}`);
  const { patchStrategy, patchMergeKey, listType, listMapKeys, mapType } = s;
  return Object.fromEntries(
    Object.entries({ patchStrategy, patchMergeKey, listType, listMapKeys, mapType }).filter(([, v]) => v !== undefined),
  );
}

test("patch metadata matches upstream at the places strategic merge and apply depend on", () => {
  const mergeByName = { patchStrategy: "merge", patchMergeKey: "name", listType: "map", listMapKeys: ["name"] };
  const ds = apps.DaemonSet;
  const spec = "spec.template.spec";
  assert.deepEqual(patchMeta(ds, `${spec}.containers`), mergeByName);
  assert.deepEqual(patchMeta(ds, `${spec}.initContainers`), mergeByName);
  assert.deepEqual(patchMeta(ds, `${spec}.ephemeralContainers`), mergeByName);
  assert.deepEqual(patchMeta(ds, `${spec}.containers.env`), mergeByName);
  assert.deepEqual(patchMeta(ds, `${spec}.containers.ports`), {
    patchStrategy: "merge",
    patchMergeKey: "containerPort",
    listType: "map",
    listMapKeys: ["containerPort", "protocol"],
  });
  assert.deepEqual(patchMeta(ds, `${spec}.containers.volumeMounts`), {
    patchStrategy: "merge",
    patchMergeKey: "mountPath",
    listType: "map",
    listMapKeys: ["mountPath"],
  });
  assert.deepEqual(patchMeta(ds, `${spec}.containers.volumeDevices`), {
    patchStrategy: "merge",
    patchMergeKey: "devicePath",
    listType: "map",
    listMapKeys: ["devicePath"],
  });
  assert.deepEqual(patchMeta(ds, `${spec}.containers.resizePolicy`), { listType: "atomic" });
  assert.deepEqual(patchMeta(ds, `${spec}.containers.args`), { listType: "atomic" });
  assert.deepEqual(patchMeta(ds, `${spec}.volumes`), { ...mergeByName, patchStrategy: "merge,retainKeys" });
  assert.deepEqual(patchMeta(ds, `${spec}.resourceClaims`), { ...mergeByName, patchStrategy: "merge,retainKeys" });
  assert.deepEqual(patchMeta(ds, `${spec}.imagePullSecrets`), mergeByName);
  assert.deepEqual(patchMeta(ds, `${spec}.schedulingGates`), mergeByName);
  assert.deepEqual(patchMeta(ds, `${spec}.hostAliases`), {
    patchStrategy: "merge",
    patchMergeKey: "ip",
    listType: "map",
    listMapKeys: ["ip"],
  });
  assert.deepEqual(patchMeta(ds, `${spec}.topologySpreadConstraints`), {
    patchStrategy: "merge",
    patchMergeKey: "topologyKey",
    listType: "map",
    listMapKeys: ["topologyKey", "whenUnsatisfiable"],
  });
  assert.deepEqual(patchMeta(ds, `${spec}.tolerations`), { listType: "atomic" });
  assert.deepEqual(patchMeta(ds, `${spec}.nodeSelector`), { mapType: "atomic" });
  assert.deepEqual(patchMeta(ds, "spec.selector"), { mapType: "atomic" });
  assert.deepEqual(patchMeta(ds, "status.conditions"), {
    patchStrategy: "merge",
    patchMergeKey: "type",
    listType: "map",
    listMapKeys: ["type"],
  });

  assert.deepEqual(patchMeta(ds, "metadata.ownerReferences"), {
    patchStrategy: "merge",
    patchMergeKey: "uid",
    listType: "map",
    listMapKeys: ["uid"],
  });
  assert.deepEqual(patchMeta(ds, "metadata.finalizers"), { patchStrategy: "merge", listType: "set" });
  assert.deepEqual(patchMeta(ds, "metadata.managedFields"), { listType: "atomic" });

  const byType = { patchStrategy: "merge", patchMergeKey: "type", listType: "map", listMapKeys: ["type"] };
  assert.deepEqual(patchMeta(core.Pod, "status.conditions"), byType);
  assert.deepEqual(patchMeta(core.Pod, "status.containerStatuses"), { listType: "atomic" });
  assert.deepEqual(patchMeta(core.Pod, "status.podIPs"), {
    patchStrategy: "merge",
    patchMergeKey: "ip",
    listType: "map",
    listMapKeys: ["ip"],
  });
  assert.deepEqual(patchMeta(core.Node, "status.conditions"), byType);
  assert.deepEqual(patchMeta(core.Node, "status.addresses"), byType);
  assert.deepEqual(patchMeta(core.Node, "spec.taints"), { listType: "atomic" });
  assert.deepEqual(patchMeta(core.Node, "spec.podCIDRs"), { patchStrategy: "merge", listType: "set" });
  assert.deepEqual(patchMeta(core.Namespace, "status.conditions"), byType);
  assert.deepEqual(patchMeta(core.ServiceAccount, "secrets"), mergeByName);
  assert.deepEqual(patchMeta(rbac.ClusterRole, "rules"), { listType: "atomic" });
  assert.deepEqual(patchMeta(rbac.RoleBinding, "roleRef"), { mapType: "atomic" });
  assert.deepEqual(patchMeta(rbac.RoleBinding, "subjects"), { listType: "atomic" });
  assert.equal(rbac.Subject.mapType, "atomic");
  assert.equal(core.ObjectReference.mapType, "atomic");
  assert.equal(core.TypedObjectReference.mapType, undefined);
});

test("scalar kinds: quantities, int-or-string, times, bytes and raw JSON use their own schema types", () => {
  const podSpec = core.PodSpec;
  const limits = schemaAt(podSpec, ["containers", "resources", "limits"]);
  assert.equal(limits?.type === "map" ? limits.values.type : undefined, "quantity");
  assert.equal(schemaAt(podSpec, ["volumes", "emptyDir", "sizeLimit"])?.type, "quantity");
  assert.equal(schemaAt(podSpec, ["containers", "livenessProbe", "httpGet", "port"])?.type, "int-or-string");
  assert.equal(
    schemaAt(apps.DaemonSet, ["spec", "updateStrategy", "rollingUpdate", "maxUnavailable"])?.type,
    "int-or-string",
  );
  const eventTime = schemaAt(events.Event, ["eventTime"]);
  assert.equal(eventTime?.type === "time" ? eventTime.micro : undefined, true);
  assert.equal(schemaAt(core.Pod, ["metadata", "creationTimestamp"])?.type, "time");
  const data = core.Secret.properties().data;
  assert.equal(data.type === "map" ? data.values.type : undefined, "bytes");
  assert.equal(apps.ControllerRevision.properties().data.type, "any");
});

test("enums follow upstream where the type is an enum", () => {
  const enumAt = (root: ObjectSchema, path: string) => {
    const s = schemaAt(root, path.split("."));
    return s?.type === "string" ? s.enum : undefined;
  };
  assert.deepEqual(enumAt(core.PodSpec, "restartPolicy"), ["Always", "Never", "OnFailure"]);
  assert.deepEqual(enumAt(core.PodSpec, "dnsPolicy"), ["ClusterFirst", "ClusterFirstWithHostNet", "Default", "None"]);
  assert.deepEqual(enumAt(core.PodSpec, "containers.imagePullPolicy"), ["Always", "IfNotPresent", "Never"]);
  assert.deepEqual(enumAt(core.PodSpec, "containers.ports.protocol"), ["SCTP", "TCP", "UDP"]);
  assert.deepEqual(enumAt(core.PodSpec, "tolerations.operator"), ["Equal", "Exists"]);
  assert.deepEqual(enumAt(core.NodeSpec, "taints.effect"), ["NoExecute", "NoSchedule", "PreferNoSchedule"]);
  assert.deepEqual(enumAt(apps.DaemonSetSpec, "updateStrategy.type"), ["OnDelete", "RollingUpdate"]);
  assert.deepEqual(
    enumAt(
      core.PodSpec,
      "affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms.matchExpressions.operator",
    ),
    ["DoesNotExist", "Exists", "Gt", "In", "Lt", "NotIn"],
  );
  assert.equal(enumAt(core.PodSpec, "containers.name"), undefined);
});

test("required lists follow upstream", () => {
  assert.deepEqual(core.PodSpec.required, ["containers"]);
  assert.deepEqual(core.Container.required, ["name"]);
  assert.deepEqual(core.ContainerPort.required, ["containerPort"]);
  assert.deepEqual(core.VolumeMount.required, ["name", "mountPath"]);
  assert.deepEqual(apps.DaemonSetSpec.required, ["selector", "template"]);
  assert.deepEqual(core.Taint.required, ["key", "effect"]);
  assert.deepEqual(core.Event.required, ["metadata", "involvedObject"]);
  assert.deepEqual(meta.OwnerReference.required, ["apiVersion", "kind", "name", "uid"]);
  assert.equal(core.Toleration.required, undefined);
});
