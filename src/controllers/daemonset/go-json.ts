// Byte-exact emulation of what Go produces when a pod template goes through a typed struct and back out via
// map[string]interface{} (upstream `getPatch` in the DaemonSet controller and kubectl's `getDaemonSetPatch`):
// keys sorted at every level, zero values of `omitempty` value fields gone, nil pointers gone, non-nil
// pointers to zero values kept, value structs always present, and Go's HTML-safe string escaping.
// ControllerRevision data is compared byte for byte by the controller and by `kubectl rollout undo`, so the
// exact bytes matter.
import { PodTemplateSpec } from "../../api/schema/core.ts";
import type { ObjectSchema, Schema } from "../../api/schema/schema.ts";

/**
 * Scalar fields that are Go pointers (`*bool`, `*int64`, `*string`…): a present zero value (`false`, `0`, `""`)
 * survives the round trip. Every other scalar field of a struct is a value with `omitempty`, so zero drops.
 */
const POINTER_SCALARS: Record<string, readonly string[]> = {
  PodSpec: [
    "terminationGracePeriodSeconds",
    "activeDeadlineSeconds",
    "automountServiceAccountToken",
    "shareProcessNamespace",
    "priority",
    "enableServiceLinks",
    "preemptionPolicy",
    "runtimeClassName",
    "setHostnameAsFQDN",
    "hostUsers",
    "hostnameOverride",
  ],
  PodSecurityContext: [
    "runAsUser",
    "runAsGroup",
    "runAsNonRoot",
    "fsGroup",
    "fsGroupChangePolicy",
    "supplementalGroupsPolicy",
    "seLinuxChangePolicy",
  ],
  SecurityContext: [
    "privileged",
    "runAsUser",
    "runAsGroup",
    "runAsNonRoot",
    "readOnlyRootFilesystem",
    "allowPrivilegeEscalation",
    "procMount",
  ],
  Container: ["restartPolicy"],
  EphemeralContainer: ["restartPolicy"],
  Probe: ["terminationGracePeriodSeconds"],
  Toleration: ["tolerationSeconds"],
  VolumeMount: ["recursiveReadOnly", "mountPropagation"],
  SecretVolumeSource: ["defaultMode", "optional"],
  ConfigMapVolumeSource: ["defaultMode", "optional"],
  KeyToPath: ["mode"],
  HostPathVolumeSource: ["type"],
  DownwardAPIVolumeSource: ["defaultMode"],
  DownwardAPIVolumeFile: ["mode"],
  ProjectedVolumeSource: ["defaultMode"],
  ServiceAccountTokenProjection: ["expirationSeconds"],
  ConfigMapProjection: ["optional"],
  SecretProjection: ["optional"],
  ClusterTrustBundleProjection: ["name", "signerName", "optional"],
  CSIVolumeSource: ["readOnly", "fsType"],
  ConfigMapKeySelector: ["optional"],
  SecretKeySelector: ["optional"],
  ConfigMapEnvSource: ["optional"],
  SecretEnvSource: ["optional"],
  GRPCAction: ["service"],
  TopologySpreadConstraint: ["minDomains", "nodeAffinityPolicy", "nodeTaintsPolicy"],
  WindowsSecurityContextOptions: ["gmsaCredentialSpecName", "gmsaCredentialSpec", "runAsUserName", "hostProcess"],
  SeccompProfile: ["localhostProfile"],
  AppArmorProfile: ["localhostProfile"],
  PersistentVolumeClaimSpec: ["storageClassName", "volumeMode", "volumeAttributesClassName"],
  AzureDiskVolumeSource: ["cachingMode", "fsType", "readOnly", "kind"],
  FCVolumeSource: ["lun"],
  ISCSIVolumeSource: ["initiatorName"],
  PodResourceClaim: ["resourceClaimName", "resourceClaimTemplateName"],
  PodDNSConfigOption: ["value"],
  OwnerReference: ["controller", "blockOwnerDeletion"],
  ObjectMeta: ["deletionGracePeriodSeconds"],
};

/** Value (non-pointer) struct fields Go always writes, even when absent from the input. */
const ALWAYS_PRESENT_STRUCTS: Record<string, readonly string[]> = {
  PodTemplateSpec: ["metadata", "spec"],
  Container: ["resources"],
  EphemeralContainer: ["resources"],
};

const shortName = (s: ObjectSchema) => s.name.slice(s.name.lastIndexOf(".") + 1);

function isZeroScalar(v: unknown): boolean {
  return v === false || v === 0 || v === "";
}

/** Go-normalises `value` as the struct/list/map `schema` describes; undefined means "omitted". */
function normalize(value: unknown, schema: Schema | undefined): unknown {
  if (value === null || value === undefined) return undefined;
  if (!schema) return value;
  switch (schema.type) {
    case "object": {
      if (typeof value !== "object" || Array.isArray(value)) return value;
      return normalizeStruct(value as Record<string, unknown>, schema);
    }
    case "array": {
      if (!Array.isArray(value)) return value;
      return value.map((v) => (v === null ? null : normalize(v, schema.items)));
    }
    case "map": {
      if (typeof value !== "object" || Array.isArray(value)) return value;
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        out[k] = v === null ? null : normalize(v, schema.values);
      }
      return out;
    }
    default:
      return value;
  }
}

function normalizeStruct(obj: Record<string, unknown>, schema: ObjectSchema): Record<string, unknown> {
  const props = schema.properties();
  const name = shortName(schema);
  const pointers = POINTER_SCALARS[name] ?? [];
  const required = schema.required ?? [];
  const out: Record<string, unknown> = {};
  for (const [k, raw] of Object.entries(obj)) {
    const fieldSchema = props[k];
    if (!fieldSchema) continue; // unknown fields do not survive decoding into a Go struct
    if (raw === null || raw === undefined) {
      if (required.includes(k)) out[k] = null;
      continue;
    }
    const v = normalize(raw, fieldSchema);
    if (v === undefined) continue;
    if (required.includes(k)) {
      out[k] = v;
      continue;
    }
    const scalar = fieldSchema.type === "string" || fieldSchema.type === "integer" || fieldSchema.type === "boolean";
    if (scalar || fieldSchema.type === "number") {
      if (isZeroScalar(v) && !pointers.includes(k)) continue;
    } else if (fieldSchema.type === "array") {
      if (Array.isArray(v) && v.length === 0) continue;
    } else if (fieldSchema.type === "map") {
      if (typeof v === "object" && Object.keys(v as object).length === 0) continue;
    }
    out[k] = v;
  }
  for (const k of ALWAYS_PRESENT_STRUCTS[name] ?? []) {
    if (!(k in out)) {
      const s = props[k];
      out[k] = s?.type === "object" ? normalizeStruct({}, s) : {};
    }
  }
  // metav1.Time is a value struct whose zero marshals as `null` (Go before k8s 1.34, i.e. kubectl 1.27–1.33).
  if (name === "ObjectMeta" && !("creationTimestamp" in out)) out.creationTimestamp = null;
  return out;
}

/** A pod template as a Go client would re-marshal it (still a JS value; key order is applied by goJson). */
export function goNormalizedTemplate(template: unknown): Record<string, unknown> {
  const t = template && typeof template === "object" && !Array.isArray(template) ? template : {};
  return normalizeStruct(t as Record<string, unknown>, PodTemplateSpec);
}

const GO_ESCAPES: Record<string, string> = {
  "<": "\\u003c",
  ">": "\\u003e",
  "&": "\\u0026",
  "\u2028": "\\u2028",
  "\u2029": "\\u2029",
};

function goString(s: string): string {
  return JSON.stringify(s).replace(/[<>&\u2028\u2029]/g, (c) => GO_ESCAPES[c]);
}

/** Go's compact encoding of a generic value: object keys sorted (byte order for ASCII), HTML-safe escapes. */
export function goJson(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (typeof value === "string") return goString(value);
  if (typeof value === "number" || typeof value === "boolean") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(goJson).join(",")}]`;
  if (typeof value === "object") {
    const keys = Object.keys(value as object).sort(compareBytes);
    const parts: string[] = [];
    for (const k of keys) {
      const v = (value as Record<string, unknown>)[k];
      if (v === undefined) continue;
      parts.push(`${goString(k)}:${goJson(v)}`);
    }
    return `{${parts.join(",")}}`;
  }
  return "null";
}

/** Go sorts map keys by their UTF-8 bytes; for BMP strings comparing code points gives the same order. */
function compareBytes(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
