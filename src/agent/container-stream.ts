// One `kubectl exec` or `attach` session on the agent's side: length-prefixed channel frames with the API server.
// kubectl's input (stdin bytes, the close of stdin, terminal sizes) goes to a command or container; its output goes
// back on stdout and stderr (all on stdout with a terminal); a final Status ends the session.
import type { Readable, Writable } from "node:stream";
import { CLOSE, encodeFrame, FrameDecoder, RESIZE, STATUS, STDERR, STDIN, STDOUT } from "../client/stream-frames.ts";

/** Terminal sizes kubectl sends on the resize channel: JSON objects `{"Width":…,"Height":…}`, one per line. */
export function terminalSizes(payload: Buffer): { cols: number; rows: number }[] {
  const out: { cols: number; rows: number }[] = [];
  for (const line of payload.toString("utf8").split("\n")) {
    if (!line.trim()) continue;
    try {
      const { Width, Height } = JSON.parse(line);
      if (Number.isInteger(Width) && Number.isInteger(Height) && Width > 0 && Height > 0) {
        out.push({ cols: Width, rows: Height });
      }
    } catch {}
  }
  return out;
}

export class ContainerStream {
  readonly tty: boolean;
  /** kubectl sends stdin (`-i`). */
  readonly stdin: boolean;

  constructor(
    query: URLSearchParams,
    private readonly input: Readable,
    private readonly output: Writable,
  ) {
    const flag = (name: string) => query.get(name) === "true" || query.get(name) === "1";
    this.tty = flag("tty");
    this.stdin = flag("stdin");
  }

  send(channel: number, data: Buffer | string): void {
    if (!this.output.writableEnded) this.output.write(encodeFrame(channel, data));
  }

  /** Sends the final Status and ends the session. */
  finish(status: object): void {
    this.send(STATUS, JSON.stringify(status));
    this.output.end();
  }

  notRunning(container: string): void {
    this.finish({
      metadata: {},
      status: "Failure",
      message: `container ${container} is not running`,
      reason: "BadRequest",
    });
  }

  failed(e: unknown): void {
    this.finish({ metadata: {}, status: "Failure", message: `exec: ${(e as Error).message}`, reason: "InternalError" });
  }

  /** Relays the two sides: kubectl's input to `stdin` and `resize`, the output streams back as frames. */
  relay(to: {
    stdin?: Writable;
    resize?: (cols: number, rows: number) => void;
    stdout: Readable;
    stderr: Readable;
  }): void {
    const decoder = new FrameDecoder((channel, payload) => {
      if (channel === STDIN) to.stdin?.write(payload);
      else if (channel === CLOSE && payload[0] === STDIN) to.stdin?.end();
      else if (channel === RESIZE) for (const size of terminalSizes(payload)) to.resize?.(size.cols, size.rows);
    });
    this.input.on("data", (c: Buffer) => decoder.push(c));
    to.stdout.on("data", (d: Buffer) => this.send(STDOUT, d));
    to.stderr.on("data", (d: Buffer) => this.send(this.tty ? STDOUT : STDERR, d));
  }
}
