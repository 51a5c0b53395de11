// Pod and PodSpec validation, following `pkg/apis/core/validation/validation.go` (v1.33 feature-gate
// defaults). Objects are decoded, defaulted v1 JSON; field paths and messages are upstream's.

import { type FieldError, field } from "../errors.ts";
import type { KubeObject, ObjectMeta } from "../object.ts";
import { canonicalQuantity, tryParseQuantity } from "../quantity.ts";
import { HOST_PATH_TYPE, PROTOCOL } from "../schema/core.ts";
import { differingPaths, semanticEqual } from "./equal.ts";
import { type LabelSelector, validateLabelName, validateLabelSelector, validateLabels } from "./labels.ts";
import {
  validateAnnotations,
  validateImmutableField,
  validateNonnegativeField,
  validateObjectMeta,
  validateObjectMetaUpdate,
} from "./meta.ts";
import {
  inclusiveRangeError,
  ipFamily,
  isConfigMapKey,
  isDNS1123Label,
  isDNS1123Subdomain,
  isDNS1123SubdomainWithUnderscore,
  isEnvVarName,
  isHTTPHeaderName,
  isQualifiedName,
  isRelaxedEnvVarName,
  isValidGroupID,
  isValidIP,
  isValidLabelValue,
  isValidPortName,
  isValidPortNum,
  isValidUserID,
  nameIsDNSSubdomain,
  validateNamespaceName,
  validateNodeName,
  validatePodName,
  validateServiceAccountName,
} from "./names.ts";
import { child, index, key } from "./path.ts";
import { validateContainerResourceRequirements } from "./resources.ts";

type Json = any;

export interface PodValidationOptions {
  /** The object is a Pod (not a template embedded in a workload): host ports must equal container ports. */
  resourceIsPod?: boolean;
  allowInvalidLabelValueInSelector?: boolean;
  /** RelaxedEnvironmentVariableValidation (beta, on by default in v1.33). */
  relaxedEnvVarNames?: boolean;
  /** RelaxedDNSSearchValidation (beta, on by default in v1.33). */
  relaxedDNSSearch?: boolean;
  /** PodLifecycleSleepActionAllowZero (beta, on by default in v1.33). */
  allowSleepZero?: boolean;
  allowInvalidPodDeletionCost?: boolean;
}

const DEFAULT_OPTIONS: Required<PodValidationOptions> = {
  resourceIsPod: false,
  allowInvalidLabelValueInSelector: false,
  relaxedEnvVarNames: true,
  relaxedDNSSearch: true,
  allowSleepZero: true,
  allowInvalidPodDeletionCost: false,
};

const MAX_INT32 = 2147483647;
const FILE_MODE_ERROR = "must be a number between 0 and 0777 (octal), both inclusive";

const _opts = (o?: PodValidationOptions): Required<PodValidationOptions> => ({ ...DEFAULT_OPTIONS, ...o });
const _dns1123Label = (value: string, path: string): FieldError[] =>
  isDNS1123Label(value).map((m) => field.invalid(path, value, m));
const _dns1123Subdomain = (value: string, path: string): FieldError[] =>
  isDNS1123Subdomain(value).map((m) => field.invalid(path, value, m));
const _qualifiedName = (value: string, path: string): FieldError[] =>
  isQualifiedName(value).map((m) => field.invalid(path, value, m));
const _validIP = (value: string, path: string): FieldError[] =>
  isValidIP(value).map((m) => field.invalid(path, value, m));
const _isSet = (v: unknown): boolean => v !== undefined && v !== null;

// ---------------------------------------------------------------------------------------------- volumes

/** JSON key of each volume source in upstream's check order, with the path name its Forbidden error uses. */
const VOLUME_SOURCES: [string, string][] = [
  ["emptyDir", "emptyDir"],
  ["hostPath", "hostPath"],
  ["gitRepo", "gitRepo"],
  ["gcePersistentDisk", "gcePersistentDisk"],
  ["awsElasticBlockStore", "awsElasticBlockStore"],
  ["secret", "secret"],
  ["nfs", "nfs"],
  ["iscsi", "iscsi"],
  ["glusterfs", "glusterfs"],
  ["flocker", "flocker"],
  ["persistentVolumeClaim", "persistentVolumeClaim"],
  ["rbd", "rbd"],
  ["cinder", "cinder"],
  ["cephfs", "cephFS"],
  ["quobyte", "quobyte"],
  ["downwardAPI", "downwarAPI"], // sic: upstream's typo
  ["fc", "fc"],
  ["flexVolume", "flexVolume"],
  ["configMap", "configMap"],
  ["azureFile", "azureFile"],
  ["vsphereVolume", "vsphereVolume"],
  ["photonPersistentDisk", "photonPersistentDisk"],
  ["portworxVolume", "portworxVolume"],
  ["azureDisk", "azureDisk"],
  ["storageos", "storageos"],
  ["projected", "projected"],
  ["scaleIO", "scaleIO"],
  ["csi", "csi"],
  ["ephemeral", "ephemeral"],
  ["image", "image"],
];

function _pathNoBacksteps(target: string, path: string): FieldError[] {
  return target.replaceAll("\\", "/").split("/").includes("..")
    ? [field.invalid(path, target, "must not contain '..'")]
    : [];
}

function _localDescendingPath(target: string, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (target.startsWith("/")) errs.push(field.invalid(path, target, "must be a relative path"));
  errs.push(..._pathNoBacksteps(target, path));
  return errs;
}

function _localNonReservedPath(target: string, path: string): FieldError[] {
  const errs = _localDescendingPath(target, path);
  if (target.startsWith("..") && !target.startsWith("../")) {
    errs.push(field.invalid(path, target, "must not start with '..'"));
  }
  return errs;
}

function _fileMode(mode: unknown, path: string): FieldError[] {
  return typeof mode === "number" && (mode > 0o777 || mode < 0) ? [field.invalid(path, mode, FILE_MODE_ERROR)] : [];
}

function _keyToPath(kp: Json, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!kp?.key) errs.push(field.required(child(path, "key")));
  if (!kp?.path) errs.push(field.required(child(path, "path")));
  errs.push(..._localNonReservedPath(kp?.path ?? "", child(path, "path")));
  errs.push(..._fileMode(kp?.mode, child(path, "mode")));
  return errs;
}

const VOLUME_DOWNWARD_FIELDS = [
  "metadata.annotations",
  "metadata.labels",
  "metadata.name",
  "metadata.namespace",
  "metadata.uid",
];
const ENV_DOWNWARD_FIELDS = [
  "metadata.name",
  "metadata.namespace",
  "metadata.uid",
  "spec.nodeName",
  "spec.serviceAccountName",
  "status.hostIP",
  "status.hostIPs",
  "status.podIP",
  "status.podIPs",
];
const CONVERTIBLE_POD_FIELDS = new Set([
  "metadata.annotations",
  "metadata.labels",
  "metadata.name",
  "metadata.namespace",
  "metadata.uid",
  "spec.nodeName",
  "spec.restartPolicy",
  "spec.serviceAccountName",
  "spec.schedulerName",
  "status.phase",
  "status.hostIP",
  "status.hostIPs",
  "status.podIP",
  "status.podIPs",
]);
const RESOURCE_FIELD_PATHS = [
  "limits.cpu",
  "limits.ephemeral-storage",
  "limits.memory",
  "requests.cpu",
  "requests.ephemeral-storage",
  "requests.memory",
];

function _objectFieldSelector(fs: Json, allowed: string[], path: string): FieldError[] {
  if (!fs?.apiVersion) return [field.required(child(path, "apiVersion"))];
  if (!fs?.fieldPath) return [field.required(child(path, "fieldPath"))];
  const fp: string = fs.fieldPath;
  const m = /^(metadata\.(?:labels|annotations))\['(.*)'\]$/.exec(fp);
  const base = m ? m[1] : fp;
  if (fs.apiVersion !== "v1") {
    return [
      field.invalid(
        child(path, "fieldPath"),
        fp,
        `error converting fieldPath: unsupported pod version: ${fs.apiVersion}`,
      ),
    ];
  }
  if (!CONVERTIBLE_POD_FIELDS.has(base)) {
    return [
      field.invalid(child(path, "fieldPath"), fp, `error converting fieldPath: field label not supported: ${fp}`),
    ];
  }
  if (m) {
    return m[1] === "metadata.annotations" ? _qualifiedName(m[2].toLowerCase(), path) : _qualifiedName(m[2], path);
  }
  if (!allowed.includes(base)) return [field.notSupported(child(path, "fieldPath"), base, allowed)];
  return [];
}

function _resourceFieldSelector(fs: Json, path: string, volume: boolean): FieldError[] {
  const errs: FieldError[] = [];
  const resource: string = fs?.resource ?? "";
  if (volume && !fs?.containerName) errs.push(field.required(child(path, "containerName")));
  else if (!resource) errs.push(field.required(child(path, "resource")));
  else if (
    !RESOURCE_FIELD_PATHS.includes(resource) &&
    !resource.startsWith("requests.hugepages-") &&
    !resource.startsWith("limits.hugepages-")
  ) {
    errs.push(field.notSupported(child(path, "resource"), resource, RESOURCE_FIELD_PATHS));
  }
  if (_isSet(fs?.divisor)) {
    const r = tryParseQuantity(fs.divisor);
    const divisor = "quantity" in r ? canonicalQuantity(r.quantity) : String(fs.divisor);
    const memoryLike = ["1", "1k", "1M", "1G", "1T", "1P", "1E", "1Ki", "1Mi", "1Gi", "1Ti", "1Pi", "1Ei"];
    if (divisor !== "0") {
      if ((resource === "limits.cpu" || resource === "requests.cpu") && !["1m", "1"].includes(divisor)) {
        errs.push(
          field.invalid(
            child(path, "divisor"),
            resource,
            "only divisor's values 1m and 1 are supported with the cpu resource",
          ),
        );
      } else if ((resource === "limits.memory" || resource === "requests.memory") && !memoryLike.includes(divisor)) {
        errs.push(
          field.invalid(
            child(path, "divisor"),
            resource,
            "only divisor's values 1, 1k, 1M, 1G, 1T, 1P, 1E, 1Ki, 1Mi, 1Gi, 1Ti, 1Pi, 1Ei are supported with the memory resource",
          ),
        );
      } else if (
        (resource === "limits.ephemeral-storage" || resource === "requests.ephemeral-storage") &&
        !memoryLike.includes(divisor)
      ) {
        errs.push(
          field.invalid(
            child(path, "divisor"),
            resource,
            "only divisor's values 1, 1k, 1M, 1G, 1T, 1P, 1E, 1Ki, 1Mi, 1Gi, 1Ti, 1Pi, 1Ei are supported with the local ephemeral storage resource",
          ),
        );
      }
    }
  }
  return errs;
}

function _downwardAPIFile(file: Json, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!file?.path) errs.push(field.required(child(path, "path")));
  errs.push(..._localNonReservedPath(file?.path ?? "", child(path, "path")));
  if (file?.fieldRef) {
    errs.push(..._objectFieldSelector(file.fieldRef, VOLUME_DOWNWARD_FIELDS, child(path, "fieldRef")));
    if (file?.resourceFieldRef) {
      errs.push(field.invalid(path, "resource", "fieldRef and resourceFieldRef can not be specified simultaneously"));
    }
  } else if (file?.resourceFieldRef) {
    errs.push(..._resourceFieldSelector(file.resourceFieldRef, child(path, "resourceFieldRef"), true));
  } else {
    errs.push(field.required(path, "one of fieldRef and resourceFieldRef is required"));
  }
  errs.push(..._fileMode(file?.mode, child(path, "mode")));
  return errs;
}

function _projectedSources(proj: Json, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const allPaths = new Set<string>();
  const addPath = (p: string, dupValue: unknown) => {
    if (allPaths.has(p)) errs.push(field.invalid(path, dupValue, "conflicting duplicate paths"));
    else allPaths.add(p);
  };
  (proj?.sources ?? []).forEach((src: Json, i: number) => {
    let count = 0;
    const srcPath = index(child(path, "sources"), i);
    for (const kind of ["secret", "configMap"] as const) {
      const s = src?.[kind];
      if (!s) continue;
      count++;
      const p = child(srcPath, kind);
      if (!s.name) errs.push(field.required(child(p, "name")));
      (s.items ?? []).forEach((kp: Json, j: number) => {
        errs.push(..._keyToPath(kp, index(child(p, "items"), j)));
        if (kp?.path) addPath(kp.path, s.name ?? "");
      });
    }
    if (src?.downwardAPI) {
      count++;
      for (const file of src.downwardAPI.items ?? []) {
        errs.push(..._downwardAPIFile(file, child(srcPath, "downwardAPI")));
        if (file?.path) addPath(file.path, file.path);
      }
    }
    if (src?.serviceAccountToken) {
      count++;
      const t = src.serviceAccountToken;
      const p = child(srcPath, "serviceAccountToken");
      const exp = t.expirationSeconds ?? 0;
      if (exp < 600) {
        errs.push(field.invalid(child(p, "expirationSeconds"), exp, "may not specify a duration less than 10 minutes"));
      }
      if (exp > 2 ** 32) {
        errs.push(
          field.invalid(child(p, "expirationSeconds"), exp, "may not specify a duration larger than 2^32 seconds"),
        );
      }
      if (!t.path) errs.push(field.required(child(path, "path")));
      else errs.push(..._localNonReservedPath(t.path, child(path, "path")));
    }
    if (src?.clusterTrustBundle) {
      count++;
      const p = child(srcPath, "clusterTrustBundle");
      if (!src.clusterTrustBundle.path) errs.push(field.required(child(p, "path")));
    }
    if (count > 1) errs.push(field.forbidden(srcPath, "may not specify more than 1 volume type per source"));
  });
  return errs;
}

function _volumeSourceDetails(kind: string, src: Json, path: string): FieldError[] {
  const errs: FieldError[] = [];
  switch (kind) {
    case "emptyDir": {
      if (_isSet(src.sizeLimit)) {
        const r = tryParseQuantity(src.sizeLimit);
        if ("error" in r) errs.push(field.invalid(child(path, "sizeLimit"), src.sizeLimit, r.error));
        else if (r.quantity.unscaled < 0n) {
          errs.push(field.forbidden(child(path, "sizeLimit"), "SizeLimit field must be a valid resource quantity"));
        }
      }
      break;
    }
    case "hostPath":
      if (!src.path) return [field.required(child(path, "path"))];
      errs.push(..._pathNoBacksteps(src.path, child(path, "path")));
      if (src.type !== undefined && src.type !== null && !HOST_PATH_TYPE.includes(src.type)) {
        errs.push(field.notSupported(child(path, "type"), src.type, HOST_PATH_TYPE));
      }
      break;
    case "gitRepo":
      if (!src.repository) errs.push(field.required(child(path, "repository")));
      errs.push(..._localDescendingPath(src.directory ?? "", child(path, "directory")));
      break;
    case "secret":
      if (!src.secretName) errs.push(field.required(child(path, "secretName")));
      errs.push(..._fileMode(src.defaultMode, child(path, "defaultMode")));
      (src.items ?? []).forEach((kp: Json, i: number) => {
        errs.push(..._keyToPath(kp, index(child(path, "items"), i)));
      });
      break;
    case "configMap":
      if (!src.name) errs.push(field.required(child(path, "name")));
      errs.push(..._fileMode(src.defaultMode, child(path, "defaultMode")));
      (src.items ?? []).forEach((kp: Json, i: number) => {
        errs.push(..._keyToPath(kp, index(child(path, "items"), i)));
      });
      break;
    case "downwardAPI":
      errs.push(..._fileMode(src.defaultMode, child(path, "defaultMode")));
      for (const file of src.items ?? []) errs.push(..._downwardAPIFile(file, path));
      break;
    case "projected":
      errs.push(..._fileMode(src.defaultMode, child(path, "defaultMode")));
      errs.push(..._projectedSources(src, path));
      break;
    case "persistentVolumeClaim":
      if (!src.claimName) errs.push(field.required(child(path, "claimName")));
      break;
    case "nfs":
      if (!src.server) errs.push(field.required(child(path, "server")));
      if (!src.path) errs.push(field.required(child(path, "path")));
      if (!String(src.path ?? "").startsWith("/")) {
        errs.push(field.invalid(child(path, "path"), src.path ?? "", "must be an absolute path"));
      }
      break;
    case "csi":
      if (!src.driver) errs.push(field.required(child(path, "driver")));
      break;
    case "image":
      if (!src.reference) errs.push(field.required(child(path, "reference")));
      break;
  }
  return errs;
}

function _validateVolumeSource(vol: Json, path: string): FieldError[] {
  const errs: FieldError[] = [];
  let count = 0;
  for (const [jsonKey, forbiddenName] of VOLUME_SOURCES) {
    const src = vol?.[jsonKey];
    if (!_isSet(src)) continue;
    if (count > 0) {
      errs.push(field.forbidden(child(path, forbiddenName), "may not specify more than 1 volume type"));
      continue;
    }
    count++;
    errs.push(..._volumeSourceDetails(jsonKey, src, child(path, jsonKey)));
  }
  if (count === 0) errs.push(field.required(path, "must specify a volume type"));
  return errs;
}

/** Validates `volumes` and returns the valid ones by name (volume mounts are checked against them). */
export function validateVolumes(
  volumes: Json[] | undefined,
  path: string,
): { volumes: Map<string, Json>; errs: FieldError[] } {
  const errs: FieldError[] = [];
  const byName = new Map<string, Json>();
  (volumes ?? []).forEach((vol, i) => {
    const p = index(path, i);
    const namePath = child(p, "name");
    const el = _validateVolumeSource(vol, p);
    const name: string = vol?.name ?? "";
    if (!name) el.push(field.required(namePath));
    else el.push(..._dns1123Label(name, namePath));
    if (byName.has(name)) el.push(field.duplicate(namePath, name));
    if (el.length === 0) byName.set(name, vol);
    else errs.push(...el);
  });
  return { volumes: byName, errs };
}

// ------------------------------------------------------------------------------------------- containers

function _containerPorts(ports: Json[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  (ports ?? []).forEach((port, i) => {
    const p = index(path, i);
    const name: string = port?.name ?? "";
    if (name) {
      const msgs = isValidPortName(name);
      if (msgs.length) for (const m of msgs) errs.push(field.invalid(child(p, "name"), name, m));
      else if (names.has(name)) errs.push(field.duplicate(child(p, "name"), name));
      else names.add(name);
    }
    const cp = port?.containerPort ?? 0;
    if (cp === 0) errs.push(field.required(child(p, "containerPort")));
    else for (const m of isValidPortNum(cp)) errs.push(field.invalid(child(p, "containerPort"), cp, m));
    const hp = port?.hostPort ?? 0;
    if (hp !== 0) for (const m of isValidPortNum(hp)) errs.push(field.invalid(child(p, "hostPort"), hp, m));
    const proto: string = port?.protocol ?? "";
    if (!proto) errs.push(field.required(child(p, "protocol")));
    else if (!PROTOCOL.includes(proto)) errs.push(field.notSupported(child(p, "protocol"), proto, PROTOCOL));
  });
  return errs;
}

function _envVarName(name: string, path: string, opts: Required<PodValidationOptions>): FieldError[] {
  const msgs = opts.relaxedEnvVarNames ? isRelaxedEnvVarName(name) : isEnvVarName(name);
  return msgs.map((m) => field.invalid(path, name, m));
}

function _keySelector(s: Json, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const name: string = s?.name ?? "";
  for (const m of nameIsDNSSubdomain(name, false)) errs.push(field.invalid(child(path, "name"), name, m));
  if (!s?.key) errs.push(field.required(child(path, "key")));
  else for (const m of isConfigMapKey(s.key)) errs.push(field.invalid(child(path, "key"), s.key, m));
  return errs;
}

function _env(vars: Json[] | undefined, path: string, opts: Required<PodValidationOptions>): FieldError[] {
  const errs: FieldError[] = [];
  (vars ?? []).forEach((ev, i) => {
    const p = index(path, i);
    const name: string = ev?.name ?? "";
    if (!name) errs.push(field.required(child(p, "name")));
    else errs.push(..._envVarName(name, child(p, "name"), opts));
    const vf = ev?.valueFrom;
    if (!vf) return;
    const vp = child(p, "valueFrom");
    let sources = 0;
    if (vf.fieldRef) {
      sources++;
      errs.push(..._objectFieldSelector(vf.fieldRef, ENV_DOWNWARD_FIELDS, child(vp, "fieldRef")));
    }
    if (vf.resourceFieldRef) {
      sources++;
      errs.push(..._resourceFieldSelector(vf.resourceFieldRef, child(vp, "resourceFieldRef"), false));
    }
    if (vf.configMapKeyRef) {
      sources++;
      errs.push(..._keySelector(vf.configMapKeyRef, child(vp, "configMapKeyRef")));
    }
    if (vf.secretKeyRef) {
      sources++;
      errs.push(..._keySelector(vf.secretKeyRef, child(vp, "secretKeyRef")));
    }
    if (sources === 0) {
      errs.push(
        field.invalid(
          vp,
          "",
          "must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`",
        ),
      );
    } else if (ev?.value) {
      errs.push(field.invalid(vp, "", "may not be specified when `value` is not empty"));
    } else if (sources > 1) {
      errs.push(field.invalid(vp, "", "may not have more than one field specified at a time"));
    }
  });
  return errs;
}

function _envFrom(vars: Json[] | undefined, path: string, opts: Required<PodValidationOptions>): FieldError[] {
  const errs: FieldError[] = [];
  (vars ?? []).forEach((ev, i) => {
    const p = index(path, i);
    if (ev?.prefix) errs.push(..._envVarName(ev.prefix, child(p, "prefix"), opts));
    let sources = 0;
    for (const kind of ["configMapRef", "secretRef"] as const) {
      const ref = ev?.[kind];
      if (!ref) continue;
      sources++;
      const np = child(p, kind, "name");
      if (!ref.name) errs.push(field.required(np));
      else for (const m of nameIsDNSSubdomain(ref.name, true)) errs.push(field.invalid(np, ref.name, m));
    }
    if (sources === 0) errs.push(field.invalid(path, "", "must specify one of: `configMapRef` or `secretRef`"));
    else if (sources > 1) errs.push(field.invalid(path, "", "may not have more than one field specified at a time"));
  });
  return errs;
}

function _volumeMounts(
  mounts: Json[] | undefined,
  devices: Map<string, string>,
  volumes: Map<string, Json>,
  container: Json,
  path: string,
): FieldError[] {
  const errs: FieldError[] = [];
  const mountPoints = new Set<string>();
  (mounts ?? []).forEach((mnt, i) => {
    const p = index(path, i);
    const name: string = mnt?.name ?? "";
    const mountPath: string = mnt?.mountPath ?? "";
    if (!name) errs.push(field.required(child(p, "name")));
    if (!volumes.has(name)) errs.push(field.notFound(child(p, "name"), name));
    if (!mountPath) errs.push(field.required(child(p, "mountPath")));
    if (mountPoints.has(mountPath)) errs.push(field.invalid(child(p, "mountPath"), mountPath, "must be unique"));
    mountPoints.add(mountPath);
    if (devices.has(name)) errs.push(field.invalid(child(p, "name"), name, "must not already exist in volumeDevices"));
    if ([...devices.values()].includes(mountPath)) {
      errs.push(field.invalid(child(p, "mountPath"), mountPath, "must not already exist as a path in volumeDevices"));
    }
    if (volumes.get(name)?.image) {
      if (mnt.subPath)
        errs.push(field.invalid(child(p, "subPath"), mnt.subPath, "not allowed in image volume sources"));
      if (mnt.subPathExpr) {
        errs.push(field.invalid(child(p, "subPathExpr"), mnt.subPathExpr, "not allowed in image volume sources"));
      }
    }
    // Upstream reports subPath problems on the list path, not the item.
    if (mnt?.subPath) errs.push(..._localDescendingPath(mnt.subPath, child(path, "subPath")));
    if (mnt?.subPathExpr) {
      if (mnt.subPath) {
        errs.push(
          field.invalid(child(p, "subPathExpr"), mnt.subPathExpr, "subPathExpr and subPath are mutually exclusive"),
        );
      }
      errs.push(..._localDescendingPath(mnt.subPathExpr, child(path, "subPathExpr")));
    }
    if (_isSet(mnt?.mountPropagation)) {
      const mp = child(path, "mountPropagation");
      const supported = ["Bidirectional", "HostToContainer", "None"];
      if (!supported.includes(mnt.mountPropagation)) errs.push(field.notSupported(mp, mnt.mountPropagation, supported));
      if (mnt.mountPropagation === "Bidirectional" && container?.securityContext?.privileged !== true) {
        errs.push(field.forbidden(mp, "Bidirectional mount propagation is available only to privileged containers"));
      }
    }
    if (_isSet(mnt?.recursiveReadOnly)) {
      const rp = child(path, "recursiveReadOnly");
      const rro = mnt.recursiveReadOnly;
      if (rro === "Enabled" || rro === "IfPossible") {
        if (!mnt.readOnly) errs.push(field.forbidden(rp, "may only be specified when readOnly is true"));
        if (_isSet(mnt.mountPropagation) && mnt.mountPropagation !== "None") {
          errs.push(field.forbidden(rp, "may only be specified when mountPropagation is None or not specified"));
        }
      } else if (rro !== "Disabled") {
        errs.push(field.notSupported(rp, rro, ["Disabled", "Enabled", "IfPossible"]));
      }
    }
  });
  return errs;
}

function _volumeDevices(
  devices: Json[] | undefined,
  mounts: Map<string, string>,
  volumes: Map<string, Json>,
  path: string,
): FieldError[] {
  const errs: FieldError[] = [];
  const paths = new Set<string>();
  const names = new Set<string>();
  (devices ?? []).forEach((dev, i) => {
    const p = index(path, i);
    const name: string = dev?.name ?? "";
    const devPath: string = dev?.devicePath ?? "";
    const vol = volumes.get(name);
    if (!name) errs.push(field.required(child(p, "name")));
    if (names.has(name)) errs.push(field.invalid(child(p, "name"), name, "must be unique"));
    if (vol && !vol.persistentVolumeClaim && !vol.ephemeral) {
      errs.push(
        field.invalid(
          child(p, "name"),
          name,
          "can only use volume source type of PersistentVolumeClaim or Ephemeral for block mode",
        ),
      );
    }
    if (!vol) errs.push(field.notFound(child(p, "name"), name));
    if (!devPath) errs.push(field.required(child(p, "devicePath")));
    if (paths.has(devPath)) errs.push(field.invalid(child(p, "devicePath"), devPath, "must be unique"));
    if (devPath && _pathNoBacksteps(devPath, "").length) {
      errs.push(field.invalid(child(p, "devicePath"), devPath, "can not contain backsteps ('..')"));
    } else paths.add(devPath);
    if (mounts.has(name)) errs.push(field.invalid(child(p, "name"), name, "must not already exist in volumeMounts"));
    if ([...mounts.values()].includes(devPath)) {
      errs.push(field.invalid(child(p, "devicePath"), devPath, "must not already exist as a path in volumeMounts"));
    }
    if (name) names.add(name);
  });
  return errs;
}

const PULL_POLICIES = ["Always", "IfNotPresent", "Never"];

function _seccompProfile(sp: Json, path: string): FieldError[] {
  if (!sp) return [];
  const errs: FieldError[] = [];
  const types = ["Localhost", "RuntimeDefault", "Unconfined"];
  if (!sp.type) errs.push(field.required(child(path, "type"), "type is required when seccompProfile is set"));
  else if (!types.includes(sp.type)) errs.push(field.notSupported(child(path, "type"), sp.type, types));
  if (sp.type === "Localhost") {
    if (!_isSet(sp.localhostProfile)) {
      errs.push(field.required(child(path, "localhostProfile"), "must be set when seccomp type is Localhost"));
    } else errs.push(..._localDescendingPath(sp.localhostProfile, child(path, "localhostProfile")));
  } else if (_isSet(sp.localhostProfile)) {
    errs.push(field.invalid(child(path, "localhostProfile"), sp, "can only be set when seccomp type is Localhost"));
  }
  return errs;
}

function _appArmorProfile(p: Json, path: string): FieldError[] {
  if (!p) return [];
  const types = ["Localhost", "RuntimeDefault", "Unconfined"];
  if (p.type === "Localhost") {
    if (!_isSet(p.localhostProfile) || String(p.localhostProfile).trim() === "") {
      return [field.required(child(path, "localhostProfile"), "must be set when AppArmor type is Localhost")];
    }
    if (String(p.localhostProfile).trim() !== p.localhostProfile) {
      return [field.invalid(child(path, "localhostProfile"), p.localhostProfile, "must not be padded with whitespace")];
    }
    return [];
  }
  if (p.type === "RuntimeDefault" || p.type === "Unconfined") {
    return _isSet(p.localhostProfile)
      ? [
          field.invalid(
            child(path, "localhostProfile"),
            p.localhostProfile,
            "can only be set when AppArmor type is Localhost",
          ),
        ]
      : [];
  }
  if (!p.type) return [field.required(child(path, "type"), "type is required when appArmorProfile is set")];
  return [field.notSupported(child(path, "type"), p.type, types)];
}

function _containerSecurityContext(sc: Json, path: string, hostUsers: boolean): FieldError[] {
  if (!sc) return [];
  const errs: FieldError[] = [];
  if (_isSet(sc.runAsUser)) {
    for (const m of isValidUserID(sc.runAsUser)) errs.push(field.invalid(child(path, "runAsUser"), sc.runAsUser, m));
  }
  if (_isSet(sc.runAsGroup)) {
    for (const m of isValidGroupID(sc.runAsGroup))
      errs.push(field.invalid(child(path, "runAsGroup"), sc.runAsGroup, m));
  }
  if (_isSet(sc.procMount)) {
    if (!["Default", "Unmasked"].includes(sc.procMount)) {
      errs.push(field.notSupported(child(path, "procMount"), sc.procMount, ["Default", "Unmasked"]));
    }
    if (hostUsers && sc.procMount === "Unmasked") {
      errs.push(field.invalid(child(path, "procMount"), sc.procMount, "`hostUsers` must be false to use `Unmasked`"));
    }
  }
  errs.push(..._seccompProfile(sc.seccompProfile, child(path, "seccompProfile")));
  if (sc.allowPrivilegeEscalation === false) {
    if (sc.privileged === true) {
      errs.push(field.invalid(path, sc, "cannot set `allowPrivilegeEscalation` to false and `privileged` to true"));
    }
    for (const cap of sc.capabilities?.add ?? []) {
      if (cap === "CAP_SYS_ADMIN") {
        errs.push(
          field.invalid(
            path,
            sc,
            "cannot set `allowPrivilegeEscalation` to false and `capabilities.Add` CAP_SYS_ADMIN",
          ),
        );
      }
    }
  }
  errs.push(..._appArmorProfile(sc.appArmorProfile, child(path, "appArmorProfile")));
  return errs;
}

function _portNumOrName(port: unknown, path: string): FieldError[] {
  if (typeof port === "number") return isValidPortNum(port).map((m) => field.invalid(path, port, m));
  if (typeof port === "string") return isValidPortName(port).map((m) => field.invalid(path, port, m));
  return [field.internal(path, `unknown type: ${typeof port}`)];
}

const HANDLER_KINDS = ["exec", "httpGet", "tcpSocket", "grpc", "sleep"] as const;

function _handler(
  h: Json,
  allowed: readonly string[],
  gracePeriod: number | undefined,
  path: string,
  opts: Required<PodValidationOptions>,
): FieldError[] {
  const errs: FieldError[] = [];
  let count = 0;
  for (const kind of HANDLER_KINDS) {
    if (!allowed.includes(kind) || !_isSet(h?.[kind])) continue;
    const p = child(path, kind);
    if (count > 0) {
      errs.push(field.forbidden(p, "may not specify more than 1 handler type"));
      continue;
    }
    count++;
    const a = h[kind];
    switch (kind) {
      case "exec":
        if (!a.command?.length) errs.push(field.required(child(p, "command")));
        break;
      case "httpGet":
        if (!a.path) errs.push(field.required(child(p, "path")));
        errs.push(..._portNumOrName(a.port, child(p, "port")));
        if (!["HTTP", "HTTPS"].includes(a.scheme ?? "")) {
          errs.push(field.notSupported(child(p, "scheme"), a.scheme ?? "", ["HTTP", "HTTPS"]));
        }
        for (const hdr of a.httpHeaders ?? []) {
          for (const m of isHTTPHeaderName(hdr?.name ?? ""))
            errs.push(field.invalid(child(p, "httpHeaders"), hdr?.name ?? "", m));
        }
        break;
      case "tcpSocket":
        errs.push(..._portNumOrName(a.port, child(p, "port")));
        break;
      case "grpc":
        errs.push(..._portNumOrName(a.port ?? 0, child(p, "port")));
        break;
      case "sleep": {
        const s = a.seconds ?? 0;
        if (gracePeriod !== undefined) {
          if (opts.allowSleepZero && (s < 0 || s > gracePeriod)) {
            errs.push(
              field.invalid(p, s, `must be non-negative and less than terminationGracePeriodSeconds (${gracePeriod})`),
            );
          } else if (!opts.allowSleepZero && (s <= 0 || s > gracePeriod)) {
            errs.push(
              field.invalid(
                p,
                s,
                `must be greater than 0 and less than terminationGracePeriodSeconds (${gracePeriod}). Enable AllowPodLifecycleSleepActionZeroValue feature gate for zero sleep.`,
              ),
            );
          }
        }
        break;
      }
    }
  }
  if (count === 0) errs.push(field.required(path, "must specify a handler type"));
  return errs;
}

type ProbeKind = "liveness" | "readiness" | "startup";

function _probe(
  probe: Json,
  kind: ProbeKind,
  gracePeriod: number | undefined,
  path: string,
  opts: Required<PodValidationOptions>,
): FieldError[] {
  if (!_isSet(probe)) return [];
  const errs = _handler(probe, ["exec", "httpGet", "tcpSocket", "grpc"], gracePeriod, path, opts);
  for (const f of ["initialDelaySeconds", "timeoutSeconds", "periodSeconds", "successThreshold", "failureThreshold"]) {
    errs.push(...validateNonnegativeField(probe[f] ?? 0, child(path, f)));
  }
  const tgps = probe.terminationGracePeriodSeconds;
  if (_isSet(tgps) && tgps <= 0) {
    errs.push(field.invalid(child(path, "terminationGracePeriodSeconds"), tgps, "must be greater than 0"));
  }
  if ((kind === "liveness" || kind === "startup") && (probe.successThreshold ?? 0) !== 1) {
    errs.push(field.invalid(child(path, "successThreshold"), probe.successThreshold ?? 0, "must be 1"));
  }
  if (kind === "readiness" && _isSet(tgps)) {
    errs.push(field.invalid(child(path, "terminationGracePeriodSeconds"), tgps, "must not be set for readinessProbes"));
  }
  return errs;
}

function _lifecycle(
  lc: Json,
  gracePeriod: number | undefined,
  path: string,
  opts: Required<PodValidationOptions>,
): FieldError[] {
  const errs: FieldError[] = [];
  const allowed = ["exec", "httpGet", "tcpSocket", "sleep"];
  if (lc.postStart) errs.push(..._handler(lc.postStart, allowed, gracePeriod, child(path, "postStart"), opts));
  if (lc.preStop) errs.push(..._handler(lc.preStop, allowed, gracePeriod, child(path, "preStop"), opts));
  return errs;
}

function _resizePolicy(list: Json[] | undefined, path: string, podRestartPolicy: string): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  (list ?? []).forEach((p, i) => {
    const name: string = p?.resourceName ?? "";
    if (seen.has(name)) errs.push(field.duplicate(index(path, i), name));
    seen.add(name);
    if (!name) errs.push(field.required(path));
    else if (name !== "cpu" && name !== "memory") errs.push(field.notSupported(path, name, ["cpu", "memory"]));
    const rp: string = p?.restartPolicy ?? "";
    if (!rp) errs.push(field.required(path));
    else if (rp !== "NotRequired" && rp !== "RestartContainer") {
      errs.push(field.notSupported(path, rp, ["NotRequired", "RestartContainer"]));
    }
    if (podRestartPolicy === "Never" && rp !== "NotRequired") {
      errs.push(field.invalid(path, rp, "must be 'NotRequired' when `restartPolicy` is 'Never'"));
    }
  });
  return errs;
}

function _containerCommon(
  ctr: Json,
  volumes: Map<string, Json>,
  claimNames: Set<string>,
  path: string,
  opts: Required<PodValidationOptions>,
  podRestartPolicy: string,
  hostUsers: boolean,
): FieldError[] {
  const errs: FieldError[] = [];
  const name: string = ctr?.name ?? "";
  if (!name) errs.push(field.required(child(path, "name")));
  else errs.push(..._dns1123Label(name, child(path, "name")));
  if (!ctr?.image) errs.push(field.required(child(path, "image")));
  const tmp: string = ctr?.terminationMessagePolicy ?? "";
  if (!tmp) errs.push(field.required(child(path, "terminationMessagePolicy")));
  else if (tmp !== "File" && tmp !== "FallbackToLogsOnError") {
    errs.push(field.notSupported(child(path, "terminationMessagePolicy"), tmp, ["File", "FallbackToLogsOnError"]));
  }
  const mounts = new Map<string, string>(
    (ctr?.volumeMounts ?? []).map((m: Json) => [m?.name ?? "", m?.mountPath ?? ""]),
  );
  const devices = new Map<string, string>(
    (ctr?.volumeDevices ?? []).map((d: Json) => [d?.name ?? "", d?.devicePath ?? ""]),
  );
  errs.push(..._containerPorts(ctr?.ports, child(path, "ports")));
  errs.push(..._env(ctr?.env, child(path, "env"), opts));
  errs.push(..._envFrom(ctr?.envFrom, child(path, "envFrom"), opts));
  errs.push(..._volumeMounts(ctr?.volumeMounts, devices, volumes, ctr, child(path, "volumeMounts")));
  errs.push(..._volumeDevices(ctr?.volumeDevices, mounts, volumes, child(path, "volumeDevices")));
  const pull: string = ctr?.imagePullPolicy ?? "";
  if (!pull) errs.push(field.required(child(path, "imagePullPolicy")));
  else if (!PULL_POLICIES.includes(pull))
    errs.push(field.notSupported(child(path, "imagePullPolicy"), pull, PULL_POLICIES));
  errs.push(...validateContainerResourceRequirements(ctr?.resources, claimNames, child(path, "resources")));
  errs.push(..._resizePolicy(ctr?.resizePolicy, child(path, "resizePolicy"), podRestartPolicy));
  errs.push(..._containerSecurityContext(ctr?.securityContext, child(path, "securityContext"), hostUsers));
  return errs;
}

function _hostPortConflicts(containers: Json[], path: string): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  containers.forEach((ctr, ci) => {
    (ctr?.ports ?? []).forEach((port: Json, pi: number) => {
      const hp = port?.hostPort ?? 0;
      if (hp === 0) return;
      const id = `${port?.protocol ?? ""}/${port?.hostIP ?? ""}/${hp}`;
      const p = child(index(child(index(path, ci), "ports"), pi), "hostPort");
      if (seen.has(id)) errs.push(field.duplicate(p, id));
      else seen.add(id);
    });
  });
  return errs;
}

interface SpecContext {
  volumes: Map<string, Json>;
  claimNames: Set<string>;
  gracePeriod: number | undefined;
  opts: Required<PodValidationOptions>;
  restartPolicy: string;
  hostUsers: boolean;
}

function _containers(containers: Json[] | undefined, path: string, c: SpecContext): FieldError[] {
  const list = containers ?? [];
  if (list.length === 0) return [field.required(path)];
  const errs: FieldError[] = [];
  const names = new Set<string>();
  list.forEach((ctr, i) => {
    const p = index(path, i);
    errs.push(..._containerCommon(ctr, c.volumes, c.claimNames, p, c.opts, c.restartPolicy, c.hostUsers));
    const name: string = ctr?.name ?? "";
    if (names.has(name)) errs.push(field.duplicate(child(p, "name"), name));
    else names.add(name);
    if (ctr?.lifecycle) errs.push(..._lifecycle(ctr.lifecycle, c.gracePeriod, child(p, "lifecycle"), c.opts));
    errs.push(..._probe(ctr?.livenessProbe, "liveness", c.gracePeriod, child(p, "livenessProbe"), c.opts));
    errs.push(..._probe(ctr?.readinessProbe, "readiness", c.gracePeriod, child(p, "readinessProbe"), c.opts));
    errs.push(..._probe(ctr?.startupProbe, "startup", c.gracePeriod, child(p, "startupProbe"), c.opts));
    if (_isSet(ctr?.restartPolicy))
      errs.push(field.forbidden(child(p, "restartPolicy"), "may not be set for non-init containers"));
  });
  errs.push(..._hostPortConflicts(list, path));
  return errs;
}

function _initContainers(
  init: Json[] | undefined,
  regular: Json[] | undefined,
  path: string,
  c: SpecContext,
): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>((regular ?? []).map((x: Json) => x?.name ?? ""));
  (init ?? []).forEach((ctr, i) => {
    const p = index(path, i);
    errs.push(..._containerCommon(ctr, c.volumes, c.claimNames, p, c.opts, c.restartPolicy, c.hostUsers));
    let restartAlways = false;
    if (_isSet(ctr?.restartPolicy)) {
      if (ctr.restartPolicy !== "Always")
        errs.push(field.notSupported(child(p, "restartPolicy"), ctr.restartPolicy, ["Always"]));
      restartAlways = ctr.restartPolicy === "Always";
    }
    const name: string = ctr?.name ?? "";
    if (names.has(name)) errs.push(field.duplicate(child(p, "name"), name));
    else if (name) names.add(name);
    // Init containers run one at a time, so conflicts are checked per container (and upstream reports index 0).
    errs.push(..._hostPortConflicts([ctr], path));
    if (restartAlways) {
      if (ctr.lifecycle) errs.push(..._lifecycle(ctr.lifecycle, c.gracePeriod, child(p, "lifecycle"), c.opts));
      errs.push(..._probe(ctr.livenessProbe, "liveness", c.gracePeriod, child(p, "livenessProbe"), c.opts));
      errs.push(..._probe(ctr.readinessProbe, "readiness", c.gracePeriod, child(p, "readinessProbe"), c.opts));
      errs.push(..._probe(ctr.startupProbe, "startup", c.gracePeriod, child(p, "startupProbe"), c.opts));
    } else {
      const msg = "may not be set for init containers without restartPolicy=Always";
      for (const f of ["lifecycle", "livenessProbe", "readinessProbe", "startupProbe"]) {
        if (_isSet(ctr?.[f])) errs.push(field.forbidden(child(p, f), msg));
      }
    }
    if ((ctr?.resizePolicy ?? []).length > 0) {
      errs.push(field.invalid(child(p, "resizePolicy"), ctr.resizePolicy, "must not be set for init containers"));
    }
  });
  return errs;
}

// ------------------------------------------------------------------------------------- scheduling bits

const TAINT_EFFECTS = ["NoSchedule", "PreferNoSchedule", "NoExecute"];

export function validateTaintEffect(effect: string, allowEmpty: boolean, path: string): FieldError[] {
  if (!allowEmpty && !effect) return [field.required(path)];
  return TAINT_EFFECTS.includes(effect) ? [] : [field.notSupported(path, effect, TAINT_EFFECTS)];
}

export function validateTolerations(tolerations: Json[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  (tolerations ?? []).forEach((t, i) => {
    const p = index(path, i);
    const k: string = t?.key ?? "";
    const op: string = t?.operator ?? "";
    const value: string = t?.value ?? "";
    const effect: string = t?.effect ?? "";
    if (k) errs.push(...validateLabelName(k, child(p, "key")));
    if (!k && op !== "Exists") {
      errs.push(
        field.invalid(
          child(p, "operator"),
          op,
          'operator must be Exists when `key` is empty, which means "match all values and all keys"',
        ),
      );
    }
    if (_isSet(t?.tolerationSeconds) && effect !== "NoExecute") {
      errs.push(
        field.invalid(child(p, "effect"), effect, "effect must be 'NoExecute' when `tolerationSeconds` is set"),
      );
    }
    if (op === "Equal" || op === "") {
      const msgs = isValidLabelValue(value);
      if (msgs.length) errs.push(field.invalid(child(p, "operator"), value, msgs.join(";")));
    } else if (op === "Exists") {
      if (value)
        errs.push(field.invalid(child(p, "operator"), value, "value must be empty when `operator` is 'Exists'"));
    } else {
      errs.push(field.notSupported(child(p, "operator"), op, ["Equal", "Exists"]));
    }
    if (effect) errs.push(...validateTaintEffect(effect, true, child(p, "effect")));
  });
  return errs;
}

function _nodeSelectorRequirement(rq: Json, allowInvalidValues: boolean, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const values: string[] = rq?.values ?? [];
  switch (rq?.operator) {
    case "In":
    case "NotIn":
      if (values.length === 0)
        errs.push(field.required(child(path, "values"), "must be specified when `operator` is 'In' or 'NotIn'"));
      break;
    case "Exists":
    case "DoesNotExist":
      if (values.length > 0) {
        errs.push(
          field.forbidden(child(path, "values"), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"),
        );
      }
      break;
    case "Gt":
    case "Lt":
      if (values.length !== 1) {
        errs.push(
          field.required(child(path, "values"), "must be specified single value when `operator` is 'Lt' or 'Gt'"),
        );
      }
      break;
    default:
      errs.push(field.invalid(child(path, "operator"), rq?.operator ?? "", "not a valid selector operator"));
  }
  errs.push(...validateLabelName(rq?.key ?? "", child(path, "key")));
  if (!allowInvalidValues) {
    values.forEach((v, i) => {
      for (const m of isValidLabelValue(v)) errs.push(field.invalid(index(child(path, "values"), i), v, m));
    });
  }
  return errs;
}

function _nodeFieldSelectorRequirement(rq: Json, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const values: string[] = rq?.values ?? [];
  if (rq?.operator === "In" || rq?.operator === "NotIn") {
    if (values.length !== 1) {
      errs.push(
        field.required(
          child(path, "values"),
          "must be only one value when `operator` is 'In' or 'NotIn' for node field selector",
        ),
      );
    }
  } else {
    errs.push(field.invalid(child(path, "operator"), rq?.operator ?? "", "not a valid selector operator"));
  }
  if (rq?.key !== "metadata.name") {
    errs.push(field.invalid(child(path, "key"), rq?.key ?? "", "not a valid field selector key"));
  } else {
    values.forEach((v, i) => {
      for (const m of validateNodeName(v, false)) errs.push(field.invalid(index(child(path, "values"), i), v, m));
    });
  }
  return errs;
}

export function validateNodeSelectorTerm(term: Json, allowInvalidValues: boolean, path: string): FieldError[] {
  const errs: FieldError[] = [];
  (term?.matchExpressions ?? []).forEach((rq: Json, j: number) => {
    errs.push(..._nodeSelectorRequirement(rq, allowInvalidValues, index(child(path, "matchExpressions"), j)));
  });
  (term?.matchFields ?? []).forEach((rq: Json, j: number) => {
    errs.push(..._nodeFieldSelectorRequirement(rq, index(child(path, "matchFields"), j)));
  });
  return errs;
}

function _nodeAffinity(na: Json, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const req = na.requiredDuringSchedulingIgnoredDuringExecution;
  if (_isSet(req)) {
    const termsPath = child(path, "requiredDuringSchedulingIgnoredDuringExecution", "nodeSelectorTerms");
    const terms: Json[] = req.nodeSelectorTerms ?? [];
    if (terms.length === 0) errs.push(field.required(termsPath, "must have at least one node selector term"));
    terms.forEach((t, i) => {
      errs.push(...validateNodeSelectorTerm(t, false, index(termsPath, i)));
    });
  }
  (na.preferredDuringSchedulingIgnoredDuringExecution ?? []).forEach((t: Json, i: number) => {
    const p = index(child(path, "preferredDuringSchedulingIgnoredDuringExecution"), i);
    const w = t?.weight ?? 0;
    if (w <= 0 || w > 100) errs.push(field.invalid(child(p, "weight"), w, "must be in the range 1-100"));
    // Preferred terms may use any label value: they can still succeed on a one-node cluster.
    errs.push(...validateNodeSelectorTerm(t?.preference, true, child(p, "preference")));
  });
  return errs;
}

function _podAffinityTerm(term: Json, opts: Required<PodValidationOptions>, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const sel = { allowInvalidLabelValueInSelector: opts.allowInvalidLabelValueInSelector };
  errs.push(...validateLabelSelector(term?.labelSelector as LabelSelector, sel, child(path, "labelSelector")));
  errs.push(...validateLabelSelector(term?.namespaceSelector as LabelSelector, sel, child(path, "namespaceSelector")));
  for (const ns of term?.namespaces ?? []) {
    for (const m of validateNamespaceName(ns, false)) errs.push(field.invalid(child(path, "namespace"), ns, m));
  }
  const tk: string = term?.topologyKey ?? "";
  if (!tk) errs.push(field.required(child(path, "topologyKey"), "can not be empty"));
  errs.push(...validateLabelName(tk, child(path, "topologyKey")));
  return errs;
}

function _podAffinity(pa: Json, opts: Required<PodValidationOptions>, path: string): FieldError[] {
  const errs: FieldError[] = [];
  (pa.requiredDuringSchedulingIgnoredDuringExecution ?? []).forEach((t: Json, i: number) => {
    errs.push(..._podAffinityTerm(t, opts, index(child(path, "requiredDuringSchedulingIgnoredDuringExecution"), i)));
  });
  (pa.preferredDuringSchedulingIgnoredDuringExecution ?? []).forEach((t: Json, i: number) => {
    const p = index(child(path, "preferredDuringSchedulingIgnoredDuringExecution"), i);
    const w = t?.weight ?? 0;
    if (w <= 0 || w > 100) errs.push(field.invalid(child(p, "weight"), w, "must be in the range 1-100"));
    errs.push(..._podAffinityTerm(t?.podAffinityTerm, opts, child(p, "podAffinityTerm")));
  });
  return errs;
}

function _affinity(affinity: Json, opts: Required<PodValidationOptions>, path: string): FieldError[] {
  if (!affinity) return [];
  const errs: FieldError[] = [];
  if (affinity.nodeAffinity) errs.push(..._nodeAffinity(affinity.nodeAffinity, child(path, "nodeAffinity")));
  if (affinity.podAffinity) errs.push(..._podAffinity(affinity.podAffinity, opts, child(path, "podAffinity")));
  if (affinity.podAntiAffinity)
    errs.push(..._podAffinity(affinity.podAntiAffinity, opts, child(path, "podAntiAffinity")));
  return errs;
}

function _topologySpread(constraints: Json[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const list = constraints ?? [];
  list.forEach((c, i) => {
    const p = index(path, i);
    const skew = c?.maxSkew ?? 0;
    if (skew <= 0) errs.push(field.invalid(child(p, "maxSkew"), skew, "must be greater than zero"));
    if (!c?.topologyKey) errs.push(field.required(child(p, "topologyKey"), "can not be empty"));
    const wu: string = c?.whenUnsatisfiable ?? "";
    if (wu !== "DoNotSchedule" && wu !== "ScheduleAnyway") {
      errs.push(field.notSupported(child(p, "whenUnsatisfiable"), wu, ["DoNotSchedule", "ScheduleAnyway"]));
    }
    if (
      list.slice(i + 1).some((o) => o?.topologyKey === c?.topologyKey && o?.whenUnsatisfiable === c?.whenUnsatisfiable)
    ) {
      errs.push(field.duplicate(child(p, "{topologyKey, whenUnsatisfiable}"), `{${c?.topologyKey ?? ""}, ${wu}}`));
    }
    if (_isSet(c?.minDomains)) {
      if (c.minDomains <= 0)
        errs.push(field.invalid(child(p, "minDomains"), c.minDomains, "must be greater than zero"));
      if (wu !== "DoNotSchedule") {
        errs.push(
          field.invalid(
            child(p, "minDomains"),
            c.minDomains,
            `can only use minDomains if whenUnsatisfiable=DoNotSchedule, not ${wu}`,
          ),
        );
      }
    }
    for (const f of ["nodeAffinityPolicy", "nodeTaintsPolicy"]) {
      if (_isSet(c?.[f]) && !["Honor", "Ignore"].includes(c[f])) {
        errs.push(field.notSupported(child(p, f), c[f], ["Honor", "Ignore"]));
      }
    }
    errs.push(...validateLabelSelector(c?.labelSelector, {}, child(p, "labelSelector")));
  });
  return errs;
}

function _dnsConfig(cfg: Json, dnsPolicy: string, path: string, opts: Required<PodValidationOptions>): FieldError[] {
  const errs: FieldError[] = [];
  if (dnsPolicy === "None") {
    if (!cfg) return [field.required(path, "must provide `dnsConfig` when `dnsPolicy` is None")];
    if (!(cfg.nameservers ?? []).length) {
      return [
        field.required(child(path, "nameservers"), "must provide at least one DNS nameserver when `dnsPolicy` is None"),
      ];
    }
  }
  if (!cfg) return errs;
  const ns: string[] = cfg.nameservers ?? [];
  if (ns.length > 3) errs.push(field.invalid(child(path, "nameservers"), ns, "must not have more than 3 nameservers"));
  ns.forEach((n, i) => {
    errs.push(..._validIP(n, index(child(path, "nameservers"), i)));
  });
  const searches: string[] = cfg.searches ?? [];
  if (searches.length > 32)
    errs.push(field.invalid(child(path, "searches"), searches, "must not have more than 32 search paths"));
  if (searches.join(" ").length > 2048) {
    errs.push(
      field.invalid(
        child(path, "searches"),
        searches,
        "must not have more than 2048 characters (including spaces) in the search list",
      ),
    );
  }
  searches.forEach((s, i) => {
    const p = index(child(path, "searches"), i);
    if (opts.relaxedDNSSearch) {
      if (s !== ".") {
        const t = s.endsWith(".") ? s.slice(0, -1) : s;
        for (const m of isDNS1123SubdomainWithUnderscore(t)) errs.push(field.invalid(p, t, m));
      }
    } else {
      const t = s.endsWith(".") ? s.slice(0, -1) : s;
      errs.push(..._dns1123Subdomain(t, p));
    }
  });
  (cfg.options ?? []).forEach((o: Json, i: number) => {
    if (!o?.name) errs.push(field.required(index(child(path, "options"), i), "must not be empty"));
  });
  return errs;
}

function _podSecurityContext(spec: Json, path: string): FieldError[] {
  const sc = spec.securityContext;
  if (!sc) return [];
  const errs: FieldError[] = [];
  const p = child(path, "securityContext");
  if (_isSet(sc.fsGroup))
    for (const m of isValidGroupID(sc.fsGroup)) errs.push(field.invalid(child(p, "fsGroup"), sc.fsGroup, m));
  if (_isSet(sc.runAsUser)) {
    for (const m of isValidUserID(sc.runAsUser)) errs.push(field.invalid(child(p, "runAsUser"), sc.runAsUser, m));
  }
  if (_isSet(sc.runAsGroup)) {
    for (const m of isValidGroupID(sc.runAsGroup)) errs.push(field.invalid(child(p, "runAsGroup"), sc.runAsGroup, m));
  }
  (sc.supplementalGroups ?? []).forEach((g: number, i: number) => {
    for (const m of isValidGroupID(g)) errs.push(field.invalid(index(child(p, "supplementalGroups"), i), g, m));
  });
  if (spec.shareProcessNamespace === true && spec.hostPID === true) {
    errs.push(
      field.invalid(
        child(p, "shareProcessNamespace"),
        true,
        "ShareProcessNamespace and HostPID cannot both be enabled",
      ),
    );
  }
  const names = new Set<string>();
  (sc.sysctls ?? []).forEach((s: Json, i: number) => {
    const np = child(index(child(p, "sysctls"), i), "name");
    const name: string = s?.name ?? "";
    const re = /^([a-z0-9]([-_a-z0-9]*[a-z0-9])?[./])*[a-z0-9]([-_a-z0-9]*[a-z0-9])?$/;
    if (!name) errs.push(field.required(np));
    else if (name.length > 253 || !re.test(name)) {
      errs.push(
        field.invalid(
          np,
          name,
          "must have at most 253 characters and match regex ^([a-z0-9]([-_a-z0-9]*[a-z0-9])?[\\./])*[a-z0-9]([-_a-z0-9]*[a-z0-9])?$",
        ),
      );
    } else if (names.has(name)) errs.push(field.duplicate(np, name));
    const normalized = name.replaceAll("/", ".");
    if (spec.hostNetwork === true && normalized.startsWith("net.")) {
      errs.push(field.invalid(np, name, "may not be specified when 'hostNetwork' is true"));
    } else if (
      spec.hostIPC === true &&
      (normalized.startsWith("kernel.shm") ||
        normalized.startsWith("kernel.msg") ||
        normalized === "kernel.sem" ||
        normalized.startsWith("fs.mqueue."))
    ) {
      errs.push(field.invalid(np, name, "may not be specified when 'hostIPC' is true"));
    }
    names.add(name);
  });
  if (_isSet(sc.fsGroupChangePolicy) && !["Always", "OnRootMismatch"].includes(sc.fsGroupChangePolicy)) {
    errs.push(
      field.notSupported(child(p, "fsGroupChangePolicy"), sc.fsGroupChangePolicy, ["Always", "OnRootMismatch"]),
    );
  }
  errs.push(..._seccompProfile(sc.seccompProfile, child(p, "seccompProfile")));
  errs.push(..._appArmorProfile(sc.appArmorProfile, child(p, "appArmorProfile")));
  if (_isSet(sc.supplementalGroupsPolicy) && !["Merge", "Strict"].includes(sc.supplementalGroupsPolicy)) {
    errs.push(
      field.notSupported(child(p, "supplementalGroupsPolicy"), sc.supplementalGroupsPolicy, ["Merge", "Strict"]),
    );
  }
  if (_isSet(sc.seLinuxChangePolicy) && !["MountOption", "Recursive"].includes(sc.seLinuxChangePolicy)) {
    errs.push(
      field.notSupported(child(p, "seLinuxChangePolicy"), sc.seLinuxChangePolicy, ["MountOption", "Recursive"]),
    );
  }
  return errs;
}

// ------------------------------------------------------------------------------------------- pod spec

/**
 * Upstream `ValidatePodSpec`. `podMeta` is the owning pod's metadata (omit for templates). The spec is
 * expected to be defaulted already: an empty restartPolicy, dnsPolicy or terminationGracePeriodSeconds
 * is reported as Required, as upstream does.
 */
export function validatePodSpec(
  spec: Json,
  path: string,
  options?: PodValidationOptions,
  _podMeta?: ObjectMeta,
): FieldError[] {
  const opts = _opts(options);
  const s = spec ?? {};
  const errs: FieldError[] = [];
  if (!_isSet(s.terminationGracePeriodSeconds)) errs.push(field.required(child(path, "terminationGracePeriodSeconds")));
  const gracePeriod: number | undefined = s.terminationGracePeriodSeconds ?? undefined;
  const hostUsers = s.hostUsers !== false;
  const { volumes, errs: vErrs } = validateVolumes(s.volumes, child(path, "volumes"));
  errs.push(...vErrs);
  const claimNames = new Set<string>((s.resourceClaims ?? []).map((c: Json) => c?.name).filter(Boolean));
  const claimSeen = new Set<string>();
  (s.resourceClaims ?? []).forEach((c: Json, i: number) => {
    const np = child(index(child(path, "resourceClaims"), i), "name");
    if (!c?.name) errs.push(field.required(np));
    else if (claimSeen.has(c.name)) errs.push(field.duplicate(np, c.name));
    else {
      errs.push(..._dns1123Label(c.name, np));
      claimSeen.add(c.name);
    }
  });
  const restartPolicy: string = s.restartPolicy ?? "";
  const ctx: SpecContext = { volumes, claimNames, gracePeriod, opts, restartPolicy, hostUsers };
  errs.push(..._containers(s.containers, child(path, "containers"), ctx));
  errs.push(..._initContainers(s.initContainers, s.containers, child(path, "initContainers"), ctx));
  errs.push(..._ephemeralContainers(s, child(path, "ephemeralContainers"), ctx));
  if (s.hostNetwork === true) {
    (s.containers ?? []).forEach((ctr: Json, i: number) => {
      (ctr?.ports ?? []).forEach((port: Json, j: number) => {
        const hp = port?.hostPort ?? 0;
        const cp = port?.containerPort ?? 0;
        if ((opts.resourceIsPod || hp !== 0) && hp !== cp) {
          const p = child(index(child(index(child(path, "containers"), i), "ports"), j), "hostPort");
          errs.push(field.invalid(p, hp, "must match `containerPort` when `hostNetwork` is true"));
        }
      });
    });
  }
  if (!restartPolicy) errs.push(field.required(child(path, "restartPolicy")));
  else if (!["Always", "OnFailure", "Never"].includes(restartPolicy)) {
    errs.push(field.notSupported(child(path, "restartPolicy"), restartPolicy, ["Always", "OnFailure", "Never"]));
  }
  const dnsPolicy: string = s.dnsPolicy ?? "";
  const dnsPolicies = ["ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"];
  if (!dnsPolicy) errs.push(field.required(child(path, "dnsPolicy")));
  else if (!dnsPolicies.includes(dnsPolicy))
    errs.push(field.notSupported(child(path, "dnsPolicy"), dnsPolicy, dnsPolicies));
  errs.push(...validateLabels(s.nodeSelector, child(path, "nodeSelector")));
  errs.push(..._podSecurityContext(s, path));
  (s.imagePullSecrets ?? []).forEach((ref: Json, i: number) => {
    if (ref && Object.keys(ref).some((k) => k !== "name")) {
      errs.push(field.invalid(index(child(path, "imagePullSecrets"), i), ref, "only name may be set"));
    }
  });
  errs.push(..._affinity(s.affinity, opts, child(path, "affinity")));
  errs.push(..._dnsConfig(s.dnsConfig, dnsPolicy, child(path, "dnsConfig"), opts));
  (s.readinessGates ?? []).forEach((g: Json, i: number) => {
    errs.push(
      ..._qualifiedName(g?.conditionType ?? "", child(index(child(path, "readinessGates"), i), "conditionType")),
    );
  });
  const gates = new Set<string>();
  (s.schedulingGates ?? []).forEach((g: Json, i: number) => {
    const p = index(child(path, "schedulingGates"), i);
    errs.push(..._qualifiedName(g?.name ?? "", p));
    if (gates.has(g?.name)) errs.push(field.duplicate(p, g?.name ?? ""));
    gates.add(g?.name);
  });
  errs.push(..._topologySpread(s.topologySpreadConstraints, child(path, "topologySpreadConstraints")));
  if (s.hostUsers === false) {
    if (s.hostNetwork === true)
      errs.push(field.forbidden(child(path, "hostNetwork"), "when `pod.Spec.HostUsers` is false"));
    if (s.hostPID === true) errs.push(field.forbidden(child(path, "HostPID"), "when `pod.Spec.HostUsers` is false"));
    if (s.hostIPC === true) errs.push(field.forbidden(child(path, "HostIPC"), "when `pod.Spec.HostUsers` is false"));
  }
  if (s.serviceAccountName) {
    for (const m of validateServiceAccountName(s.serviceAccountName, false)) {
      errs.push(field.invalid(child(path, "serviceAccountName"), s.serviceAccountName, m));
    }
  }
  if (s.nodeName) {
    for (const m of validateNodeName(s.nodeName, false))
      errs.push(field.invalid(child(path, "nodeName"), s.nodeName, m));
  }
  if (_isSet(s.activeDeadlineSeconds)) {
    const v = s.activeDeadlineSeconds;
    if (v < 1 || v > MAX_INT32)
      errs.push(field.invalid(child(path, "activeDeadlineSeconds"), v, inclusiveRangeError(1, MAX_INT32)));
  }
  if (s.hostname) errs.push(..._dns1123Label(s.hostname, child(path, "hostname")));
  if (s.subdomain) errs.push(..._dns1123Label(s.subdomain, child(path, "subdomain")));
  errs.push(...validateTolerations(s.tolerations, child(path, "tolerations")));
  (s.hostAliases ?? []).forEach((ha: Json, i: number) => {
    const p = index(child(path, "hostAliases"), i);
    errs.push(..._validIP(ha?.ip ?? "", child(p, "ip")));
    (ha?.hostnames ?? []).forEach((h: string, j: number) => {
      errs.push(..._dns1123Subdomain(h, index(child(p, "hostnames"), j)));
    });
  });
  if (s.priorityClassName) {
    for (const m of nameIsDNSSubdomain(s.priorityClassName, false)) {
      errs.push(field.invalid(child(path, "priorityClassName"), s.priorityClassName, m));
    }
  }
  if (_isSet(s.runtimeClassName)) {
    for (const m of nameIsDNSSubdomain(s.runtimeClassName, false)) {
      errs.push(field.invalid(child(path, "runtimeClassName"), s.runtimeClassName, m));
    }
  }
  if (_isSet(s.preemptionPolicy)) {
    const pp: string = s.preemptionPolicy;
    if (!pp) errs.push(field.required(child(path, "preemptionPolicy")));
    else if (pp !== "PreemptLowerPriority" && pp !== "Never") {
      errs.push(field.notSupported(child(path, "preemptionPolicy"), pp, ["PreemptLowerPriority", "Never"]));
    }
  }
  if (_isSet(s.overhead)) {
    errs.push(...validateContainerResourceRequirements({ limits: s.overhead }, claimNames, child(path, "overhead")));
  }
  if (_isSet(s.os)) {
    if (!s.os.name) errs.push(field.required(child(path, "os", "name"), "cannot be empty"));
    else if (!["linux", "windows"].includes(s.os.name))
      errs.push(field.notSupported(child(path, "os"), s.os.name, ["linux", "windows"]));
    else if (s.os.name === "linux") {
      if (s.securityContext?.windowsOptions) {
        errs.push(
          field.forbidden(
            child(path, "securityContext", "windowsOptions"),
            "windows options cannot be set for a linux pod",
          ),
        );
      }
      _eachContainer(s, path, (ctr, p) => {
        if (ctr?.securityContext?.windowsOptions) {
          errs.push(
            field.forbidden(
              child(p, "securityContext", "windowsOptions"),
              "windows options cannot be set for a linux pod",
            ),
          );
        }
      });
    }
  }
  return errs;
}

function _eachContainer(spec: Json, path: string, fn: (ctr: Json, p: string) => void): void {
  for (const list of ["initContainers", "containers", "ephemeralContainers"]) {
    (spec[list] ?? []).forEach((c: Json, i: number) => {
      fn(c, index(child(path, list), i));
    });
  }
}

function _ephemeralContainers(spec: Json, path: string, c: SpecContext): FieldError[] {
  const list: Json[] = spec.ephemeralContainers ?? [];
  if (!list.length) return [];
  const errs: FieldError[] = [];
  const others = new Set<string>(
    [...(spec.containers ?? []), ...(spec.initContainers ?? [])].map((x: Json) => x?.name),
  );
  const all = new Set(others);
  const disallowed = [
    "ports",
    "resources",
    "livenessProbe",
    "readinessProbe",
    "startupProbe",
    "lifecycle",
    "resizePolicy",
    "restartPolicy",
  ];
  list.forEach((ec, i) => {
    const p = index(path, i);
    errs.push(..._containerCommon(ec, c.volumes, c.claimNames, p, c.opts, c.restartPolicy, c.hostUsers));
    if (ec?.image && ec.image.trim() !== ec.image) {
      errs.push(field.invalid(child(p, "image"), ec.image, "must not have leading or trailing whitespace"));
    }
    if (all.has(ec?.name)) errs.push(field.duplicate(child(p, "name"), ec?.name ?? ""));
    else all.add(ec?.name);
    if (ec?.targetContainerName && !others.has(ec.targetContainerName)) {
      errs.push(field.notFound(child(p, "targetContainerName"), ec.targetContainerName));
    }
    for (const f of disallowed) {
      const v = ec?.[f];
      if (
        _isSet(v) &&
        !(typeof v === "object" && Object.keys(v).length === 0) &&
        !(Array.isArray(v) && v.length === 0)
      ) {
        errs.push(field.forbidden(child(p, f), "cannot be set for an Ephemeral Container"));
      }
    }
    (ec?.volumeMounts ?? []).forEach((vm: Json, j: number) => {
      const vp = index(child(p, "volumeMounts"), j);
      if (vm?.subPath) errs.push(field.forbidden(child(vp, "subPath"), "cannot be set for an Ephemeral Container"));
      if (vm?.subPathExpr)
        errs.push(field.forbidden(child(vp, "subPathExpr"), "cannot be set for an Ephemeral Container"));
    });
  });
  return errs;
}

const MIRROR_POD_ANNOTATION = "kubernetes.io/config.mirror";
const POD_DELETION_COST = "controller.kubernetes.io/pod-deletion-cost";

/** Upstream `ValidatePodSpecificAnnotations` (mirror pods, deletion cost). */
export function validatePodSpecificAnnotations(
  annotations: Record<string, string> | undefined,
  spec: Json,
  path: string,
  options?: PodValidationOptions,
): FieldError[] {
  const opts = _opts(options);
  const errs: FieldError[] = [];
  const a = annotations ?? {};
  if (Object.hasOwn(a, MIRROR_POD_ANNOTATION) && !spec?.nodeName) {
    errs.push(
      field.invalid(
        key(path, MIRROR_POD_ANNOTATION),
        a[MIRROR_POD_ANNOTATION],
        "must set spec.nodeName if mirror pod annotation is set",
      ),
    );
  }
  if (!opts.allowInvalidPodDeletionCost && Object.hasOwn(a, POD_DELETION_COST)) {
    const v = a[POD_DELETION_COST];
    const n = /^[+-]?[0-9]+$/.test(v) ? Number(v) : Number.NaN;
    if (!Number.isInteger(n) || n < -2147483648 || n > MAX_INT32) {
      errs.push(field.invalid(key(path, POD_DELETION_COST), v, "must be a 32bit integer"));
    }
  }
  return errs;
}

/** Upstream `ValidatePodTemplateSpec` (template labels are reported at `<path>.labels`, as upstream does). */
export function validatePodTemplateSpec(template: Json, path: string, options?: PodValidationOptions): FieldError[] {
  const t = template ?? {};
  const meta: ObjectMeta = t.metadata ?? {};
  const errs: FieldError[] = [];
  errs.push(...validateLabels(meta.labels, child(path, "labels")));
  errs.push(...validateAnnotations(meta.annotations, child(path, "annotations")));
  errs.push(...validatePodSpecificAnnotations(meta.annotations, t.spec, child(path, "annotations"), options));
  errs.push(...validatePodSpec(t.spec, child(path, "spec"), options));
  if ((t.spec?.ephemeralContainers ?? []).length > 0) {
    errs.push(
      field.forbidden(child(path, "spec", "ephemeralContainers"), "ephemeral containers not allowed in pod template"),
    );
  }
  return errs;
}

function _podMetadataAndSpec(pod: KubeObject, opts: PodValidationOptions): FieldError[] {
  const errs = validateObjectMeta(pod.metadata, true, validatePodName, "metadata");
  errs.push(...validatePodSpecificAnnotations(pod.metadata?.annotations, pod.spec, "metadata.annotations", opts));
  errs.push(...validatePodSpec(pod.spec, "spec", { ...opts, resourceIsPod: true }, pod.metadata));
  const spec = pod.spec ?? {};
  if (!spec.serviceAccountName) {
    (spec.volumes ?? []).forEach((v: Json, vi: number) => {
      (v?.projected?.sources ?? []).forEach((src: Json, si: number) => {
        if (src?.serviceAccountToken) {
          errs.push(
            field.forbidden(
              `spec.volumes[${vi}].projected.sources[${si}].serviceAccountToken`,
              "must not be specified when serviceAccountName is not set",
            ),
          );
        }
      });
    });
  }
  for (const list of ["containers", "initContainers"]) {
    (spec[list] ?? []).forEach((ctr: Json, i: number) => {
      const image: string = ctr?.image ?? "";
      if (image.length !== image.trim().length) {
        errs.push(field.invalid(`spec.${list}[${i}].image`, image, "must not have leading or trailing whitespace"));
      }
    });
  }
  return errs;
}

/** Upstream `ValidatePodCreate`. */
export function validatePod(pod: KubeObject, options?: PodValidationOptions): FieldError[] {
  const errs = _podMetadataAndSpec(pod, options ?? {});
  const spec = pod.spec ?? {};
  if ((spec.ephemeralContainers ?? []).length > 0) {
    errs.push(field.forbidden("spec.ephemeralContainers", "cannot be set on create"));
  }
  if (spec.nodeName && (spec.schedulingGates ?? []).length > 0) {
    errs.push(field.forbidden("spec.nodeName", "cannot be set until all schedulingGates have been cleared"));
  }
  return errs;
}

const UPDATABLE_POD_SPEC_FIELDS = [
  "`spec.containers[*].image`",
  "`spec.initContainers[*].image`",
  "`spec.activeDeadlineSeconds`",
  "`spec.tolerations` (only additions to existing tolerations)",
  "`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)",
];

function _containerUpdates(
  newList: Json[] | undefined,
  oldList: Json[] | undefined,
  path: string,
): { errs: FieldError[]; stop: boolean } {
  const n = newList ?? [];
  if (n.length !== (oldList ?? []).length) {
    return { errs: [field.forbidden(path, "pod updates may not add or remove containers")], stop: true };
  }
  const errs: FieldError[] = [];
  n.forEach((ctr, i) => {
    const image: string = ctr?.image ?? "";
    if (!image) errs.push(field.required(child(index(path, i), "image")));
    if (image.trim().length !== image.length) {
      errs.push(field.invalid(child(index(path, i), "image"), image, "must not have leading or trailing whitespace"));
    }
  });
  return { errs, stop: false };
}

function _onlyAddedTolerations(newT: Json[] | undefined, oldT: Json[] | undefined, path: string): FieldError[] {
  for (const old of oldT ?? []) {
    const found = (newT ?? []).some((t) =>
      semanticEqual({ ...old, tolerationSeconds: undefined }, { ...t, tolerationSeconds: undefined }),
    );
    if (!found) return [field.forbidden(path, "existing toleration can not be modified except its tolerationSeconds")];
  }
  return validateTolerations(newT, path);
}

/** Upstream `ValidatePodUpdate`: most of the spec is immutable. */
export function validatePodUpdate(
  newPod: KubeObject,
  oldPod: KubeObject,
  options?: PodValidationOptions,
): FieldError[] {
  const errs = validateObjectMetaUpdate(newPod.metadata, oldPod.metadata, "metadata");
  errs.push(..._podMetadataAndSpec(newPod, options ?? {}));
  errs.push(..._podAnnotationUpdates(newPod, oldPod));
  const ns: Json = newPod.spec ?? {};
  const os: Json = oldPod.spec ?? {};
  for (const list of ["containers", "initContainers"]) {
    const r = _containerUpdates(ns[list], os[list], `spec.${list}`);
    errs.push(...r.errs);
    if (r.stop) return errs;
  }
  if (_isSet(ns.activeDeadlineSeconds)) {
    const v = ns.activeDeadlineSeconds;
    if (v < 0 || v > MAX_INT32) {
      errs.push(field.invalid("spec.activeDeadlineSeconds", v, inclusiveRangeError(0, MAX_INT32)));
      return errs;
    }
    if (_isSet(os.activeDeadlineSeconds) && os.activeDeadlineSeconds < v) {
      errs.push(field.invalid("spec.activeDeadlineSeconds", v, "must be less than or equal to previous value"));
      return errs;
    }
  } else if (_isSet(os.activeDeadlineSeconds)) {
    errs.push(
      field.invalid("spec.activeDeadlineSeconds", null, "must not update from a positive integer to nil value"),
    );
  }
  errs.push(..._onlyAddedTolerations(ns.tolerations, os.tolerations, "spec.tolerations"));
  const newGates: Json[] = ns.schedulingGates ?? [];
  const oldGateNames = new Set((os.schedulingGates ?? []).map((g: Json) => g?.name));
  newGates.forEach((g, i) => {
    if (!oldGateNames.has(g?.name)) {
      errs.push(
        field.forbidden(
          `spec.schedulingGates[${i}].name`,
          `only deletion is allowed, but found new scheduling gate '${g?.name}'`,
        ),
      );
    }
  });
  if (semanticEqual(ns, os)) return errs;

  // Put the updatable fields back to their old values; anything still different is a forbidden change.
  const munged: Json = structuredClone(ns);
  for (const list of ["containers", "initContainers"]) {
    (munged[list] ?? []).forEach((c: Json, i: number) => {
      c.image = os[list]?.[i]?.image;
    });
  }
  munged.activeDeadlineSeconds = os.activeDeadlineSeconds;
  munged.schedulingGates = os.schedulingGates;
  munged.tolerations = os.tolerations;
  if ((os.terminationGracePeriodSeconds ?? 0) < 0 && munged.terminationGracePeriodSeconds === 1) {
    munged.terminationGracePeriodSeconds = os.terminationGracePeriodSeconds;
  }
  if ((os.schedulingGates ?? []).length > 0) {
    // Gated pods may gain node selector entries and node affinity.
    munged.nodeSelector = os.nodeSelector;
    if (munged.affinity || os.affinity) {
      munged.affinity = { ...(munged.affinity ?? {}), nodeAffinity: os.affinity?.nodeAffinity };
    }
  }
  if (!semanticEqual(munged, os)) {
    const diff = differingPaths(os, munged)
      .map((p) => `  spec.${p}`)
      .join("\n");
    errs.push(
      field.forbidden(
        "spec",
        `pod updates may not change fields other than ${UPDATABLE_POD_SPEC_FIELDS.join(",")}\n${diff}`,
      ),
    );
  }
  return errs;
}

function _podAnnotationUpdates(newPod: KubeObject, oldPod: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const n = newPod.metadata?.annotations ?? {};
  const o = oldPod.metadata?.annotations ?? {};
  const appArmor = "container.apparmor.security.beta.kubernetes.io/";
  for (const [k, v] of Object.entries(o)) {
    if (Object.hasOwn(n, k) && n[k] === v) continue;
    if (k.startsWith(appArmor))
      errs.push(field.forbidden(key("metadata.annotations", k), "may not remove or update AppArmor annotations"));
    if (k === MIRROR_POD_ANNOTATION) {
      errs.push(field.forbidden(key("metadata.annotations", k), "may not remove or update mirror pod annotation"));
    }
  }
  for (const k of Object.keys(n)) {
    if (Object.hasOwn(o, k)) continue;
    if (k.startsWith(appArmor))
      errs.push(field.forbidden(key("metadata.annotations", k), "may not add AppArmor annotations"));
    if (k === MIRROR_POD_ANNOTATION)
      errs.push(field.forbidden(key("metadata.annotations", k), "may not add mirror pod annotation"));
  }
  return errs;
}

function _stateTransitions(
  newStatuses: Json[] | undefined,
  oldStatuses: Json[] | undefined,
  path: string,
  restartPolicy: string,
  restartable: Set<string>,
): FieldError[] {
  if (restartPolicy === "Always") return [];
  const errs: FieldError[] = [];
  (oldStatuses ?? []).forEach((old, i) => {
    const term = old?.state?.terminated;
    if (!term) return;
    if ((term.exitCode ?? 0) !== 0 && restartPolicy === "OnFailure") return;
    if (restartable.has(old?.name)) return;
    for (const n of newStatuses ?? []) {
      if (n?.name === old?.name && !n?.state?.terminated) {
        errs.push(field.forbidden(child(index(path, i), "state"), "may not be transitioned to non-terminated state"));
      }
    }
  });
  return errs;
}

function _ipList(list: Json[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const ips: string[] = (list ?? []).map((x: Json) => x?.ip ?? "");
  ips.forEach((ip, i) => {
    errs.push(..._validIP(ip, index(path, i)));
  });
  if (ips.length > 1) {
    const families = ips.map(ipFamily);
    if (ips.length > 2 || families[0] === families[1]) {
      errs.push(field.invalid(path, list, "may specify no more than one IP for each IP family"));
    }
    const seen = new Set<string>();
    ips.forEach((ip, i) => {
      if (seen.has(ip)) errs.push(field.duplicate(index(path, i), list?.[i]));
      seen.add(ip);
    });
  }
  return errs;
}

/** Upstream `ValidatePodStatusUpdate`. */
export function validatePodStatusUpdate(newPod: KubeObject, oldPod: KubeObject): FieldError[] {
  const errs = validateObjectMetaUpdate(newPod.metadata, oldPod.metadata, "metadata");
  errs.push(..._podAnnotationUpdates(newPod, oldPod));
  const status: Json = newPod.status ?? {};
  const oldStatus: Json = oldPod.status ?? {};
  const system = new Set(["PodScheduled", "Ready", "Initialized"]);
  (status.conditions ?? []).forEach((c: Json, i: number) => {
    if (system.has(c?.type)) return;
    // Upstream reports these under metadata.conditions[i].Type (sic).
    errs.push(..._qualifiedName(c?.type ?? "", `metadata.conditions[${i}].Type`));
  });
  if ((newPod.spec?.nodeName ?? "") !== (oldPod.spec?.nodeName ?? "")) {
    errs.push(field.forbidden("status.nodeName", "may not be changed directly"));
  }
  if (status.nominatedNodeName && status.nominatedNodeName !== oldStatus.nominatedNodeName) {
    for (const m of validateNodeName(status.nominatedNodeName, false)) {
      errs.push(field.invalid("status.nominatedNodeName", status.nominatedNodeName, m));
    }
  }
  errs.push(...validateImmutableField(status.qosClass ?? "", oldStatus.qosClass ?? "", "status.qosClass"));
  const oldSpec: Json = oldPod.spec ?? {};
  const restartable = new Set<string>(
    (oldSpec.initContainers ?? []).filter((c: Json) => c?.restartPolicy === "Always").map((c: Json) => c?.name),
  );
  errs.push(
    ..._stateTransitions(
      status.containerStatuses,
      oldStatus.containerStatuses,
      "status.containerStatuses",
      oldSpec.restartPolicy ?? "",
      new Set(),
    ),
  );
  errs.push(
    ..._stateTransitions(
      status.initContainerStatuses,
      oldStatus.initContainerStatuses,
      "status.initContainerStatuses",
      oldSpec.restartPolicy ?? "",
      restartable,
    ),
  );
  errs.push(
    ..._stateTransitions(
      status.ephemeralContainerStatuses,
      oldStatus.ephemeralContainerStatuses,
      "status.ephemeralContainerStatuses",
      "Never",
      new Set(),
    ),
  );
  errs.push(..._ipList(status.podIPs, "status.podIPs"));
  const hostIPs: Json[] = status.hostIPs ?? [];
  if (hostIPs.length > 0) {
    if ((status.hostIP ?? "") !== (hostIPs[0]?.ip ?? "")) {
      errs.push(field.invalid("status.hostIPs[0].ip", hostIPs[0]?.ip ?? "", "must be equal to `hostIP`"));
    }
    errs.push(..._ipList(hostIPs, "status.hostIPs"));
  }
  return errs;
}
