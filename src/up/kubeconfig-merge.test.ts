import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { parse, stringify } from "yaml";
import { mergeKubeconfig, userKubeconfigPath } from "./kubeconfig-merge.ts";

const tmp = mkdtempSync(join(tmpdir(), "loci-kubeconfig-merge-"));
after(() => rmSync(tmp, { recursive: true, force: true }));

const loci = (server: string) => ({
  apiVersion: "v1",
  kind: "Config",
  clusters: [{ name: "loci", cluster: { server } }],
  users: [{ name: "loci-admin", user: { token: "t" } }],
  contexts: [{ name: "loci", context: { cluster: "loci", user: "loci-admin" } }],
  "current-context": "loci",
});

test("the first $KUBECONFIG entry, else ~/.kube/config", () => {
  assert.equal(userKubeconfigPath({ KUBECONFIG: "/a:/b", HOME: "/h" }), "/a");
  assert.equal(userKubeconfigPath({ KUBECONFIG: ":/b", HOME: "/h" }), "/b");
  assert.equal(userKubeconfigPath({ HOME: "/h" }), "/h/.kube/config");
});

test("loci's entries replace same-named ones, others stay, loci becomes current; a missing file is created", () => {
  const src = join(tmp, "admin.kubeconfig");
  writeFileSync(src, stringify(loci("https://127.0.0.1:7000")));
  const target = join(tmp, "kube", "config");
  const other = {
    apiVersion: "v1",
    kind: "Config",
    clusters: [
      { name: "prod", cluster: { server: "https://prod" } },
      { name: "loci", cluster: { server: "https://old" } },
    ],
    users: [{ name: "me", user: { token: "x" } }],
    contexts: [{ name: "prod", context: { cluster: "prod", user: "me" } }],
    "current-context": "prod",
  };
  mergeKubeconfig(src, target);
  assert.equal(parse(readFileSync(target, "utf8"))["current-context"], "loci");
  assert.equal(statSync(target).mode & 0o777, 0o600);
  writeFileSync(target, stringify(other));
  mergeKubeconfig(src, target);
  const doc = parse(readFileSync(target, "utf8"));
  assert.equal(doc["current-context"], "loci");
  assert.deepEqual(
    doc.clusters.map((c: any) => [c.name, c.cluster.server]),
    [
      ["prod", "https://prod"],
      ["loci", "https://127.0.0.1:7000"],
    ],
  );
  assert.deepEqual(
    doc.users.map((u: any) => u.name),
    ["me", "loci-admin"],
  );
  assert.deepEqual(
    doc.contexts.map((c: any) => c.name),
    ["prod", "loci"],
  );
});
