// Decoding a request body into an object of a kind, as upstream's JSON decoder with strict field validation:
// unknown fields are collected (the caller decides: Strict rejects, Warn warns, Ignore drops), values of the wrong
// JSON type are rejected with Go's `cannot unmarshal` wording, and `null` means "unset".
import { ApiError } from "./errors.ts";
import type { ObjectSchema, Schema } from "./schema/schema.ts";

export interface DecodeResult {
  /** The object with unknown fields and nulls removed. */
  value: Record<string, unknown>;
  /** Paths of unknown fields, upstream style: `spec.template.spec.containers[0].foo`. */
  unknownFields: string[];
}

const goType: Record<string, string> = {
  string: "string",
  integer: "int64",
  number: "float64",
  boolean: "bool",
  object: "struct",
  map: "map[string]",
  array: "[]",
  "int-or-string": "intstr.IntOrString",
  quantity: "resource.Quantity",
  time: "v1.Time",
  bytes: "[]uint8",
};

function jsonTypeName(v: unknown): string {
  if (Array.isArray(v)) return "array";
  if (typeof v === "object") return "object";
  return typeof v === "boolean" ? "bool" : typeof v;
}

class TypeMismatch extends Error {}

function structName(s: ObjectSchema): string {
  return s.name.slice(s.name.lastIndexOf(".") + 1);
}

function mismatch(v: unknown, s: Schema, owner: string, goPath: string): TypeMismatch {
  const t = s.type === "integer" ? s.format : (goType[s.type] ?? s.type);
  const what = typeof v === "number" ? `number ${v}` : jsonTypeName(v);
  return new TypeMismatch(`json: cannot unmarshal ${what} into Go struct field ${owner}.${goPath} of type ${t}`);
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

// A plain recursive function (no per-call closures): this runs for every field of every write.
// `owner` is the nearest struct (for Go's "Go struct field X.path" wording); `goPath` has no indices.
function walk(v: unknown, s: Schema, path: string, goPath: string, owner: string, unknown: string[]): unknown {
  switch (s.type) {
    case "any":
      return v;
    case "string":
    case "time":
      if (typeof v !== "string") throw mismatch(v, s, owner, goPath);
      return v;
    case "bytes": {
      if (typeof v !== "string") throw mismatch(v, s, owner, goPath);
      const b = v.replace(/\s/g, "");
      if (!BASE64.test(b) || b.length % 4 === 1)
        throw new TypeMismatch(`illegal base64 data at input byte ${v.length}`);
      return v;
    }
    case "boolean":
      if (typeof v !== "boolean") throw mismatch(v, s, owner, goPath);
      return v;
    case "integer":
      if (typeof v !== "number" || !Number.isInteger(v)) throw mismatch(v, s, owner, goPath);
      return v;
    case "number":
      if (typeof v !== "number") throw mismatch(v, s, owner, goPath);
      return v;
    case "int-or-string":
      if (typeof v === "string" || (typeof v === "number" && Number.isInteger(v))) return v;
      throw mismatch(v, s, owner, goPath);
    case "quantity":
      if (typeof v === "string" || typeof v === "number") return v;
      throw new TypeMismatch(
        "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
      );
    case "array": {
      if (!Array.isArray(v)) throw mismatch(v, s, owner, goPath);
      const out: unknown[] = new Array(v.length);
      for (let i = 0; i < v.length; i++) {
        const item = v[i];
        out[i] =
          item === null
            ? s.items.type === "object"
              ? {}
              : null
            : walk(item, s.items, `${path}[${i}]`, goPath, owner, unknown);
      }
      return out;
    }
    case "map": {
      if (typeof v !== "object" || v === null || Array.isArray(v)) throw mismatch(v, s, owner, goPath);
      const out: Record<string, unknown> = {};
      for (const k in v as Record<string, unknown>) {
        const item = (v as Record<string, unknown>)[k];
        if (item === null) {
          if (s.values.type === "string") out[k] = "";
          continue;
        }
        out[k] = walk(item, s.values, `${path}.${k}`, `${goPath}.${k}`, owner, unknown);
      }
      return out;
    }
    case "object": {
      if (typeof v !== "object" || v === null || Array.isArray(v)) throw mismatch(v, s, owner, goPath);
      const props = s.properties();
      const out: Record<string, unknown> = {};
      const name = structName(s);
      for (const k in v as Record<string, unknown>) {
        const item = (v as Record<string, unknown>)[k];
        const fs = props[k];
        if (!fs) {
          unknown.push(path ? `${path}.${k}` : k);
          continue;
        }
        if (item === null) continue;
        out[k] = walk(item, fs, path ? `${path}.${k}` : k, goPath ? `${goPath}.${k}` : k, name, unknown);
      }
      return out;
    }
  }
}

/**
 * Decodes `raw` against `schema`. Throws ApiError 400 (`<Kind> in version "<v>" cannot be handled as a <Kind>: …`)
 * for type mismatches; returns unknown fields for the caller's field-validation policy.
 */
export function decodeObject(raw: unknown, schema: ObjectSchema, kind: string, version: string): DecodeResult {
  const unknownFields: string[] = [];
  const fail = (msg: string) =>
    new ApiError(400, "BadRequest", `${kind} in version "${version}" cannot be handled as a ${kind}: ${msg}`);
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    throw fail(`json: cannot unmarshal ${jsonTypeName(raw)} into Go value of type struct`);
  }
  try {
    const value = walk(raw, schema, "", "", structName(schema), unknownFields) as Record<string, unknown>;
    return { value, unknownFields };
  } catch (e) {
    if (e instanceof TypeMismatch) throw fail(e.message);
    throw e;
  }
}

/** The 400 that strict field validation answers for unknown fields. */
export function strictDecodingError(kind: string, version: string, unknownFields: string[]): ApiError {
  const list = unknownFields.map((f) => `unknown field "${f}"`).join(", ");
  return new ApiError(
    400,
    "BadRequest",
    `${kind} in version "${version}" cannot be handled as a ${kind}: strict decoding error: ${list}`,
  );
}
