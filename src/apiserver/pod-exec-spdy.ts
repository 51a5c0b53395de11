// `kubectl exec` from kubectl 1.29 and older: v4.channel.k8s.io over SPDY/3.1. kubectl opens one stream per
// channel (streamType error, stdin, stdout, stderr, resize); once those it asked for are there, the command runs on
// the node and its frames are sorted onto them, the final Status going to the error stream.
import type { Duplex } from "node:stream";
import { CLOSE, encodeFrame, FrameDecoder, RESIZE, STATUS, STDERR, STDIN, STDOUT } from "../client/stream-frames.ts";
import { type SpdyStream, spdyServer } from "./spdy.ts";

export function serveExecSpdy(socket: Duplex, query: URLSearchParams, upstream: Duplex): void {
  const conn = spdyServer(socket);
  const on = (k: string) => query.get(k) === "true" || query.get(k) === "1";
  const tty = on("tty");
  const expected = new Set(["error"]);
  if (on("stdin")) expected.add("stdin");
  if (on("stdout")) expected.add("stdout");
  if (on("stderr") && !tty) expected.add("stderr");
  if (tty) expected.add("resize");
  const streams = new Map<string, SpdyStream>();
  let started = false;
  const finish = () => {
    for (const s of streams.values()) s.end();
    setTimeout(() => {
      conn.end();
      socket.end();
    }, 100);
  };
  const start = () => {
    if (started) return;
    started = true;
    const decoder = new FrameDecoder((channel, payload) => {
      const target = { [STDOUT]: "stdout", [STDERR]: "stderr", [STATUS]: "error" }[channel];
      const s = target ? streams.get(target) : undefined;
      if (channel === STATUS) {
        streams.get("error")?.write(payload);
        finish();
      } else s?.write(payload);
    });
    upstream.on("data", (c: Buffer) => decoder.push(c));
    upstream.on("end", finish);
    upstream.on("error", finish);
    const stdin = streams.get("stdin");
    stdin?.on("data", (d: Buffer) => upstream.write(encodeFrame(STDIN, d)));
    stdin?.on("end", () => upstream.write(encodeFrame(CLOSE, Buffer.from([STDIN]))));
    // Terminal sizes, as JSON objects ({"Width":…,"Height":…}) one per line.
    streams.get("resize")?.on("data", (d: Buffer) => upstream.write(encodeFrame(RESIZE, d)));
  };
  conn.on("stream", (stream) => {
    stream.respond(200, {});
    stream.on("error", () => {});
    const type = stream.headers.streamtype;
    streams.set(type, stream);
    // stdin and resize are read once the command runs (paused until then, so nothing is lost).
    if (type !== "stdin" && type !== "resize") stream.resume();
    if ([...expected].every((t) => streams.has(t))) start();
  });
  conn.on("error", () => upstream.destroy());
  socket.on("close", () => upstream.destroy());
}
