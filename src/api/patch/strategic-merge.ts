// Server-side strategic merge patch, following upstream `k8s.io/apimachinery/pkg/util/strategicpatch`
// (StrategicMergeMapPatch → mergeMap / mergeSlice with MergeParallelList and IgnoreUnmatchedNulls on).
// Patch metadata (`patchStrategy`, `patchMergeKey`) comes from our schema instead of Go struct tags.
// Inputs are cloned first; the algorithm then works in place on the clones like upstream does.
import { propertiesOf, type Schema } from "../schema/schema.ts";
import { goString, goTypeNameS, goValue } from "./go-format.ts";
import { goSliceStable } from "./go-stable-sort.ts";
import { badRequest, plainError, unprocessable } from "./patch-errors.ts";

const DIRECTIVE_MARKER = "$patch";
const DELETE_DIRECTIVE = "delete";
const REPLACE_DIRECTIVE = "replace";
const MERGE_DIRECTIVE = "merge";
const RETAIN_KEYS_STRATEGY = "retainKeys";
const RETAIN_KEYS_DIRECTIVE = "$retainKeys";
const DELETE_FROM_PRIMITIVE_LIST_PREFIX = "$deleteFromPrimitiveList";
const SET_ELEMENT_ORDER_PREFIX = "$setElementOrder";

type JsonMap = Record<string, unknown>;

/** Free-form JSON: maps merge, lists are replaced, no keys are known. */
const ANY: Schema = { type: "any" };

// --- upstream sentinel errors (mergepatch/errors.go) and how the PATCH handler maps them ---
const errBadPatchFormatForPrimitiveList = () => badRequest("invalid patch format of primitive list");
const errBadPatchFormatForRetainKeys = () => badRequest("invalid patch format of retainKeys");
const errBadPatchFormatForSetElementOrderList = () => badRequest("invalid patch format of setElementOrder list");
const errNoListOfLists = () => unprocessable();
const errNoMergeKey = (m: unknown, key: string) =>
  plainError(`map: ${goValue(m)} does not contain declared merge key: ${key}`);
const errBadArgType = (expected: string, actual: unknown) =>
  plainError(`expected a ${expected}, but received a ${goTypeNameS(actual)}`);
const errBadPatchType = (t: unknown, m: unknown) =>
  plainError(`unknown patch type: ${goString(t)} in map: ${goValue(m)}`);

const MAP_TYPE = "map[string]interface {}";
const SLICE_TYPE = "[]interface {}";

function isMap(v: unknown): v is JsonMap {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
const has = (m: JsonMap, k: string) => Object.hasOwn(m, k);
/** Assigns without tripping the `__proto__` setter for a JSON key of that name. */
function put(m: JsonMap, k: string, v: unknown): void {
  Object.defineProperty(m, k, { value: v, writable: true, enumerable: true, configurable: true });
}

/** Applies a strategic merge patch to `original` using the patch metadata of `schema` (a kind's struct). */
export function applyStrategicMergePatch(original: unknown, patch: unknown, schema: Schema): unknown {
  if (patch === null || patch === undefined) return structuredClone(original);
  if (!isMap(patch)) {
    const kind = Array.isArray(patch) ? "array" : typeof patch === "boolean" ? "bool" : typeof patch;
    throw badRequest(`json: cannot unmarshal ${kind} into Go value of type map[string]interface {}`);
  }
  const base = isMap(original) ? structuredClone(original) : {};
  return mergeMap(base, structuredClone(patch), schema);
}

// --- patch metadata lookup (strategicpatch/meta.go over our schema language) ---

interface FieldMeta {
  schema: Schema;
  strategies: string[];
  mergeKey: string;
}

function shortName(name: string): string {
  return name.slice(name.lastIndexOf(".") + 1);
}

/** LookupPatchMetadataForStruct: the field's schema and its patch tags. */
function lookupField(parent: Schema, key: string): FieldMeta {
  if (parent.type === "map") return { schema: parent.values, strategies: [], mergeKey: "" };
  const props = propertiesOf(parent);
  if (!props) return { schema: ANY, strategies: [], mergeKey: "" };
  let field = has(props, key) ? props[key] : undefined;
  if (!field) {
    // encoding/json (and upstream's fork of it) falls back to a case-insensitive match.
    const lower = key.toLowerCase();
    const match = Object.keys(props).find((k) => k.toLowerCase() === lower);
    field = match === undefined ? undefined : props[match];
  }
  if (!field) {
    const structName = parent.type === "object" ? shortName(parent.name) : parent.type;
    throw plainError(`unable to find api field in struct ${structName} for the json field "${key}"`);
  }
  return {
    schema: field,
    strategies: field.patchStrategy ? field.patchStrategy.split(",") : [],
    mergeKey: field.patchMergeKey ?? "",
  };
}

/** LookupPatchMetadataForSlice: like lookupField, but the schema returned is the element's. */
function lookupSliceField(parent: Schema, key: string): FieldMeta {
  const meta = lookupField(parent, key);
  const elem = meta.schema.type === "array" ? meta.schema.items : ANY;
  return { ...meta, schema: elem };
}

/** Splits "merge,retainKeys" into the non-retainKeys strategy (retainKeys only matters to the client). */
function patchStrategyOf(strategies: string[]): string {
  if (strategies.length === 0) return "";
  if (strategies.length === 1) return strategies[0] === RETAIN_KEYS_STRATEGY ? "" : (strategies[0] as string);
  if (strategies.length === 2) {
    if (strategies[0] === RETAIN_KEYS_STRATEGY) return strategies[1] as string;
    if (strategies[1] === RETAIN_KEYS_STRATEGY) return strategies[0] as string;
  }
  throw plainError(`unexpected patch strategy: ${goValue(strategies)}`);
}

/** `PatchMetaFromStruct.Name()`: the Go kind of the element type, used in one error message. */
function kindName(schema: Schema): string {
  switch (schema.type) {
    case "object":
    case "quantity":
    case "time":
    case "int-or-string":
      return "struct";
    case "map":
      return "map";
    case "array":
    case "bytes":
      return "slice";
    case "any":
      return "interface";
    case "integer":
      return schema.format;
    case "number":
      return "float64";
    case "boolean":
      return "bool";
    default:
      return "string";
  }
}

// --- mergeMap ---

function mergeMap(original: JsonMap, patch: JsonMap, schema: Schema): JsonMap {
  if (has(patch, DIRECTIVE_MARKER)) return handleDirectiveInMergeMap(patch[DIRECTIVE_MARKER], patch);

  applyRetainKeysDirective(original, patch);
  mergePatchIntoOriginal(original, patch, schema);

  for (const patchKey of Object.keys(patch)) {
    const patchV = patch[patchKey];
    let k = patchKey;
    let isDeleteList = false;
    if (patchKey.startsWith(DELETE_FROM_PRIMITIVE_LIST_PREFIX)) {
      const listKey = extractKey(patchKey, DELETE_FROM_PRIMITIVE_LIST_PREFIX);
      if (listKey) k = listKey;
      isDeleteList = true;
    }

    // null deletes; unmatched nulls are ignored (the server runs with IgnoreUnmatchedNulls).
    if (patchV === null) {
      delete original[k];
      continue;
    }

    if (!has(original, k) || goKind(original[k]) !== goKind(patchV)) {
      // Not in the original (or a different type): take the patch value, minus nulls and directives.
      if (!isDeleteList) {
        discardNullValuesFromPatch(patchV);
        const [value, keep] = removeDirectives(patchV);
        if (keep) put(original, k, value);
        else delete original[k];
      }
      continue;
    }

    const current = original[k];
    if (isMap(current)) {
      const meta = lookupField(schema, k);
      const strategy = patchStrategyOf(meta.strategies);
      put(original, k, mergeMapHandler(current, patchV, meta.schema, strategy));
    } else if (Array.isArray(current)) {
      const meta = lookupSliceField(schema, k);
      const strategy = patchStrategyOf(meta.strategies);
      put(original, k, mergeSliceHandler(current, patchV, meta.schema, strategy, meta.mergeKey, isDeleteList));
    } else {
      put(original, k, patchV);
    }
  }
  return original;
}

/** The Go dynamic type a decoded value would have; values of different types replace each other. */
function goKind(v: unknown): string {
  if (v === null || v === undefined) return "nil";
  if (Array.isArray(v)) return "slice";
  if (typeof v === "object") return "map";
  return typeof v;
}

function handleDirectiveInMergeMap(directive: unknown, patch: JsonMap): JsonMap {
  if (directive === REPLACE_DIRECTIVE) {
    // The patch map itself becomes the value (its nested content is not merged).
    delete patch[DIRECTIVE_MARKER];
    return patch;
  }
  if (directive === DELETE_DIRECTIVE) return {};
  throw errBadPatchType(directive, patch);
}

function mergeMapHandler(original: JsonMap, patch: unknown, schema: Schema, strategy: string): JsonMap {
  if (!isMap(patch)) throw errBadArgType(MAP_TYPE, patch);
  if (strategy !== REPLACE_DIRECTIVE) return mergeMap(original, patch, schema);
  return patch;
}

/** `$retainKeys`: keys of the original missing from the list are cleared; patch keys must be listed. */
function applyRetainKeysDirective(original: JsonMap, patch: JsonMap): void {
  if (!has(patch, RETAIN_KEYS_DIRECTIVE)) return;
  const list = patch[RETAIN_KEYS_DIRECTIVE];
  delete patch[RETAIN_KEYS_DIRECTIVE];
  if (!Array.isArray(list)) throw errBadPatchFormatForRetainKeys();
  const retained = new Set<unknown>(list);
  for (const [k, v] of Object.entries(patch)) {
    if (v === null || k.startsWith(DELETE_FROM_PRIMITIVE_LIST_PREFIX) || k.startsWith(SET_ELEMENT_ORDER_PREFIX))
      continue;
    if (!retained.has(k)) throw errBadPatchFormatForRetainKeys();
  }
  for (const k of Object.keys(original)) {
    if (!retained.has(k)) delete original[k];
  }
}

/** Splits `$prefix/key` into `key`. */
function extractKey(s: string, prefix: string): string {
  const slash = s.indexOf("/");
  if (slash < 0 || s.slice(0, slash) !== prefix) {
    if (prefix === DELETE_FROM_PRIMITIVE_LIST_PREFIX) throw errBadPatchFormatForPrimitiveList();
    if (prefix === SET_ELEMENT_ORDER_PREFIX) throw errBadPatchFormatForSetElementOrderList();
    throw plainError(`fail to find unknown prefix "${prefix}" in ${s}`);
  }
  return s.slice(slash + 1);
}

// --- $setElementOrder ---

/** Merges every list that has a `$setElementOrder/<list>` directive and orders it as the directive says. */
function mergePatchIntoOriginal(original: JsonMap, patch: JsonMap, schema: Schema): void {
  for (const key of Object.keys(patch)) {
    if (!key.startsWith(SET_ELEMENT_ORDER_PREFIX)) continue;
    const order = patch[key];
    delete patch[key];
    if (!Array.isArray(order)) throw errBadArgType(SLICE_TYPE, order);
    const listKey = extractKey(key, SET_ELEMENT_ORDER_PREFIX);

    const foundOriginal = has(original, listKey);
    const foundPatch = has(patch, listKey);
    let originalList: unknown[] = [];
    let patchList: unknown[] = [];
    if (foundOriginal) {
      const v = original[listKey];
      if (!Array.isArray(v)) throw errBadArgType(SLICE_TYPE, v);
      originalList = v;
    }
    if (foundPatch) {
      const v = patch[listKey];
      if (!Array.isArray(v)) throw errBadArgType(SLICE_TYPE, v);
      patchList = v;
    }
    const meta = lookupSliceField(schema, listKey);
    const strategy = patchStrategyOf(meta.strategies);
    const mergeKey = meta.mergeKey;
    validatePatchWithSetOrderList(patchList, order, mergeKey);

    let merged: unknown[];
    if (foundOriginal && !foundPatch) merged = originalList;
    else if (!foundOriginal && foundPatch) merged = removeDirectives(patchList)[0] as unknown[];
    else if (foundOriginal && foundPatch)
      merged = mergeSliceHandler(originalList, patchList, meta.schema, strategy, mergeKey, false);
    else continue;

    const [patchItems, serverOnlyItems] = mergeKey
      ? partitionMapsByPresentInList(merged, order, mergeKey)
      : partitionPrimitivesByPresentInList(merged, order);
    const kind = sliceElementType(originalList, patchList);
    put(original, listKey, normalizeElementOrder(patchItems, serverOnlyItems, order, originalList, mergeKey, kind));
    delete patch[listKey];
  }
}

/** The patch list's items (deletions aside) must appear in the `$setElementOrder` list, in that order. */
function validatePatchWithSetOrderList(patchList: unknown[], order: unknown[], mergeKey: string): void {
  if (order.length === 0 || patchList.length === 0) return;
  const nonDelete = mergeKey ? extractToDeleteItems(patchList)[0] : patchList;
  let patchIndex = 0;
  let orderIndex = 0;
  while (patchIndex < nonDelete.length && orderIndex < order.length) {
    const item = nonDelete[patchIndex];
    if (isMap(item) && has(item, DIRECTIVE_MARKER)) {
      patchIndex++;
      continue;
    }
    if (mergeKeyValueEqual(item, order[orderIndex], mergeKey)) patchIndex++;
    orderIndex++;
  }
  if (patchIndex < nonDelete.length && orderIndex >= order.length) {
    throw plainError(
      `the order in patch list:\n${goValue(patchList)}\n doesn't match ${SET_ELEMENT_ORDER_PREFIX} list:\n${goValue(order)}`,
    );
  }
}

function mergeKeyValueEqual(left: unknown, right: unknown, mergeKey: string): boolean {
  if (!mergeKey) return left === right;
  if (!isMap(left)) throw errBadArgType(MAP_TYPE, left);
  if (!isMap(right)) throw errBadArgType(MAP_TYPE, right);
  if (!has(left, mergeKey)) throw errNoMergeKey(left, mergeKey);
  if (!has(right, mergeKey)) throw errNoMergeKey(right, mergeKey);
  return left[mergeKey] === right[mergeKey];
}

// --- lists ---

function mergeSliceHandler(
  original: unknown,
  patch: unknown,
  elemSchema: Schema,
  strategy: string,
  mergeKey: string,
  isDeleteList: boolean,
): unknown[] {
  if (!Array.isArray(original)) throw errBadArgType(SLICE_TYPE, original);
  if (!Array.isArray(patch)) throw errBadArgType(SLICE_TYPE, patch);
  // Deletion lists are applied whatever the field's strategy; other lists without "merge" are replaced.
  if (strategy === MERGE_DIRECTIVE || isDeleteList)
    return mergeSlice(original, patch, elemSchema, mergeKey, isDeleteList);
  return patch;
}

type ElementKind = "map" | "slice" | "string" | "number" | "boolean" | "nil";

/** The one element type shared by all given lists; lists of lists and mixed lists are rejected. */
function sliceElementType(...lists: unknown[][]): ElementKind {
  let prev: ElementKind | undefined;
  for (const list of lists) {
    for (const v of list) {
      const current = goKind(v) as ElementKind;
      if (prev === undefined) {
        prev = current;
        if (prev === "slice") throw errNoListOfLists();
      } else if (prev !== current) {
        throw plainError(`list element types are not identical: ${goValue(lists)}`);
      }
    }
  }
  if (prev === undefined) throw plainError("no elements in any of the given slices");
  return prev;
}

function mergeSlice(
  originalIn: unknown[],
  patchIn: unknown[],
  elemSchema: Schema,
  mergeKey: string,
  isDeleteList: boolean,
): unknown[] {
  if (originalIn.length === 0 && patchIn.length === 0) return originalIn;
  const kind = sliceElementType(originalIn, patchIn);

  let original = originalIn;
  let patch = patchIn;
  let merged: unknown[];
  if (kind !== "map") {
    if (isDeleteList) return deleteFromSlice(original, patch);
    merged = deduplicateScalars([...original, ...patch]);
  } else {
    if (!mergeKey) throw plainError(`cannot merge lists without merge key for ${kindName(elemSchema)}`);
    [original, patch] = mergeSliceWithSpecialElements(original as JsonMap[], patch as JsonMap[], mergeKey);
    merged = mergeSliceWithoutSpecialElements(original as JsonMap[], patch as JsonMap[], mergeKey, elemSchema);
  }

  const [patchItems, serverOnlyItems] = mergeKey
    ? partitionMapsByPresentInList(merged, patch, mergeKey)
    : partitionPrimitivesByPresentInList(merged, patch);
  return normalizeElementOrder(patchItems, serverOnlyItems, patch, original, mergeKey, kind);
}

/** Applies `$patch: delete` / `$patch: replace` elements; returns the new original and the plain patch items. */
function mergeSliceWithSpecialElements(
  original: JsonMap[],
  patch: JsonMap[],
  mergeKey: string,
): [JsonMap[], JsonMap[]] {
  const plain: JsonMap[] = [];
  let replace = false;
  let result = original;
  for (const v of patch) {
    if (!has(v, DIRECTIVE_MARKER)) {
      plain.push(v);
      continue;
    }
    const directive = v[DIRECTIVE_MARKER];
    if (directive === DELETE_DIRECTIVE) {
      if (!has(v, mergeKey)) throw errNoMergeKey(v, mergeKey);
      const target = v[mergeKey];
      result = result.filter((item, i) => {
        if (!isMap(item)) throw plainError(`value for key ${i} is not a map`);
        return !(has(item, mergeKey) && item[mergeKey] === target);
      });
    } else if (directive === REPLACE_DIRECTIVE) {
      replace = true; // keep scanning so other directive elements are pruned too
    } else if (directive === MERGE_DIRECTIVE) {
      throw plainError("merging lists cannot yet be specified in the patch");
    } else {
      throw errBadPatchType(directive, v);
    }
  }
  return replace ? [plain, []] : [result, plain];
}

/** Merges patch items into the original items with the same merge key value; appends the others. */
function mergeSliceWithoutSpecialElements(
  original: JsonMap[],
  patch: JsonMap[],
  mergeKey: string,
  elemSchema: Schema,
): unknown[] {
  const result: unknown[] = original.slice();
  for (const v of patch) {
    if (!has(v, mergeKey)) throw errNoMergeKey(v, mergeKey);
    const index = findMapInSlice(result, mergeKey, v[mergeKey]);
    if (index >= 0) result[index] = mergeMap(result[index] as JsonMap, v, elemSchema);
    else result.push(v);
  }
  return result;
}

function findMapInSlice(list: unknown[], key: string, value: unknown): number {
  for (let i = 0; i < list.length; i++) {
    const item = list[i];
    if (!isMap(item)) throw plainError(`value for key ${i} is not a map`);
    if (has(item, key) && item[key] === value) return i;
  }
  return -1;
}

/** `$deleteFromPrimitiveList/<list>`: removes every listed scalar. */
function deleteFromSlice(current: unknown[], toDelete: unknown[]): unknown[] {
  const doomed = new Set(toDelete);
  return current.filter((v) => !doomed.has(v));
}

/** Go's in-place de-duplication (it moves the last item into each duplicate's slot). */
function deduplicateScalars(input: unknown[]): unknown[] {
  const s = input.slice();
  let length = s.length - 1;
  for (let i = 0; i < length; i++) {
    for (let j = i + 1; j <= length; j++) {
      if (s[i] === s[j]) {
        s[j] = s[length];
        s.length = length;
        length--;
        j--;
      }
    }
  }
  return s;
}

function partitionPrimitivesByPresentInList(list: unknown[], by: unknown[]): [unknown[], unknown[]] {
  const inPatch = new Set(by);
  const patch: unknown[] = [];
  const serverOnly: unknown[] = [];
  for (const v of list) (inPatch.has(v) ? patch : serverOnly).push(v);
  return [patch, serverOnly];
}

function partitionMapsByPresentInList(list: unknown[], by: unknown[], mergeKey: string): [unknown[], unknown[]] {
  const patch: unknown[] = [];
  const serverOnly: unknown[] = [];
  for (const v of list) {
    if (!isMap(v)) throw errBadArgType(MAP_TYPE, v);
    if (!has(v, mergeKey)) throw errNoMergeKey(v, mergeKey);
    (findMapInSlice(by, mergeKey, v[mergeKey]) >= 0 ? patch : serverOnly).push(v);
  }
  return [patch, serverOnly];
}

// --- ordering (precedence: $setElementOrder / patch order, then the live list's order) ---

function normalizeElementOrder(
  patch: unknown[],
  serverOnly: unknown[],
  patchOrder: unknown[],
  serverOrder: unknown[],
  mergeKey: string,
  kind: ElementKind,
): unknown[] {
  const sortedPatch = normalizeSliceOrder(patch, patchOrder, mergeKey, kind);
  const sortedServerOnly = normalizeSliceOrder(serverOnly, serverOrder, mergeKey, kind);
  return mergeSortedSlice(sortedServerOnly, sortedPatch, serverOrder, mergeKey, kind);
}

/** Position of an item in a list, by merge key value for maps and by value otherwise. */
function indexIn(list: unknown[], item: unknown, mergeKey: string, kind: ElementKind): number {
  const identity =
    kind === "map" ? (v: unknown) => (isMap(v) && has(v, mergeKey) ? v[mergeKey] : null) : (v: unknown) => v;
  const wanted = identity(item);
  return list.findIndex((v) => identity(v) === wanted);
}

function normalizeSliceOrder(toSort: unknown[], order: unknown[], mergeKey: string, kind: ElementKind): unknown[] {
  let items = toSort;
  let toDelete: unknown[] = [];
  if (kind === "map") {
    validateMergeKeyInLists(mergeKey, toSort, order);
    [items, toDelete] = extractToDeleteItems(toSort);
  }
  const sorted = goSliceStable(items, (a, b) => {
    const ia = indexIn(order, a, mergeKey, kind);
    if (ia >= 0) {
      const ib = indexIn(order, b, mergeKey, kind);
      if (ib >= 0) return ia < ib;
    }
    return true;
  });
  return [...sorted, ...toDelete];
}

function validateMergeKeyInLists(mergeKey: string, ...lists: unknown[][]): void {
  for (const list of lists) {
    for (const item of list) {
      if (!isMap(item)) throw errBadArgType(MAP_TYPE, item);
      if (!has(item, mergeKey)) throw errNoMergeKey(item, mergeKey);
    }
  }
}

function extractToDeleteItems(list: unknown[]): [unknown[], unknown[]] {
  const keep: unknown[] = [];
  const toDelete: unknown[] = [];
  for (const v of list) {
    if (!isMap(v)) throw errBadArgType(MAP_TYPE, v);
    (has(v, DIRECTIVE_MARKER) && v[DIRECTIVE_MARKER] === DELETE_DIRECTIVE ? toDelete : keep).push(v);
  }
  return [keep, toDelete];
}

/** Interleaves server-only items into the patch items, keeping both relative orders (live order decides ties). */
function mergeSortedSlice(
  left: unknown[],
  right: unknown[],
  serverOrder: unknown[],
  mergeKey: string,
  kind: ElementKind,
): unknown[] {
  const out: unknown[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    if (i >= left.length) out.push(right[j++]);
    else if (j >= right.length) out.push(left[i++]);
    else {
      const li = indexIn(serverOrder, left[i], mergeKey, kind);
      const ri = indexIn(serverOrder, right[j], mergeKey, kind);
      if (li >= 0 && ri >= 0 && li < ri) out.push(left[i++]);
      else out.push(right[j++]);
    }
  }
  return out;
}

// --- values taken from the patch as they are ---

/** Drops null-valued keys everywhere inside a value that is taken from the patch wholesale. */
function discardNullValuesFromPatch(v: unknown): void {
  if (Array.isArray(v)) {
    for (const item of v) discardNullValuesFromPatch(item);
  } else if (isMap(v)) {
    for (const [k, item] of Object.entries(v)) {
      if (item === null) delete v[k];
      else discardNullValuesFromPatch(item);
    }
  }
}

/** Drops maps carrying `$patch` (and list items that are such maps); returns [value, keep]. */
function removeDirectives(v: unknown): [unknown, boolean] {
  if (Array.isArray(v)) {
    const out: unknown[] = [];
    for (const item of v) {
      const [value, keep] = removeDirectives(item);
      if (keep) out.push(value);
    }
    return [out, true];
  }
  if (isMap(v)) {
    if (has(v, DIRECTIVE_MARKER)) return [null, false];
    for (const [k, item] of Object.entries(v)) {
      const [value, keep] = removeDirectives(item);
      if (keep) put(v, k, value);
      else delete v[k];
    }
    return [v, true];
  }
  return [v, true];
}

// --- patch metadata sites, for comparison with the OpenAPI extensions ---

export interface MergeKeySite {
  path: string;
  patchStrategy?: string;
  patchMergeKey?: string;
}

/** Every field reachable from `schema` that carries patch metadata, as dotted paths (lists/maps add no segment). */
export function mergeKeySites(schema: Schema): MergeKeySite[] {
  const sites: MergeKeySite[] = [];
  const walk = (s: Schema, path: string[], ancestors: Set<string>) => {
    if (s.type === "array") return walk(s.items, path, ancestors);
    if (s.type === "map") return walk(s.values, path, ancestors);
    if (s.type !== "object") return;
    if (ancestors.has(s.name)) return; // recursive structs (e.g. JSONSchemaProps) end here
    const inner = new Set(ancestors).add(s.name);
    for (const [name, field] of Object.entries(s.properties())) {
      const fieldPath = [...path, name];
      if (field.patchStrategy || field.patchMergeKey) {
        const site: MergeKeySite = { path: fieldPath.join(".") };
        if (field.patchStrategy) site.patchStrategy = field.patchStrategy;
        if (field.patchMergeKey) site.patchMergeKey = field.patchMergeKey;
        sites.push(site);
      }
      walk(field, fieldPath, inner);
    }
  };
  walk(schema, [], new Set());
  return sites;
}
