import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { NAMESPACES, SERVICE_ACCOUNTS } from "../../client/client.ts";
import { eventually, isGone, startTestCluster, type TestCluster } from "../runtime/test-cluster.ts";
import { ServiceAccountsController, wantsServiceAccounts } from "./serviceaccounts-controller.ts";

let cluster: TestCluster;
const failures: Array<{ key: string; err: unknown }> = [];

before(async () => {
  cluster = await startTestCluster();
  await cluster.run(new ServiceAccountsController(cluster.ctx, { onError: (key, err) => failures.push({ key, err }) }));
});

after(async () => {
  await cluster.close();
});

const hasDefault = (ns: string) => async () =>
  !(await isGone(() => cluster.client.get(SERVICE_ACCOUNTS, ns, "default")));

test("only active namespaces want service accounts", () => {
  assert.equal(wantsServiceAccounts({ metadata: { name: "a" }, status: { phase: "Active" } }), true);
  assert.equal(wantsServiceAccounts({ metadata: { name: "a" }, status: { phase: "Terminating" } }), false);
  assert.equal(
    wantsServiceAccounts({ metadata: { name: "a", deletionTimestamp: "2026-01-01T00:00:00Z" }, status: {} }),
    false,
  );
});

test("the built-in namespaces get a default ServiceAccount", async () => {
  for (const ns of ["default", "kube-system"]) await eventually(hasDefault(ns), { what: `default SA in ${ns}` });
});

test("a new namespace gets a default ServiceAccount, which comes back after deletion", async () => {
  await cluster.client.create(NAMESPACES, "", { metadata: { name: "team-a" } });
  await eventually(hasDefault("team-a"), { what: "default SA created" });
  const first = await cluster.client.get(SERVICE_ACCOUNTS, "team-a", "default");
  await cluster.client.delete(SERVICE_ACCOUNTS, "team-a", "default");
  await eventually(
    async () => {
      try {
        return (await cluster.client.get(SERVICE_ACCOUNTS, "team-a", "default")).metadata.uid !== first.metadata.uid;
      } catch {
        return false;
      }
    },
    { what: "default SA recreated" },
  );
});

test("no default ServiceAccount is created in a terminating namespace", async () => {
  await cluster.client.create(NAMESPACES, "", { metadata: { name: "going" } });
  await eventually(hasDefault("going"), { what: "default SA created" });
  await cluster.client.delete(NAMESPACES, "", "going");
  // The server refuses new content there; the controller must not keep trying (and the SA stays gone).
  await cluster.client.delete(SERVICE_ACCOUNTS, "going", "default");
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(await hasDefault("going")(), false);
  assert.deepEqual(
    failures.filter((f) => f.key === "going"),
    [],
  );
});
