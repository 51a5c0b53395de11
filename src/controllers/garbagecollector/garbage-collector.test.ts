import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { KubeObject, OwnerReference } from "../../api/object.ts";
import {
  CONFIG_MAPS,
  CONTROLLER_REVISIONS,
  DAEMON_SETS,
  LEASES,
  NODES,
  PODS,
  type ResourceRef,
} from "../../client/client.ts";
import { eventually, isGone, startTestCluster, type TestCluster } from "../runtime/test-cluster.ts";
import { GarbageCollector } from "./garbage-collector.ts";

let cluster: TestCluster;
const NS = "default";

before(async () => {
  cluster = await startTestCluster();
  await cluster.run(new GarbageCollector(cluster.ctx));
});

after(async () => {
  await cluster.close();
});

const labels = { app: "gc" };

async function createDaemonSet(name: string): Promise<KubeObject> {
  return cluster.client.create(DAEMON_SETS, NS, {
    metadata: { name },
    spec: {
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { containers: [{ name: "c", image: "busybox" }] } },
    },
  });
}

function ownerRef(
  owner: KubeObject,
  apiVersion: string,
  kind: string,
  { controller = true, blocking = true } = {},
): OwnerReference {
  return {
    apiVersion,
    kind,
    name: owner.metadata.name!,
    uid: owner.metadata.uid!,
    controller,
    blockOwnerDeletion: blocking,
  };
}

const dsRef = (ds: KubeObject) => ownerRef(ds, "apps/v1", "DaemonSet");

function createPod(name: string, owners: OwnerReference[], finalizers?: string[]): Promise<KubeObject> {
  return cluster.client.create(PODS, NS, {
    metadata: { name, labels, ownerReferences: owners, finalizers },
    spec: { containers: [{ name: "c", image: "busybox" }] },
  });
}

function createRevision(name: string, owners: OwnerReference[], finalizers?: string[]): Promise<KubeObject> {
  return cluster.client.create(CONTROLLER_REVISIONS, NS, {
    metadata: { name, ownerReferences: owners, finalizers },
    data: { spec: { template: {} } },
    revision: 1,
  });
}

const gone =
  (res: ResourceRef, name: string, ns = NS) =>
  () =>
    isGone(() => cluster.client.get(res, ns, name));

test("background cascade: deleting a DaemonSet removes its pods and ControllerRevisions", async () => {
  const ds = await createDaemonSet("bg");
  await createPod("bg-a", [dsRef(ds)]);
  await createPod("bg-b", [dsRef(ds)]);
  await createRevision("bg-rev", [dsRef(ds)]);
  await cluster.client.delete(DAEMON_SETS, NS, "bg", { propagationPolicy: "Background" });
  await eventually(gone(PODS, "bg-a"), { what: "pod bg-a collected" });
  await eventually(gone(PODS, "bg-b"), { what: "pod bg-b collected" });
  await eventually(gone(CONTROLLER_REVISIONS, "bg-rev"), { what: "revision collected" });
});

test("foreground: the owner keeps foregroundDeletion until its blocking dependents are gone", async () => {
  const ds = await createDaemonSet("fg");
  await createPod("fg-pod", [dsRef(ds)]);
  // A finalizer holds this dependent after its deletion, so the owner must wait.
  await createRevision("fg-rev", [dsRef(ds)], ["example.com/hold"]);
  await cluster.client.delete(DAEMON_SETS, NS, "fg", { propagationPolicy: "Foreground" });
  await eventually(gone(PODS, "fg-pod"), { what: "pod deleted" });
  await eventually(
    async () => !!(await cluster.client.get(CONTROLLER_REVISIONS, NS, "fg-rev")).metadata.deletionTimestamp,
    { what: "revision being deleted" },
  );
  await new Promise((r) => setTimeout(r, 100));
  const waiting = await cluster.client.get(DAEMON_SETS, NS, "fg");
  assert.ok(waiting.metadata.deletionTimestamp);
  assert.deepEqual(waiting.metadata.finalizers, ["foregroundDeletion"]);
  await cluster.client.patch(CONTROLLER_REVISIONS, NS, "fg-rev", "merge", { metadata: { finalizers: null } });
  await eventually(gone(CONTROLLER_REVISIONS, "fg-rev"), { what: "revision gone" });
  await eventually(gone(DAEMON_SETS, "fg"), { what: "owner gone after its dependents" });
});

test("orphan: dependents lose the reference and stay; the owner goes", async () => {
  const ds = await createDaemonSet("orph");
  await createPod("orph-a", [dsRef(ds)]);
  await createRevision("orph-rev", [dsRef(ds)]);
  await cluster.client.delete(DAEMON_SETS, NS, "orph", { propagationPolicy: "Orphan" });
  await eventually(gone(DAEMON_SETS, "orph"), { what: "owner gone" });
  const pod = await cluster.client.get(PODS, NS, "orph-a");
  assert.deepEqual(pod.metadata.ownerReferences ?? [], []);
  const rev = await cluster.client.get(CONTROLLER_REVISIONS, NS, "orph-rev");
  assert.deepEqual(rev.metadata.ownerReferences ?? [], []);
});

test("a dependent with two owners loses only the reference to the deleted one", async () => {
  const a = await createDaemonSet("two-a");
  const b = await createDaemonSet("two-b");
  await cluster.client.create(CONFIG_MAPS, NS, {
    metadata: {
      name: "shared",
      ownerReferences: [
        ownerRef(a, "apps/v1", "DaemonSet", { controller: false }),
        ownerRef(b, "apps/v1", "DaemonSet", { controller: false }),
      ],
    },
  });
  await cluster.client.delete(DAEMON_SETS, NS, "two-a");
  await eventually(
    async () => (await cluster.client.get(CONFIG_MAPS, NS, "shared")).metadata.ownerReferences?.length === 1,
    { what: "dangling reference removed" },
  );
  const cm = await cluster.client.get(CONFIG_MAPS, NS, "shared");
  assert.deepEqual(
    cm.metadata.ownerReferences?.map((r) => r.uid),
    [b.metadata.uid],
  );
});

test("deleting a Node removes its Lease in kube-node-lease", async () => {
  const node = await cluster.client.create(NODES, "", { metadata: { name: "gc-node" } });
  await cluster.client.create(LEASES, "kube-node-lease", {
    metadata: { name: "gc-node", ownerReferences: [ownerRef(node, "v1", "Node", { blocking: false })] },
    spec: { holderIdentity: "gc-node", leaseDurationSeconds: 40 },
  });
  await cluster.client.delete(NODES, "", "gc-node");
  await eventually(gone(LEASES, "gc-node", "kube-node-lease"), { what: "lease collected" });
});

test("an object whose owner never existed is collected; one whose owner exists is kept", async () => {
  const ds = await createDaemonSet("alive");
  await createRevision("kept", [dsRef(ds)]);
  await createRevision("stray", [
    { apiVersion: "apps/v1", kind: "DaemonSet", name: "alive", uid: "00000000-0000-0000-0000-000000000001" },
  ]);
  await eventually(gone(CONTROLLER_REVISIONS, "stray"), { what: "stray revision collected" });
  const kept = await cluster.client.get(CONTROLLER_REVISIONS, NS, "kept");
  assert.equal(kept.metadata.ownerReferences?.[0].uid, ds.metadata.uid);
});
