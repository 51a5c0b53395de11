// Table of validator cases asserting the exact `FieldError.toString()` strings upstream produces
// (messages from pkg/apis/core/validation, pkg/apis/apps/validation and apimachinery, v1.33).
import assert from "node:assert/strict";
import { test } from "node:test";
import { defaultDaemonSet } from "../defaults/daemonset.ts";
import { defaultNode } from "../defaults/node.ts";
import { defaultPod } from "../defaults/pod.ts";
import type { FieldError } from "../errors.ts";
import type { KubeObject } from "../object.ts";
import { validateConfigMap } from "./configmap.ts";
import { validateControllerRevision } from "./controllerrevision.ts";
import { validateDaemonSet, validateDaemonSetStatusUpdate, validateDaemonSetUpdate } from "./daemonset.ts";
import { validateLease } from "./lease.ts";
import { validateNamespace, validateNamespaceStatusUpdate } from "./namespace.ts";
import { validateNode, validateNodeUpdate } from "./node.ts";
import { validatePod, validatePodSpec, validatePodStatusUpdate, validatePodUpdate } from "./pod.ts";
import { validatePriorityClass } from "./priorityclass.ts";
import { validateSecret } from "./secret.ts";
import { validateServiceAccount } from "./serviceaccount.ts";

type Json = any;

const SUBDOMAIN_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL_MSG =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const NAME_PART_MSG =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const LABEL_VALUE_MSG =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
const QUANTITY_MSG = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
const POD_UPDATE_MSG =
  "spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)";

const C = "spec.template.spec.containers[0]";
const T = "spec.template.spec";

function baseDs(): Json {
  return {
    apiVersion: "apps/v1",
    kind: "DaemonSet",
    metadata: { name: "web", namespace: "default" },
    spec: {
      selector: { matchLabels: { app: "web" } },
      template: {
        metadata: { labels: { app: "web" } },
        spec: { containers: [{ name: "app", image: "nginx:1.25" }] },
      },
    },
  };
}

/** A defaulted DaemonSet after `edit` (applied before defaulting) and `post` (after). */
function ds(edit: (d: Json) => void = () => {}, post: (d: Json) => void = () => {}): KubeObject {
  const d = baseDs();
  edit(d);
  defaultDaemonSet(d);
  post(d);
  return d;
}

/** Edits the template pod spec of a DaemonSet. */
const tmpl = (edit: (s: Json) => void) => ds((d) => edit(d.spec.template.spec));
const ctr = (edit: (c: Json) => void) => tmpl((s) => edit(s.containers[0]));

function basePod(): Json {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "p", namespace: "default", resourceVersion: "5" },
    spec: { containers: [{ name: "app", image: "nginx:1.25", ports: [{ containerPort: 80 }] }] },
  };
}
function pod(edit: (p: Json) => void = () => {}): KubeObject {
  const p = basePod();
  edit(p);
  return defaultPod(p);
}

function node(edit: (n: Json) => void = () => {}): KubeObject {
  const n: Json = { apiVersion: "v1", kind: "Node", metadata: { name: "n1", resourceVersion: "1" }, spec: {} };
  edit(n);
  return defaultNode(n);
}

const strings = (errs: FieldError[]) => errs.map((e) => e.toString());

interface Case {
  name: string;
  errors: () => FieldError[];
  expect: string[];
}

const cases: Case[] = [
  // ------------------------------------------------------------------ object metadata
  { name: "valid daemonset", errors: () => validateDaemonSet(ds()), expect: [] },
  {
    name: "name not a DNS subdomain",
    errors: () => validateDaemonSet(ds((d) => (d.metadata.name = "Bad_Name"))),
    expect: [`metadata.name: Invalid value: "Bad_Name": ${SUBDOMAIN_MSG}`],
  },
  {
    name: "missing name",
    errors: () => validateDaemonSet(ds((d) => delete d.metadata.name)),
    expect: ["metadata.name: Required value: name or generateName is required"],
  },
  {
    name: "missing namespace",
    errors: () => validateDaemonSet(ds((d) => delete d.metadata.namespace)),
    expect: ["metadata.namespace: Required value"],
  },
  {
    name: "bad generateName without name",
    errors: () =>
      validateDaemonSet(
        ds((d) => {
          delete d.metadata.name;
          d.metadata.generateName = "Web-";
        }),
      ),
    expect: [
      `metadata.generateName: Invalid value: "Web-": ${SUBDOMAIN_MSG}`,
      "metadata.name: Required value: name or generateName is required",
    ],
  },
  {
    name: "good generateName with trailing dash",
    errors: () =>
      validateDaemonSet(
        ds((d) => {
          d.metadata.generateName = "web-";
        }),
      ),
    expect: [],
  },
  {
    name: "label key with a space",
    errors: () => validateDaemonSet(ds((d) => (d.metadata.labels = { "bad key": "x" }))),
    expect: [`metadata.labels: Invalid value: "bad key": ${NAME_PART_MSG}`],
  },
  {
    name: "label value starting with a dash",
    errors: () => validateDaemonSet(ds((d) => (d.metadata.labels = { k: "-bad" }))),
    expect: [`metadata.labels: Invalid value: "-bad": ${LABEL_VALUE_MSG}`],
  },
  {
    name: "label value too long",
    errors: () => validateDaemonSet(ds((d) => (d.metadata.labels = { k: "a".repeat(64) }))),
    expect: [`metadata.labels: Invalid value: "${"a".repeat(64)}": must be no more than 63 characters`],
  },
  {
    name: "label key with an invalid prefix",
    errors: () => validateDaemonSet(ds((d) => (d.metadata.labels = { "Example.com/x": "y" }))),
    expect: [`metadata.labels: Invalid value: "Example.com/x": prefix part ${SUBDOMAIN_MSG}`],
  },
  {
    name: "label key with two slashes",
    errors: () => validateDaemonSet(ds((d) => (d.metadata.labels = { "a/b/c": "y" }))),
    expect: [
      `metadata.labels: Invalid value: "a/b/c": a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
    ],
  },
  {
    name: "label key with an empty prefix",
    errors: () => validateDaemonSet(ds((d) => (d.metadata.labels = { "/x": "y" }))),
    expect: ['metadata.labels: Invalid value: "/x": prefix part must be non-empty'],
  },
  {
    name: "annotation keys ignore case but not syntax",
    errors: () => validateDaemonSet(ds((d) => (d.metadata.annotations = { "Example.COM/Ok": "1", "no good": "2" }))),
    expect: [`metadata.annotations: Invalid value: "no good": ${NAME_PART_MSG}`],
  },
  {
    name: "unqualified non-standard finalizer",
    errors: () => validateDaemonSet(ds((d) => (d.metadata.finalizers = ["foo", "example.com/ok", "orphan"]))),
    expect: [
      'metadata.finalizers[0]: Invalid value: "foo": name is neither a standard finalizer name nor is it fully qualified',
    ],
  },
  {
    name: "owner reference without uid",
    errors: () =>
      validateDaemonSet(
        ds((d) => (d.metadata.ownerReferences = [{ apiVersion: "v1", kind: "Node", name: "n1", uid: "" }])),
      ),
    expect: ['metadata.ownerReferences.uid: Invalid value: "": must not be empty'],
  },
  {
    name: "two controller owner references",
    errors: () =>
      validateDaemonSet(
        ds(
          (d) =>
            (d.metadata.ownerReferences = [
              { apiVersion: "v1", kind: "Node", name: "a", uid: "1", controller: true },
              { apiVersion: "v1", kind: "Node", name: "b", uid: "2", controller: true },
            ]),
        ),
      ).map((e) => e.toString().replace(/Invalid value: \[.*\]: /, "Invalid value: [...]: ")),
    expect: [
      'metadata.ownerReferences: Invalid value: [...]: Only one reference can have Controller set to true. Found "true" in references for Node/a and Node/b',
    ],
  } as unknown as Case,

  // ------------------------------------------------------------------ DaemonSet spec (spec §5.3)
  {
    name: "empty selector",
    errors: () => validateDaemonSet(ds((d) => (d.spec.selector = {}))),
    expect: ["spec.selector: Invalid value: {}: empty selector is invalid for daemonset"],
  },
  {
    name: "selector does not match template labels",
    errors: () => validateDaemonSet(ds((d) => (d.spec.template.metadata.labels = { app: "other" }))),
    expect: [
      'spec.template.metadata.labels: Invalid value: {"app":"other"}: `selector` does not match template `labels`',
    ],
  },
  {
    name: "missing selector matches nothing",
    errors: () => validateDaemonSet(ds((d) => delete d.spec.selector)),
    expect: [
      'spec.template.metadata.labels: Invalid value: {"app":"web"}: `selector` does not match template `labels`',
    ],
  },
  {
    name: "selector expression with an unknown operator",
    errors: () => validateDaemonSet(ds((d) => (d.spec.selector.matchExpressions = [{ key: "tier", operator: "Foo" }]))),
    expect: ['spec.selector.matchExpressions[0].operator: Invalid value: "Foo": not a valid selector operator'],
  },
  {
    name: "selector In without values",
    errors: () => validateDaemonSet(ds((d) => (d.spec.selector.matchExpressions = [{ key: "tier", operator: "In" }]))),
    expect: [
      "spec.selector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
    ],
  },
  {
    name: "selector Exists with values",
    errors: () =>
      validateDaemonSet(
        ds((d) => (d.spec.selector.matchExpressions = [{ key: "tier", operator: "Exists", values: ["a"] }])),
      ),
    expect: [
      "spec.selector.matchExpressions[0].values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
    ],
  },
  {
    name: "selector expression value with a bad label value",
    errors: () =>
      validateDaemonSet(
        ds((d) => (d.spec.selector.matchExpressions = [{ key: "tier", operator: "NotIn", values: ["a b"] }])),
      ),
    expect: [`spec.selector.matchExpressions[0].values[0]: Invalid value: "a b": ${LABEL_VALUE_MSG}`],
  },
  {
    name: "restartPolicy other than Always",
    errors: () => validateDaemonSet(tmpl((s) => (s.restartPolicy = "OnFailure"))),
    expect: [`${T}.restartPolicy: Unsupported value: "OnFailure": supported values: "Always"`],
  },
  {
    name: "activeDeadlineSeconds set",
    errors: () => validateDaemonSet(tmpl((s) => (s.activeDeadlineSeconds = 10))),
    expect: [`${T}.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds in DaemonSet is not Supported`],
  },
  {
    name: "negative minReadySeconds",
    errors: () => validateDaemonSet(ds((d) => (d.spec.minReadySeconds = -1))),
    expect: ["spec.minReadySeconds: Invalid value: -1: must be greater than or equal to 0"],
  },
  {
    name: "negative revisionHistoryLimit",
    errors: () => validateDaemonSet(ds((d) => (d.spec.revisionHistoryLimit = -1))),
    expect: ["spec.revisionHistoryLimit: Invalid value: -1: must be greater than or equal to 0"],
  },
  {
    name: "unknown update strategy",
    errors: () => validateDaemonSet(ds((d) => (d.spec.updateStrategy = { type: "Foo" }))),
    expect: [
      'spec.updateStrategy: Unsupported value: {"Type":"Foo","RollingUpdate":null}: supported values: "RollingUpdate", "OnDelete"',
    ],
  },
  {
    name: "RollingUpdate without rollingUpdate (defaulting skipped)",
    errors: () => validateDaemonSet(ds(undefined, (d) => delete d.spec.updateStrategy.rollingUpdate)),
    expect: ["spec.updateStrategy.rollingUpdate: Required value"],
  },
  {
    name: "negative maxUnavailable",
    errors: () => validateDaemonSet(ds((d) => (d.spec.updateStrategy = { rollingUpdate: { maxUnavailable: -1 } }))),
    expect: ["spec.updateStrategy.rollingUpdate.maxUnavailable: Invalid value: -1: must be greater than or equal to 0"],
  },
  {
    name: "malformed percent",
    errors: () => validateDaemonSet(ds((d) => (d.spec.updateStrategy = { rollingUpdate: { maxUnavailable: "abc" } }))),
    expect: [
      `spec.updateStrategy.rollingUpdate.maxUnavailable: Invalid value: "abc": a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')`,
      "spec.updateStrategy.rollingUpdate.maxUnavailable: Required value: cannot be 0 when maxSurge is 0",
    ],
  },
  {
    name: "percent above 100",
    errors: () => validateDaemonSet(ds((d) => (d.spec.updateStrategy = { rollingUpdate: { maxUnavailable: "110%" } }))),
    expect: ['spec.updateStrategy.rollingUpdate.maxUnavailable: Invalid value: "110%": must not be greater than 100%'],
  },
  {
    name: "maxSurge and maxUnavailable both non-zero",
    errors: () =>
      validateDaemonSet(ds((d) => (d.spec.updateStrategy = { rollingUpdate: { maxUnavailable: 1, maxSurge: "10%" } }))),
    expect: [
      'spec.updateStrategy.rollingUpdate.maxSurge: Invalid value: "10%": may not be set when maxUnavailable is non-zero',
    ],
  },
  {
    name: "maxSurge and maxUnavailable both zero",
    errors: () =>
      validateDaemonSet(ds((d) => (d.spec.updateStrategy = { rollingUpdate: { maxUnavailable: 0, maxSurge: "0%" } }))),
    expect: ["spec.updateStrategy.rollingUpdate.maxUnavailable: Required value: cannot be 0 when maxSurge is 0"],
  },
  {
    name: "surge only is valid",
    errors: () =>
      validateDaemonSet(ds((d) => (d.spec.updateStrategy = { rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } }))),
    expect: [],
  },
  {
    name: "update changes the selector",
    errors: () => {
      const old = ds((d) => (d.metadata.resourceVersion = "1"));
      const next = ds((d) => {
        d.metadata.resourceVersion = "1";
        d.spec.selector.matchLabels = { app: "web", tier: "x" };
        d.spec.template.metadata.labels = { app: "web", tier: "x" };
      });
      return validateDaemonSetUpdate(next, old);
    },
    expect: ['spec.selector: Invalid value: {"matchLabels":{"app":"web","tier":"x"}}: field is immutable'],
  },
  {
    name: "update without resourceVersion",
    errors: () => validateDaemonSetUpdate(ds(), ds()),
    expect: ['metadata.resourceVersion: Invalid value: "": must be specified for an update'],
  },
  {
    name: "status counter negative",
    errors: () => {
      const old = ds((d) => (d.metadata.resourceVersion = "1"));
      const next = ds((d) => {
        d.metadata.resourceVersion = "1";
        d.status = { numberReady: -1 };
      });
      return validateDaemonSetStatusUpdate(next, old);
    },
    expect: ["status.numberReady: Invalid value: -1: must be greater than or equal to 0"],
  },
  {
    name: "collisionCount decremented",
    errors: () => {
      const old = ds((d) => {
        d.metadata.resourceVersion = "1";
        d.status = { collisionCount: 2 };
      });
      const next = ds((d) => {
        d.metadata.resourceVersion = "1";
        d.status = { collisionCount: 1 };
      });
      return validateDaemonSetStatusUpdate(next, old);
    },
    expect: ["status.collisionCount: Invalid value: 1: cannot be decremented"],
  },

  // ------------------------------------------------------------------ pod template: containers
  {
    name: "no containers",
    errors: () => validateDaemonSet(tmpl((s) => (s.containers = []))),
    expect: [`${T}.containers: Required value`],
  },
  {
    name: "duplicate container names",
    errors: () => validateDaemonSet(tmpl((s) => s.containers.push({ name: "app", image: "busybox" }))),
    expect: [`${T}.containers[1].name: Duplicate value: "app"`],
  },
  {
    name: "container name not a DNS label",
    errors: () => validateDaemonSet(ctr((c) => (c.name = "App"))),
    expect: [`${C}.name: Invalid value: "App": ${LABEL_MSG}`],
  },
  {
    name: "container name with dots",
    errors: () => validateDaemonSet(ctr((c) => (c.name = "a.b"))),
    expect: [`${C}.name: Invalid value: "a.b": must not contain dots`],
  },
  {
    name: "missing image",
    errors: () => validateDaemonSet(ctr((c) => delete c.image)),
    expect: [`${C}.image: Required value`],
  },
  {
    name: "containerPort missing",
    errors: () => validateDaemonSet(ctr((c) => (c.ports = [{ name: "http" }]))),
    expect: [`${C}.ports[0].containerPort: Required value`],
  },
  {
    name: "containerPort out of range",
    errors: () => validateDaemonSet(ctr((c) => (c.ports = [{ containerPort: 70000 }]))),
    expect: [`${C}.ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive`],
  },
  {
    name: "hostPort out of range",
    errors: () => validateDaemonSet(ctr((c) => (c.ports = [{ containerPort: 80, hostPort: 65536 }]))),
    expect: [`${C}.ports[0].hostPort: Invalid value: 65536: must be between 1 and 65535, inclusive`],
  },
  {
    name: "unsupported protocol",
    errors: () => validateDaemonSet(ctr((c) => (c.ports = [{ containerPort: 80, protocol: "HTTP" }]))),
    expect: [`${C}.ports[0].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"`],
  },
  {
    name: "port name not an IANA_SVC_NAME",
    errors: () => validateDaemonSet(ctr((c) => (c.ports = [{ containerPort: 80, name: "http_port" }]))),
    expect: [
      `${C}.ports[0].name: Invalid value: "http_port": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)`,
    ],
  },
  {
    name: "port name too long and digits only",
    errors: () => validateDaemonSet(ctr((c) => (c.ports = [{ containerPort: 80, name: "1234567890123456" }]))),
    expect: [
      `${C}.ports[0].name: Invalid value: "1234567890123456": must be no more than 15 characters`,
      `${C}.ports[0].name: Invalid value: "1234567890123456": must contain at least one letter (a-z)`,
    ],
  },
  {
    name: "duplicate port names",
    errors: () =>
      validateDaemonSet(
        ctr(
          (c) =>
            (c.ports = [
              { containerPort: 80, name: "web" },
              { containerPort: 81, name: "web" },
            ]),
        ),
      ),
    expect: [`${C}.ports[1].name: Duplicate value: "web"`],
  },
  {
    name: "host port conflict across containers",
    errors: () =>
      validateDaemonSet(
        tmpl((s) => {
          s.containers[0].ports = [{ containerPort: 80, hostPort: 80 }];
          s.containers.push({ name: "b", image: "busybox", ports: [{ containerPort: 81, hostPort: 80 }] });
        }),
      ),
    expect: [`${T}.containers[1].ports[0].hostPort: Duplicate value: "TCP//80"`],
  },
  {
    name: "env name with '=' (relaxed rule)",
    errors: () => validateDaemonSet(ctr((c) => (c.env = [{ name: "A=B", value: "x" }]))),
    expect: [
      `${C}.env[0].name: Invalid value: "A=B": a valid environment variable name must consist only of printable ASCII characters other than '='`,
    ],
  },
  {
    name: "env name starting with a digit (strict rule)",
    errors: () =>
      validateDaemonSet(
        ctr((c) => (c.env = [{ name: "1BAD", value: "x" }])),
        { relaxedEnvVarNames: false },
      ),
    expect: [
      `${C}.env[0].name: Invalid value: "1BAD": a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit (e.g. 'my.env-name',  or 'MY_ENV.NAME',  or 'MyEnvName1', regex used for validation is '[-._a-zA-Z][-._a-zA-Z0-9]*')`,
    ],
  },
  {
    name: "env name missing",
    errors: () => validateDaemonSet(ctr((c) => (c.env = [{ value: "x" }]))),
    expect: [`${C}.env[0].name: Required value`],
  },
  {
    name: "valueFrom with two sources",
    errors: () =>
      validateDaemonSet(
        ctr(
          (c) =>
            (c.env = [
              {
                name: "X",
                valueFrom: { fieldRef: { fieldPath: "spec.nodeName" }, secretKeyRef: { name: "s", key: "k" } },
              },
            ]),
        ),
      ),
    expect: [`${C}.env[0].valueFrom: Invalid value: "": may not have more than one field specified at a time`],
  },
  {
    name: "valueFrom together with value",
    errors: () =>
      validateDaemonSet(
        ctr((c) => (c.env = [{ name: "X", value: "v", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } }])),
      ),
    expect: [`${C}.env[0].valueFrom: Invalid value: "": may not be specified when \`value\` is not empty`],
  },
  {
    name: "valueFrom fieldRef not supported",
    errors: () =>
      validateDaemonSet(ctr((c) => (c.env = [{ name: "X", valueFrom: { fieldRef: { fieldPath: "status.phase" } } }]))),
    expect: [
      `${C}.env[0].valueFrom.fieldRef.fieldPath: Unsupported value: "status.phase": supported values: "metadata.name", "metadata.namespace", "metadata.uid", "spec.nodeName", "spec.serviceAccountName", "status.hostIP", "status.hostIPs", "status.podIP", "status.podIPs"`,
    ],
  },
  {
    name: "configMapKeyRef with a bad key",
    errors: () =>
      validateDaemonSet(
        ctr((c) => (c.env = [{ name: "X", valueFrom: { configMapKeyRef: { name: "cm", key: "a b" } } }])),
      ),
    expect: [
      `${C}.env[0].valueFrom.configMapKeyRef.key: Invalid value: "a b": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')`,
    ],
  },
  {
    name: "volumeMount of a missing volume",
    errors: () => validateDaemonSet(ctr((c) => (c.volumeMounts = [{ name: "data", mountPath: "/data" }]))),
    expect: [`${C}.volumeMounts[0].name: Not found: "data"`],
  },
  {
    name: "volumeMount without mountPath and duplicate mountPath",
    errors: () =>
      validateDaemonSet(
        tmpl((s) => {
          s.volumes = [{ name: "v", emptyDir: {} }];
          s.containers[0].volumeMounts = [
            { name: "v", mountPath: "/a" },
            { name: "v", mountPath: "/a" },
            { name: "v" },
          ];
        }),
      ),
    expect: [
      `${C}.volumeMounts[1].mountPath: Invalid value: "/a": must be unique`,
      `${C}.volumeMounts[2].mountPath: Required value`,
    ],
  },
  {
    name: "duplicate volume names",
    errors: () =>
      validateDaemonSet(
        tmpl((s) => {
          s.volumes = [
            { name: "v", emptyDir: {} },
            { name: "v", hostPath: { path: "/tmp" } },
          ];
        }),
      ),
    expect: [`${T}.volumes[1].name: Duplicate value: "v"`],
  },
  {
    name: "volume with two sources",
    errors: () =>
      validateDaemonSet(tmpl((s) => (s.volumes = [{ name: "v", emptyDir: {}, hostPath: { path: "/tmp" } }]))),
    expect: [`${T}.volumes[0].hostPath: Forbidden: may not specify more than 1 volume type`],
  },
  {
    name: "volume without a source (validated undefaulted)",
    errors: () =>
      validatePodSpec(
        {
          containers: [{ name: "a", image: "x", imagePullPolicy: "Always", terminationMessagePolicy: "File" }],
          volumes: [{ name: "v" }],
          restartPolicy: "Always",
          dnsPolicy: "ClusterFirst",
          terminationGracePeriodSeconds: 30,
        },
        "spec",
      ),
    expect: ["spec.volumes[0]: Required value: must specify a volume type"],
  },
  {
    name: "hostPath without path",
    errors: () => validateDaemonSet(tmpl((s) => (s.volumes = [{ name: "v", hostPath: { path: "" } }]))),
    expect: [`${T}.volumes[0].hostPath.path: Required value`],
  },
  {
    name: "hostPath with an unknown type",
    errors: () =>
      validateDaemonSet(tmpl((s) => (s.volumes = [{ name: "v", hostPath: { path: "/var/log", type: "Dir" } }]))),
    expect: [
      `${T}.volumes[0].hostPath.type: Unsupported value: "Dir": supported values: "", "BlockDevice", "CharDevice", "Directory", "DirectoryOrCreate", "File", "FileOrCreate", "Socket"`,
    ],
  },
  {
    name: "hostPath with backsteps",
    errors: () => validateDaemonSet(tmpl((s) => (s.volumes = [{ name: "v", hostPath: { path: "/var/../etc" } }]))),
    expect: [`${T}.volumes[0].hostPath.path: Invalid value: "/var/../etc": must not contain '..'`],
  },
  {
    name: "probe without a handler",
    errors: () => validateDaemonSet(ctr((c) => (c.livenessProbe = { periodSeconds: 5 }))),
    expect: [`${C}.livenessProbe: Required value: must specify a handler type`],
  },
  {
    name: "probe with two handlers",
    errors: () =>
      validateDaemonSet(ctr((c) => (c.readinessProbe = { httpGet: { port: 80 }, tcpSocket: { port: 80 } }))),
    expect: [`${C}.readinessProbe.tcpSocket: Forbidden: may not specify more than 1 handler type`],
  },
  {
    name: "liveness successThreshold other than 1",
    errors: () =>
      validateDaemonSet(ctr((c) => (c.livenessProbe = { exec: { command: ["true"] }, successThreshold: 2 }))),
    expect: [`${C}.livenessProbe.successThreshold: Invalid value: 2: must be 1`],
  },
  {
    name: "negative probe threshold",
    errors: () =>
      validateDaemonSet(ctr((c) => (c.readinessProbe = { exec: { command: ["true"] }, initialDelaySeconds: -3 }))),
    expect: [`${C}.readinessProbe.initialDelaySeconds: Invalid value: -3: must be greater than or equal to 0`],
  },
  {
    name: "probe port name invalid",
    errors: () => validateDaemonSet(ctr((c) => (c.startupProbe = { tcpSocket: { port: "Web" } }))),
    expect: [
      `${C}.startupProbe.tcpSocket.port: Invalid value: "Web": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)`,
    ],
  },
  {
    name: "requests above limits",
    errors: () => validateDaemonSet(ctr((c) => (c.resources = { limits: { cpu: "1" }, requests: { cpu: "2" } }))),
    expect: [`${C}.resources.requests: Invalid value: "2": must be less than or equal to cpu limit of 1`],
  },
  {
    name: "requests above limits compare exactly (1500m vs 1)",
    errors: () =>
      validateDaemonSet(ctr((c) => (c.resources = { limits: { memory: "1Gi" }, requests: { memory: "1.5Gi" } }))),
    expect: [`${C}.resources.requests: Invalid value: "1536Mi": must be less than or equal to memory limit of 1Gi`],
  },
  {
    name: "non-standard resource name",
    errors: () => validateDaemonSet(ctr((c) => (c.resources = { limits: { foo: "1" } }))),
    expect: [
      `${C}.resources.limits[foo]: Invalid value: "foo": must be a standard resource type or fully qualified`,
      `${C}.resources.limits[foo]: Invalid value: "foo": must be a standard resource for containers`,
    ],
  },
  {
    name: "negative memory limit",
    errors: () => validateDaemonSet(ctr((c) => (c.resources = { limits: { memory: "-1" } }))),
    expect: [`${C}.resources.limits[memory]: Invalid value: "-1": must be greater than or equal to 0`],
  },
  {
    name: "fractional extended resource",
    errors: () => validateDaemonSet(ctr((c) => (c.resources = { limits: { "example.com/gpu": "0.5" } }))),
    expect: [`${C}.resources.limits[example.com/gpu]: Invalid value: 500m: must be an integer`],
  },
  {
    name: "malformed quantity",
    errors: () => validateDaemonSet(ctr((c) => (c.resources = { limits: { cpu: "abc" } }))),
    expect: [`${C}.resources.limits[cpu]: Invalid value: "abc": ${QUANTITY_MSG}`],
  },
  {
    name: "unsupported imagePullPolicy",
    errors: () => validateDaemonSet(ctr((c) => (c.imagePullPolicy = "Sometimes"))),
    expect: [
      `${C}.imagePullPolicy: Unsupported value: "Sometimes": supported values: "Always", "IfNotPresent", "Never"`,
    ],
  },
  {
    name: "unsupported terminationMessagePolicy",
    errors: () => validateDaemonSet(ctr((c) => (c.terminationMessagePolicy = "Log"))),
    expect: [
      `${C}.terminationMessagePolicy: Unsupported value: "Log": supported values: "File", "FallbackToLogsOnError"`,
    ],
  },
  {
    name: "init container name clashes with a container",
    errors: () => validateDaemonSet(tmpl((s) => (s.initContainers = [{ name: "app", image: "busybox" }]))),
    expect: [`${T}.initContainers[0].name: Duplicate value: "app"`],
  },
  {
    name: "init container with a probe but no restartPolicy",
    errors: () =>
      validateDaemonSet(
        tmpl(
          (s) => (s.initContainers = [{ name: "init", image: "busybox", livenessProbe: { exec: { command: ["x"] } } }]),
        ),
      ),
    expect: [
      `${T}.initContainers[0].livenessProbe: Forbidden: may not be set for init containers without restartPolicy=Always`,
    ],
  },
  {
    name: "restartPolicy on a regular container",
    errors: () => validateDaemonSet(ctr((c) => (c.restartPolicy = "Always"))),
    expect: [`${C}.restartPolicy: Forbidden: may not be set for non-init containers`],
  },
  {
    name: "container securityContext: runAsUser out of range",
    errors: () => validateDaemonSet(ctr((c) => (c.securityContext = { runAsUser: -1 }))),
    expect: [`${C}.securityContext.runAsUser: Invalid value: -1: must be between 0 and 2147483647, inclusive`],
  },
  {
    name: "privileged with allowPrivilegeEscalation false",
    errors: () =>
      validateDaemonSet(ctr((c) => (c.securityContext = { privileged: true, allowPrivilegeEscalation: false }))),
    expect: [
      `${C}.securityContext: Invalid value: {"privileged":true,"allowPrivilegeEscalation":false}: cannot set \`allowPrivilegeEscalation\` to false and \`privileged\` to true`,
    ],
  },

  // ------------------------------------------------------------------ pod template: pod-level fields
  {
    name: "unsupported dnsPolicy",
    errors: () => validateDaemonSet(tmpl((s) => (s.dnsPolicy = "Foo"))),
    expect: [
      `${T}.dnsPolicy: Unsupported value: "Foo": supported values: "ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"`,
    ],
  },
  {
    name: "dnsPolicy None without dnsConfig",
    errors: () => validateDaemonSet(tmpl((s) => (s.dnsPolicy = "None"))),
    expect: [`${T}.dnsConfig: Required value: must provide \`dnsConfig\` when \`dnsPolicy\` is None`],
  },
  {
    name: "toleration Exists with a value",
    errors: () => validateDaemonSet(tmpl((s) => (s.tolerations = [{ key: "foo", operator: "Exists", value: "bar" }]))),
    expect: [`${T}.tolerations[0].operator: Invalid value: "bar": value must be empty when \`operator\` is 'Exists'`],
  },
  {
    name: "toleration with an unknown effect",
    errors: () =>
      validateDaemonSet(tmpl((s) => (s.tolerations = [{ key: "foo", operator: "Exists", effect: "NoRun" }]))),
    expect: [
      `${T}.tolerations[0].effect: Unsupported value: "NoRun": supported values: "NoSchedule", "PreferNoSchedule", "NoExecute"`,
    ],
  },
  {
    name: "tolerationSeconds without NoExecute",
    errors: () =>
      validateDaemonSet(
        tmpl((s) => (s.tolerations = [{ key: "foo", operator: "Exists", effect: "NoSchedule", tolerationSeconds: 5 }])),
      ),
    expect: [
      `${T}.tolerations[0].effect: Invalid value: "NoSchedule": effect must be 'NoExecute' when \`tolerationSeconds\` is set`,
    ],
  },
  {
    name: "toleration with empty key and Equal",
    errors: () => validateDaemonSet(tmpl((s) => (s.tolerations = [{ operator: "Equal" }]))),
    expect: [
      `${T}.tolerations[0].operator: Invalid value: "Equal": operator must be Exists when \`key\` is empty, which means "match all values and all keys"`,
    ],
  },
  {
    name: "toleration with an unknown operator",
    errors: () => validateDaemonSet(tmpl((s) => (s.tolerations = [{ key: "k", operator: "Lt", value: "1" }]))),
    expect: [`${T}.tolerations[0].operator: Unsupported value: "Lt": supported values: "Equal", "Exists"`],
  },
  {
    name: "nodeSelector with a bad value",
    errors: () => validateDaemonSet(tmpl((s) => (s.nodeSelector = { disk: "ssd drive" }))),
    expect: [`${T}.nodeSelector: Invalid value: "ssd drive": ${LABEL_VALUE_MSG}`],
  },
  {
    name: "required node affinity without terms",
    errors: () =>
      validateDaemonSet(
        tmpl(
          (s) =>
            (s.affinity = {
              nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [] } },
            }),
        ),
      ),
    expect: [
      `${T}.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms: Required value: must have at least one node selector term`,
    ],
  },
  {
    name: "node affinity Gt with two values and a bad matchFields key",
    errors: () =>
      validateDaemonSet(
        tmpl(
          (s) =>
            (s.affinity = {
              nodeAffinity: {
                requiredDuringSchedulingIgnoredDuringExecution: {
                  nodeSelectorTerms: [
                    {
                      matchExpressions: [{ key: "cores", operator: "Gt", values: ["1", "2"] }],
                      matchFields: [{ key: "metadata.uid", operator: "In", values: ["x"] }],
                    },
                  ],
                },
              },
            }),
        ),
      ),
    expect: [
      `${T}.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].values: Required value: must be specified single value when \`operator\` is 'Lt' or 'Gt'`,
      `${T}.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchFields[0].key: Invalid value: "metadata.uid": not a valid field selector key`,
    ],
  },
  {
    name: "preferred node affinity weight out of range",
    errors: () =>
      validateDaemonSet(
        tmpl(
          (s) =>
            (s.affinity = {
              nodeAffinity: {
                preferredDuringSchedulingIgnoredDuringExecution: [
                  { weight: 0, preference: { matchExpressions: [{ key: "a", operator: "In", values: ["b"] }] } },
                ],
              },
            }),
        ),
      ),
    expect: [
      `${T}.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].weight: Invalid value: 0: must be in the range 1-100`,
    ],
  },
  {
    name: "hostNetwork template with a mismatched hostPort",
    errors: () =>
      validateDaemonSet(
        tmpl((s) => {
          s.hostNetwork = true;
          s.containers[0].ports = [{ containerPort: 80, hostPort: 8080 }];
        }),
      ),
    expect: [`${C}.ports[0].hostPort: Invalid value: 8080: must match \`containerPort\` when \`hostNetwork\` is true`],
  },
  {
    name: "serviceAccountName and priorityClassName not subdomains",
    errors: () =>
      validateDaemonSet(
        tmpl((s) => {
          s.serviceAccountName = "Bad";
          s.priorityClassName = "Bad";
        }),
      ),
    expect: [
      `${T}.serviceAccountName: Invalid value: "Bad": ${SUBDOMAIN_MSG}`,
      `${T}.priorityClassName: Invalid value: "Bad": ${SUBDOMAIN_MSG}`,
    ],
  },
  {
    name: "unsupported preemptionPolicy",
    errors: () => validateDaemonSet(tmpl((s) => (s.preemptionPolicy = "Always"))),
    expect: [`${T}.preemptionPolicy: Unsupported value: "Always": supported values: "PreemptLowerPriority", "Never"`],
  },
  {
    name: "template labels reported at spec.template.labels",
    errors: () =>
      validateDaemonSet(
        ds((d) => {
          d.spec.template.metadata.labels = { app: "web", "bad key": "x" };
        }),
      ),
    expect: [`spec.template.labels: Invalid value: "bad key": ${NAME_PART_MSG}`],
  },
  {
    name: "terminationGracePeriodSeconds required (undefaulted spec)",
    errors: () =>
      validatePodSpec(
        {
          containers: [{ name: "a", image: "x", imagePullPolicy: "Always", terminationMessagePolicy: "File" }],
          restartPolicy: "Always",
          dnsPolicy: "ClusterFirst",
        },
        "spec",
      ),
    expect: ["spec.terminationGracePeriodSeconds: Required value"],
  },

  // ------------------------------------------------------------------ pods
  { name: "valid pod", errors: () => validatePod(pod()), expect: [] },
  {
    name: "pod with hostNetwork defaults hostPort and validates",
    errors: () => validatePod(pod((p) => (p.spec.hostNetwork = true))),
    expect: [],
  },
  {
    name: "pod with hostNetwork and a differing hostPort",
    errors: () =>
      validatePod(
        pod((p) => {
          p.spec.hostNetwork = true;
          p.spec.containers[0].ports = [{ containerPort: 80, hostPort: 81 }];
        }),
      ),
    expect: [
      "spec.containers[0].ports[0].hostPort: Invalid value: 81: must match `containerPort` when `hostNetwork` is true",
    ],
  },
  {
    name: "pod image with surrounding whitespace",
    errors: () => validatePod(pod((p) => (p.spec.containers[0].image = " nginx "))),
    expect: ['spec.containers[0].image: Invalid value: " nginx ": must not have leading or trailing whitespace'],
  },
  {
    name: "pod update may change the image",
    errors: () =>
      validatePodUpdate(
        pod((p) => (p.spec.containers[0].image = "nginx:1.26")),
        pod(),
      ),
    expect: [],
  },
  {
    name: "pod update may not change other fields",
    errors: () =>
      validatePodUpdate(
        pod((p) => (p.spec.containers[0].ports[0].containerPort = 81)),
        pod(),
      ).map((e) => e.toString().split("\n")[0]),
    expect: [POD_UPDATE_MSG],
  } as unknown as Case,
  {
    name: "pod update may not add containers",
    errors: () =>
      validatePodUpdate(
        pod((p) => p.spec.containers.push({ name: "b", image: "busybox" })),
        pod(),
      ),
    expect: ["spec.containers: Forbidden: pod updates may not add or remove containers"],
  },
  {
    name: "pod update may only add tolerations",
    errors: () =>
      validatePodUpdate(
        pod((p) => (p.spec.tolerations = [{ key: "a", operator: "Exists", effect: "NoSchedule" }])),
        pod((p) => (p.spec.tolerations = [{ key: "b", operator: "Exists" }])),
      ),
    expect: ["spec.tolerations: Forbidden: existing toleration can not be modified except its tolerationSeconds"],
  },
  {
    name: "pod activeDeadlineSeconds may only decrease",
    errors: () =>
      validatePodUpdate(
        pod((p) => (p.spec.activeDeadlineSeconds = 20)),
        pod((p) => (p.spec.activeDeadlineSeconds = 10)),
      ),
    expect: ["spec.activeDeadlineSeconds: Invalid value: 20: must be less than or equal to previous value"],
  },
  {
    name: "pod status update may not change nodeName",
    errors: () =>
      validatePodStatusUpdate(
        pod((p) => (p.spec.nodeName = "n2")),
        pod(),
      ),
    expect: ["status.nodeName: Forbidden: may not be changed directly"],
  },
  {
    name: "pod status with an invalid podIP",
    errors: () =>
      validatePodStatusUpdate(
        pod((p) => (p.status = { podIPs: [{ ip: "10.0.0.300" }] })),
        pod(),
      ),
    expect: [
      'status.podIPs[0]: Invalid value: "10.0.0.300": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)',
    ],
  },
  {
    name: "pod status with two IPv4 podIPs",
    errors: () =>
      validatePodStatusUpdate(
        pod((p) => (p.status = { podIPs: [{ ip: "10.0.0.1" }, { ip: "10.0.0.2" }] })),
        pod(),
      ),
    expect: [
      'status.podIPs: Invalid value: [{"ip":"10.0.0.1"},{"ip":"10.0.0.2"}]: may specify no more than one IP for each IP family',
    ],
  },
  {
    name: "pod deletion cost must be an int32",
    errors: () =>
      validatePod(pod((p) => (p.metadata.annotations = { "controller.kubernetes.io/pod-deletion-cost": "1.5" }))),
    expect: [
      'metadata.annotations[controller.kubernetes.io/pod-deletion-cost]: Invalid value: "1.5": must be a 32bit integer',
    ],
  },

  // ------------------------------------------------------------------ nodes
  { name: "valid node", errors: () => validateNode(node()), expect: [] },
  {
    name: "node with a namespace",
    errors: () => validateNode(node((n) => (n.metadata.namespace = "default"))),
    expect: ["metadata.namespace: Forbidden: not allowed on this type"],
  },
  {
    name: "duplicate taints",
    errors: () =>
      validateNode(
        node(
          (n) =>
            (n.spec.taints = [
              { key: "a", effect: "NoSchedule" },
              { key: "a", value: "x", effect: "NoSchedule" },
            ]),
        ),
      ),
    expect: [
      'metadata.taints[1]: Duplicate value: {"Key":"a","Value":"x","Effect":"NoSchedule","TimeAdded":null}: taints must be unique by key and effect pair',
    ],
  },
  {
    name: "taint without effect and with a bad value",
    errors: () => validateNode(node((n) => (n.spec.taints = [{ key: "a", value: "b c" }]))),
    expect: [
      `metadata.taints[0].value: Invalid value: "b c": ${LABEL_VALUE_MSG}`,
      "metadata.taints[0].effect: Required value",
    ],
  },
  {
    name: "negative capacity",
    errors: () => validateNode(node((n) => (n.status = { capacity: { cpu: "-1" } }))),
    expect: [
      'status.capacity.cpu: Invalid value: "-1": must be greater than or equal to 0',
      'status.allocatable.cpu: Invalid value: "-1": must be greater than or equal to 0',
    ],
  },
  {
    name: "invalid podCIDR",
    errors: () => validateNode(node((n) => (n.spec.podCIDRs = ["10.0.0.0/33"]))),
    expect: [
      'spec.podCIDRs[0]: Invalid value: "10.0.0.0/33": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)',
    ],
  },
  {
    name: "node update may not change podCIDRs",
    errors: () =>
      validateNodeUpdate(
        node((n) => (n.spec.podCIDRs = ["10.1.0.0/24"])),
        node((n) => (n.spec.podCIDRs = ["10.0.0.0/24"])),
      ),
    expect: ['spec.podCIDRs: Forbidden: node updates may not change podCIDR except from "" to valid'],
  },

  // ------------------------------------------------------------------ other kinds
  {
    name: "namespace name with dots",
    errors: () => validateNamespace({ metadata: { name: "a.b" }, spec: { finalizers: ["kubernetes"] } }),
    expect: ['metadata.name: Invalid value: "a.b": must not contain dots'],
  },
  {
    name: "namespace status phase without deletionTimestamp",
    errors: () =>
      validateNamespaceStatusUpdate(
        { metadata: { name: "ns", resourceVersion: "1" }, status: { phase: "Terminating" } },
        { metadata: { name: "ns", resourceVersion: "1" } },
      ),
    expect: ["status.Phase: Invalid value: \"Terminating\": may only be 'Active' if `deletionTimestamp` is empty"],
  },
  {
    name: "configmap keys",
    errors: () =>
      validateConfigMap({
        metadata: { name: "cm", namespace: "default" },
        data: { "a b": "1", "..": "2", dup: "3" },
        binaryData: { dup: "AA==" },
      }),
    expect: [
      `data[a b]: Invalid value: "a b": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')`,
      `data[..]: Invalid value: "..": must not be '..'`,
      'data[dup]: Invalid value: "dup": duplicate of key present in binaryData',
    ],
  },
  {
    name: "tls secret without a key",
    errors: () =>
      validateSecret({
        metadata: { name: "s", namespace: "default" },
        type: "kubernetes.io/tls",
        data: { "tls.crt": "AA==" },
      }),
    expect: ["data[tls.key]: Required value"],
  },
  {
    name: "service account name",
    errors: () => validateServiceAccount({ metadata: { name: "Default", namespace: "default" } }),
    expect: [`metadata.name: Invalid value: "Default": ${SUBDOMAIN_MSG}`],
  },
  {
    name: "lease with zero duration",
    errors: () =>
      validateLease({ metadata: { name: "n1", namespace: "kube-node-lease" }, spec: { leaseDurationSeconds: 0 } }),
    expect: ["spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0"],
  },
  {
    name: "user priority class above the limit",
    errors: () => validatePriorityClass({ metadata: { name: "high" }, value: 2000000000 }),
    expect: ["value: Forbidden: maximum allowed value of a user defined priority is 1000000000"],
  },
  {
    name: "known system priority class",
    errors: () => validatePriorityClass({ metadata: { name: "system-node-critical" }, value: 2000001000 }),
    expect: [],
  },
  {
    name: "controller revision without data and with a negative revision",
    errors: () => validateControllerRevision({ metadata: { name: "web-abc", namespace: "default" }, revision: -1 }),
    expect: [
      "data: Required value: data is mandatory",
      "revision: Invalid value: -1: must be greater than or equal to 0",
    ],
  },
];

for (const c of cases) {
  test(`validation: ${c.name}`, () => {
    const got = c.errors();
    const rendered = got.length && typeof got[0] === "string" ? (got as unknown as string[]) : strings(got);
    assert.deepEqual(rendered, c.expect);
  });
}

test("the case table is large enough to matter", () => {
  assert.ok(cases.length >= 60, `only ${cases.length} cases`);
});
