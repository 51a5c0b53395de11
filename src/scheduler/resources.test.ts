import assert from "node:assert/strict";
import { test } from "node:test";
import type { KubeObject } from "../api/object.ts";
import {
  DEFAULT_MEMORY_REQUEST,
  DEFAULT_MILLI_CPU_REQUEST,
  nodeAllocatable,
  podRequests,
  requestsNothing,
  resourcesFromList,
} from "./resources.ts";

const GI = 1024 ** 3;

function pod(spec: any): KubeObject {
  return { metadata: { name: "p", namespace: "default" }, spec };
}

const c = (requests?: Record<string, string>, extra: any = {}) => ({ name: "c", resources: { requests }, ...extra });

test("resource lists: cpu in millicores, others as rounded-up integers, extended resources by name", () => {
  const r = resourcesFromList({
    cpu: "1.5",
    memory: "1Gi",
    "ephemeral-storage": "1k",
    pods: "110",
    "example.com/gpu": "2",
    "hugepages-2Mi": "4Mi",
    storage: "5Gi",
  });
  assert.equal(r.milliCPU, 1500);
  assert.equal(r.memory, GI);
  assert.equal(r.ephemeralStorage, 1000);
  assert.equal(r.allowedPods, 110);
  assert.deepEqual(r.scalar, { "example.com/gpu": 2, "hugepages-2Mi": 4 * 1024 * 1024 });
  assert.equal(resourcesFromList({ cpu: "0.5m" }).milliCPU, 1, "sub-milli cpu rounds up as MilliValue()");
});

test("pod requests: containers summed, init containers by max, overhead added (upstream example)", () => {
  const r = podRequests(
    pod({
      initContainers: [c({ cpu: "2", memory: "1G" }), c({ cpu: "2", memory: "3G" })],
      containers: [c({ cpu: "2", memory: "1G" }), c({ cpu: "1", memory: "1G" })],
      overhead: { cpu: "250m", memory: "10" },
    }),
  );
  assert.equal(r.milliCPU, 3250);
  assert.equal(r.memory, 3e9 + 10);
});

test("pod requests: sidecar init containers add to the sum and to later init containers", () => {
  const r = podRequests(
    pod({
      initContainers: [
        c({ cpu: "1" }, { restartPolicy: "Always" }),
        c({ cpu: "3" }), // runs beside the sidecar: 4
      ],
      containers: [c({ cpu: "1" })], // 1 + sidecar 1 = 2
    }),
  );
  assert.equal(r.milliCPU, 4000);
});

test("pod requests: no requests means zero, non-zero variant uses scoring defaults per container", () => {
  const p = pod({ containers: [c(), c({ cpu: "200m" })] });
  const r = podRequests(p);
  assert.equal(r.milliCPU, 200);
  assert.equal(r.memory, 0);
  assert.ok(!requestsNothing(r));
  assert.ok(requestsNothing(podRequests(pod({ containers: [c()] }))));
  const nz = podRequests(p, true);
  assert.equal(nz.milliCPU, DEFAULT_MILLI_CPU_REQUEST + 200);
  assert.equal(nz.memory, 2 * DEFAULT_MEMORY_REQUEST);
});

test("node allocatable comes from status.allocatable; a node without it offers nothing", () => {
  const a = nodeAllocatable({
    metadata: { name: "n" },
    status: { allocatable: { cpu: "4", memory: "8Gi", pods: "110" } },
  });
  assert.deepEqual([a.milliCPU, a.memory, a.allowedPods], [4000, 8 * GI, 110]);
  const none = nodeAllocatable({ metadata: { name: "n" } });
  assert.deepEqual([none.milliCPU, none.memory, none.allowedPods], [0, 0, 0]);
});
