// Container output from Docker into the agent's CRI log files, so `kubectl logs` (and attach, and `--previous`)
// read the same files whichever runtime ran the container. One copier per container follows its log through the
// Engine API (`/containers/{id}/logs?follow&timestamps`). Docker keeps the log itself, so a restarted agent
// resumes after the last line its file holds: nothing written while the agent was down is lost.
import { closeSync, openSync, readdirSync, readSync, renameSync, statSync, unlinkSync, writeSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import type { Readable } from "node:stream";
import type Docker from "dockerode";

/** RFC 3339 with exactly nine fractional digits (Docker trims trailing zeros), so timestamps compare as text. */
export function nanoTimestamp(ts: string): string {
  const m = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/.exec(ts);
  if (!m) return ts;
  return `${m[1]}.${(m[2] ?? "").padEnd(9, "0").slice(0, 9)}${m[3]}`;
}

/** The timestamp of the last line of a CRI log file, or undefined when it has none. */
function lastTimestamp(path: string): string | undefined {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch {
    return undefined;
  }
  try {
    const size = statSync(path).size;
    const len = Math.min(size, 64 * 1024);
    const buf = Buffer.alloc(len);
    readSync(fd, buf, 0, len, size - len);
    const lines = buf.toString("utf8").split("\n").filter(Boolean);
    const last = lines.at(-1);
    return last ? last.slice(0, last.indexOf(" ")) : undefined;
  } finally {
    closeSync(fd);
  }
}

/** A CRI log file that rotates by size, keeping `maxFiles` files in all (the kubelet's container-log-max-*). */
class CriLogFile {
  private fd: number;
  private size: number;

  constructor(
    private readonly path: string,
    private readonly maxBytes: number,
    private readonly maxFiles: number,
  ) {
    this.fd = openSync(path, "a");
    this.size = statSync(path).size;
  }

  write(ts: string, stream: string, full: boolean, text: string): void {
    const buf = Buffer.from(`${ts} ${stream} ${full ? "F" : "P"} ${text}\n`);
    writeSync(this.fd, buf);
    this.size += buf.length;
    if (this.size >= this.maxBytes) this.rotate();
  }

  private rotate(): void {
    closeSync(this.fd);
    const stamp = new Date().toISOString().replace(/[-:]/g, "").replace("T", "-").replace(/\..*/, "");
    renameSync(this.path, `${this.path}.${stamp}`);
    const base = basename(this.path);
    const rotated = readdirSync(dirname(this.path))
      .filter((f) => f.startsWith(`${base}.`))
      .sort();
    for (const f of rotated.slice(0, Math.max(0, rotated.length - (this.maxFiles - 1)))) {
      try {
        unlinkSync(join(dirname(this.path), f));
      } catch {}
    }
    this.fd = openSync(this.path, "a");
    this.size = 0;
  }

  close(): void {
    closeSync(this.fd);
  }
}

/**
 * Splits Docker's log stream into entries. Without a terminal the stream is multiplexed: 8-byte headers (stream,
 * 0, 0, 0, big-endian length) each framing one log message. With a terminal it is plain text.
 */
class LogStreamParser {
  private buf: Buffer = Buffer.alloc(0);

  constructor(
    private readonly tty: boolean,
    private readonly entry: (stream: string, message: string) => void,
  ) {}

  push(chunk: Buffer): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    if (this.tty) {
      const end = this.buf.lastIndexOf(0x0a);
      if (end < 0) return;
      for (const line of this.buf.subarray(0, end).toString("utf8").split("\n")) this.entry("stdout", `${line}\n`);
      this.buf = this.buf.subarray(end + 1);
      return;
    }
    while (this.buf.length >= 8) {
      const size = this.buf.readUInt32BE(4);
      if (this.buf.length < 8 + size) return;
      const stream = this.buf[0] === 2 ? "stderr" : "stdout";
      this.entry(stream, this.buf.subarray(8, 8 + size).toString("utf8"));
      this.buf = this.buf.subarray(8 + size);
    }
  }
}

export class DockerLogCopier {
  /** Containers being copied, by ID: resolves when Docker's log of the container has ended. */
  private readonly copies = new Map<string, Promise<void>>();

  constructor(
    private readonly docker: Docker,
    private readonly maxBytes: number,
    private readonly maxFiles: number,
  ) {}

  /** Copies the container's output into `path` from where the file ends; one copier per container. */
  copy(id: string, path: string, tty: boolean): Promise<void> {
    let done = this.copies.get(id);
    if (!done) {
      done = this.run(id, path, tty).catch(() => {});
      this.copies.set(id, done);
    }
    return done;
  }

  /** Forgets copiers of removed containers. */
  forget(id: string): void {
    this.copies.delete(id);
  }

  private async run(id: string, path: string, tty: boolean): Promise<void> {
    await mkdir(dirname(path), { recursive: true });
    const after = lastTimestamp(path);
    const since = after ? Math.floor(Date.parse(after) / 1000) : 0;
    const stream = (await this.docker.getContainer(id).logs({
      follow: true,
      stdout: true,
      stderr: true,
      timestamps: true,
      since,
    })) as unknown as Readable;
    const file = new CriLogFile(path, this.maxBytes, this.maxFiles);
    const parser = new LogStreamParser(tty, (streamName, message) => {
      const space = message.indexOf(" ");
      if (space < 0) return;
      const ts = nanoTimestamp(message.slice(0, space));
      // Lines the file already has (copied before an agent restart).
      if (after && ts <= after) return;
      const lines = message.slice(space + 1).split("\n");
      const last = lines.pop() ?? "";
      for (const line of lines) file.write(ts, streamName, true, line);
      if (last) file.write(ts, streamName, false, last);
    });
    try {
      await new Promise<void>((resolve) => {
        stream.on("data", (c: Buffer) => parser.push(c));
        stream.once("end", resolve);
        stream.once("close", resolve);
        stream.once("error", () => resolve());
      });
    } finally {
      file.close();
    }
  }
}
