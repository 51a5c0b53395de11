// The frame every Kubernetes protobuf body comes in: the 4-byte magic `k8s\0`, then a runtime.Unknown message
// { typeMeta = 1 { apiVersion = 1, kind = 2 }, raw = 2, contentEncoding = 3, contentType = 4 } whose `raw` holds
// the object's own message (which carries no apiVersion/kind of its own).
import protobuf from "protobufjs";
import { ProtobufDecodeError, wireTypeError } from "./protobuf-error.ts";

export const PROTOBUF_MEDIA_TYPE = "application/vnd.kubernetes.protobuf";
export const PROTOBUF_MAGIC = Uint8Array.of(0x6b, 0x38, 0x73, 0x00);

export interface ProtobufEnvelope {
  apiVersion: string;
  kind: string;
  /** The object's message. */
  raw: Uint8Array;
  contentEncoding: string;
  contentType: string;
}

const LENGTH_DELIMITED = 2;

function hasMagic(body: Uint8Array): boolean {
  return body.length >= PROTOBUF_MAGIC.length && PROTOBUF_MAGIC.every((b, i) => body[i] === b);
}

function readTypeMeta(bytes: Uint8Array, into: ProtobufEnvelope): void {
  const r = protobuf.Reader.create(bytes);
  while (r.pos < r.len) {
    const tag = r.uint32();
    const field = tag >>> 3;
    if (field === 1 || field === 2) {
      if ((tag & 7) !== LENGTH_DELIMITED) throw wireTypeError(tag & 7, field === 1 ? "APIVersion" : "Kind");
      if (field === 1) into.apiVersion = r.string();
      else into.kind = r.string();
    } else r.skipType(tag & 7);
  }
}

/** Splits a protobuf request body into its type and the object's bytes. */
export function readEnvelope(body: Uint8Array): ProtobufEnvelope {
  if (body.length === 0) throw new ProtobufDecodeError("empty data");
  if (!hasMagic(body))
    throw new ProtobufDecodeError(
      `provided data does not appear to be a protobuf message, expected prefix [${[...PROTOBUF_MAGIC].join(" ")}]`,
    );
  const env: ProtobufEnvelope = {
    apiVersion: "",
    kind: "",
    raw: new Uint8Array(),
    contentEncoding: "",
    contentType: "",
  };
  const names = ["", "TypeMeta", "Raw", "ContentEncoding", "ContentType"];
  try {
    const r = protobuf.Reader.create(body.subarray(PROTOBUF_MAGIC.length));
    while (r.pos < r.len) {
      const tag = r.uint32();
      const field = tag >>> 3;
      if (field < 1 || field > 4) {
        r.skipType(tag & 7);
        continue;
      }
      if ((tag & 7) !== LENGTH_DELIMITED) throw wireTypeError(tag & 7, names[field]);
      if (field === 1) readTypeMeta(r.bytes(), env);
      else if (field === 2) env.raw = r.bytes();
      else if (field === 3) env.contentEncoding = r.string();
      else env.contentType = r.string();
    }
  } catch (e) {
    throw ProtobufDecodeError.from(e);
  }
  return env;
}
