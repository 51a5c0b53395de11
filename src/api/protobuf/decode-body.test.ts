import assert from "node:assert/strict";
import { test } from "node:test";
import { ApiError } from "../errors.ts";
import * as core from "../schema/core.ts";
import { DeleteOptions } from "../schema/meta.ts";
import * as policy from "../schema/policy.ts";
import { decodeProtobufBody, protobufKindSchema } from "./decode-body.ts";
import { cat, int, msg, str } from "./wire-fixtures.ts";

/** Bytes from a `-v=8` hex dump. */
const hex = (s: string) => new Uint8Array(Buffer.from(s.replace(/\s/g, ""), "hex"));

/** `k8s\0` + runtime.Unknown { typeMeta 1 { apiVersion 1, kind 2 }, raw 2 }. */
const envelope = (apiVersion: string, kind: string, raw: Uint8Array, ...extra: Uint8Array[]) =>
  cat(Buffer.from("k8s\0", "binary"), msg(1, str(1, apiVersion), str(2, kind)), msg(2, raw), ...extra);

function badRequest(message: string | RegExp) {
  return (e: unknown) => {
    assert.ok(e instanceof ApiError);
    assert.equal(e.code, 400);
    assert.equal(e.reason, "BadRequest");
    if (typeof message === "string") assert.equal(e.message, message);
    else assert.match(e.message, message);
    return true;
  };
}

test("kubectl 1.33's DeleteOptions body from drain --disable-eviction --grace-period=3", () => {
  const body = hex(
    `6b 38 73 00 0a 13 0a 02 76 31 12 0d 44 65 6c 65 74 65 4f 70 74 69 6f 6e 73 12 02 08 03 1a 00 22 00`,
  );
  assert.deepEqual(decodeProtobufBody(body, "DeleteOptions"), {
    apiVersion: "v1",
    kind: "DeleteOptions",
    gracePeriodSeconds: 3,
  });
});

test("kubectl 1.33's PriorityClass body: zero value kept (required), empty optional strings dropped", () => {
  // kubectl create priorityclass pc9 --value=0 --description= --preemption-policy=Never
  const body = hex(`
    6b 38 73 00 0a 25 0a 14 73 63 68 65 64 75 6c 69 6e 67 2e 6b 38 73 2e 69 6f 2f 76 31 12 0d 50 72
    69 6f 72 69 74 79 43 6c 61 73 73 12 22 0a 13 0a 03 70 63 39 12 00 1a 00 22 00 2a 00 32 00 38 00
    42 00 10 00 18 00 22 00 2a 05 4e 65 76 65 72 1a 00 22 00`);
  assert.deepEqual(decodeProtobufBody(body, "PriorityClass"), {
    apiVersion: "scheduling.k8s.io/v1",
    kind: "PriorityClass",
    metadata: { name: "pc9", creationTimestamp: null },
    value: 0,
    preemptionPolicy: "Never",
  });
});

test("a policy/v1 Eviction with nested DeleteOptions and preconditions", () => {
  // Eviction: metadata 1, deleteOptions 2. DeleteOptions: gracePeriodSeconds 1, preconditions 2 { uid 1 },
  // propagationPolicy 4, dryRun 5.
  const raw = cat(
    msg(1, str(1, "p"), str(3, "default")),
    msg(2, int(1, 0), msg(2, str(1, "u-1")), str(4, "Background"), str(5, "All")),
  );
  assert.deepEqual(decodeProtobufBody(envelope("policy/v1", "Eviction", raw), "Eviction"), {
    apiVersion: "policy/v1",
    kind: "Eviction",
    metadata: { name: "p", namespace: "default" },
    deleteOptions: {
      gracePeriodSeconds: 0,
      preconditions: { uid: "u-1" },
      propagationPolicy: "Background",
      dryRun: ["All"],
    },
  });
});

test("kinds resolve by group version: core and events.k8s.io Events differ", () => {
  assert.equal(protobufKindSchema("v1", "Binding"), core.Binding);
  assert.equal(protobufKindSchema("policy/v1", "Eviction"), policy.Eviction);
  assert.equal(protobufKindSchema("meta.k8s.io/v1", "DeleteOptions"), DeleteOptions);
  assert.equal(protobufKindSchema("apps/v1", "DeleteOptions"), DeleteOptions);
  assert.equal(protobufKindSchema("v1", "Event"), core.Event);
  assert.equal(protobufKindSchema("events.k8s.io/v1", "Event")?.name, "io.k8s.api.events.v1.Event");
  assert.equal(protobufKindSchema("apps/v1", "Deployment"), undefined);
  // Field 10 is `note` in events.k8s.io/v1 and `lastTimestamp` (a message) in core/v1.
  const body = envelope("events.k8s.io/v1", "Event", cat(msg(1, str(1, "e")), str(10, "hi")));
  assert.deepEqual(decodeProtobufBody(body, "Event"), {
    apiVersion: "events.k8s.io/v1",
    kind: "Event",
    metadata: { name: "e" },
    note: "hi",
  });
});

test("an envelope without raw decodes as an empty object of its kind", () => {
  const body = cat(Buffer.from("k8s\0", "binary"), msg(1, str(1, "v1"), str(2, "ConfigMap")));
  assert.deepEqual(decodeProtobufBody(body, "ConfigMap"), { apiVersion: "v1", kind: "ConfigMap" });
});

test("undecodable bodies are 400s in upstream's words", () => {
  assert.throws(
    () => decodeProtobufBody(Buffer.from('{"kind":"ConfigMap"}'), "ConfigMap"),
    badRequest(
      "the object provided is unrecognized (must be of type ConfigMap): provided data does not appear to be a protobuf message, expected prefix [107 56 115 0] (7b226b696e64223a22436f6e6669674d6170227d)",
    ),
  );
  assert.throws(
    () => decodeProtobufBody(envelope("apps/v1", "Deployment", new Uint8Array()), "DaemonSet"),
    badRequest(
      'Deployment in version "v1" cannot be handled as a DaemonSet: no kind "Deployment" is registered for version "apps/v1" in scheme "pkg/runtime/scheme.go:100"',
    ),
  );
  assert.throws(
    () => decodeProtobufBody(envelope("v1", "ConfigMap", new Uint8Array(), str(3, "gzip")), "ConfigMap"),
    badRequest('ConfigMap in version "v1" cannot be handled as a ConfigMap: unsupported content encoding "gzip"'),
  );
  assert.throws(
    () => decodeProtobufBody(envelope("v1", "ConfigMap", int(1, 3)), "ConfigMap"),
    badRequest(/cannot be handled as a ConfigMap: proto: wrong wireType = 0 for field metadata$/),
  );
  assert.throws(
    () => decodeProtobufBody(hex("6b 38 73 00 0a 13 0a 02 76 31"), "ConfigMap"),
    badRequest(/\(must be of type ConfigMap\): unexpected EOF \(6b3873000a130a027631\)$/),
  );
});
