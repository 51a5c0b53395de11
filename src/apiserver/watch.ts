// One watch stream: newline-delimited JSON events over a chunked (HTTP/1.1) or streamed (HTTP/2) response.
// Initial state, bookmarks, the initial-events-end marker of watch-list, and the timeout live here.
import type { ServerResponse } from "node:http";
import type { Http2ServerResponse } from "node:http2";
import type { KubeObject } from "../api/object.ts";
import type { ResourceInfo } from "../api/resources.ts";
import { groupVersion } from "../api/resources.ts";
import { type IncludeObject, table } from "./output.ts";
import type { CachedObject, EventType, WatchCache, Watcher, WatchFilter } from "./watch-cache.ts";

/** A slow client that lets this much pile up is cut off (it re-watches from its last resourceVersion). */
const MAX_BUFFERED_BYTES = 32 * 1024 * 1024;

export interface WatchOptions {
  sendInitialEvents: boolean;
  allowBookmarks: boolean;
  timeoutMs: number;
  bookmarkIntervalMs: number;
  currentRevision: () => number;
  table?: { version: string; include: IncludeObject };
  onClose?: () => void;
}

export function serveWatch(
  res: ServerResponse | Http2ServerResponse,
  info: ResourceInfo,
  cache: WatchCache,
  filter: WatchFilter,
  initial: Array<{ type: EventType; obj: CachedObject }>,
  opts: WatchOptions,
): void {
  let closed = false;
  const write = (line: string) => {
    if (closed) return;
    if ((res as ServerResponse).destroyed || (res as ServerResponse).writableEnded) {
      close();
      return;
    }
    (res as ServerResponse).write(line);
    if ((res as ServerResponse).writableLength > MAX_BUFFERED_BYTES) close();
  };
  const line = (type: EventType | "BOOKMARK", o: CachedObject | KubeObject): string => {
    if (opts.table) {
      const obj = "json" in o ? (o as CachedObject).obj : (o as KubeObject);
      if (type === "BOOKMARK") return `${JSON.stringify({ type, object: obj })}\n`;
      const t = table(
        info,
        [obj],
        { resourceVersion: obj.metadata.resourceVersion },
        {
          include: opts.table.include,
          version: opts.table.version,
          now: new Date(),
        },
      );
      return `${JSON.stringify({ type, object: t })}\n`;
    }
    if ("json" in o) return `{"type":"${type}","object":${(o as CachedObject).json}}\n`;
    return `${JSON.stringify({ type, object: o })}\n`;
  };
  const bookmark = (annotations?: Record<string, string>) => {
    const metadata: Record<string, unknown> = { resourceVersion: String(opts.currentRevision()) };
    if (annotations) metadata.annotations = annotations;
    write(line("BOOKMARK", { kind: info.kind, apiVersion: groupVersion(info), metadata } as KubeObject));
  };

  let watcher: Watcher | undefined;
  const timers: NodeJS.Timeout[] = [];
  const close = () => {
    if (closed) return;
    closed = true;
    if (watcher) cache.removeWatcher(watcher);
    for (const t of timers) clearTimeout(t);
    opts.onClose?.();
    try {
      res.end();
    } catch {}
  };

  res.writeHead(200, { "content-type": "application/json", "cache-control": "no-cache, private" });
  // Send the status line now, as upstream flushes before the first event: clients wait for it (HTTP/1.1 would
  // otherwise hold the headers until the first body bytes).
  (res as ServerResponse).flushHeaders?.();
  for (const e of initial) write(line(e.type, e.obj));
  watcher = cache.addWatcher(filter, { send: (type, o) => write(line(type, o)) });
  if (opts.sendInitialEvents) bookmark({ "k8s.io/initial-events-end": "true" });
  if (opts.allowBookmarks) {
    const t = setInterval(() => bookmark(), opts.bookmarkIntervalMs);
    t.unref();
    timers.push(t);
  }
  const timeout = setTimeout(close, opts.timeoutMs);
  timeout.unref();
  timers.push(timeout);
  res.on("close", close);
  res.on("error", close);
}
