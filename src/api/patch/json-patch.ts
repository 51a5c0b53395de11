// RFC 6902 JSON patch as kube-apiserver applies it (`handlers/patch.go` applyJSPatch): a body that does not
// decode as a list of operation objects is 400, more than 10000 operations is 413, and any failure while
// applying (failed test, missing path, unknown op) is 422 with upstream's generic message.
import type { Operation } from "fast-json-patch";
import jsonpatch from "fast-json-patch";
import { ApiError } from "../errors.ts";
import { badRequest, unprocessable } from "./patch-errors.ts";

/** Upstream's `maxJSONPatchOperations`. */
export const MAX_JSON_PATCH_OPERATIONS = 10000;

/** Go's name for the JSON kind of a value in "cannot unmarshal X into ..." errors. */
function jsonKind(v: unknown): string {
  if (Array.isArray(v)) return "array";
  if (typeof v === "boolean") return "bool";
  return typeof v;
}

/** Applies a JSON patch (already parsed from the body) to `original`; the inputs are not modified. */
export function applyJsonPatch(original: unknown, ops: unknown): unknown {
  if (ops === null) return structuredClone(original); // `null` decodes to an empty patch
  if (!Array.isArray(ops)) {
    throw badRequest(`json: cannot unmarshal ${jsonKind(ops)} into Go value of type jsonpatch.Patch`);
  }
  for (const op of ops) {
    if (op !== null && (typeof op !== "object" || Array.isArray(op))) {
      throw badRequest(`json: cannot unmarshal ${jsonKind(op)} into Go value of type jsonpatch.Operation`);
    }
  }
  if (ops.length > MAX_JSON_PATCH_OPERATIONS) {
    throw new ApiError(
      413,
      "RequestEntityTooLarge",
      `Request entity too large: The allowed maximum operations in a JSON patch is ${MAX_JSON_PATCH_OPERATIONS}, got ${ops.length}`,
    );
  }
  try {
    const operations = structuredClone(ops) as Operation[];
    return jsonpatch.applyPatch(structuredClone(original), operations, true, true).newDocument;
  } catch {
    // Upstream wraps every apply error in a 422 whose detail text is not sent to the client.
    throw unprocessable();
  }
}
