// A pod's volumes on the node, as the kubelet's volume plugins set them up: hostPath (with upstream's `type`
// checks), emptyDir, configMap, secret, downwardAPI and projected sources of those three. Files of configMap,
// secret and downwardAPI volumes are written the way the kubelet's AtomicWriter does (a timestamped folder, a
// `..data` symlink swapped atomically, top-level entries linking through it), so a reader never sees half an
// update and a changed ConfigMap shows up in place. Errors carry the kubelet's FailedMount wording.
import {
  chmod,
  lstat,
  mkdir,
  readdir,
  readFile,
  readlink,
  rename,
  rm,
  stat,
  symlink,
  writeFile,
} from "node:fs/promises";
import { dirname, join } from "node:path";
import type { KubeObject } from "../api/object.ts";
import { podFieldValue, resourceFieldValue, type SourceLookup } from "./container-env.ts";

export class VolumeError extends Error {}

export interface VolumeContext {
  pod: KubeObject;
  /** The pod's folder for volumes the agent owns (emptyDir, configMap, …). */
  podDir: string;
  lookup: SourceLookup;
  hostIP: string;
  podIP: string;
  nodeAllocatable: Record<string, string>;
}

const SUPPORTED = ["hostPath", "emptyDir", "configMap", "secret", "downwardAPI", "projected"];

function setUpFailed(volume: string, why: string): VolumeError {
  return new VolumeError(`MountVolume.SetUp failed for volume "${volume}" : ${why}`);
}

function sourceKind(v: any): string {
  return Object.keys(v).find((k) => k !== "name") ?? "unknown";
}

async function checkHostPath(name: string, path: string, type: string | undefined): Promise<void> {
  const st = await stat(path).catch(() => undefined);
  const fail = (what: string) => setUpFailed(name, `hostPath type check failed: ${path} ${what}`);
  switch (type ?? "") {
    case "":
      return;
    case "DirectoryOrCreate":
      if (!st) await mkdir(path, { recursive: true, mode: 0o755 });
      else if (!st.isDirectory()) throw fail("is not a directory");
      return;
    case "Directory":
      if (!st?.isDirectory()) throw fail("is not a directory");
      return;
    case "FileOrCreate":
      if (!st) {
        await mkdir(dirname(path), { recursive: true });
        await writeFile(path, "", { mode: 0o644, flag: "a" });
      } else if (!st.isFile()) throw fail("is not a file");
      return;
    case "File":
      if (!st?.isFile()) throw fail("is not a file");
      return;
    case "Socket":
      if (!st?.isSocket()) throw fail("is not a socket file");
      return;
    case "CharDevice":
      if (!st?.isCharacterDevice()) throw fail("is not a character device");
      return;
    case "BlockDevice":
      if (!st?.isBlockDevice()) throw fail("is not a block device");
      return;
  }
}

/** A file of a payload: content and permission bits. */
interface PayloadFile {
  data: Buffer;
  mode: number;
}

type Payload = Map<string, PayloadFile>;

/** configMap/secret keys to files: all keys, or the listed items (a missing key fails unless optional). */
function keysToPayload(
  volume: string,
  kind: "configmap" | "secret",
  data: Record<string, Buffer>,
  src: any,
  payload: Payload,
): void {
  const mode = src.defaultMode ?? 0o644;
  if (!src.items) {
    for (const [k, v] of Object.entries(data)) payload.set(k, { data: v, mode });
    return;
  }
  for (const item of src.items) {
    const v = data[item.key];
    if (v === undefined) {
      if (src.optional) continue;
      throw setUpFailed(volume, `${kind} references non-existent config key: ${item.key}`);
    }
    payload.set(item.path, { data: v, mode: item.mode ?? mode });
  }
}

async function sourceData(
  ctx: VolumeContext,
  volume: string,
  kind: "ConfigMap" | "Secret",
  name: string,
  optional: boolean,
): Promise<Record<string, Buffer> | undefined> {
  const ns = ctx.pod.metadata.namespace ?? "default";
  const data = await ctx.lookup(kind, ns, name);
  if (data === undefined && !optional) throw setUpFailed(volume, `${kind.toLowerCase()} "${name}" not found`);
  return data;
}

function downwardPayload(ctx: VolumeContext, volume: any, src: any, payload: Payload): void {
  const mode = src.defaultMode ?? 0o644;
  for (const item of src.items ?? []) {
    let value: string;
    if (item.fieldRef) value = podFieldValue(ctx.pod, item.fieldRef.fieldPath, ctx.hostIP, ctx.podIP);
    else {
      const ref = item.resourceFieldRef;
      const container = (ctx.pod.spec?.containers ?? []).find((c: any) => c.name === ref.containerName);
      if (!container) throw setUpFailed(volume.name, `container ${ref.containerName} not found`);
      value = resourceFieldValue(container, ref, ctx.nodeAllocatable);
    }
    payload.set(item.path, { data: Buffer.from(value), mode: item.mode ?? mode });
  }
}

/** Writes `payload` into `dir` atomically (kubelet's AtomicWriter); unchanged payloads write nothing. */
export async function writeAtomically(dir: string, payload: Payload): Promise<boolean> {
  await mkdir(dir, { recursive: true });
  const dataLink = join(dir, "..data");
  const current = await readlink(dataLink).catch(() => undefined);
  if (current && (await samePayload(join(dir, current), payload))) return false;
  const stamp = `..${new Date().toISOString().replace(/[-:.]/g, "_")}.${process.pid}${Math.floor(Math.random() * 1e6)}`;
  const tsDir = join(dir, stamp);
  await mkdir(tsDir, { recursive: true });
  for (const [path, f] of payload) {
    const target = join(tsDir, path);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, f.data);
    await chmod(target, f.mode);
  }
  const tmpLink = join(dir, "..data_tmp");
  await rm(tmpLink, { force: true });
  await symlink(stamp, tmpLink);
  await rename(tmpLink, dataLink);
  // Top-level names link through ..data; names no longer in the payload go.
  const tops = new Set([...payload.keys()].map((p) => p.split("/")[0]));
  for (const top of tops) {
    const link = join(dir, top);
    const st = await lstat(link).catch(() => undefined);
    if (!st) await symlink(join("..data", top), link);
  }
  for (const entry of await readdir(dir)) {
    if (entry.startsWith("..")) {
      if (entry !== "..data" && entry !== stamp) await rm(join(dir, entry), { recursive: true, force: true });
      continue;
    }
    if (!tops.has(entry)) await rm(join(dir, entry), { recursive: true, force: true });
  }
  return true;
}

async function samePayload(dir: string, payload: Payload): Promise<boolean> {
  const files: string[] = [];
  const walk = async (d: string, prefix: string) => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      if (e.isDirectory()) await walk(join(d, e.name), `${prefix}${e.name}/`);
      else files.push(`${prefix}${e.name}`);
    }
  };
  try {
    await walk(dir, "");
  } catch {
    return false;
  }
  if (files.length !== payload.size) return false;
  for (const f of files) {
    const want = payload.get(f);
    if (!want) return false;
    const [have, st] = await Promise.all([readFile(join(dir, f)), stat(join(dir, f))]);
    if (!have.equals(want.data) || (st.mode & 0o777) !== want.mode) return false;
  }
  return true;
}

/**
 * Sets up (or refreshes) every volume of the pod; returns volume name → host path. Throws VolumeError with the
 * kubelet's message for the first volume that cannot be set up.
 */
export async function setUpVolumes(ctx: VolumeContext): Promise<Map<string, string>> {
  const paths = new Map<string, string>();
  for (const v of ctx.pod.spec?.volumes ?? []) {
    const kind = sourceKind(v);
    if (!SUPPORTED.includes(kind)) {
      throw setUpFailed(v.name, `volume type "${kind}" is not supported by the loci agent`);
    }
    if (kind === "hostPath") {
      await checkHostPath(v.name, v.hostPath.path, v.hostPath.type);
      paths.set(v.name, v.hostPath.path);
      continue;
    }
    const dir = join(ctx.podDir, "volumes", kind, v.name);
    if (kind === "emptyDir") {
      await mkdir(dir, { recursive: true, mode: 0o777 });
      paths.set(v.name, dir);
      continue;
    }
    const payload: Payload = new Map();
    const sources =
      kind === "projected" ? (v.projected.sources ?? []) : [{ [kind]: v[kind], defaultMode: v[kind].defaultMode }];
    for (const s of sources) {
      const withDefault = (src: any) => ({ ...src, defaultMode: src.defaultMode ?? v.projected?.defaultMode });
      if (s.configMap) {
        const src = withDefault(s.configMap);
        const data = await sourceData(ctx, v.name, "ConfigMap", src.name, !!src.optional);
        if (data) keysToPayload(v.name, "configmap", data, src, payload);
      } else if (s.secret) {
        const src = withDefault(s.secret);
        const name = src.secretName ?? src.name;
        const data = await sourceData(ctx, v.name, "Secret", name, !!src.optional);
        if (data) keysToPayload(v.name, "secret", data, src, payload);
      } else if (s.downwardAPI) {
        downwardPayload(ctx, v, withDefault(s.downwardAPI), payload);
      } else {
        throw setUpFailed(v.name, `projected source "${sourceKind(s)}" is not supported by the loci agent`);
      }
    }
    await writeAtomically(dir, payload);
    paths.set(v.name, dir);
  }
  return paths;
}

/** One bind mount a container needs: host path → path inside the container. */
export interface Mount {
  source: string;
  target: string;
  readOnly: boolean;
}

/** The container's volumeMounts resolved against the pod's volume paths (subPath included). */
export async function containerMounts(container: any, volumes: Map<string, string>): Promise<Mount[]> {
  const mounts: Mount[] = [];
  for (const m of container.volumeMounts ?? []) {
    const base = volumes.get(m.name);
    if (base === undefined) continue;
    let source = base;
    if (m.subPath) {
      source = join(base, m.subPath);
      if (!(await stat(source).catch(() => undefined))) await mkdir(source, { recursive: true });
    }
    mounts.push({ source, target: m.mountPath, readOnly: !!m.readOnly });
  }
  return mounts;
}
