import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import {
  CONFIG_MAPS,
  CONTROLLER_REVISIONS,
  DAEMON_SETS,
  LEASES,
  NAMESPACES,
  PODS,
  SECRETS,
  SERVICE_ACCOUNTS,
} from "../../client/client.ts";
import { FakeClock } from "../runtime/clock.ts";
import { eventually, isGone, startTestCluster, type TestCluster } from "../runtime/test-cluster.ts";
import { NamespaceController } from "./namespace-controller.ts";

let cluster: TestCluster;
const clock = new FakeClock();

before(async () => {
  cluster = await startTestCluster({ clock });
  await cluster.run(new NamespaceController(cluster.ctx));
});

after(async () => {
  await cluster.close();
});

const nsGone = (name: string) => () => isGone(() => cluster.client.get(NAMESPACES, "", name));

test("deleting a namespace empties it, then the namespace disappears", async () => {
  const c = cluster.client;
  await c.create(NAMESPACES, "", { metadata: { name: "doomed" } });
  await c.create(CONFIG_MAPS, "doomed", { metadata: { name: "cm" }, data: { a: "b" } });
  await c.create(SECRETS, "doomed", { metadata: { name: "s" } });
  await c.create(SERVICE_ACCOUNTS, "doomed", { metadata: { name: "sa" } });
  await c.create(LEASES, "doomed", { metadata: { name: "l" }, spec: {} });
  await c.create(CONTROLLER_REVISIONS, "doomed", { metadata: { name: "r" }, data: {}, revision: 1 });
  await c.create(PODS, "doomed", { metadata: { name: "p" }, spec: { containers: [{ name: "c", image: "busybox" }] } });
  await c.create(DAEMON_SETS, "doomed", {
    metadata: { name: "ds" },
    spec: {
      selector: { matchLabels: { a: "b" } },
      template: { metadata: { labels: { a: "b" } }, spec: { containers: [{ name: "c", image: "busybox" }] } },
    },
  });
  await c.delete(NAMESPACES, "", "doomed");
  await eventually(nsGone("doomed"), { clock, advanceMs: 1000, what: "namespace removed" });
  for (const res of [CONFIG_MAPS, SECRETS, SERVICE_ACCOUNTS, LEASES, CONTROLLER_REVISIONS, PODS, DAEMON_SETS]) {
    assert.equal((await c.list(res, "doomed")).items.length, 0, res.resource);
  }
});

test("content held by a finalizer keeps the namespace, with conditions saying why", async () => {
  const c = cluster.client;
  await c.create(NAMESPACES, "", { metadata: { name: "held" } });
  await c.create(CONFIG_MAPS, "held", { metadata: { name: "cm", finalizers: ["example.com/hold"] } });
  await c.delete(NAMESPACES, "", "held");
  await eventually(
    async () =>
      ((await c.get(NAMESPACES, "", "held")).status?.conditions ?? []).some(
        (x: { type: string; status: string }) => x.type === "NamespaceFinalizersRemaining" && x.status === "True",
      ),
    { what: "conditions set" },
  );
  const ns = await c.get(NAMESPACES, "", "held");
  const byType = new Map<string, any>(ns.status.conditions.map((x: { type: string }) => [x.type, x]));
  assert.equal(
    byType.get("NamespaceContentRemaining").message,
    "Some resources are remaining: configmaps. has 1 resource instances",
  );
  assert.equal(byType.get("NamespaceContentRemaining").reason, "SomeResourcesRemain");
  assert.equal(
    byType.get("NamespaceFinalizersRemaining").message,
    "Some finalizers are remaining: example.com/hold in 1 resource instances",
  );
  assert.equal(byType.get("NamespaceDeletionContentFailure").status, "False");
  assert.equal(byType.get("NamespaceDeletionDiscoveryFailure").reason, "ResourcesDiscovered");
  assert.deepEqual(ns.spec.finalizers, ["kubernetes"]);
  await c.patch(CONFIG_MAPS, "held", "cm", "merge", { metadata: { finalizers: null } });
  await eventually(nsGone("held"), { clock, advanceMs: 2000, what: "namespace removed after the finalizer" });
});
