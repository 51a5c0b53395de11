import assert from "node:assert/strict";
import { test } from "node:test";
import { ApiError } from "../errors.ts";
import type { KubeObject } from "../object.ts";
import {
  compileFieldSelector,
  convertFieldSelector,
  exactFieldValue,
  fieldsOf,
  matchesFields,
  parseFieldSelector,
} from "./field-selector.ts";

const badRequest = (message: string) => (e: unknown) =>
  e instanceof ApiError && e.code === 400 && e.reason === "BadRequest" && e.message === message;

test("parses =, ==, != terms joined by commas", () => {
  assert.deepEqual(parseFieldSelector(""), []);
  assert.deepEqual(parseFieldSelector("spec.nodeName=n1"), [{ field: "spec.nodeName", op: "=", value: "n1" }]);
  assert.deepEqual(parseFieldSelector("status.phase!=Succeeded,status.phase!=Failed"), [
    { field: "status.phase", op: "!=", value: "Failed" },
    { field: "status.phase", op: "!=", value: "Succeeded" },
  ]);
  assert.deepEqual(parseFieldSelector("metadata.name==x"), [{ field: "metadata.name", op: "=", value: "x" }]);
  assert.deepEqual(parseFieldSelector("a=,,b=c"), [
    { field: "a", op: "=", value: "" },
    { field: "b", op: "=", value: "c" },
  ]);
});

test("backslash escapes protect commas and equals signs in values", () => {
  assert.deepEqual(parseFieldSelector("a=x\\,y,b=1\\=2\\\\"), [
    { field: "a", op: "=", value: "x,y" },
    { field: "b", op: "=", value: "1=2\\" },
  ]);
  assert.throws(
    () => parseFieldSelector("a=b=c"),
    badRequest("invalid field selector: unescaped character in value: 61"),
  );
  assert.throws(() => parseFieldSelector("a=b\\n"), badRequest("invalid field selector: invalid escape sequence: \\n"));
  assert.throws(() => parseFieldSelector("a=b\\"), badRequest("invalid field selector: invalid escape sequence: \\"));
});

test("a term without an operator is rejected, naming it", () => {
  assert.throws(
    () => parseFieldSelector("spec.nodeName"),
    badRequest("invalid selector: 'spec.nodeName'; can't understand 'spec.nodeName'"),
  );
  // Terms are checked in sorted order, as upstream does.
  assert.throws(
    () => parseFieldSelector("b=1,zz,aa"),
    badRequest("invalid selector: 'b=1,zz,aa'; can't understand 'aa'"),
  );
});

test("unsupported labels: resource's own message", () => {
  assert.throws(
    () => compileFieldSelector("pods", "", "spec.foo=bar"),
    badRequest("field label not supported: spec.foo"),
  );
  assert.throws(
    () => compileFieldSelector("nodes", "", "metadata.namespace=x"),
    badRequest("field label not supported: metadata.namespace"),
  );
  assert.throws(
    () => compileFieldSelector("daemonsets", "apps", "spec.foo=bar"),
    badRequest('"spec.foo" is not a known field selector: only "metadata.name", "metadata.namespace"'),
  );
  assert.throws(
    () => compileFieldSelector("events", "events.k8s.io", "involvedObject.name=x"),
    badRequest("field label not supported: involvedObject.name"),
  );
  assert.throws(
    () => compileFieldSelector("events", "", "regarding.name=x"),
    badRequest("field label not supported: regarding.name"),
  );
});

const pod: KubeObject = {
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name: "web-1", namespace: "default" },
  spec: { nodeName: "node-a", schedulerName: "default-scheduler", restartPolicy: "Always", serviceAccountName: "sa" },
  status: { phase: "Running", podIP: "10.0.0.5", podIPs: [{ ip: "10.0.0.5" }] },
};

test("pod fields are formatted as upstream (booleans as text, missing as empty)", () => {
  assert.deepEqual(fieldsOf("pods", "", pod), {
    "metadata.name": "web-1",
    "metadata.namespace": "default",
    "spec.nodeName": "node-a",
    "spec.restartPolicy": "Always",
    "spec.schedulerName": "default-scheduler",
    "spec.serviceAccountName": "sa",
    "spec.hostNetwork": "false",
    "status.phase": "Running",
    "status.podIP": "10.0.0.5",
    "status.nominatedNodeName": "",
  });
});

test("compiled pod selectors match the scheduler and kubelet queries", () => {
  const unfinished = compileFieldSelector("pods", "", "status.phase!=Succeeded,status.phase!=Failed");
  assert.equal(unfinished(pod), true);
  assert.equal(unfinished({ ...pod, status: { phase: "Failed" } }), false);
  assert.equal(compileFieldSelector("pods", "", "spec.nodeName=node-a")(pod), true);
  assert.equal(compileFieldSelector("pods", "", "spec.nodeName=")(pod), false);
  assert.equal(compileFieldSelector("pods", "", "spec.host=node-a")(pod), true, "legacy alias");
  assert.equal(compileFieldSelector("pods", "", "spec.hostNetwork=false")(pod), true);
  assert.equal(compileFieldSelector("pods", "", "status.podIPs=")(pod), true, "accepted but never set");
  assert.equal(compileFieldSelector("pods", "", "")(pod), true);
});

test("nodes, namespaces and secrets select on their own fields", () => {
  const node: KubeObject = { metadata: { name: "n1" }, spec: { unschedulable: true } };
  assert.equal(compileFieldSelector("nodes", "", "spec.unschedulable=true")(node), true);
  assert.equal(compileFieldSelector("nodes", "", "spec.unschedulable=false")({ metadata: { name: "n2" } }), true);
  assert.equal(compileFieldSelector("nodes", "", "metadata.name=n1")(node), true);
  const ns: KubeObject = { metadata: { name: "kube-system" }, status: { phase: "Active" } };
  assert.equal(compileFieldSelector("namespaces", "", "status.phase=Active")(ns), true);
  const secret: KubeObject = { metadata: { name: "s", namespace: "d" }, type: "kubernetes.io/tls" };
  assert.equal(compileFieldSelector("secrets", "", "type=kubernetes.io/tls")(secret), true);
  const cm: KubeObject = { metadata: { name: "c", namespace: "d" } };
  assert.equal(compileFieldSelector("configmaps", "", "metadata.namespace=d,metadata.name=c")(cm), true);
});

test("core events: involvedObject, source falls back to the reporting controller", () => {
  const ev: KubeObject = {
    apiVersion: "v1",
    kind: "Event",
    metadata: { name: "ds.1", namespace: "default" },
    involvedObject: { kind: "DaemonSet", name: "ds", namespace: "default", uid: "u1" },
    reason: "SuccessfulCreate",
    type: "Normal",
    reportingComponent: "daemonset-controller",
  };
  const f = fieldsOf("events", "", ev);
  assert.equal(f["involvedObject.kind"], "DaemonSet");
  assert.equal(f.source, "daemonset-controller");
  assert.equal(f.reportingComponent, "daemonset-controller");
  assert.equal(
    compileFieldSelector("events", "", "involvedObject.name=ds,involvedObject.kind=DaemonSet,type=Normal")(ev),
    true,
  );
  assert.equal(compileFieldSelector("events", "", "source=kubelet")({ ...ev, source: { component: "kubelet" } }), true);
});

test("events.k8s.io events select by regarding.* and reportingController", () => {
  const ev: KubeObject = {
    apiVersion: "events.k8s.io/v1",
    kind: "Event",
    metadata: { name: "p.1", namespace: "default" },
    regarding: { kind: "Pod", name: "p", namespace: "default" },
    reason: "Scheduled",
    type: "Normal",
    reportingController: "default-scheduler",
    note: "assigned",
  };
  assert.equal(
    compileFieldSelector("events", "events.k8s.io", "regarding.name=p,reportingController=default-scheduler")(ev),
    true,
  );
  assert.equal(compileFieldSelector("events", "events.k8s.io", "source=default-scheduler")(ev), true);
  assert.equal(compileFieldSelector("events", "events.k8s.io", "regarding.kind=Node")(ev), false);
  // The same event stored in core shape reads the same.
  const core: KubeObject = {
    metadata: ev.metadata,
    involvedObject: ev.regarding,
    reason: "Scheduled",
    type: "Normal",
    reportingComponent: "default-scheduler",
  };
  assert.equal(compileFieldSelector("events", "events.k8s.io", "regarding.name=p")(core), true);
});

test("exactFieldValue and matchesFields serve the watch index", () => {
  const reqs = convertFieldSelector("pods", "", "spec.host=node-a,status.phase!=Failed");
  assert.equal(exactFieldValue(reqs, "spec.nodeName"), "node-a");
  assert.equal(exactFieldValue(reqs, "status.phase"), undefined);
  assert.equal(matchesFields(reqs, { "spec.nodeName": "node-a", "status.phase": "Running" }), true);
  assert.equal(matchesFields(reqs, { "spec.nodeName": "node-b" }), false);
});
