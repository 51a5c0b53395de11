import assert from "node:assert/strict";
import { test } from "node:test";
import { ApiError } from "../../api/errors.ts";
import type { KubeObject } from "../../api/object.ts";
import type { ApiClient } from "../../client/client.ts";
import { podNotReadyPatch } from "./mark-pods-not-ready.ts";
import { swapNodeTaints } from "./taint-writer.ts";

const NOW = Date.parse("2026-01-01T00:00:00Z");
const unreachable = { key: "node.kubernetes.io/unreachable", effect: "NoExecute" };
const notReady = { key: "node.kubernetes.io/not-ready", effect: "NoExecute" };

function fakeClient(fresh: KubeObject, conflicts: number) {
  const patches: unknown[] = [];
  const client = {
    async patch(_res: unknown, _ns: string, _name: string, _type: string, patch: unknown) {
      patches.push(patch);
      if (patches.length <= conflicts) throw new ApiError(409, "Conflict", "the object has been modified");
      return fresh;
    },
    async get() {
      return fresh;
    },
  } as unknown as ApiClient;
  return { client, patches };
}

test("nothing to change costs no API call", async () => {
  const node = { metadata: { name: "n", resourceVersion: "5" }, spec: { taints: [unreachable] } };
  const { client, patches } = fakeClient(node, 0);
  assert.equal(await swapNodeTaints(client, node, [unreachable], [notReady], NOW), false);
  assert.equal(patches.length, 0);
});

test("the patch pins resourceVersion, stamps NoExecute timeAdded, and retries from a fresh read on conflict", async () => {
  const cached = { metadata: { name: "n", resourceVersion: "5" }, spec: { taints: [notReady] } };
  const fresh = {
    metadata: { name: "n", resourceVersion: "7" },
    spec: { taints: [notReady, { key: "added-meanwhile", effect: "NoSchedule" }] },
  };
  const { client, patches } = fakeClient(fresh, 1);
  assert.equal(await swapNodeTaints(client, cached, [unreachable], [notReady], NOW), true);
  assert.deepEqual(patches, [
    {
      metadata: { resourceVersion: "5" },
      spec: { taints: [{ ...unreachable, timeAdded: "2026-01-01T00:00:00Z" }] },
    },
    {
      metadata: { resourceVersion: "7" },
      spec: {
        taints: [
          { key: "added-meanwhile", effect: "NoSchedule" },
          { ...unreachable, timeAdded: "2026-01-01T00:00:00Z" },
        ],
      },
    },
  ]);
});

test("removing the last taint sends null", async () => {
  const cached = { metadata: { name: "n", resourceVersion: "5" }, spec: { taints: [notReady] } };
  const { client, patches } = fakeClient(cached, 0);
  await swapNodeTaints(client, cached, [], [notReady, unreachable], NOW);
  assert.deepEqual(patches, [{ metadata: { resourceVersion: "5" }, spec: { taints: null } }]);
});

test("pods are marked not ready through a Ready=False condition patch, only when Ready is not already False", () => {
  const pod = (status: string) => ({
    metadata: { name: "p" },
    status: {
      conditions: [{ type: "Ready", status, lastProbeTime: null, lastTransitionTime: "2025-01-01T00:00:00Z" }],
    },
  });
  assert.deepEqual(podNotReadyPatch(pod("True"), NOW), {
    status: {
      conditions: [{ type: "Ready", status: "False", lastProbeTime: null, lastTransitionTime: "2026-01-01T00:00:00Z" }],
    },
  });
  assert.equal(podNotReadyPatch(pod("False"), NOW), undefined);
  assert.equal(podNotReadyPatch({ metadata: { name: "p" }, status: {} }, NOW), undefined);
});
