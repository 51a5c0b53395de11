// Why a protobuf body could not be read, worded like the Go decoders upstream generates.

export class ProtobufDecodeError extends Error {
  /** Turns the reader's own errors (a truncated buffer throws a RangeError) into Go's wording. */
  static from(e: unknown): ProtobufDecodeError {
    if (e instanceof ProtobufDecodeError) return e;
    if (e instanceof RangeError) return new ProtobufDecodeError("unexpected EOF");
    return new ProtobufDecodeError(e instanceof Error ? e.message : String(e));
  }
}

export function wireTypeError(wireType: number, field: string): ProtobufDecodeError {
  return new ProtobufDecodeError(`proto: wrong wireType = ${wireType} for field ${field}`);
}
