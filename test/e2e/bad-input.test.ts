// Malformed and invalid requests against one real server: each row names the HTTP code, Status reason and the
// exact message kube-apiserver v1.33 answers (strings from upstream's validation code and apimachinery errors,
// not from loci), and after each row the store must be unchanged: a failed request writes nothing.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { type HttpResult, request } from "../helpers/http.ts";
import { API_ONLY, type RunningServer, startServer } from "../helpers/server.ts";

type Json = any;

interface Row {
  name: string;
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  path: string;
  /** A value (sent as JSON), raw text, or a thunk evaluated when the row runs (for bodies built from live objects). */
  body?: unknown | (() => unknown);
  contentType?: string;
  code: number;
  reason: string;
  message: string;
  /** For 422s: `details.causes[0].field`; derived from a single-error message when omitted. */
  field?: string;
  /** Set when loci is known to differ from upstream; the row still states upstream's answer. */
  todo?: string;
}

const NS = "default";
const DSS = `/apis/apps/v1/namespaces/${NS}/daemonsets`;
const CMS = `/api/v1/namespaces/${NS}/configmaps`;
const NODES = "/api/v1/nodes";

// Upstream's fixed texts (k8s.io/apimachinery/pkg/util/validation).
const DNS1123_LABEL =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const DNS1123_SUBDOMAIN =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL_VALUE =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
const NAME_PART =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const PERCENT =
  "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')";
const TAINT_EFFECTS = 'supported values: "NoSchedule", "PreferNoSchedule", "NoExecute"';

// ---- builders ------------------------------------------------------------------------------------------------

/** A valid DaemonSet; every DaemonSet row starts from a fresh copy and mutates it. */
function validDs(name = "bad"): Json {
  return {
    apiVersion: "apps/v1",
    kind: "DaemonSet",
    metadata: { name, labels: { tier: "node" } },
    spec: {
      selector: { matchLabels: { app: "agent" } },
      template: {
        metadata: { labels: { app: "agent" } },
        spec: {
          containers: [{ name: "agent", image: "busybox:1.36", ports: [{ name: "http", containerPort: 8080 }] }],
          volumes: [{ name: "data", emptyDir: {} }],
        },
      },
    },
  };
}

function mutated<T>(base: T, mutate: (o: T) => void): T {
  mutate(base);
  return base;
}

const TEMPLATE = "spec.template.spec";
const C0 = `${TEMPLATE}.containers[0]`;
const dsInvalid = (detail: string, name = "bad") => `DaemonSet.apps "${name}" is invalid: ${detail}`;

/** A create that upstream's DaemonSet validation rejects with exactly one error. */
function dsRow(name: string, mutate: (ds: Json) => void, error: string, extra: Partial<Row> = {}): Row {
  return {
    name,
    method: "POST",
    path: DSS,
    body: mutated(validDs(), mutate),
    code: 422,
    reason: "Invalid",
    message: dsInvalid(error),
    ...extra,
  };
}

/** Like dsRow, for a change to the pod template's spec. */
function podRow(name: string, mutate: (spec: Json) => void, error: string, extra: Partial<Row> = {}): Row {
  return dsRow(name, (ds) => mutate(ds.spec.template.spec), error, extra);
}

/** Like podRow, for a change to the first container. */
function ctrRow(name: string, mutate: (c: Json) => void, error: string, extra: Partial<Row> = {}): Row {
  return podRow(name, (s) => mutate(s.containers[0]), error, extra);
}

function node(name: string, taints: Json[]): Json {
  return { apiVersion: "v1", kind: "Node", metadata: { name }, spec: { taints } };
}

// State created before the rows run, read by thunks.
let base: Json;
let staleBase: Json;

// ---- the table -----------------------------------------------------------------------------------------------

const podTemplateRows: Row[] = [
  podRow(
    "duplicate container name",
    (s) => s.containers.push({ name: "agent", image: "busybox:1.36" }),
    `${TEMPLATE}.containers[1].name: Duplicate value: "agent"`,
  ),
  ctrRow(
    "volumeMount of a missing volume",
    (c) => {
      c.volumeMounts = [{ name: "missing", mountPath: "/data" }];
    },
    `${C0}.volumeMounts[0].name: Not found: "missing"`,
  ),
  ctrRow(
    "containerPort 0",
    (c) => {
      c.ports[0].containerPort = 0;
    },
    `${C0}.ports[0].containerPort: Required value`,
  ),
  ctrRow(
    "containerPort 65536",
    (c) => {
      c.ports[0].containerPort = 65536;
    },
    `${C0}.ports[0].containerPort: Invalid value: 65536: must be between 1 and 65535, inclusive`,
  ),
  ctrRow(
    "invalid container name",
    (c) => {
      c.name = "Agent_1";
    },
    `${C0}.name: Invalid value: "Agent_1": ${DNS1123_LABEL}`,
  ),
  ctrRow(
    "missing image",
    (c) => {
      delete c.image;
    },
    `${C0}.image: Required value`,
  ),
  ctrRow(
    "env var name with '=' (RelaxedEnvironmentVariableValidation is on in v1.33)",
    (c) => {
      c.env = [{ name: "A=B", value: "x" }];
    },
    `${C0}.env[0].name: Invalid value: "A=B": a valid environment variable name must consist only of printable ASCII characters other than '='`,
  ),
  ctrRow(
    "env valueFrom with two sources",
    (c) => {
      c.env = [
        {
          name: "POD",
          valueFrom: { fieldRef: { fieldPath: "metadata.name" }, configMapKeyRef: { name: "cm", key: "k" } },
        },
      ];
    },
    `${C0}.env[0].valueFrom: Invalid value: "": may not have more than one field specified at a time`,
  ),
  podRow(
    "restartPolicy OnFailure",
    (s) => {
      s.restartPolicy = "OnFailure";
    },
    `${TEMPLATE}.restartPolicy: Unsupported value: "OnFailure": supported values: "Always"`,
  ),
  podRow(
    "activeDeadlineSeconds set",
    (s) => {
      s.activeDeadlineSeconds = 60;
    },
    `${TEMPLATE}.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds in DaemonSet is not Supported`,
  ),
  podRow(
    "hostPath without path",
    (s) => {
      s.volumes[0] = { name: "data", hostPath: {} };
    },
    `${TEMPLATE}.volumes[0].hostPath.path: Required value`,
  ),
  podRow(
    "two volume sources",
    (s) => {
      s.volumes[0] = { name: "data", emptyDir: {}, hostPath: { path: "/var/data" } };
    },
    `${TEMPLATE}.volumes[0].hostPath: Forbidden: may not specify more than 1 volume type`,
  ),
  podRow(
    "duplicate volume names",
    (s) => s.volumes.push({ name: "data", emptyDir: {} }),
    `${TEMPLATE}.volumes[1].name: Duplicate value: "data"`,
  ),
  podRow(
    "toleration Exists with a value",
    (s) => {
      s.tolerations = [{ key: "k", operator: "Exists", value: "v" }];
    },
    // Upstream reports the toleration's value here (not the whole toleration).
    `${TEMPLATE}.tolerations[0].operator: Invalid value: "v": value must be empty when \`operator\` is 'Exists'`,
  ),
  podRow(
    "toleration with an unknown effect",
    (s) => {
      s.tolerations = [{ key: "k", operator: "Equal", value: "v", effect: "NoWay" }];
    },
    `${TEMPLATE}.tolerations[0].effect: Unsupported value: "NoWay": ${TAINT_EFFECTS}`,
  ),
  podRow(
    "tolerationSeconds without NoExecute",
    (s) => {
      s.tolerations = [{ key: "k", operator: "Exists", effect: "NoSchedule", tolerationSeconds: 30 }];
    },
    `${TEMPLATE}.tolerations[0].effect: Invalid value: "NoSchedule": effect must be 'NoExecute' when \`tolerationSeconds\` is set`,
  ),
  podRow(
    "nodeSelector with a bad label value",
    (s) => {
      s.nodeSelector = { disk: "fast ssd" };
    },
    `${TEMPLATE}.nodeSelector: Invalid value: "fast ssd": ${LABEL_VALUE}`,
  ),
  podRow(
    "node affinity In without values",
    (s) => {
      s.affinity = {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [{ matchExpressions: [{ key: "zone", operator: "In", values: [] }] }],
          },
        },
      };
    },
    `${TEMPLATE}.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].values: Required value: must be specified when \`operator\` is 'In' or 'NotIn'`,
  ),
  ctrRow(
    "probe with two handlers",
    (c) => {
      c.livenessProbe = { exec: { command: ["true"] }, httpGet: { path: "/", port: 8080 } };
    },
    `${C0}.livenessProbe.httpGet: Forbidden: may not specify more than 1 handler type`,
  ),
  ctrRow(
    "liveness successThreshold 2",
    (c) => {
      c.livenessProbe = { tcpSocket: { port: 8080 }, successThreshold: 2 };
    },
    `${C0}.livenessProbe.successThreshold: Invalid value: 2: must be 1`,
  ),
  ctrRow(
    "readiness probe without a handler",
    (c) => {
      c.readinessProbe = { periodSeconds: 5 };
    },
    `${C0}.readinessProbe: Required value: must specify a handler type`,
  ),
  ctrRow(
    "probe terminationGracePeriodSeconds 0",
    (c) => {
      c.livenessProbe = { tcpSocket: { port: 8080 }, terminationGracePeriodSeconds: 0 };
    },
    `${C0}.livenessProbe.terminationGracePeriodSeconds: Invalid value: 0: must be greater than 0`,
  ),
  ctrRow(
    "requests above limits",
    (c) => {
      c.resources = { requests: { cpu: "2" }, limits: { cpu: "1" } };
    },
    `${C0}.resources.requests: Invalid value: "2": must be less than or equal to cpu limit of 1`,
  ),
  ctrRow(
    "negative memory limit",
    (c) => {
      c.resources = { limits: { memory: "-1Mi" } };
    },
    `${C0}.resources.limits[memory]: Invalid value: "-1Mi": must be greater than or equal to 0`,
  ),
  ctrRow(
    "bad imagePullPolicy",
    (c) => {
      c.imagePullPolicy = "Sometimes";
    },
    `${C0}.imagePullPolicy: Unsupported value: "Sometimes": supported values: "Always", "IfNotPresent", "Never"`,
  ),
  ctrRow(
    "bad port protocol",
    (c) => {
      c.ports[0].protocol = "HTTP";
    },
    `${C0}.ports[0].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"`,
  ),
  ctrRow(
    "duplicate port names",
    (c) => c.ports.push({ name: "http", containerPort: 8081 }),
    `${C0}.ports[1].name: Duplicate value: "http"`,
  ),
  podRow(
    "no containers",
    (s) => {
      s.containers = [];
    },
    `${TEMPLATE}.containers: Required value`,
  ),
  podRow(
    "bad dnsPolicy",
    (s) => {
      s.dnsPolicy = "Sometimes";
    },
    `${TEMPLATE}.dnsPolicy: Unsupported value: "Sometimes": supported values: "ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"`,
  ),
  podRow(
    "hostNetwork with a hostPort other than the containerPort",
    (s) => {
      s.hostNetwork = true;
      s.containers[0].ports[0].hostPort = 9090;
    },
    `${C0}.ports[0].hostPort: Invalid value: 9090: must match \`containerPort\` when \`hostNetwork\` is true`,
  ),
  ctrRow(
    "negative runAsUser",
    (c) => {
      c.securityContext = { runAsUser: -1 };
    },
    `${C0}.securityContext.runAsUser: Invalid value: -1: must be between 0 and 2147483647, inclusive`,
  ),
];

const daemonSetRows: Row[] = [
  dsRow(
    "selector does not match the template labels",
    (ds) => {
      ds.spec.template.metadata.labels = { app: "other" };
    },
    `spec.template.metadata.labels: Invalid value: {"app":"other"}: \`selector\` does not match template \`labels\``,
  ),
  dsRow(
    "empty selector {}",
    (ds) => {
      ds.spec.selector = {};
    },
    "spec.selector: Invalid value: {}: empty selector is invalid for daemonset",
  ),
  dsRow(
    "missing selector (a nil selector matches nothing)",
    (ds) => {
      delete ds.spec.selector;
    },
    `spec.template.metadata.labels: Invalid value: {"app":"agent"}: \`selector\` does not match template \`labels\``,
  ),
  dsRow(
    "maxUnavailable and maxSurge both non-zero",
    (ds) => {
      ds.spec.updateStrategy = { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 1, maxSurge: 1 } };
    },
    "spec.updateStrategy.rollingUpdate.maxSurge: Invalid value: 1: may not be set when maxUnavailable is non-zero",
  ),
  dsRow(
    "maxUnavailable and maxSurge both zero",
    (ds) => {
      ds.spec.updateStrategy = { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: "0%" } };
    },
    "spec.updateStrategy.rollingUpdate.maxUnavailable: Required value: cannot be 0 when maxSurge is 0",
  ),
  dsRow(
    "maxSurge not a percent",
    (ds) => {
      ds.spec.updateStrategy = { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: "ten" } };
    },
    // "ten" counts as 0, so both are zero as well: two errors, in upstream's order.
    `[spec.updateStrategy.rollingUpdate.maxSurge: Invalid value: "ten": ${PERCENT}, spec.updateStrategy.rollingUpdate.maxUnavailable: Required value: cannot be 0 when maxSurge is 0]`,
    { field: "spec.updateStrategy.rollingUpdate.maxSurge" },
  ),
  dsRow(
    "maxUnavailable above 100%",
    (ds) => {
      ds.spec.updateStrategy = { type: "RollingUpdate", rollingUpdate: { maxUnavailable: "150%" } };
    },
    'spec.updateStrategy.rollingUpdate.maxUnavailable: Invalid value: "150%": must not be greater than 100%',
  ),
  dsRow(
    "negative minReadySeconds",
    (ds) => {
      ds.spec.minReadySeconds = -1;
    },
    "spec.minReadySeconds: Invalid value: -1: must be greater than or equal to 0",
  ),
  dsRow(
    "negative revisionHistoryLimit",
    (ds) => {
      ds.spec.revisionHistoryLimit = -2;
    },
    "spec.revisionHistoryLimit: Invalid value: -2: must be greater than or equal to 0",
  ),
  dsRow(
    "unknown updateStrategy type",
    (ds) => {
      ds.spec.updateStrategy = { type: "Sideways" };
    },
    // The bad value is upstream's internal apps.DaemonSetUpdateStrategy (no json tags).
    'spec.updateStrategy: Unsupported value: {"Type":"Sideways","RollingUpdate":null}: supported values: "RollingUpdate", "OnDelete"',
  ),
  {
    name: "selector change on update is immutable",
    method: "PUT",
    path: `${DSS}/base`,
    body: () =>
      mutated(structuredClone(base), (ds) => {
        ds.spec.selector = { matchLabels: { app: "moved" } };
        ds.spec.template.metadata.labels = { app: "moved" };
      }),
    code: 422,
    reason: "Invalid",
    message: dsInvalid('spec.selector: Invalid value: {"matchLabels":{"app":"moved"}}: field is immutable', "base"),
  },
];

const metadataRows: Row[] = [
  dsRow(
    "bad name",
    (ds) => {
      ds.metadata.name = "Bad_Name";
    },
    `metadata.name: Invalid value: "Bad_Name": ${DNS1123_SUBDOMAIN}`,
    { message: dsInvalid(`metadata.name: Invalid value: "Bad_Name": ${DNS1123_SUBDOMAIN}`, "Bad_Name") },
  ),
  dsRow(
    "missing name",
    (ds) => {
      delete ds.metadata.name;
    },
    "",
    { message: dsInvalid("metadata.name: Required value: name or generateName is required", "") },
  ),
  dsRow(
    "bad label key",
    (ds) => {
      ds.metadata.labels = { "bad key": "x" };
    },
    `metadata.labels: Invalid value: "bad key": ${NAME_PART}`,
  ),
  dsRow(
    "label value longer than 63 characters",
    (ds) => {
      ds.metadata.labels = { tier: "a".repeat(64) };
    },
    `metadata.labels: Invalid value: "${"a".repeat(64)}": must be no more than 63 characters`,
  ),
];

const nodeRows: Row[] = [
  {
    name: "node with duplicate taints",
    method: "POST",
    path: NODES,
    body: node("bad-node", [
      { key: "dedicated", value: "a", effect: "NoSchedule" },
      { key: "dedicated", value: "b", effect: "NoSchedule" },
    ]),
    code: 422,
    reason: "Invalid",
    // The bad value is upstream's internal core.Taint (no json tags).
    // Upstream validates node taints under `metadata.taints` (sic).
    message:
      'Node "bad-node" is invalid: metadata.taints[1]: Duplicate value: {"Key":"dedicated","Value":"b","Effect":"NoSchedule","TimeAdded":null}: taints must be unique by key and effect pair',
  },
  {
    name: "node with an unknown taint effect",
    method: "POST",
    path: NODES,
    body: node("bad-node", [{ key: "dedicated", value: "a", effect: "NoWay" }]),
    code: 422,
    reason: "Invalid",
    message: `Node "bad-node" is invalid: metadata.taints[0].effect: Unsupported value: "NoWay": ${TAINT_EFFECTS}`,
  },
];

const decodeAndRequestRows: Row[] = [
  {
    name: "string where an integer belongs",
    method: "POST",
    path: DSS,
    body: mutated(validDs(), (ds) => {
      ds.spec.template.spec.containers[0].ports[0].containerPort = "80";
    }),
    code: 400,
    reason: "BadRequest",
    message:
      'DaemonSet in version "v1" cannot be handled as a DaemonSet: json: cannot unmarshal string into Go struct field ContainerPort.spec.template.spec.containers.ports.containerPort of type int32',
  },
  {
    name: "unknown field with fieldValidation=Strict",
    method: "POST",
    path: `${DSS}?fieldValidation=Strict`,
    body: mutated(validDs(), (ds) => {
      ds.spec.replicas = 3;
    }),
    code: 400,
    reason: "BadRequest",
    message:
      'DaemonSet in version "v1" cannot be handled as a DaemonSet: strict decoding error: unknown field "spec.replicas"',
  },
  {
    name: "malformed JSON",
    method: "POST",
    path: DSS,
    body: '{"apiVersion":"apps/v1","kind":"DaemonSet",',
    code: 400,
    reason: "BadRequest",
    message:
      'the object provided is unrecognized (must be of type DaemonSet): couldn\'t get version/kind; json parse error: unexpected end of JSON input ({"apiVersion":"apps/v1","kind" ...)',
  },
  {
    name: "wrong apiVersion in the body",
    method: "POST",
    path: DSS,
    body: mutated(validDs(), (ds) => {
      ds.apiVersion = "apps/v1beta2";
    }),
    code: 400,
    reason: "BadRequest",
    message: "the API version in the data (apps/v1beta2) does not match the expected API version (apps/v1)",
  },
  {
    name: "wrong kind in the body",
    method: "POST",
    path: DSS,
    body: mutated(validDs(), (ds) => {
      ds.kind = "Deployment";
    }),
    code: 400,
    reason: "BadRequest",
    message:
      'Deployment in version "v1" cannot be handled as a DaemonSet: converting (v1.Deployment) to (apps.DaemonSet): unknown conversion',
  },
  {
    name: "namespace in the body differs from the URL",
    method: "POST",
    path: DSS,
    body: mutated(validDs(), (ds) => {
      ds.metadata.namespace = "kube-system";
    }),
    code: 400,
    reason: "BadRequest",
    message: "the namespace of the provided object does not match the namespace sent on the request",
  },
  {
    name: "unknown namespace",
    method: "POST",
    path: "/api/v1/namespaces/nope/configmaps",
    body: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "cm" } },
    code: 404,
    reason: "NotFound",
    message: 'namespaces "nope" not found',
  },
  {
    name: "create of an existing object",
    method: "POST",
    path: DSS,
    body: validDs("base"),
    code: 409,
    reason: "AlreadyExists",
    message: 'daemonsets.apps "base" already exists',
  },
  {
    name: "update with a stale resourceVersion",
    method: "PUT",
    path: `${DSS}/base`,
    body: () => staleBase,
    code: 409,
    reason: "Conflict",
    message:
      'Operation cannot be fulfilled on daemonsets.apps "base": the object has been modified; please apply your changes to the latest version and try again',
  },
  {
    name: "update of a missing object (DaemonSets are not created on update)",
    method: "PUT",
    path: `${DSS}/ghost`,
    body: validDs("ghost"),
    code: 404,
    reason: "NotFound",
    message: 'daemonsets.apps "ghost" not found',
  },
  {
    name: "name in the body differs from the URL",
    method: "PUT",
    path: `${DSS}/base`,
    body: () => mutated(structuredClone(base), (ds) => (ds.metadata.name = "other")),
    code: 400,
    reason: "BadRequest",
    message: "the name of the object (other) does not match the name on the URL (base)",
  },
  {
    name: "unknown resource",
    method: "GET",
    path: `/apis/apps/v1/namespaces/${NS}/widgets`,
    code: 404,
    reason: "NotFound",
    message: "the server could not find the requested resource",
  },
  {
    name: "bad labelSelector on list",
    method: "GET",
    path: `${DSS}?labelSelector=${encodeURIComponent("app in (a")}`,
    code: 400,
    reason: "BadRequest",
    message: "unable to parse requirement: found '', expected: ',' or ')'",
  },
  {
    name: "unsupported fieldSelector on a pod list",
    method: "GET",
    path: `/api/v1/namespaces/${NS}/pods?fieldSelector=${encodeURIComponent("spec.color=blue")}`,
    code: 400,
    reason: "BadRequest",
    message: "field label not supported: spec.color",
  },
  {
    name: "unsupported fieldSelector on a DaemonSet list",
    method: "GET",
    path: `${DSS}?fieldSelector=${encodeURIComponent("spec.color=blue")}`,
    code: 400,
    reason: "BadRequest",
    message: '"spec.color" is not a known field selector: only "metadata.name", "metadata.namespace"',
  },
  {
    name: "JSON patch whose test op fails",
    method: "PATCH",
    path: `${DSS}/base`,
    body: [
      { op: "test", path: "/spec/minReadySeconds", value: 42 },
      { op: "replace", path: "/spec/minReadySeconds", value: 5 },
    ],
    contentType: "application/json-patch+json",
    code: 422,
    reason: "Invalid",
    message: "the server rejected our request due to an error in our request",
  },
  {
    name: "merge patch that is a string, not an object",
    method: "PATCH",
    path: `${DSS}/base`,
    body: '"spec"',
    contentType: "application/merge-patch+json",
    code: 400,
    reason: "BadRequest",
    message: "Invalid JSON Patch",
  },
  {
    name: "merge patch null",
    method: "PATCH",
    path: `${DSS}/base`,
    body: "null",
    contentType: "application/merge-patch+json",
    code: 400,
    reason: "BadRequest",
    message: "Invalid JSON Patch",
  },
  {
    name: "patch with an unknown content type",
    method: "PATCH",
    path: `${DSS}/base`,
    body: { spec: { minReadySeconds: 5 } },
    contentType: "text/plain",
    code: 415,
    reason: "UnsupportedMediaType",
    message:
      "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json, application/apply-patch+yaml",
  },
  {
    // Not upstream behaviour: loci deliberately refuses server-side apply (see test/e2e/api.test.ts).
    name: "server-side apply patch",
    method: "PATCH",
    path: `${DSS}/base?fieldManager=test`,
    body: "spec:\n  minReadySeconds: 5\n",
    contentType: "application/apply-patch+yaml",
    code: 415,
    reason: "UnsupportedMediaType",
    message: "server-side apply is not supported by loci: use client-side `kubectl apply` (without --server-side)",
  },
  {
    name: "create with an unknown content type",
    method: "POST",
    path: CMS,
    body: "name=cm",
    contentType: "text/plain",
    code: 415,
    reason: "UnsupportedMediaType",
    message:
      "the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf",
  },
  {
    // A protobuf envelope naming a ConfigMap but carrying no object decodes to an empty ConfigMap, as upstream.
    name: "create with a protobuf body holding no object",
    method: "POST",
    path: CMS,
    body: "k8s\u0000\n\u000f\n\u0002v1\u0012\tConfigMap",
    contentType: "application/vnd.kubernetes.protobuf",
    code: 422,
    reason: "Invalid",
    message: 'ConfigMap "" is invalid: metadata.name: Required value: name or generateName is required',
  },
  {
    name: "DELETE with an unknown propagationPolicy",
    method: "DELETE",
    path: `${DSS}/base`,
    body: { apiVersion: "v1", kind: "DeleteOptions", propagationPolicy: "Sideways" },
    code: 422,
    reason: "Invalid",
    message:
      'DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Unsupported value: "Sideways": supported values: "Foreground", "Background", "Orphan", "nil"',
  },
  {
    name: "create with an unknown dryRun value",
    method: "POST",
    path: `${CMS}?dryRun=Yes`,
    body: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "cm" } },
    code: 422,
    reason: "Invalid",
    message: 'CreateOptions.meta.k8s.io "" is invalid: dryRun: Unsupported value: ["Yes"]: supported values: "All"',
  },
  {
    name: "create with an unknown fieldValidation value",
    method: "POST",
    path: `${CMS}?fieldValidation=Loose`,
    body: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "cm" } },
    code: 422,
    reason: "Invalid",
    message:
      'CreateOptions.meta.k8s.io "" is invalid: fieldValidation: Unsupported value: "Loose": supported values: "", "Ignore", "Strict", "Warn"',
  },
];

const rows: Row[] = [...podTemplateRows, ...daemonSetRows, ...metadataRows, ...nodeRows, ...decodeAndRequestRows];

// ---- the store must not change ------------------------------------------------------------------------------

/** The cluster revision (configmaps list RV: only writes raise it) plus every touched kind's names and RVs. */
async function snapshot(s: RunningServer): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const path of ["/api/v1/configmaps", DSS, NODES, "/api/v1/namespaces", `/api/v1/namespaces/${NS}/pods`]) {
    const r = await request(s, "GET", path);
    assert.equal(r.status, 200, r.body);
    const list = r.json();
    out[path] = {
      resourceVersion: list.metadata.resourceVersion,
      items: list.items.map((i: Json) => `${i.metadata.name}@${i.metadata.resourceVersion}`),
    };
  }
  return out;
}

function send(s: RunningServer, row: Row): Promise<HttpResult> {
  const body = typeof row.body === "function" ? (row.body as () => unknown)() : row.body;
  return request(s, row.method, row.path, { body, contentType: row.contentType });
}

/** The field of a single-error Invalid message: the text between "is invalid: " and the next ": ". */
function singleErrorParts(message: string): { field: string; body: string } | undefined {
  const i = message.indexOf(" is invalid: ");
  if (i < 0) return undefined;
  const rest = message.slice(i + " is invalid: ".length);
  if (rest.startsWith("[")) return undefined;
  const j = rest.indexOf(": ");
  return { field: rest.slice(0, j), body: rest.slice(j + 2) };
}

describe("bad input", () => {
  let s: RunningServer;
  before(async () => {
    s = await startServer({ args: [API_ONLY] });
    const created = await request(s, "POST", DSS, { body: validDs("base") });
    assert.equal(created.status, 201, created.body);
    staleBase = created.json();
    const relabeled = await request(s, "PATCH", `${DSS}/base`, {
      body: { metadata: { labels: { touched: "yes" } } },
      contentType: "application/merge-patch+json",
    });
    assert.equal(relabeled.status, 200, relabeled.body);
    base = relabeled.json();
    const n1 = await request(s, "POST", NODES, { body: node("n1", []) });
    assert.equal(n1.status, 201, n1.body);
  });
  after(async () => {
    await s?.stop();
  });

  test("the table is big enough", () => {
    assert.ok(rows.length >= 55, `${rows.length} rows`);
    assert.ok(podTemplateRows.length >= 22, `${podTemplateRows.length} pod template rows`);
    assert.equal(new Set(rows.map((r) => r.name)).size, rows.length, "row names are unique");
  });

  for (const row of rows) {
    test(`${row.method} ${row.name} → ${row.code} ${row.reason}`, { todo: row.todo }, async () => {
      const before = await snapshot(s);
      const r = await send(s, row);
      assert.equal(r.status, row.code, r.body);
      const status = r.json();
      assert.equal(status.kind, "Status");
      assert.equal(status.status, "Failure");
      assert.equal(status.code, row.code);
      assert.equal(status.reason, row.reason);
      assert.equal(status.message, row.message);
      const parts = singleErrorParts(row.message);
      if (parts || row.field) {
        // Field errors travel as causes too: kubectl prints those, not the message.
        const cause = status.details?.causes?.[0];
        assert.ok(cause, "an Invalid status carries causes");
        assert.equal(cause.field, row.field ?? parts?.field);
        if (parts && !row.field) assert.equal(cause.message, parts.body);
      }
      assert.deepEqual(await snapshot(s), before, "a failed request must not change the store");
    });
  }

  test("the snapshot notices a successful write (so the checks above have teeth)", async () => {
    const before = (await snapshot(s)) as Record<string, { resourceVersion: string; items: string[] }>;
    const r = await request(s, "PATCH", `${DSS}/base`, {
      body: { metadata: { labels: { again: "yes" } } },
      contentType: "application/merge-patch+json",
    });
    assert.equal(r.status, 200, r.body);
    const after = (await snapshot(s)) as typeof before;
    assert.notEqual(after["/api/v1/configmaps"].resourceVersion, before["/api/v1/configmaps"].resourceVersion);
    assert.notDeepEqual(after[DSS].items, before[DSS].items);
  });
});
