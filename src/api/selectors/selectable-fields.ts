// Which field labels each resource accepts in `?fieldSelector=` and the values it selects on. Accepted labels
// come from upstream's field label conversion funcs (pkg/apis/core/v1/conversion.go,
// pkg/apis/events/v1/conversion.go, runtime.DefaultMetaV1FieldSelectorConversion); values from each registry
// strategy's GetAttrs/ToSelectableFields (pkg/registry/core/*/strategy.go).
import type { KubeObject } from "../object.ts";

export interface FieldLabelRules {
  /** Accepted label → key in the field set (only pods' legacy `spec.host` differs). */
  readonly labels: Readonly<Record<string, string>>;
  /** Upstream's error text for a label it does not accept. */
  unsupported(label: string): string;
  /** The field set of one object, values formatted as upstream (booleans "true"/"false", missing ""). */
  fields(obj: KubeObject): Record<string, string>;
}

const identity = (...labels: string[]) => Object.fromEntries(labels.map((l) => [l, l]));
const notSupported = (label: string) => `field label not supported: ${label}`;
const str = (v: unknown): string => (typeof v === "string" ? v : "");

/** Upstream's `AddObjectMetaFieldsSet`: cluster-scoped kinds have no `metadata.namespace` field. */
function metaFields(obj: KubeObject, namespaced: boolean): Record<string, string> {
  const f: Record<string, string> = { "metadata.name": str(obj.metadata?.name) };
  if (namespaced) f["metadata.namespace"] = str(obj.metadata?.namespace);
  return f;
}

const podRules: FieldLabelRules = {
  labels: {
    ...identity(
      "metadata.name",
      "metadata.namespace",
      "spec.nodeName",
      "spec.restartPolicy",
      "spec.schedulerName",
      "spec.serviceAccountName",
      "spec.hostNetwork",
      "status.phase",
      "status.podIP",
      // Accepted by the conversion but absent from the field set, so it only ever equals "".
      "status.podIPs",
      "status.nominatedNodeName",
    ),
    "spec.host": "spec.nodeName", // old v1 clients
  },
  unsupported: notSupported,
  fields(pod) {
    const spec = pod.spec ?? {};
    const status = pod.status ?? {};
    const podIPs: { ip?: string }[] = Array.isArray(status.podIPs) ? status.podIPs : [];
    return {
      ...metaFields(pod, true),
      "spec.nodeName": str(spec.nodeName),
      "spec.restartPolicy": str(spec.restartPolicy),
      "spec.schedulerName": str(spec.schedulerName),
      "spec.serviceAccountName": str(spec.serviceAccountName),
      "spec.hostNetwork": String(spec.hostNetwork === true),
      "status.phase": str(status.phase),
      // Upstream reads the first of podIPs (status.podIP mirrors it on the wire).
      "status.podIP": str(podIPs[0]?.ip) || str(status.podIP),
      "status.nominatedNodeName": str(status.nominatedNodeName),
    };
  },
};

const nodeRules: FieldLabelRules = {
  labels: identity("metadata.name", "spec.unschedulable"),
  unsupported: notSupported,
  fields: (node) => ({ ...metaFields(node, false), "spec.unschedulable": String(node.spec?.unschedulable === true) }),
};

const namespaceRules: FieldLabelRules = {
  labels: identity("metadata.name", "status.phase"),
  unsupported: notSupported,
  fields: (ns) => ({ ...metaFields(ns, false), "status.phase": str(ns.status?.phase) }),
};

const secretRules: FieldLabelRules = {
  labels: identity("metadata.name", "metadata.namespace", "type"),
  unsupported: notSupported,
  fields: (secret) => ({ ...metaFields(secret, true), type: str(secret.type) }),
};

/** The core Event field set (upstream's event ToSelectableFields), read from either wire shape. */
function coreEventFields(ev: KubeObject): Record<string, string> {
  const eventsV1 = !("involvedObject" in ev) && ("regarding" in ev || ev.apiVersion === "events.k8s.io/v1");
  const ref = (eventsV1 ? ev.regarding : ev.involvedObject) ?? {};
  const reportingController = str(eventsV1 ? ev.reportingController : ev.reportingComponent);
  const sourceComponent = str((eventsV1 ? ev.deprecatedSource : ev.source)?.component);
  return {
    ...metaFields(ev, true),
    "involvedObject.kind": str(ref.kind),
    "involvedObject.namespace": str(ref.namespace),
    "involvedObject.name": str(ref.name),
    "involvedObject.uid": str(ref.uid),
    "involvedObject.apiVersion": str(ref.apiVersion),
    "involvedObject.resourceVersion": str(ref.resourceVersion),
    "involvedObject.fieldPath": str(ref.fieldPath),
    reason: str(ev.reason),
    reportingComponent: reportingController,
    source: sourceComponent || reportingController,
    type: str(ev.type),
  };
}

const coreEventRules: FieldLabelRules = {
  labels: identity(
    "involvedObject.kind",
    "involvedObject.namespace",
    "involvedObject.name",
    "involvedObject.uid",
    "involvedObject.apiVersion",
    "involvedObject.resourceVersion",
    "involvedObject.fieldPath",
    "reason",
    "reportingComponent",
    "source",
    "type",
    "metadata.namespace",
    "metadata.name",
  ),
  unsupported: notSupported,
  fields: coreEventFields,
};

/** events.k8s.io names for the core Event field set (upstream maps them back before selecting). */
const eventsV1Names: Record<string, string> = {
  "regarding.kind": "involvedObject.kind",
  "regarding.namespace": "involvedObject.namespace",
  "regarding.name": "involvedObject.name",
  "regarding.uid": "involvedObject.uid",
  "regarding.apiVersion": "involvedObject.apiVersion",
  "regarding.resourceVersion": "involvedObject.resourceVersion",
  "regarding.fieldPath": "involvedObject.fieldPath",
  reportingController: "reportingComponent",
  reason: "reason",
  source: "source",
  type: "type",
  "metadata.namespace": "metadata.namespace",
  "metadata.name": "metadata.name",
};

const eventsV1Rules: FieldLabelRules = {
  labels: identity(...Object.keys(eventsV1Names)),
  unsupported: notSupported,
  fields(ev) {
    const core = coreEventFields(ev);
    return Object.fromEntries(Object.entries(eventsV1Names).map(([label, coreName]) => [label, core[coreName]!]));
  },
};

/** Kinds with no registered conversion: only name and namespace, with upstream's distinct message. */
const defaultRules: FieldLabelRules = {
  labels: identity("metadata.name", "metadata.namespace"),
  unsupported: (label) =>
    `${JSON.stringify(label)} is not a known field selector: only "metadata.name", "metadata.namespace"`,
  fields: (obj) => ({
    "metadata.name": str(obj.metadata?.name),
    "metadata.namespace": str(obj.metadata?.namespace),
  }),
};

const byResource: Record<string, FieldLabelRules> = {
  "/pods": podRules,
  "/nodes": nodeRules,
  "/namespaces": namespaceRules,
  "/secrets": secretRules,
  "/events": coreEventRules,
  "events.k8s.io/events": eventsV1Rules,
};

/** The field-selector rules of a resource (plural, e.g. "pods") in an API group ("" for core). */
export function fieldLabelRules(resource: string, group: string): FieldLabelRules {
  return byResource[`${group}/${resource}`] ?? defaultRules;
}

/** The selectable fields of `obj`, keyed by the labels its resource accepts. */
export function fieldsOf(resource: string, group: string, obj: KubeObject): Record<string, string> {
  return fieldLabelRules(resource, group).fields(obj);
}
