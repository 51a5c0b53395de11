// `kubectl attach` for the process runtime: a running container's output from now on, read from its CRI log file
// as the supervisor appends to it (stdout and stderr on their own streams), until the run ends.
import { open, stat } from "node:fs/promises";
import { PassThrough } from "node:stream";
import { parseCriLine } from "../../container-logs.ts";

const sizeOf = (path: string, otherwise: number) =>
  stat(path).then(
    (s) => s.size,
    () => otherwise,
  );

export async function followLog(
  logPath: string,
  ended: () => Promise<boolean>,
): Promise<{ stdout: PassThrough; stderr: PassThrough; close(): void }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let closed = false;
  let offset = await sizeOf(logPath, 0);
  let pending = "";
  const follow = async () => {
    const size = await sizeOf(logPath, offset);
    if (size < offset) offset = 0;
    if (size === offset) return;
    const fh = await open(logPath, "r");
    try {
      const buf = Buffer.alloc(size - offset);
      await fh.read(buf, 0, buf.length, offset);
      offset = size;
      const lines = (pending + buf.toString("utf8")).split("\n");
      pending = lines.pop() ?? "";
      for (const line of lines) {
        const e = parseCriLine(line);
        if (e) (e.stream === "stderr" ? stderr : stdout).write(`${e.text}${e.full ? "\n" : ""}`);
      }
    } finally {
      await fh.close();
    }
  };
  void (async () => {
    try {
      while (!closed) {
        const done = await ended();
        await follow();
        if (done) break;
        await new Promise((r) => setTimeout(r, 100));
      }
    } finally {
      stdout.end();
      stderr.end();
    }
  })();
  return {
    stdout,
    stderr,
    close() {
      closed = true;
    },
  };
}
