// `kubectl attach`: the running container's output from now on (read from its log as it grows, stdout and stderr
// on their own channels) and, for a container started with `stdin: true`, what kubectl sends written to its
// stdin. Ends, with a Success status, when that run of the container ends or kubectl leaves.
import { open, stat } from "node:fs/promises";
import type { Readable, Writable } from "node:stream";
import { CLOSE, encodeFrame, FrameDecoder, STATUS, STDERR, STDIN, STDOUT } from "../client/stream-frames.ts";
import { parseCriLine } from "./container-logs.ts";

export interface AttachTarget {
  logPath: string;
  /** The run's stdin, when it was started with one. */
  openStdin(): Promise<Writable | undefined>;
  /** True once this run of the container has ended. */
  ended(): Promise<boolean>;
}

export async function attachToContainer(
  target: AttachTarget | undefined,
  container: string,
  query: URLSearchParams,
  input: Readable,
  output: Writable,
): Promise<void> {
  let closed = false;
  output.on("close", () => {
    closed = true;
  });
  const send = (channel: number, data: Buffer | string) => {
    if (!output.writableEnded) output.write(encodeFrame(channel, data));
  };
  const finish = (status: object) => {
    send(STATUS, JSON.stringify(status));
    output.end();
  };
  if (!target) {
    finish({ metadata: {}, status: "Failure", message: `container ${container} is not running`, reason: "BadRequest" });
    return;
  }
  let stdin: Writable | undefined;
  if (query.get("stdin") === "true" || query.get("stdin") === "1") stdin = await target.openStdin();
  const decoder = new FrameDecoder((channel, payload) => {
    if (channel === STDIN) stdin?.write(payload);
    else if (channel === CLOSE && payload[0] === STDIN) stdin?.end();
  });
  input.on("data", (c: Buffer) => decoder.push(c));
  let offset = await stat(target.logPath).then(
    (s) => s.size,
    () => 0,
  );
  let pending = "";
  const follow = async () => {
    const size = await stat(target.logPath).then(
      (s) => s.size,
      () => offset,
    );
    if (size < offset) offset = 0;
    if (size === offset) return;
    const fh = await open(target.logPath, "r");
    try {
      const buf = Buffer.alloc(size - offset);
      await fh.read(buf, 0, buf.length, offset);
      offset = size;
      const lines = (pending + buf.toString("utf8")).split("\n");
      pending = lines.pop() ?? "";
      for (const line of lines) {
        const e = parseCriLine(line);
        if (e) send(e.stream === "stderr" ? STDERR : STDOUT, `${e.text}${e.full ? "\n" : ""}`);
      }
    } finally {
      await fh.close();
    }
  };
  while (!closed) {
    const done = await target.ended();
    await follow();
    if (done) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  stdin?.end();
  if (!closed) finish({ metadata: {}, status: "Success" });
}
