// Container logs as the kubelet serves them (`GET /containerLogs/<ns>/<pod>/<container>`): which run's log is
// read follows the container's status (kubelet's validateContainerLogStatus), and the CRI-format file is turned
// back into the container's output with PodLogOptions applied: timestamps, tailLines, sinceSeconds/sinceTime,
// limitBytes, follow (until that run of the container ends), previous.
import { open, stat } from "node:fs/promises";

export class LogRequestError extends Error {}

export interface LogOptions {
  follow: boolean;
  previous: boolean;
  timestamps: boolean;
  tailLines?: number;
  /** Entries older than this (ms since epoch) are skipped. */
  sinceMs?: number;
  limitBytes?: number;
}

function intParam(q: URLSearchParams, name: string): number | undefined {
  const v = q.get(name);
  if (v === null || v === "") return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new LogRequestError(`invalid ${name}: ${JSON.stringify(v)}`);
  return n;
}

export function parseLogOptions(q: URLSearchParams, nowMs: number): LogOptions {
  const bool = (name: string) => q.get(name) === "true" || q.get(name) === "1";
  const opts: LogOptions = { follow: bool("follow"), previous: bool("previous"), timestamps: bool("timestamps") };
  opts.tailLines = intParam(q, "tailLines");
  opts.limitBytes = intParam(q, "limitBytes");
  const sinceSeconds = intParam(q, "sinceSeconds");
  if (sinceSeconds !== undefined) opts.sinceMs = nowMs - sinceSeconds * 1000;
  const sinceTime = q.get("sinceTime");
  if (sinceTime) {
    const t = Date.parse(sinceTime);
    if (Number.isNaN(t)) throw new LogRequestError(`invalid sinceTime: ${JSON.stringify(sinceTime)}`);
    opts.sinceMs = t;
  }
  return opts;
}

/**
 * The container ID whose log a request reads, from the container's status as posted (kubelet's rules), or a
 * LogRequestError with the kubelet's message.
 */
export function logContainerID(status: any, pod: string, container: string, previous: boolean): string {
  const q = JSON.stringify;
  if (!status) throw new LogRequestError(`container ${q(container)} in pod ${q(pod)} is not available`);
  const last = status.lastState?.terminated;
  const { waiting, running, terminated } = status.state ?? {};
  if (previous) {
    if (!last?.containerID)
      throw new LogRequestError(`previous terminated container ${q(container)} in pod ${q(pod)} not found`);
    return last.containerID;
  }
  if (running?.containerID || (running && status.containerID)) return running.containerID ?? status.containerID;
  if (terminated) return terminated.containerID || last?.containerID || status.containerID;
  if (last?.containerID) return last.containerID;
  const reason = waiting?.reason ?? "ContainerCreating";
  const why =
    reason === "ErrImagePull"
      ? "image can't be pulled"
      : reason === "ImagePullBackOff"
        ? "trying and failing to pull image"
        : reason;
  throw new LogRequestError(`container ${q(container)} in pod ${q(pod)} is waiting to start: ${why}`);
}

/** One CRI log entry, parsed; undefined for a malformed line. */
export function parseCriLine(
  line: string,
): { ts: string; ms: number; stream: string; full: boolean; text: string } | undefined {
  const m = /^(\S+) (stdout|stderr) ([FP]) ?(.*)$/s.exec(line);
  if (!m) return undefined;
  return { ts: m[1], ms: Date.parse(m[1]), stream: m[2], full: m[3] === "F", text: m[4] };
}

/** Turns log file lines into output, applying timestamps and since. */
export function renderEntries(lines: string[], opts: LogOptions): string[] {
  const out: string[] = [];
  for (const line of lines) {
    const e = parseCriLine(line);
    if (!e) continue;
    if (opts.sinceMs !== undefined && e.ms < opts.sinceMs) continue;
    out.push(`${opts.timestamps ? `${e.ts} ` : ""}${e.text}${e.full ? "\n" : ""}`);
  }
  return out;
}

/** The last `n` complete lines of output (a line may span several partial entries). */
export function tail(entries: string[], n: number): string[] {
  if (n === 0) return [];
  let lines = 0;
  let i = entries.length;
  while (i > 0) {
    if (entries[i - 1].endsWith("\n")) {
      if (lines === n) break;
      lines++;
    }
    i--;
  }
  return entries.slice(i);
}

export interface LogSink {
  write(chunk: string): void;
  /** True once the reader went away. */
  closed(): boolean;
}

/**
 * Writes a log file's output to `sink`; with `follow`, keeps reading what is appended until `ended()` says the
 * container's run is over and everything has been read, or the reader leaves.
 */
export async function streamLogFile(
  path: string,
  opts: LogOptions,
  sink: LogSink,
  ended: () => Promise<boolean>,
): Promise<void> {
  let budget = opts.limitBytes ?? Number.POSITIVE_INFINITY;
  const emit = (entries: string[]) => {
    for (const e of entries) {
      if (budget <= 0 || sink.closed()) return;
      const piece = Buffer.byteLength(e) > budget ? Buffer.from(e).subarray(0, budget).toString() : e;
      sink.write(piece);
      budget -= Buffer.byteLength(piece);
    }
  };
  let offset = 0;
  let pending = "";
  const readMore = async (): Promise<string[]> => {
    let size: number;
    try {
      size = (await stat(path)).size;
    } catch {
      return [];
    }
    if (size < offset) {
      // Rotated: the live file starts over.
      offset = 0;
      pending = "";
    }
    if (size === offset) return [];
    const fh = await open(path, "r");
    try {
      const buf = Buffer.alloc(size - offset);
      await fh.read(buf, 0, buf.length, offset);
      offset = size;
      const text = pending + buf.toString("utf8");
      const cut = text.lastIndexOf("\n");
      pending = text.slice(cut + 1);
      return cut < 0 ? [] : text.slice(0, cut).split("\n");
    } finally {
      await fh.close();
    }
  };
  let entries = renderEntries(await readMore(), opts);
  if (opts.tailLines !== undefined) entries = tail(entries, opts.tailLines);
  emit(entries);
  if (!opts.follow) return;
  while (!sink.closed() && budget > 0) {
    const done = await ended();
    emit(renderEntries(await readMore(), opts));
    if (done) return;
    await new Promise((r) => setTimeout(r, 200));
  }
}
