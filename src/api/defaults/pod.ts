// v1 defaulting for pods and pod specs (`pkg/apis/core/v1/defaults.go` plus the declarative
// `+default` markers of k8s.io/api/core/v1). Every function mutates its argument in place and also
// returns it, so callers can chain.
import type { KubeObject } from "../object.ts";
import { defaultPullPolicy } from "./image.ts";
import { canonicalQuantityValue, defaultResourceList } from "./quantities.ts";

type Json = any;

const isObj = (v: unknown): v is Record<string, Json> => typeof v === "object" && v !== null && !Array.isArray(v);

export const DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS = 30;
export const DEFAULT_SCHEDULER_NAME = "default-scheduler";
/** 0644: the default file mode of secret, configMap, downwardAPI and projected volumes. */
export const DEFAULT_VOLUME_MODE = 420;

function _httpGet(h: Json): void {
  if (!isObj(h)) return;
  if (!h.path) h.path = "/";
  if (!h.scheme) h.scheme = "HTTP";
}

function _handler(h: Json): void {
  if (!isObj(h)) return;
  _httpGet(h.httpGet);
  if (isObj(h.grpc) && (h.grpc.service === undefined || h.grpc.service === null)) h.grpc.service = "";
}

function _probe(p: Json): void {
  if (!isObj(p)) return;
  if (!p.timeoutSeconds) p.timeoutSeconds = 1;
  if (!p.periodSeconds) p.periodSeconds = 10;
  if (!p.successThreshold) p.successThreshold = 1;
  if (!p.failureThreshold) p.failureThreshold = 3;
  _handler(p);
}

function _fieldRef(ref: Json): void {
  if (isObj(ref) && !ref.apiVersion) ref.apiVersion = "v1";
}

function _resourceFieldRef(ref: Json): void {
  if (isObj(ref) && ref.divisor !== undefined && ref.divisor !== null)
    ref.divisor = canonicalQuantityValue(ref.divisor);
}

/** `SetDefaults_Container` and the defaults of everything a container holds. */
export function defaultContainer(c: Json): Json {
  if (!isObj(c)) return c;
  if (!c.imagePullPolicy) c.imagePullPolicy = defaultPullPolicy(String(c.image ?? ""));
  if (!c.terminationMessagePath) c.terminationMessagePath = "/dev/termination-log";
  if (!c.terminationMessagePolicy) c.terminationMessagePolicy = "File";
  for (const port of c.ports ?? []) if (isObj(port) && !port.protocol) port.protocol = "TCP";
  for (const ev of c.env ?? []) {
    _fieldRef(ev?.valueFrom?.fieldRef);
    _resourceFieldRef(ev?.valueFrom?.resourceFieldRef);
  }
  _probe(c.livenessProbe);
  _probe(c.readinessProbe);
  _probe(c.startupProbe);
  if (isObj(c.lifecycle)) {
    _handler(c.lifecycle.postStart);
    _handler(c.lifecycle.preStop);
  }
  // Upstream always serialises the (non-pointer) resources struct, so `resources: {}` appears on output.
  if (!isObj(c.resources)) c.resources = {};
  defaultResourceList(c.resources.limits);
  defaultResourceList(c.resources.requests);
  return c;
}

const VOLUME_SOURCE_KEYS = [
  "hostPath",
  "emptyDir",
  "gcePersistentDisk",
  "awsElasticBlockStore",
  "gitRepo",
  "secret",
  "nfs",
  "iscsi",
  "glusterfs",
  "persistentVolumeClaim",
  "rbd",
  "flexVolume",
  "cinder",
  "cephfs",
  "flocker",
  "downwardAPI",
  "fc",
  "azureFile",
  "configMap",
  "vsphereVolume",
  "quobyte",
  "azureDisk",
  "photonPersistentDisk",
  "projected",
  "portworxVolume",
  "scaleIO",
  "storageos",
  "csi",
  "ephemeral",
  "image",
];

/** `SetDefaults_Volume` and the volume source defaults. */
export function defaultVolume(v: Json): Json {
  if (!isObj(v)) return v;
  if (!VOLUME_SOURCE_KEYS.some((k) => v[k] !== undefined && v[k] !== null)) v.emptyDir = {};
  if (isObj(v.hostPath) && (v.hostPath.type === undefined || v.hostPath.type === null)) v.hostPath.type = "";
  if (isObj(v.emptyDir) && v.emptyDir.sizeLimit !== undefined && v.emptyDir.sizeLimit !== null) {
    v.emptyDir.sizeLimit = canonicalQuantityValue(v.emptyDir.sizeLimit);
  }
  for (const k of ["secret", "configMap", "downwardAPI", "projected"]) {
    if (isObj(v[k]) && (v[k].defaultMode === undefined || v[k].defaultMode === null))
      v[k].defaultMode = DEFAULT_VOLUME_MODE;
  }
  for (const item of v.downwardAPI?.items ?? []) {
    _fieldRef(item?.fieldRef);
    _resourceFieldRef(item?.resourceFieldRef);
  }
  for (const src of v.projected?.sources ?? []) {
    for (const item of src?.downwardAPI?.items ?? []) {
      _fieldRef(item?.fieldRef);
      _resourceFieldRef(item?.resourceFieldRef);
    }
    const token = src?.serviceAccountToken;
    if (isObj(token) && (token.expirationSeconds === undefined || token.expirationSeconds === null)) {
      token.expirationSeconds = 3600;
    }
  }
  if (isObj(v.image) && !v.image.pullPolicy) v.image.pullPolicy = defaultPullPolicy(String(v.image.reference ?? ""));
  return v;
}

/**
 * `SetDefaults_PodSpec` plus container, volume and quantity defaults. Applies to pod templates too
 * (DaemonSets, ...); pod-only defaults live in `defaultPod`.
 */
export function defaultPodSpec(spec: Json): Json {
  if (!isObj(spec)) return spec;
  if (!spec.dnsPolicy) spec.dnsPolicy = "ClusterFirst";
  if (!spec.restartPolicy) spec.restartPolicy = "Always";
  if (!isObj(spec.securityContext)) spec.securityContext = {};
  if (spec.terminationGracePeriodSeconds === undefined || spec.terminationGracePeriodSeconds === null) {
    spec.terminationGracePeriodSeconds = DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS;
  }
  if (!spec.schedulerName) spec.schedulerName = DEFAULT_SCHEDULER_NAME;
  for (const v of spec.volumes ?? []) defaultVolume(v);
  for (const list of ["initContainers", "containers", "ephemeralContainers"]) {
    for (const c of spec[list] ?? []) defaultContainer(c);
  }
  defaultResourceList(spec.overhead);
  if (isObj(spec.resources)) {
    defaultResourceList(spec.resources.limits);
    defaultResourceList(spec.resources.requests);
  }
  return spec;
}

/** Defaults for a PodTemplateSpec (`{metadata, spec}`) embedded in a workload. */
export function defaultPodTemplateSpec(template: Json): Json {
  if (isObj(template)) defaultPodSpec(template.spec);
  return template;
}

function _requestsFromLimits(c: Json): void {
  if (!isObj(c) || !isObj(c.resources) || !isObj(c.resources.limits)) return;
  if (!isObj(c.resources.requests)) c.resources.requests = {};
  for (const [k, v] of Object.entries(c.resources.limits)) {
    if (!Object.hasOwn(c.resources.requests, k)) c.resources.requests[k] = v;
  }
}

/**
 * `SetDefaults_Pod` + `SetDefaults_PodSpec`: requests copied from limits, `enableServiceLinks: true`, and
 * with host networking each container port's hostPort defaults to its containerPort. Admission-time
 * additions (service account, priority, default tolerations) are not defaulting and are not done here.
 */
export function defaultPod(pod: KubeObject): KubeObject {
  if (!isObj(pod.spec)) return pod;
  const spec = pod.spec;
  for (const c of spec.containers ?? []) _requestsFromLimits(c);
  for (const c of spec.initContainers ?? []) _requestsFromLimits(c);
  if (spec.enableServiceLinks === undefined || spec.enableServiceLinks === null) spec.enableServiceLinks = true;
  if (spec.hostNetwork === true) {
    for (const list of ["containers", "initContainers"]) {
      for (const c of spec[list] ?? []) {
        for (const port of c?.ports ?? []) if (isObj(port) && !port.hostPort) port.hostPort = port.containerPort;
      }
    }
  }
  defaultPodSpec(spec);
  return pod;
}
