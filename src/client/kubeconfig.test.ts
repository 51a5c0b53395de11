import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { stringify } from "yaml";
import { writeKubeconfig } from "../apiserver/data-dir.ts";
import { KubeconfigError, loadKubeconfig } from "./kubeconfig.ts";

const dir = mkdtempSync(join(tmpdir(), "loci-kubeconfig-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const CA = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
const b64 = (s: string) => Buffer.from(s).toString("base64");

function write(name: string, doc: unknown): string {
  const file = join(dir, name);
  writeFileSync(file, typeof doc === "string" ? doc : stringify(doc));
  return file;
}

const twoContexts = {
  apiVersion: "v1",
  kind: "Config",
  clusters: [
    { name: "a", cluster: { server: "https://10.0.0.1:6443", "certificate-authority-data": b64(CA) } },
    { name: "b", cluster: { server: "https://b.example:443", "certificate-authority": "pki/ca.crt" } },
    { name: "noserver", cluster: {} },
  ],
  users: [
    { name: "tok", user: { token: "abc" } },
    {
      name: "files",
      user: { tokenFile: "secret/token", "client-certificate": "pki/client.crt", "client-key": "/abs/none.key" },
    },
    { name: "certs", user: { "client-certificate-data": b64("CERT"), "client-key-data": b64("KEY") } },
    { name: "plugin", user: { exec: { command: "aws" } } },
  ],
  contexts: [
    { name: "ctx-a", context: { cluster: "a", user: "tok" } },
    { name: "ctx-b", context: { cluster: "b", user: "certs" } },
    { name: "ctx-files", context: { cluster: "b", user: "files" } },
    { name: "ctx-anon", context: { cluster: "a" } },
    { name: "ctx-missing-cluster", context: { cluster: "zzz", user: "tok" } },
    { name: "ctx-missing-user", context: { cluster: "a", user: "zzz" } },
    { name: "ctx-noserver", context: { cluster: "noserver" } },
    { name: "ctx-plugin", context: { cluster: "a", user: "plugin" } },
  ],
  "current-context": "ctx-a",
};

test("reads the kubeconfig loci writes", () => {
  const file = join(dir, "admin.kubeconfig");
  writeKubeconfig(file, "https://127.0.0.1:6443", CA, "t0ken");
  assert.deepEqual(loadKubeconfig(file), { server: "https://127.0.0.1:6443", ca: CA, token: "t0ken" });
});

test("current-context by default, a named context on request; data fields are base64", () => {
  const file = write("two.yaml", twoContexts);
  assert.deepEqual(loadKubeconfig(file), { server: "https://10.0.0.1:6443", ca: CA, token: "abc" });
  mkdirSync(join(dir, "pki"), { recursive: true });
  writeFileSync(join(dir, "pki", "ca.crt"), "CA FROM FILE");
  assert.deepEqual(loadKubeconfig(file, "ctx-b"), {
    server: "https://b.example:443",
    ca: "CA FROM FILE",
    clientCert: "CERT",
    clientKey: "KEY",
  });
  assert.deepEqual(loadKubeconfig(file, "ctx-anon"), { server: "https://10.0.0.1:6443", ca: CA });
});

test("file references are relative to the kubeconfig's directory; tokenFile is trimmed", () => {
  const file = write("files.yaml", twoContexts);
  mkdirSync(join(dir, "secret"), { recursive: true });
  mkdirSync(join(dir, "pki"), { recursive: true });
  writeFileSync(join(dir, "secret", "token"), "from-file\n");
  writeFileSync(join(dir, "pki", "client.crt"), "CERT FILE");
  writeFileSync(join(dir, "pki", "ca.crt"), "CA FROM FILE");
  // The key path is absolute and missing: the error names the resolved file.
  assert.throws(
    () => loadKubeconfig(file, "ctx-files"),
    (e: unknown) =>
      e instanceof KubeconfigError && e.message === `kubeconfig ${file}: client-key /abs/none.key: ENOENT`,
  );
  const keyPath = join(dir, "pki", "client.key");
  writeFileSync(keyPath, "KEY FILE");
  const fixed = structuredClone(twoContexts);
  (fixed.users[1].user as Record<string, unknown>)["client-key"] = "pki/client.key";
  const file2 = write("files2.yaml", fixed);
  assert.deepEqual(loadKubeconfig(file2, "ctx-files"), {
    server: "https://b.example:443",
    ca: "CA FROM FILE",
    token: "from-file",
    clientCert: "CERT FILE",
    clientKey: "KEY FILE",
  });
});

test("errors are one line naming the file and what is wrong", () => {
  const file = write("errs.yaml", twoContexts);
  const cases: [string, string][] = [
    ["foo", `no context "foo"`],
    ["ctx-missing-cluster", `cluster "zzz" of context "ctx-missing-cluster" not found`],
    ["ctx-missing-user", `user "zzz" of context "ctx-missing-user" not found`],
    ["ctx-noserver", `cluster "noserver" has no server`],
    ["ctx-plugin", `user "plugin": exec and auth-provider credentials are not supported`],
  ];
  for (const [ctx, msg] of cases) {
    assert.throws(() => loadKubeconfig(file, ctx), { name: "KubeconfigError", message: `kubeconfig ${file}: ${msg}` });
  }
  const missing = join(dir, "missing.yaml");
  assert.throws(() => loadKubeconfig(missing), { message: `kubeconfig ${missing}: no such file` });
  const noCurrent = write("nocurrent.yaml", { ...twoContexts, "current-context": undefined });
  assert.throws(() => loadKubeconfig(noCurrent), {
    message: `kubeconfig ${noCurrent}: no current-context set (pass a context)`,
  });
  const bad = write("bad.yaml", "clusters: [\n");
  assert.throws(
    () => loadKubeconfig(bad),
    (e: unknown) =>
      e instanceof KubeconfigError &&
      e.message.startsWith(`kubeconfig ${bad}: invalid YAML:`) &&
      !e.message.includes("\n"),
  );
  const scalar = write("scalar.yaml", "just text\n");
  assert.throws(() => loadKubeconfig(scalar), {
    message: `kubeconfig ${scalar}: not a kubeconfig (expected a mapping)`,
  });
});
