// ControllerRevision history of a DaemonSet (upstream pkg/controller/daemon/update.go): the canonical template
// patch stored as revision data, the template hash that names revisions and labels pods, and the pure
// decisions of constructHistory / cleanupHistory.
import type { KubeObject } from "../../api/object.ts";
import { goJson, goNormalizedTemplate } from "./go-json.ts";

export const REVISION_HASH_LABEL = "controller-revision-hash";
export const TEMPLATE_GENERATION_LABEL = "pod-template-generation";
export const TEMPLATE_GENERATION_ANNOTATION = "deprecated.daemonset.template.generation";

/**
 * The revision data of a DaemonSet: `{"spec":{"template":{"$patch":"replace",…}}}` with every key sorted, as
 * upstream's `getPatch` and kubectl's `getDaemonSetPatch` produce it (kubectl byte-compares it for
 * "skipped rollback").
 */
export function templatePatchData(ds: KubeObject): string {
  const template = goNormalizedTemplate(ds.spec?.template);
  return goJson({ spec: { template: { ...template, $patch: "replace" } } });
}

/** The canonical bytes of a stored revision's data, for comparison with `templatePatchData`. */
export function revisionDataString(rev: KubeObject): string {
  const data = rev.data;
  if (typeof data === "string") return data;
  return goJson(data);
}

/** Does revision `rev` hold the DaemonSet's current template (upstream `Match`)? */
export function revisionMatches(patchData: string, rev: KubeObject): boolean {
  return revisionDataString(rev) === patchData;
}

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** 32-bit FNV-1a, continuing from `seed`. */
export function fnv1a32(bytes: Uint8Array, seed = FNV_OFFSET): number {
  let h = seed >>> 0;
  for (const b of bytes) {
    h ^= b;
    h = Math.imul(h, FNV_PRIME) >>> 0;
  }
  return h >>> 0;
}

const SAFE_ALPHABET = "bcdfghjklmnpqrstvwxz2456789";

/** apimachinery `rand.SafeEncodeString`: each character mapped to the vowel-free alphabet by code point. */
export function safeEncodeString(s: string): string {
  let out = "";
  for (const ch of s) out += SAFE_ALPHABET[(ch.codePointAt(0) ?? 0) % SAFE_ALPHABET.length];
  return out;
}

/**
 * `controller.ComputeHash`: FNV-1a 32 over the canonical template, then (when the DaemonSet has a
 * collisionCount, even 0) 8 bytes of the count little-endian; the decimal value safe-encoded.
 */
export function computeTemplateHash(template: unknown, collisionCount?: number | null): string {
  const bytes = new TextEncoder().encode(goJson(goNormalizedTemplate(template)));
  let h = fnv1a32(bytes);
  if (collisionCount !== undefined && collisionCount !== null) {
    const salt = new Uint8Array(8);
    new DataView(salt.buffer).setUint32(0, collisionCount >>> 0, true);
    h = fnv1a32(salt, h);
  }
  return safeEncodeString(String(h));
}

/** `<dsName>-<hash>`. */
export function revisionName(dsName: string, hash: string): string {
  return `${dsName}-${hash}`;
}

export function controllerRefTo(ds: KubeObject) {
  return {
    apiVersion: "apps/v1",
    kind: "DaemonSet",
    name: ds.metadata.name ?? "",
    uid: ds.metadata.uid ?? "",
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** The ControllerRevision `snapshot` creates for the DaemonSet's current template. */
export function newRevision(ds: KubeObject, hash: string, patchData: string, revision: number): KubeObject {
  const labels: Record<string, string> = { ...(ds.spec?.template?.metadata?.labels ?? {}) };
  labels[REVISION_HASH_LABEL] = hash;
  const metadata: KubeObject["metadata"] = {
    name: revisionName(ds.metadata.name ?? "", hash),
    namespace: ds.metadata.namespace,
    labels,
    ownerReferences: [controllerRefTo(ds)],
  };
  if (ds.metadata.annotations && Object.keys(ds.metadata.annotations).length > 0) {
    metadata.annotations = { ...ds.metadata.annotations };
  }
  return {
    apiVersion: "apps/v1",
    kind: "ControllerRevision",
    metadata,
    data: JSON.parse(patchData),
    revision,
  };
}

export function revisionNumber(rev: KubeObject): number {
  return Number(rev.revision ?? 0);
}

/** Highest revision number (0 for none). */
export function maxRevision(revs: readonly KubeObject[]): number {
  let max = 0;
  for (const r of revs) max = Math.max(max, revisionNumber(r));
  return max;
}

/** Splits owned revisions into those matching the current template and the rest. */
export function splitHistories(
  revs: readonly KubeObject[],
  patchData: string,
): { current: KubeObject[]; old: KubeObject[] } {
  const current: KubeObject[] = [];
  const old: KubeObject[] = [];
  for (const r of revs) (revisionMatches(patchData, r) ? current : old).push(r);
  return { current, old };
}

/** Among several matching revisions keep the one with the highest number (the last of equals, as upstream). */
export function pickCurrent(current: readonly KubeObject[]): KubeObject {
  let keep = current[0];
  let max = 0;
  for (const r of current) {
    if (revisionNumber(r) >= max) {
      keep = r;
      max = revisionNumber(r);
    }
  }
  return keep;
}

/**
 * Old revisions `cleanupHistory` deletes: oldest revision first until only `limit` remain, skipping any whose
 * hash is still carried by a live pod.
 */
export function revisionsToDelete(
  old: readonly KubeObject[],
  limit: number,
  liveHashes: ReadonlySet<string>,
): KubeObject[] {
  let toKill = old.length - limit;
  if (toKill <= 0) return [];
  const sorted = [...old].sort((a, b) => revisionNumber(a) - revisionNumber(b));
  const out: KubeObject[] = [];
  for (const r of sorted) {
    if (toKill <= 0) break;
    if (liveHashes.has(r.metadata.labels?.[REVISION_HASH_LABEL] ?? "")) continue;
    out.push(r);
    toKill--;
  }
  return out;
}

/** The DaemonSet's template generation (annotation), if it parses. */
export function templateGeneration(ds: KubeObject): string | undefined {
  const v = ds.metadata.annotations?.[TEMPLATE_GENERATION_ANNOTATION];
  if (v === undefined || !/^-?\d+$/.test(v)) return undefined;
  return String(Number.parseInt(v, 10));
}

/** `util.IsPodUpdated`: the hash label matches, or the legacy generation label matches the annotation. */
export function isPodUpdated(pod: KubeObject, hash: string, generation: string | undefined): boolean {
  const labels = pod.metadata.labels ?? {};
  const templateMatches = generation !== undefined && labels[TEMPLATE_GENERATION_LABEL] === generation;
  const hashMatches = hash.length > 0 && labels[REVISION_HASH_LABEL] === hash;
  return hashMatches || templateMatches;
}
