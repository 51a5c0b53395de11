// Protobuf fixture builders for the decoder's tests: each returns one tagged field, with field numbers written
// out by the test from upstream's generated.proto files (independently of field-numbers.ts).
import protobuf from "protobufjs";

/** A fresh writer, for fixtures the builders below do not cover (packed repeated fields). */
export const w = () => protobuf.Writer.create();

export const cat = (...parts: Uint8Array[]): Uint8Array => new Uint8Array(Buffer.concat(parts));

export const str = (n: number, v: string): Uint8Array =>
  w()
    .uint32((n << 3) | 2)
    .string(v)
    .finish();

export const raw = (n: number, v: Uint8Array): Uint8Array =>
  w()
    .uint32((n << 3) | 2)
    .bytes(v)
    .finish();

export const int = (n: number, v: number): Uint8Array =>
  w()
    .uint32(n << 3)
    .int64(v)
    .finish();

export const i32 = (n: number, v: number): Uint8Array =>
  w()
    .uint32(n << 3)
    .int32(v)
    .finish();

export const bool = (n: number, v: boolean): Uint8Array =>
  w()
    .uint32(n << 3)
    .bool(v)
    .finish();

export const msg = (n: number, ...parts: Uint8Array[]): Uint8Array => raw(n, cat(...parts));
