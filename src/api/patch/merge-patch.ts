// RFC 7386 JSON merge patch as kube-apiserver applies it (evanphx/json-patch `MergePatch`): objects merge,
// null deletes, everything else replaces. Like that library, null-valued keys are pruned from values that
// are added wholesale (including objects nested in added arrays), while array elements that are null stay.
import { badRequest } from "./patch-errors.ts";

type JsonMap = Record<string, unknown>;

const isMap = (v: unknown): v is JsonMap => typeof v === "object" && v !== null && !Array.isArray(v);

function put(m: JsonMap, k: string, v: unknown): void {
  Object.defineProperty(m, k, { value: v, writable: true, enumerable: true, configurable: true });
}

/** Applies a JSON merge patch to `original` and returns the new document; the inputs are not modified. */
export function applyMergePatch(original: unknown, patch: unknown): unknown {
  // Only a JSON object or array is a usable merge patch body; null and scalars are "Invalid JSON Patch".
  if (patch === null || typeof patch !== "object") {
    throw badRequest("Invalid JSON Patch");
  }
  const p: unknown = structuredClone(patch);
  if (Array.isArray(p)) return pruneArrayNulls(p);
  if (!isMap(p)) throw badRequest("Invalid JSON Patch");
  if (!isMap(original)) return pruneNulls(p);
  const doc = structuredClone(original);
  mergeDocs(doc, p);
  return doc;
}

function mergeDocs(doc: JsonMap, patch: JsonMap): void {
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) {
      delete doc[k];
      continue;
    }
    const cur = Object.hasOwn(doc, k) ? doc[k] : null;
    if (cur === null) put(doc, k, pruneNulls(v));
    else put(doc, k, merge(cur, v));
  }
}

function merge(cur: unknown, patch: unknown): unknown {
  if (!isMap(cur)) return pruneNulls(patch);
  if (!isMap(patch)) return patch;
  mergeDocs(cur, patch);
  return cur;
}

function pruneNulls(v: unknown): unknown {
  if (isMap(v)) {
    for (const [k, item] of Object.entries(v)) {
      if (item === null) delete v[k];
      else pruneNulls(item);
    }
  } else if (Array.isArray(v)) {
    pruneArrayNulls(v);
  }
  return v;
}

function pruneArrayNulls(list: unknown[]): unknown[] {
  for (const item of list) if (item !== null) pruneNulls(item);
  return list;
}
