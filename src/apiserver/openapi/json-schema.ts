// Turns the schema language into OpenAPI schema objects, the way kube-openapi renders Go types:
// every struct becomes a named definition referred to with `$ref`; resource.Quantity, IntOrString and
// metav1.Time are named string definitions; field-level facts (description, patch strategy, list type)
// sit on the property beside the reference (v2) or beside an `allOf` wrapping it (v3).
import type { ObjectSchema, PatchMeta, Schema } from "../../api/schema/schema.ts";

export type Flavour = "v2" | "v3";
export type JsonObject = Record<string, unknown>;

export const refPrefix: Record<Flavour, string> = { v2: "#/definitions/", v3: "#/components/schemas/" };

export const TIME = "io.k8s.apimachinery.pkg.apis.meta.v1.Time";
export const MICRO_TIME = "io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime";
export const QUANTITY = "io.k8s.apimachinery.pkg.api.resource.Quantity";
export const INT_OR_STRING = "io.k8s.apimachinery.pkg.util.intstr.IntOrString";

/**
 * Named definitions that are not structs (their Go types marshal to strings). v3 spells IntOrString and
 * Quantity with `oneOf`, as kube-openapi does; kubectl explain shows `<IntOrString>` from the format.
 */
function namedScalar(name: string, flavour: Flavour): JsonObject {
  switch (name) {
    case TIME:
      return { description: "An RFC 3339 timestamp with second precision.", type: "string", format: "date-time" };
    case MICRO_TIME:
      return { description: "An RFC 3339 timestamp with microsecond precision.", type: "string", format: "date-time" };
    case QUANTITY: {
      const description = 'A fixed-point number with an optional suffix, e.g. "100m", "1Gi", "1.5".';
      return flavour === "v2"
        ? { description, type: "string" }
        : { description, oneOf: [{ type: "string" }, { type: "number" }] };
    }
    case INT_OR_STRING: {
      const description = 'A value that is either an integer or a string, e.g. 1 or "25%".';
      return flavour === "v2"
        ? { description, type: "string", format: "int-or-string" }
        : { description, format: "int-or-string", oneOf: [{ type: "integer" }, { type: "string" }] };
    }
    default:
      throw new Error(`unknown named scalar ${name}`);
  }
}

/** The `x-kubernetes-*` extensions of a field, in kube-openapi's spelling. */
export function patchExtensions(meta: PatchMeta): JsonObject {
  const out: JsonObject = {};
  if (meta.listMapKeys?.length) out["x-kubernetes-list-map-keys"] = [...meta.listMapKeys];
  if (meta.listType) out["x-kubernetes-list-type"] = meta.listType;
  if (meta.mapType) out["x-kubernetes-map-type"] = meta.mapType;
  if (meta.patchMergeKey) out["x-kubernetes-patch-merge-key"] = meta.patchMergeKey;
  if (meta.patchStrategy) out["x-kubernetes-patch-strategy"] = meta.patchStrategy;
  return out;
}

function reference(name: string, flavour: Flavour, siblings: JsonObject): JsonObject {
  const $ref = refPrefix[flavour] + name;
  if (Object.keys(siblings).length === 0) return { $ref };
  // kube-openapi's v3 output wraps a reference that carries its own description/extensions in allOf.
  return flavour === "v2" ? { $ref, ...siblings } : { allOf: [{ $ref }], ...siblings };
}

/**
 * The schema of a property (or, with `asItem`, of array items / map values, which upstream renders
 * without description or field extensions).
 */
export function propertySchema(s: Schema, flavour: Flavour, asItem = false): JsonObject {
  const siblings: JsonObject = {};
  if (!asItem && s.description) siblings.description = s.description;
  const ext = asItem ? {} : patchExtensions(s);
  switch (s.type) {
    case "object": {
      // A struct's map type is a fact of the struct (atomicStruct), published on its definition only.
      const { "x-kubernetes-map-type": _structLevel, ...fieldExt } = ext;
      return reference(s.name, flavour, { ...siblings, ...fieldExt });
    }
    case "int-or-string":
      return reference(INT_OR_STRING, flavour, { ...siblings, ...ext });
    case "quantity":
      return reference(QUANTITY, flavour, { ...siblings, ...ext });
    case "time":
      return reference(s.micro ? MICRO_TIME : TIME, flavour, { ...siblings, ...ext });
    case "array":
      return { ...siblings, type: "array", items: propertySchema(s.items, flavour, true), ...ext };
    case "map":
      return { ...siblings, type: "object", additionalProperties: propertySchema(s.values, flavour, true), ...ext };
    case "any":
      return { ...siblings, type: "object", ...ext };
    case "bytes":
      return { ...siblings, type: "string", format: "byte", ...ext };
    case "string":
      return {
        ...siblings,
        type: "string",
        ...(s.format ? { format: s.format } : {}),
        ...(s.enum?.length ? { enum: [...s.enum] } : {}),
        ...ext,
      };
    case "integer":
      return { ...siblings, type: "integer", format: s.format, ...ext };
    case "number":
      return { ...siblings, type: "number", format: s.format ?? "double", ...ext };
    case "boolean":
      return { ...siblings, type: "boolean", ...ext };
  }
}

/** The named definition of a struct. */
export function definitionSchema(s: ObjectSchema, flavour: Flavour): JsonObject {
  const out: JsonObject = {};
  if (s.description) out.description = s.description;
  const props = s.properties();
  const names = Object.keys(props).sort();
  if (names.length > 0) {
    const properties: JsonObject = {};
    for (const name of names) properties[name] = propertySchema(props[name]!, flavour);
    out.properties = properties;
  }
  if (s.required?.length) out.required = [...s.required];
  out.type = "object";
  if (s.gvk?.length) {
    out["x-kubernetes-group-version-kind"] = s.gvk.map(({ group, kind, version }) => ({ group, kind, version }));
  }
  if (s.mapType) out["x-kubernetes-map-type"] = s.mapType;
  return out;
}

const hasFieldExtras = (s: Schema): boolean =>
  Boolean(s.patchStrategy || s.patchMergeKey || s.listType || s.listMapKeys);

/**
 * Collects every named definition reachable from `roots`, rendered for `flavour`, sorted by name.
 * The first phase's structs win over `fallbacks` of the same name (fallbacks describe wire-only types a
 * per-kind schema module may also declare).
 */
export function collectDefinitions(
  roots: ObjectSchema[],
  flavour: Flavour,
  fallbacks: ObjectSchema[] = [],
): Record<string, JsonObject> {
  // A struct appears as its canonical object and as `ref()` copies carrying a field's description and
  // patch metadata; the definition takes the canonical one: a root, else the most common plain usage.
  const usages = new Map<string, ObjectSchema[]>();
  const scalars = new Set<string>();
  const isRoot = new Set<string>();

  const visit = (s: Schema): void => {
    switch (s.type) {
      case "object": {
        const seen = usages.get(s.name);
        if (seen) {
          seen.push(s);
          return;
        }
        usages.set(s.name, [s]);
        for (const p of Object.values(s.properties())) visit(p);
        return;
      }
      case "array":
        visit(s.items);
        return;
      case "map":
        visit(s.values);
        return;
      case "int-or-string":
        scalars.add(INT_OR_STRING);
        return;
      case "quantity":
        scalars.add(QUANTITY);
        return;
      case "time":
        scalars.add(s.micro ? MICRO_TIME : TIME);
        return;
      default:
        return;
    }
  };
  for (const r of roots) {
    if (!isRoot.has(r.name) && !usages.has(r.name)) isRoot.add(r.name);
    visit(r);
  }
  for (const f of fallbacks) if (!usages.has(f.name)) visit(f);

  const canonical = (name: string, list: ObjectSchema[]): ObjectSchema => {
    if (isRoot.has(name)) return list[0]!;
    const plain = list.filter((s) => !hasFieldExtras(s));
    const pool = plain.length ? plain : list;
    const counts = new Map<string | undefined, number>();
    for (const s of pool) counts.set(s.description, (counts.get(s.description) ?? 0) + 1);
    let best = pool[0]!;
    for (const s of pool) if (counts.get(s.description)! > counts.get(best.description)!) best = s;
    return best;
  };

  const out: Record<string, JsonObject> = {};
  const names = [...usages.keys(), ...scalars].sort();
  for (const name of names) {
    const list = usages.get(name);
    out[name] = list ? definitionSchema(canonical(name, list), flavour) : namedScalar(name, flavour);
  }
  return out;
}
