// The one schema language of loci. Every served kind is described once with these builders; the same
// description drives strict decoding, defaulting hooks, validation of shapes, OpenAPI v2/v3 (and so
// `kubectl explain`), Table-free printing helpers and the strategic-merge patch keys.

export interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

/** Patch metadata that upstream carries as `patchStrategy`/`patchMergeKey` struct tags. */
export interface PatchMeta {
  /** "merge", "replace", "retainKeys" or "merge,retainKeys" (the OpenAPI `x-kubernetes-patch-strategy`). */
  patchStrategy?: string;
  /** The OpenAPI `x-kubernetes-patch-merge-key`. */
  patchMergeKey?: string;
  /** `x-kubernetes-list-type`: atomic, set or map. */
  listType?: "atomic" | "set" | "map";
  /** `x-kubernetes-list-map-keys`. */
  listMapKeys?: string[];
  /** `x-kubernetes-map-type`: atomic or granular. */
  mapType?: "atomic" | "granular";
}

interface Common extends PatchMeta {
  description?: string;
}

export interface StringSchema extends Common {
  type: "string";
  format?: string;
  enum?: string[];
}
export interface IntegerSchema extends Common {
  type: "integer";
  format: "int32" | "int64";
}
export interface NumberSchema extends Common {
  type: "number";
  format?: "double";
}
export interface BooleanSchema extends Common {
  type: "boolean";
}
/** A struct. `name` is its OpenAPI definition name (e.g. `io.k8s.api.core.v1.Container`). */
export interface ObjectSchema extends Common {
  type: "object";
  name: string;
  /** A function so that recursive or mutually referring structs can be declared in any order. */
  properties: () => Record<string, Schema>;
  required?: string[];
  /** Top-level kinds carry their GVKs (`x-kubernetes-group-version-kind`). */
  gvk?: GroupVersionKind[];
}
/** A string-keyed map (`additionalProperties`). */
export interface MapSchema extends Common {
  type: "map";
  values: Schema;
}
export interface ArraySchema extends Common {
  type: "array";
  items: Schema;
}
/** intstr.IntOrString (`format: int-or-string`). */
export interface IntOrStringSchema extends Common {
  type: "int-or-string";
}
/** resource.Quantity. */
export interface QuantitySchema extends Common {
  type: "quantity";
}
/** metav1.Time / MicroTime (RFC 3339). */
export interface TimeSchema extends Common {
  type: "time";
  micro?: boolean;
}
/** Free-form JSON (RawExtension, `x-kubernetes-preserve-unknown-fields`). */
export interface AnySchema extends Common {
  type: "any";
}
/** Base64-encoded bytes (`format: byte`). */
export interface BytesSchema extends Common {
  type: "bytes";
}

export type Schema =
  | StringSchema
  | IntegerSchema
  | NumberSchema
  | BooleanSchema
  | ObjectSchema
  | MapSchema
  | ArraySchema
  | IntOrStringSchema
  | QuantitySchema
  | TimeSchema
  | AnySchema
  | BytesSchema;

type Extra = PatchMeta & { description?: string };

export const str = (description?: string, extra: Extra & { enum?: string[]; format?: string } = {}): StringSchema => ({
  type: "string",
  description,
  ...extra,
});
export const int32 = (description?: string, extra: Extra = {}): IntegerSchema => ({
  type: "integer",
  format: "int32",
  description,
  ...extra,
});
export const int64 = (description?: string, extra: Extra = {}): IntegerSchema => ({
  type: "integer",
  format: "int64",
  description,
  ...extra,
});
export const num = (description?: string, extra: Extra = {}): NumberSchema => ({
  type: "number",
  format: "double",
  description,
  ...extra,
});
export const bool = (description?: string, extra: Extra = {}): BooleanSchema => ({
  type: "boolean",
  description,
  ...extra,
});
export const intOrString = (description?: string, extra: Extra = {}): IntOrStringSchema => ({
  type: "int-or-string",
  description,
  ...extra,
});
export const quantity = (description?: string, extra: Extra = {}): QuantitySchema => ({
  type: "quantity",
  description,
  ...extra,
});
export const time = (description?: string, extra: Extra & { micro?: boolean } = {}): TimeSchema => ({
  type: "time",
  description,
  ...extra,
});
export const any = (description?: string, extra: Extra = {}): AnySchema => ({ type: "any", description, ...extra });
export const bytes = (description?: string, extra: Extra = {}): BytesSchema => ({
  type: "bytes",
  description,
  ...extra,
});
export const map = (values: Schema, description?: string, extra: Extra = {}): MapSchema => ({
  type: "map",
  values,
  description,
  ...extra,
});
export const arr = (items: Schema, description?: string, extra: Extra = {}): ArraySchema => ({
  type: "array",
  items,
  description,
  ...extra,
});

/**
 * Declares a struct. Field-level patch metadata belongs on the field (`arr(Container, "...", {patchStrategy: "merge",
 * patchMergeKey: "name"})`); `ref(Struct, {...})` attaches field-level metadata and description to a shared struct.
 */
export function struct(
  name: string,
  description: string,
  properties: () => Record<string, Schema>,
  extra: { required?: string[]; gvk?: GroupVersionKind[] } = {},
): ObjectSchema {
  // Resolved once: every decode, validation and patch walks these maps.
  let resolved: Record<string, Schema> | undefined;
  const cached = () => {
    resolved ??= properties();
    return resolved;
  };
  return { type: "object", name, description, properties: cached, ...extra };
}

/** Uses a shared struct as a field, with the field's own description and patch metadata. */
export function ref(schema: ObjectSchema, description?: string, extra: Extra = {}): ObjectSchema {
  return { ...schema, description: description ?? schema.description, ...extra };
}

/** Returns the properties of a struct schema (resolving the lazy function), or undefined for other schemas. */
export function propertiesOf(schema: Schema | undefined): Record<string, Schema> | undefined {
  return schema?.type === "object" ? schema.properties() : undefined;
}

/** Walks a dotted path like `spec.containers.livenessProbe` through structs, arrays and maps. */
export function schemaAt(root: Schema, path: string[]): Schema | undefined {
  let cur: Schema | undefined = root;
  for (const part of path) {
    while (cur && (cur.type === "array" || cur.type === "map")) cur = cur.type === "array" ? cur.items : cur.values;
    const props = propertiesOf(cur);
    if (!props) return undefined;
    cur = props[part];
  }
  return cur;
}
