// Decodes one Kubernetes protobuf message into the JSON object the same Go struct would marshal to, driven by
// the schema (JSON types) and the field-number table (wire layout). Unknown field numbers are skipped, as the
// generated Go decoders do.
import protobuf from "protobufjs";
import type { ObjectSchema, Schema } from "../schema/schema.ts";
import { FIELD_NUMBERS, INLINED, POINTER_SCALARS } from "./field-numbers.ts";
import { ProtobufDecodeError, wireTypeError } from "./protobuf-error.ts";

type Reader = protobuf.Reader;
type Json = Record<string, unknown>;

const VARINT = 0;
const FIXED64 = 1;
const LENGTH_DELIMITED = 2;
const FIXED32 = 5;

/** The struct being filled: its JSON properties and required list, and the wire table in use for it. */
interface Target {
  props: Record<string, Schema>;
  required: readonly string[];
  table: string;
}

const byNumberCache = new Map<string, Map<number, string>>();
const pointerCache = new Map<string, Set<string>>();

function fieldsByNumber(table: string): Map<number, string> {
  let m = byNumberCache.get(table);
  if (!m) {
    m = new Map(Object.entries(FIELD_NUMBERS[table] ?? {}).map(([name, n]) => [n, name]));
    byNumberCache.set(table, m);
  }
  return m;
}

function pointers(table: string): Set<string> {
  let s = pointerCache.get(table);
  if (!s) {
    s = new Set(POINTER_SCALARS[table] ?? []);
    pointerCache.set(table, s);
  }
  return s;
}

/** int64 values come back as Long objects; loci's JSON numbers are doubles, like upstream's JSON. */
function toNumber(v: number | protobuf.Long): number {
  return typeof v === "number" ? v : protobuf.util.LongBits.from(v).toNumber(false);
}

function isScalar(s: Schema): boolean {
  return (
    s.type === "string" || s.type === "integer" || s.type === "boolean" || s.type === "number" || s.type === "bytes"
  );
}

/** Scalars whose repeated form may arrive packed into one length-delimited field. */
function isPackable(s: Schema): boolean {
  return s.type === "integer" || s.type === "boolean" || s.type === "number";
}

function isZero(v: unknown): boolean {
  return v === "" || v === 0 || v === false;
}

function expectWire(actual: number, wanted: number, field: string): void {
  if (actual !== wanted) throw wireTypeError(actual, field);
}

/** Reads a message of the fields `{ n: string | bytes }` as a field-number → value map (Quantity, RawExtension…). */
function readSmallMessage(
  bytes: Uint8Array,
  kinds: Record<number, "string" | "bytes" | "varint">,
): Map<number, unknown> {
  const r = protobuf.Reader.create(bytes);
  const out = new Map<number, unknown>();
  while (r.pos < r.len) {
    const tag = r.uint32();
    const kind = kinds[tag >>> 3];
    if (kind === undefined) {
      r.skipType(tag & 7);
      continue;
    }
    expectWire(tag & 7, kind === "varint" ? VARINT : LENGTH_DELIMITED, String(tag >>> 3));
    out.set(tag >>> 3, kind === "string" ? r.string() : kind === "bytes" ? r.bytes() : toNumber(r.int64()));
  }
  return out;
}

/** metav1.Time (seconds) and MicroTime (microseconds) as their RFC 3339 JSON; an empty message is the zero time. */
function decodeTime(bytes: Uint8Array, micro: boolean): string | null {
  if (bytes.length === 0) return null;
  const fields = readSmallMessage(bytes, { 1: "varint", 2: "varint" });
  const seconds = (fields.get(1) as number | undefined) ?? 0;
  const nanos = (fields.get(2) as number | undefined) ?? 0;
  const base = new Date(seconds * 1000).toISOString().slice(0, 19);
  return micro ? `${base}.${String(Math.floor(nanos / 1000)).padStart(6, "0")}Z` : `${base}Z`;
}

/** intstr.IntOrString { type = 1 (0 int, 1 string), intVal = 2, strVal = 3 }. */
function decodeIntOrString(bytes: Uint8Array): number | string {
  const fields = readSmallMessage(bytes, { 1: "varint", 2: "varint", 3: "string" });
  if (fields.get(1) === 1) return (fields.get(3) as string | undefined) ?? "";
  // intVal is an int32 on the wire: keep its sign.
  return ((fields.get(2) as number | undefined) ?? 0) | 0;
}

/** RawExtension and FieldsV1 carry their JSON as bytes in field 1. */
function decodeRawJson(bytes: Uint8Array, field: string): unknown {
  const raw = readSmallMessage(bytes, { 1: "bytes" }).get(1) as Uint8Array | undefined;
  if (!raw || raw.length === 0) return null;
  const text = Buffer.from(raw).toString("utf8");
  try {
    return JSON.parse(text);
  } catch {
    throw new ProtobufDecodeError(`${field}: raw data is not JSON`);
  }
}

function readScalar(r: Reader, wire: number, s: Schema, field: string): unknown {
  switch (s.type) {
    case "string":
      expectWire(wire, LENGTH_DELIMITED, field);
      return r.string();
    case "bytes":
      expectWire(wire, LENGTH_DELIMITED, field);
      return Buffer.from(r.bytes()).toString("base64");
    case "boolean":
      expectWire(wire, VARINT, field);
      return r.bool();
    case "integer":
      expectWire(wire, VARINT, field);
      return s.format === "int32" ? r.int32() : toNumber(r.int64());
    case "number":
      if (wire === FIXED32) return r.float();
      expectWire(wire, FIXED64, field);
      return r.double();
    default:
      throw new ProtobufDecodeError(`field ${field} is not a scalar`);
  }
}

/** Reads one value of schema `s`; `existing` is the value a repeated singular message field merges into. */
function readValue(r: Reader, wire: number, s: Schema, field: string, existing?: unknown): unknown {
  if (isScalar(s)) return readScalar(r, wire, s, field);
  expectWire(wire, LENGTH_DELIMITED, field);
  const bytes = r.bytes();
  switch (s.type) {
    case "object": {
      const into = existing && typeof existing === "object" ? (existing as Json) : {};
      decodeInto(bytes, { props: s.properties(), required: s.required ?? [], table: s.name }, into);
      return into;
    }
    case "time":
      return decodeTime(bytes, s.micro === true);
    case "quantity":
      return (readSmallMessage(bytes, { 1: "string" }).get(1) as string | undefined) ?? "";
    case "int-or-string":
      return decodeIntOrString(bytes);
    case "any":
      return decodeRawJson(bytes, field);
    default:
      throw new ProtobufDecodeError(`field ${field} has no protobuf form`);
  }
}

/** Zero value of a map entry whose value field was left out. */
function zeroOf(s: Schema): unknown {
  if (s.type === "object") return {};
  if (s.type === "quantity") return "0";
  if (s.type === "integer" || s.type === "number") return 0;
  if (s.type === "boolean") return false;
  return "";
}

/** A map<string, V> entry: { key = 1, value = 2 }. */
function readMapEntry(bytes: Uint8Array, values: Schema, field: string): [string, unknown] {
  const r = protobuf.Reader.create(bytes);
  let key = "";
  let value: unknown;
  while (r.pos < r.len) {
    const tag = r.uint32();
    if (tag >>> 3 === 1) {
      expectWire(tag & 7, LENGTH_DELIMITED, `${field} key`);
      key = r.string();
    } else if (tag >>> 3 === 2) value = readValue(r, tag & 7, values, `${field} value`);
    else r.skipType(tag & 7);
  }
  return [key, value === undefined ? zeroOf(values) : value];
}

function readRepeated(r: Reader, wire: number, items: Schema, field: string, into: unknown[]): void {
  if (wire === LENGTH_DELIMITED && isPackable(items)) {
    const packed = protobuf.Reader.create(r.bytes());
    const itemWire = items.type === "number" ? FIXED64 : VARINT;
    while (packed.pos < packed.len) into.push(readScalar(packed, itemWire, items, field));
    return;
  }
  into.push(readValue(r, wire, items, field));
}

/** Decodes the fields of one message into `into`, following inline embedded structs into the same object. */
function decodeInto(bytes: Uint8Array, target: Target, into: Json): void {
  const names = fieldsByNumber(target.table);
  const inlined = INLINED[target.table];
  const present = new Set<string>();
  const r = protobuf.Reader.create(bytes);
  while (r.pos < r.len) {
    const tag = r.uint32();
    const wire = tag & 7;
    const number = tag >>> 3;
    const inlineTable = inlined?.[number];
    if (inlineTable) {
      expectWire(wire, LENGTH_DELIMITED, inlineTable);
      decodeInto(r.bytes(), { ...target, table: inlineTable }, into);
      continue;
    }
    const name = names.get(number);
    const s = name === undefined ? undefined : target.props[name];
    if (name === undefined || s === undefined) {
      r.skipType(wire);
      continue;
    }
    present.add(name);
    if (s.type === "array") {
      into[name] ??= [];
      readRepeated(r, wire, s.items, name, into[name] as unknown[]);
    } else if (s.type === "map") {
      expectWire(wire, LENGTH_DELIMITED, name);
      into[name] ??= {};
      const [k, v] = readMapEntry(r.bytes(), s.values, name);
      (into[name] as Json)[k] = v;
    } else {
      into[name] = readValue(r, wire, s, name, into[name]);
    }
  }
  // Go writes value (non-pointer) scalars even when zero; its JSON leaves them out unless the field is required.
  const ptr = pointers(target.table);
  for (const name of present) {
    const s = target.props[name];
    if (isScalar(s) && isZero(into[name]) && !ptr.has(name) && !target.required.includes(name)) delete into[name];
  }
}

/** Decodes a message of struct `schema` into its JSON form (without apiVersion/kind). */
export function decodeMessage(bytes: Uint8Array, schema: ObjectSchema): Record<string, unknown> {
  const out: Json = {};
  try {
    decodeInto(bytes, { props: schema.properties(), required: schema.required ?? [], table: schema.name }, out);
  } catch (e) {
    throw ProtobufDecodeError.from(e);
  }
  return out;
}
