import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import type { KubeObject } from "../api/object.ts";
import { containerMounts, setUpVolumes, VolumeError, writeAtomically } from "./volumes.ts";

const tmp = mkdtempSync(join(tmpdir(), "loci-volumes-"));
after(() => rmSync(tmp, { recursive: true, force: true }));

const bytes = (s: string) => Buffer.from(s);

test("atomic writer: ..data swaps to a new folder on change, top-level names link through it", async () => {
  const dir = join(tmp, "atomic");
  assert.equal(await writeAtomically(dir, new Map([["a", { data: bytes("1"), mode: 0o644 }]])), true);
  const first = readlinkSync(join(dir, "..data"));
  assert.equal(readlinkSync(join(dir, "a")), "..data/a");
  assert.equal(readFileSync(join(dir, "a"), "utf8"), "1");
  assert.equal(await writeAtomically(dir, new Map([["a", { data: bytes("1"), mode: 0o644 }]])), false, "unchanged");
  await writeAtomically(
    dir,
    new Map([
      ["b/c", { data: bytes("2"), mode: 0o600 }],
      ["a", { data: bytes("3"), mode: 0o644 }],
    ]),
  );
  assert.notEqual(readlinkSync(join(dir, "..data")), first);
  assert.equal(readFileSync(join(dir, "a"), "utf8"), "3");
  assert.equal(readFileSync(join(dir, "b", "c"), "utf8"), "2");
  assert.equal(statSync(join(dir, "b", "c")).mode & 0o777, 0o600);
  await writeAtomically(dir, new Map([["b/c", { data: bytes("2"), mode: 0o600 }]]));
  assert.throws(() => statSync(join(dir, "a")), "a removed key is gone");
});

function pod(volumes: any[], containers: any[] = [{ name: "c" }]): KubeObject {
  return {
    metadata: { name: "p", namespace: "ns", uid: "u", labels: { app: "x" } },
    spec: { nodeName: "n1", containers, volumes },
  };
}

const ctx = (p: KubeObject) => ({
  pod: p,
  podDir: join(tmp, "pod"),
  hostIP: "127.0.0.2",
  podIP: "127.0.0.2",
  nodeAllocatable: { cpu: "2" },
  lookup: async (kind: string, _ns: string, name: string) =>
    kind === "ConfigMap" && name === "cm" ? { k1: bytes("v1"), k2: bytes("v2") } : undefined,
});

test("configMap items, downwardAPI and emptyDir land in the pod's folder; hostPath is used in place", async () => {
  const hp = join(tmp, "host-dir");
  const paths = await setUpVolumes(
    ctx(
      pod([
        { name: "cfg", configMap: { name: "cm", items: [{ key: "k2", path: "sub/two" }] } },
        { name: "info", downwardAPI: { items: [{ path: "name", fieldRef: { fieldPath: "metadata.name" } }] } },
        { name: "scratch", emptyDir: {} },
        { name: "host", hostPath: { path: hp, type: "DirectoryOrCreate" } },
        { name: "opt", secret: { secretName: "absent", optional: true } },
      ]),
    ),
  );
  assert.equal(readFileSync(join(paths.get("cfg")!, "sub", "two"), "utf8"), "v2");
  assert.equal(readFileSync(join(paths.get("info")!, "name"), "utf8"), "p");
  assert.ok(statSync(paths.get("scratch")!).isDirectory());
  assert.equal(paths.get("host"), hp);
  assert.ok(statSync(hp).isDirectory(), "DirectoryOrCreate created it");
  const mounts = await containerMounts(
    {
      volumeMounts: [
        { name: "cfg", mountPath: "/etc/cfg", readOnly: true },
        { name: "scratch", mountPath: "/w", subPath: "x" },
      ],
    },
    paths,
  );
  assert.deepEqual(mounts, [
    { source: paths.get("cfg"), target: "/etc/cfg", readOnly: true },
    { source: join(paths.get("scratch")!, "x"), target: "/w", readOnly: false },
  ]);
});

test("failures carry the kubelet's FailedMount wording", async () => {
  const file = join(tmp, "a-file");
  writeFileSync(file, "");
  const cases: [any, RegExp][] = [
    [
      { name: "h", hostPath: { path: file, type: "Directory" } },
      /volume "h" : hostPath type check failed: .*a-file is not a directory/,
    ],
    [
      { name: "h", hostPath: { path: join(tmp, "nope"), type: "File" } },
      /hostPath type check failed: .*nope is not a file/,
    ],
    [{ name: "s", secret: { secretName: "absent" } }, /volume "s" : secret "absent" not found/],
    [
      { name: "c", configMap: { name: "cm", items: [{ key: "zz", path: "z" }] } },
      /configmap references non-existent config key: zz/,
    ],
    [{ name: "n", nfs: { server: "x", path: "/" } }, /volume type "nfs" is not supported by the loci agent/],
  ];
  for (const [volume, message] of cases) {
    await assert.rejects(
      setUpVolumes(ctx(pod([volume]))),
      (e: unknown) => e instanceof VolumeError && message.test(e.message),
    );
  }
});
