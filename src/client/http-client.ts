// The ApiClient over HTTP/2 for processes outside `loci server` (`loci hollow`, `loci agent`). One HTTP/2
// session multiplexes thousands of streams, so 10,000 simulated nodes each with their own pod watch share a
// handful of TCP connections. A session that closes or errors is dropped and the next call opens a new one;
// watches that were on it end (`done` resolves) and their informer re-watches.
import {
  type ClientHttp2Session,
  type ClientHttp2Stream,
  connect,
  constants,
  type IncomingHttpHeaders,
  type SecureClientSessionOptions,
} from "node:http2";
import { ApiError, type StatusDetails } from "../api/errors.ts";
import type { KubeObject } from "../api/object.ts";
import {
  queryString,
  type ResourceRef,
  resourcePath,
  type Watch,
  type WatchEvent,
  type WatchOptions,
} from "./client.ts";
import { type KubeconfigTarget, loadKubeconfig } from "./kubeconfig.ts";
import { type Query, RestClient } from "./rest-client.ts";

export type HttpTarget = KubeconfigTarget;

export interface HttpClientOptions {
  /** HTTP/2 sessions (TCP connections), default 1; requests and watches spread over them round-robin. */
  sessions?: number;
  userAgent?: string;
  /** Non-watch requests taking longer fail with a 504 Timeout ApiError; default 60 s, 0 = no limit. */
  requestTimeoutMs?: number;
  /**
   * Every session is pinged this often (default 30 s, 0 = never); one unanswered for half the interval, or
   * still connecting after a whole interval, is destroyed. Finds connections that died silently, which would
   * otherwise leave watches waiting forever.
   */
  pingIntervalMs?: number;
  /** kubeconfig context for `fromKubeconfig`; default the current one. */
  context?: string;
}

const DEFAULT_TIMEOUT_MS = 60_000;
const DEFAULT_PING_INTERVAL_MS = 30_000;

/** Reasons client-go gives a non-Status error body (NewGenericServerResponse), by HTTP code. */
const REASON_BY_CODE: Record<number, string> = {
  400: "BadRequest",
  401: "Unauthorized",
  403: "Forbidden",
  404: "NotFound",
  405: "MethodNotAllowed",
  406: "NotAcceptable",
  409: "Conflict",
  410: "Expired",
  413: "RequestEntityTooLarge",
  415: "UnsupportedMediaType",
  422: "Invalid",
  429: "TooManyRequests",
  500: "InternalError",
  503: "ServiceUnavailable",
  504: "Timeout",
};

/** The ApiError of a failed response: the Status the server sent, or the HTTP code and the text. */
export function errorFromResponse(status: number, text: string): ApiError {
  try {
    const s = JSON.parse(text) as {
      kind?: string;
      code?: number;
      reason?: string;
      message?: string;
      details?: StatusDetails;
    };
    if (s && s.kind === "Status") {
      return new ApiError(s.code || status, s.reason ?? "", s.message ?? text, s.details);
    }
  } catch {}
  const message = text.trim() || `the server responded with HTTP ${status}`;
  return new ApiError(status, REASON_BY_CODE[status] ?? "", message);
}

function unavailable(message: string): ApiError {
  return new ApiError(503, "ServiceUnavailable", message);
}

function streamFailure(err: Error): ApiError {
  return err instanceof ApiError ? err : unavailable(err.message);
}

interface Slot {
  session?: ClientHttp2Session;
}

export class HttpClient extends RestClient {
  private readonly slots: Slot[];
  private next = 0;
  private closed = false;
  private readonly watches = new Set<ClientHttp2Stream>();
  private readonly origin: string;
  /** A path prefix in the server URL (`https://host/prefix`), prepended to every request path. */
  private readonly prefix: string;
  private readonly userAgent: string;
  private readonly timeoutMs: number;
  private readonly pingIntervalMs: number;

  constructor(
    private readonly target: HttpTarget,
    opts: HttpClientOptions = {},
  ) {
    super();
    const url = new URL(target.server);
    if (url.protocol !== "https:" && url.protocol !== "http:") {
      throw new Error(`server ${target.server}: only https:// and http:// URLs are supported`);
    }
    this.origin = url.origin;
    this.prefix = url.pathname.replace(/\/+$/, "");
    this.slots = Array.from({ length: Math.max(1, opts.sessions ?? 1) }, () => ({}));
    this.userAgent = opts.userAgent ?? "loci";
    this.timeoutMs = opts.requestTimeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.pingIntervalMs = opts.pingIntervalMs ?? DEFAULT_PING_INTERVAL_MS;
  }

  static fromKubeconfig(path: string, opts: HttpClientOptions = {}): HttpClient {
    return new HttpClient(loadKubeconfig(path, opts.context), opts);
  }

  private open(slot: Slot): ClientHttp2Session {
    const t = this.target;
    const options: SecureClientSessionOptions = {
      // Thousands of open watch streams on one session need more than the 10 MB default bookkeeping allowance.
      maxSessionMemory: 256,
      settings: { initialWindowSize: 1 << 20, maxConcurrentStreams: 1 << 20 },
    };
    if (t.ca) options.ca = t.ca;
    if (t.clientCert) options.cert = t.clientCert;
    if (t.clientKey) options.key = t.clientKey;
    if (t.insecureSkipTlsVerify) options.rejectUnauthorized = false;
    if (t.tlsServerName) options.servername = t.tlsServerName;
    const session = connect(this.origin, options);
    const drop = () => {
      if (slot.session === session) slot.session = undefined;
    };
    // Errors reach the streams (and so the callers); the session is only dropped so the next call reconnects.
    session.on("error", drop);
    session.on("close", drop);
    // After GOAWAY the session takes no new streams. The server is going away, so its watches are ended now
    // (their informers re-watch on a fresh session) instead of waiting for the connection to drop.
    session.on("goaway", () => {
      drop();
      for (const w of this.watches) if (w.session === session) w.close(constants.NGHTTP2_CANCEL);
    });
    // Lets big list responses stream without waiting for WINDOW_UPDATEs on the session.
    session.on("connect", () => {
      try {
        session.setLocalWindowSize(64 << 20);
      } catch {}
    });
    if (this.pingIntervalMs > 0) this.keepAlive(session);
    slot.session = session;
    return session;
  }

  private keepAlive(session: ClientHttp2Session): void {
    // Ticks at half the interval: a ping goes out every other tick and must be answered by the next one.
    let waiting = false;
    let tick = 0;
    const timer = setInterval(() => {
      if (session.closed || session.destroyed) return clearInterval(timer);
      if (waiting) {
        session.destroy(new Error(`no PING answer within ${this.pingIntervalMs / 2} ms`));
        return;
      }
      if (session.connecting) {
        // A connection attempt into a black hole would otherwise hold its requests until the OS gives up.
        if (++tick > 2) session.destroy(new Error(`could not connect within ${this.pingIntervalMs} ms`));
        return;
      }
      if (tick++ % 2 === 0) {
        waiting = true;
        session.ping((err) => {
          waiting = false;
          if (err && !session.destroyed) session.destroy(err);
        });
      }
    }, this.pingIntervalMs / 2);
    timer.unref();
    session.on("close", () => clearInterval(timer));
  }

  /** Starts a request on the next session round-robin, reconnecting a dead one. */
  private start(method: string, path: string, query: string, body?: string, contentType?: string): ClientHttp2Stream {
    if (this.closed) throw unavailable("client is closed");
    const headers: Record<string, string> = {
      [constants.HTTP2_HEADER_METHOD]: method,
      [constants.HTTP2_HEADER_PATH]: this.prefix + path + query,
      accept: "application/json",
      "user-agent": this.userAgent,
    };
    if (this.target.token) headers.authorization = `Bearer ${this.target.token}`;
    if (body !== undefined) headers["content-type"] = contentType ?? "application/json";
    const slot = this.slots[this.next];
    this.next = (this.next + 1) % this.slots.length;
    let stream: ClientHttp2Stream;
    try {
      stream = this.sessionOf(slot).request(headers, { endStream: body === undefined });
    } catch {
      // A session that cannot take streams any more (closing, out of stream ids): replace it once.
      const old = slot.session;
      slot.session = undefined;
      old?.close();
      try {
        stream = this.sessionOf(slot).request(headers, { endStream: body === undefined });
      } catch (e) {
        throw unavailable((e as Error).message);
      }
    }
    if (body !== undefined) stream.end(body);
    return stream;
  }

  /**
   * Opens a long-lived duplex stream: a POST whose request body stays open and whose response body answers it
   * (a node agent's tunnel). Resolves once the server accepts it with 200.
   */
  openStream(path: string, contentType: string): Promise<ClientHttp2Stream> {
    return new Promise((resolve, reject) => {
      const headers: Record<string, string> = {
        [constants.HTTP2_HEADER_METHOD]: "POST",
        [constants.HTTP2_HEADER_PATH]: this.prefix + path,
        "content-type": contentType,
        "user-agent": this.userAgent,
      };
      if (this.target.token) headers.authorization = `Bearer ${this.target.token}`;
      let stream: ClientHttp2Stream;
      try {
        stream = this.sessionOf(this.slots[0]).request(headers, { endStream: false });
      } catch (e) {
        reject(streamFailure(e as Error));
        return;
      }
      stream.once("error", (e: Error) => reject(streamFailure(e)));
      stream.once("response", (h: IncomingHttpHeaders) => {
        const status = Number(h[constants.HTTP2_HEADER_STATUS]);
        if (status === 200) return resolve(stream);
        const chunks: Buffer[] = [];
        stream.on("data", (c: Buffer) => chunks.push(c));
        stream.on("end", () => reject(errorFromResponse(status, Buffer.concat(chunks).toString("utf8"))));
      });
    });
  }

  private sessionOf(slot: Slot): ClientHttp2Session {
    const s = slot.session;
    if (s && !s.closed && !s.destroyed) return s;
    return this.open(slot);
  }

  /** One request/response exchange; 2xx bodies are parsed JSON, anything else throws an ApiError. */
  protected call(method: string, path: string, q: Query, body?: unknown, contentType?: string): Promise<any> {
    const query = queryString(q);
    return new Promise((resolve, reject) => {
      let stream: ClientHttp2Stream;
      try {
        stream = this.start(method, path, query, body === undefined ? undefined : JSON.stringify(body), contentType);
      } catch (e) {
        reject(streamFailure(e as Error));
        return;
      }
      let status = 0;
      const chunks: Buffer[] = [];
      let settled = false;
      const finish = (err: ApiError | undefined, value?: unknown) => {
        if (settled) return;
        settled = true;
        if (err) reject(err);
        else resolve(value);
      };
      if (this.timeoutMs > 0) {
        stream.setTimeout(this.timeoutMs, () => {
          finish(new ApiError(504, "Timeout", `${method} ${path}: no response within ${this.timeoutMs} ms`));
          stream.close(constants.NGHTTP2_CANCEL);
        });
      }
      stream.on("response", (h: IncomingHttpHeaders) => {
        status = Number(h[constants.HTTP2_HEADER_STATUS]);
      });
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        if (status < 200 || status >= 300) return finish(errorFromResponse(status, text));
        try {
          finish(undefined, text ? JSON.parse(text) : {});
        } catch (e) {
          finish(
            new ApiError(500, "InternalError", `${method} ${path}: invalid JSON response: ${(e as Error).message}`),
          );
        }
      });
      stream.on("error", (e: Error) => finish(streamFailure(e)));
      // A stream reset without an error (e.g. the session went away before answering).
      stream.on("close", () => finish(unavailable(`${method} ${path}: connection closed before the response ended`)));
    });
  }

  watch<T extends KubeObject>(
    res: ResourceRef,
    namespace: string,
    opts: WatchOptions,
    onEvent: (ev: WatchEvent<T>) => void,
  ): Promise<Watch> {
    const query = queryString(this.watchQuery(opts));
    return new Promise((resolve, reject) => {
      let stream: ClientHttp2Stream;
      try {
        stream = this.start("GET", resourcePath(res, namespace), query);
      } catch (e) {
        reject(streamFailure(e as Error));
        return;
      }
      this.watches.add(stream);
      let status = 0;
      let setupError: ApiError | undefined;
      let errorBody = "";
      let pending = "";
      let resolveDone!: () => void;
      const done = new Promise<void>((r) => {
        resolveDone = r;
      });
      const stop = () => {
        if (!stream.closed && !stream.destroyed) stream.close(constants.NGHTTP2_CANCEL);
      };
      const deliver = (line: string) => {
        let ev: WatchEvent<T>;
        try {
          ev = JSON.parse(line) as WatchEvent<T>;
        } catch (e) {
          process.emitWarning(`watch ${resourcePath(res, namespace)}: invalid event: ${(e as Error).message}`);
          stop();
          return false;
        }
        try {
          onEvent(ev);
        } catch (e) {
          // A throwing handler must not crash the process from inside a socket callback: end the watch so
          // the informer re-lists, and make the bug visible.
          process.emitWarning(`watch ${resourcePath(res, namespace)}: event handler threw: ${(e as Error).stack}`);
          stop();
          return false;
        }
        return true;
      };
      stream.setEncoding("utf8");
      stream.on("response", (h: IncomingHttpHeaders) => {
        status = Number(h[constants.HTTP2_HEADER_STATUS]);
        if (status === 200) resolve({ stop, done });
      });
      stream.on("data", (chunk: string) => {
        if (status !== 200) {
          errorBody += chunk;
          return;
        }
        pending += chunk;
        let nl = pending.indexOf("\n");
        while (nl >= 0) {
          const line = pending.slice(0, nl);
          pending = pending.slice(nl + 1);
          if (line.trim() && !deliver(line)) return;
          nl = pending.indexOf("\n");
        }
      });
      stream.on("end", () => {
        if (status !== 200) setupError = errorFromResponse(status, errorBody);
      });
      stream.on("error", (e: Error) => {
        setupError ??= streamFailure(e);
      });
      stream.on("close", () => {
        this.watches.delete(stream);
        if (status === 200) {
          resolveDone();
          return;
        }
        reject(setupError ?? unavailable(`watch ${resourcePath(res, namespace)}: stream closed before a response`));
      });
    });
  }

  /** Stops every watch and closes every session; later calls fail with 503. */
  async close(): Promise<void> {
    this.closed = true;
    for (const w of this.watches) w.close(constants.NGHTTP2_CANCEL);
    this.watches.clear();
    const sessions = this.slots.map((s) => s.session).filter((s): s is ClientHttp2Session => !!s);
    for (const slot of this.slots) slot.session = undefined;
    await Promise.all(
      sessions.map(
        (s) =>
          new Promise<void>((resolve) => {
            if (s.closed || s.destroyed) return resolve();
            // Requests still in flight get a second to finish before the connection is cut.
            const timer = setTimeout(() => s.destroy(), 1000);
            timer.unref();
            s.close(() => {
              clearTimeout(timer);
              resolve();
            });
          }),
      ),
    );
  }
}
