import assert from "node:assert/strict";
import { test } from "node:test";
import type { KubeObject } from "../../api/object.ts";
import { daemonPodTemplate, newDaemonPod, pinToNode, podNamePrefix } from "./new-pod.ts";

const ds: KubeObject = {
  metadata: {
    name: "foo",
    namespace: "default",
    uid: "ds-uid",
    annotations: { "deprecated.daemonset.template.generation": "3" },
  },
  spec: {
    selector: { matchLabels: { name: "simple-daemon" } },
    template: {
      metadata: { labels: { name: "simple-daemon" }, annotations: { a: "b" } },
      spec: {
        containers: [{ name: "c", image: "foo/bar" }],
        affinity: {
          nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: {
              nodeSelectorTerms: [{ matchExpressions: [{ key: "color", operator: "In", values: ["blue"] }] }],
            },
            preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 1, preference: { matchExpressions: [] } }],
          },
          podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [] },
        },
      },
    },
  },
};

test("TestSimpleDaemonSetScheduleDaemonSetPodsLaunchesPods: unbound pod pinned by one matchFields term", () => {
  const pod = newDaemonPod(ds, "node-1", daemonPodTemplate(ds, "h4sh"));
  assert.equal(pod.metadata.generateName, "foo-");
  assert.equal(pod.metadata.name, undefined);
  assert.equal(pod.metadata.namespace, "default");
  assert.deepEqual(pod.metadata.labels, {
    name: "simple-daemon",
    "pod-template-generation": "3",
    "controller-revision-hash": "h4sh",
  });
  assert.deepEqual(pod.metadata.annotations, { a: "b" });
  assert.deepEqual(pod.metadata.ownerReferences, [
    {
      apiVersion: "apps/v1",
      kind: "DaemonSet",
      name: "foo",
      uid: "ds-uid",
      controller: true,
      blockOwnerDeletion: true,
    },
  ]);
  assert.equal(pod.spec.nodeName, undefined);
  assert.deepEqual(pod.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution, {
    nodeSelectorTerms: [{ matchFields: [{ key: "metadata.name", operator: "In", values: ["node-1"] }] }],
  });
  assert.equal(pod.spec.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution.length, 1);
  assert.ok(pod.spec.affinity.podAntiAffinity, "pod (anti-)affinity kept");
  assert.equal(pod.spec.tolerations.length, 6);
  assert.equal(
    ds.spec.template.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0]
      .matchExpressions[0].key,
    "color",
    "the DaemonSet is not modified",
  );
  const other = newDaemonPod(ds, "node-2", daemonPodTemplate(ds, "h4sh"));
  assert.deepEqual(
    other.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchFields[0]
      .values,
    ["node-2"],
  );
});

test("pinToNode creates the affinity when there is none", () => {
  assert.deepEqual(pinToNode(undefined, "n"), {
    nodeAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: {
        nodeSelectorTerms: [{ matchFields: [{ key: "metadata.name", operator: "In", values: ["n"] }] }],
      },
    },
  });
});

test("a template nodeName creates a pre-bound pod; no generation label without the annotation", () => {
  const bound = structuredClone(ds);
  bound.spec.template.spec.nodeName = "node-9";
  delete bound.metadata.annotations;
  const pod = newDaemonPod(bound, "node-9", daemonPodTemplate(bound, "h"));
  assert.equal(pod.spec.nodeName, "node-9");
  assert.equal(pod.metadata.labels?.["pod-template-generation"], undefined);
});

test("generateName prefix falls back to the bare name when name- would be too long", () => {
  assert.equal(podNamePrefix("foo"), "foo-");
  assert.equal(podNamePrefix("a".repeat(252)), `${"a".repeat(252)}-`);
  assert.equal(podNamePrefix("a".repeat(253)), "a".repeat(253));
});
