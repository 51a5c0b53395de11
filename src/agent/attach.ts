// `kubectl attach`: a running container's output from now on (stdout and stderr on their own channels, or all on
// stdout with a terminal) and, for a container started with `stdin: true`, what kubectl sends written to its
// stdin. Ends, with a Success status, when that run of the container ends or kubectl leaves.
import type { Readable, Writable } from "node:stream";
import { CLOSE, encodeFrame, FrameDecoder, RESIZE, STATUS, STDERR, STDIN, STDOUT } from "../client/stream-frames.ts";
import { terminalSizes } from "./exec.ts";
import type { AttachStreams } from "./runtime/runtime.ts";

export async function attachToContainer(
  streams: AttachStreams | undefined,
  container: string,
  query: URLSearchParams,
  input: Readable,
  output: Writable,
): Promise<void> {
  const send = (channel: number, data: Buffer | string) => {
    if (!output.writableEnded) output.write(encodeFrame(channel, data));
  };
  const finish = (status: object) => {
    send(STATUS, JSON.stringify(status));
    output.end();
  };
  if (!streams) {
    finish({ metadata: {}, status: "Failure", message: `container ${container} is not running`, reason: "BadRequest" });
    return;
  }
  const tty = query.get("tty") === "true" || query.get("tty") === "1";
  const { stdin } = streams;
  const decoder = new FrameDecoder((channel, payload) => {
    if (channel === STDIN) stdin?.write(payload);
    else if (channel === CLOSE && payload[0] === STDIN) stdin?.end();
    else if (channel === RESIZE) for (const size of terminalSizes(payload)) streams.resize?.(size.cols, size.rows);
  });
  input.on("data", (c: Buffer) => decoder.push(c));
  let closed = false;
  output.on("close", () => {
    closed = true;
    streams.close();
  });
  streams.stdout.on("data", (d: Buffer) => send(STDOUT, d));
  streams.stderr.on("data", (d: Buffer) => send(tty ? STDOUT : STDERR, d));
  const ended = (s: Readable) => new Promise<void>((r) => (s.readableEnded ? r() : s.once("end", r).once("close", r)));
  await Promise.all([ended(streams.stdout), ended(streams.stderr)]);
  stdin?.end();
  if (!closed) finish({ metadata: {}, status: "Success" });
}
