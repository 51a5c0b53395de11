// A pooled HTTP/2 client for the benchmarks: verifies the server against its CA, sends the bearer token, and
// spreads requests over a few sessions round-robin (one session already multiplexes thousands of streams).
import { type ClientHttp2Session, type ClientHttp2Stream, connect, constants } from "node:http2";

const { HTTP2_HEADER_METHOD, HTTP2_HEADER_PATH, HTTP2_HEADER_STATUS, HTTP2_HEADER_AUTHORIZATION } = constants;

export interface Http2Target {
  url: string;
  ca: string;
  token: string;
}

export interface Http2Response {
  status: number;
  body: Buffer;
  text(): string;
  json(): any;
}

export interface RequestOptions {
  body?: unknown;
  contentType?: string;
  headers?: Record<string, string>;
}

/** A long-lived response stream (a watch) split into lines; `ready` resolves with the status once headers arrive. */
export interface LineStream {
  ready: Promise<number>;
  ended: Promise<void>;
  close(): void;
}

export class Http2Pool {
  private readonly sessions: ClientHttp2Session[] = [];
  private next = 0;

  constructor(
    readonly target: Http2Target,
    size = 1,
  ) {
    for (let i = 0; i < size; i++) this.sessions.push(this.open());
  }

  private open(): ClientHttp2Session {
    const session = connect(this.target.url, {
      ca: this.target.ca,
      // Thousands of open watch streams on one session need more than the 10 MB default bookkeeping allowance.
      maxSessionMemory: 256,
      settings: { initialWindowSize: 1 << 20, maxConcurrentStreams: 1 << 20 },
    });
    session.on("error", (e) => process.stderr.write(`bench: http2 session error: ${e.message}\n`));
    // Lets big list responses stream without waiting for WINDOW_UPDATEs on the session.
    session.on("connect", () => session.setLocalWindowSize(64 << 20));
    return session;
  }

  private session(): ClientHttp2Session {
    const s = this.sessions[this.next];
    this.next = (this.next + 1) % this.sessions.length;
    return s;
  }

  private start(method: string, path: string, opts: RequestOptions): ClientHttp2Stream {
    const body =
      opts.body === undefined ? undefined : typeof opts.body === "string" ? opts.body : JSON.stringify(opts.body);
    const headers: Record<string, string> = {
      [HTTP2_HEADER_METHOD]: method,
      [HTTP2_HEADER_PATH]: path,
      [HTTP2_HEADER_AUTHORIZATION]: `Bearer ${this.target.token}`,
      ...opts.headers,
    };
    if (body !== undefined) headers["content-type"] = opts.contentType ?? "application/json";
    const stream = this.session().request(headers, { endStream: body === undefined });
    if (body !== undefined) stream.end(body);
    return stream;
  }

  request(method: string, path: string, opts: RequestOptions = {}): Promise<Http2Response> {
    return new Promise((resolve, reject) => {
      const stream = this.start(method, path, opts);
      const chunks: Buffer[] = [];
      let status = 0;
      stream.on("response", (h) => {
        status = Number(h[HTTP2_HEADER_STATUS]);
      });
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        const body = Buffer.concat(chunks);
        resolve({ status, body, text: () => body.toString("utf8"), json: () => JSON.parse(body.toString("utf8")) });
      });
      stream.on("error", reject);
    });
  }

  /** Like `request`, but rejects unless the status is `expected` (2xx by default). */
  async must(method: string, path: string, opts: RequestOptions = {}, expected?: number): Promise<Http2Response> {
    const res = await this.request(method, path, opts);
    const ok = expected === undefined ? res.status >= 200 && res.status < 300 : res.status === expected;
    if (!ok) throw new Error(`${method} ${path}: HTTP ${res.status}: ${res.text().slice(0, 300)}`);
    return res;
  }

  /** Opens a streaming GET and calls `onLine` for every complete line, with the arrival time of its chunk. */
  lines(path: string, onLine: (line: string, arrivedAt: number) => void, headers?: Record<string, string>): LineStream {
    const stream = this.start("GET", path, { headers });
    const ready = new Promise<number>((resolve, reject) => {
      stream.on("response", (h) => resolve(Number(h[HTTP2_HEADER_STATUS])));
      stream.on("error", reject);
    });
    const ended = new Promise<void>((resolve) => stream.on("close", () => resolve()));
    let buf = "";
    stream.setEncoding("utf8");
    stream.on("data", (d: string) => {
      const arrivedAt = performance.now();
      buf += d;
      let i = buf.indexOf("\n");
      while (i >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        if (line.trim()) onLine(line, arrivedAt);
        i = buf.indexOf("\n");
      }
    });
    return { ready, ended, close: () => stream.close() };
  }

  close(): Promise<void> {
    return Promise.all(
      this.sessions.map(
        (s) =>
          new Promise<void>((resolve) => {
            if (s.closed || s.destroyed) return resolve();
            s.close(() => resolve());
            // Open streams (watches) would keep close() waiting; the bench is done with them.
            setTimeout(() => {
              s.destroy();
              resolve();
            }, 1000).unref();
          }),
      ),
    ).then(() => undefined);
  }
}
