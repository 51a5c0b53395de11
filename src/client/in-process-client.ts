// The client the controllers inside `loci server` use: every call goes through the API server's own request
// handling (decoding, admission, validation, watch semantics) exactly as an HTTP request would, minus TLS and
// sockets. Objects cross as JSON, so callers never share (and never mutate) the server's cached objects.
import { EventEmitter } from "node:events";
import type { ServerResponse } from "node:http";
import { ApiError } from "../api/errors.ts";
import type { KubeObject } from "../api/object.ts";
import { type ResourceRef, resourcePath, type Watch, type WatchEvent, type WatchOptions } from "./client.ts";
import { type Query, RestClient } from "./rest-client.ts";

/** What the in-process client needs from the server (ApiServer implements it). */
export interface LocalDispatcher {
  handle(
    req: {
      method: string;
      path: string;
      query: Record<string, string | undefined>;
      headers: Record<string, string | string[] | undefined>;
      body?: Buffer;
    },
    raw: ServerResponse,
  ): Promise<{ code: number; body?: unknown; json?: string; streamed?: boolean }>;
}

/** Collects a watch stream's lines as the server writes them, the way a socket would carry them. */
class WatchResponse extends EventEmitter {
  statusCode = 200;
  destroyed = false;
  writableEnded = false;
  writableLength = 0;
  private pending = "";
  private errorBody = "";
  readonly ended: Promise<void>;
  private resolveEnded!: () => void;

  constructor(private readonly onLine: (line: string) => void) {
    super();
    this.ended = new Promise((r) => {
      this.resolveEnded = r;
    });
  }

  writeHead(code: number): this {
    this.statusCode = code;
    return this;
  }

  flushHeaders(): void {}

  write(chunk: string): boolean {
    if (this.destroyed || this.writableEnded) return false;
    if (this.statusCode !== 200) {
      this.errorBody += chunk;
      return true;
    }
    this.pending += chunk;
    let nl = this.pending.indexOf("\n");
    while (nl >= 0) {
      const line = this.pending.slice(0, nl);
      this.pending = this.pending.slice(nl + 1);
      if (line) this.onLine(line);
      nl = this.pending.indexOf("\n");
    }
    return true;
  }

  end(chunk?: string): this {
    if (chunk) this.write(chunk);
    if (this.writableEnded) return this;
    this.writableEnded = true;
    this.emit("close");
    this.resolveEnded();
    return this;
  }

  /** The Status of a watch refused before streaming (e.g. a bad selector). */
  failure(): ApiError | undefined {
    if (this.statusCode === 200) return undefined;
    return statusError(this.statusCode, this.errorBody);
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.end();
  }
}

function statusError(code: number, text: string): ApiError {
  try {
    const s = JSON.parse(text);
    return new ApiError(s.code ?? code, s.reason ?? "", s.message ?? text, s.details);
  } catch {
    return new ApiError(code, "", text);
  }
}

export class InProcessClient extends RestClient {
  private closed = false;
  private readonly watches = new Set<WatchResponse>();

  constructor(
    private readonly server: LocalDispatcher,
    /** Sent as the request's user agent (shows which controller acted, in logs and metrics). */
    private readonly userAgent = "loci-controller-manager",
  ) {
    super();
  }

  protected async call(
    method: string,
    path: string,
    query: Query,
    body?: unknown,
    contentType = "application/json",
  ): Promise<any> {
    if (this.closed) throw new ApiError(503, "ServiceUnavailable", "client is closed");
    const headers: Record<string, string> = { accept: "application/json", "user-agent": this.userAgent };
    let buf: Buffer | undefined;
    if (body !== undefined) {
      buf = Buffer.from(JSON.stringify(body));
      headers["content-type"] = contentType;
    }
    for (const k of Object.keys(query)) if (query[k] === undefined) delete query[k];
    const res = await this.server.handle(
      { method, path, query, headers, body: buf },
      undefined as unknown as ServerResponse,
    );
    return res.json !== undefined ? JSON.parse(res.json) : structuredClone(res.body);
  }

  async watch<T extends KubeObject>(
    res: ResourceRef,
    namespace: string,
    opts: WatchOptions,
    onEvent: (ev: WatchEvent<T>) => void,
  ): Promise<Watch> {
    if (this.closed) throw new ApiError(503, "ServiceUnavailable", "client is closed");
    const raw = new WatchResponse((line) => onEvent(JSON.parse(line) as WatchEvent<T>));
    const query = this.watchQuery(opts);
    for (const k of Object.keys(query)) if (query[k] === undefined) delete query[k];
    await this.server.handle(
      { method: "GET", path: resourcePath(res, namespace), query, headers: { accept: "application/json" } },
      raw as unknown as ServerResponse,
    );
    const failure = raw.failure();
    if (failure) throw failure;
    this.watches.add(raw);
    const done = raw.ended.then(() => {
      this.watches.delete(raw);
    });
    return { stop: () => raw.destroy(), done };
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const w of this.watches) w.destroy();
    this.watches.clear();
  }
}
