// Frames of a multiplexed byte stream between the API server and a node agent (exec): each frame is a 4-byte
// big-endian length, then a channel byte and the payload, the channels being those of Kubernetes' streaming
// protocol (0 stdin, 1 stdout, 2 stderr, 3 error/status, 4 resize, 255 close).
export const STDIN = 0;
export const STDOUT = 1;
export const STDERR = 2;
export const STATUS = 3;
export const RESIZE = 4;
export const CLOSE = 255;

export function encodeFrame(channel: number, payload: Buffer | string): Buffer {
  const body = typeof payload === "string" ? Buffer.from(payload) : payload;
  const head = Buffer.alloc(5);
  head.writeUInt32BE(body.length + 1, 0);
  head[4] = channel;
  return Buffer.concat([head, body]);
}

/** Accumulates bytes and calls `onFrame` for every complete frame. */
export class FrameDecoder {
  private buf: Buffer = Buffer.alloc(0);
  constructor(private readonly onFrame: (channel: number, payload: Buffer) => void) {}

  push(chunk: Buffer): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    while (this.buf.length >= 4) {
      const len = this.buf.readUInt32BE(0);
      if (this.buf.length < 4 + len) return;
      const frame = this.buf.subarray(4, 4 + len);
      this.buf = this.buf.subarray(4 + len);
      if (len >= 1) this.onFrame(frame[0], frame.subarray(1));
    }
  }
}
