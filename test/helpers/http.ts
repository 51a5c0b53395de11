// Raw HTTPS requests to a test server (HTTP/1.1), for tests that check the wire format itself.
import { request as httpsRequest } from "node:https";
import type { RunningServer } from "./server.ts";

export interface HttpResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  json: () => any;
}

export function request(
  server: Pick<RunningServer, "url" | "token" | "ca">,
  method: string,
  path: string,
  opts: { body?: unknown; contentType?: string; headers?: Record<string, string>; token?: string | null } = {},
): Promise<HttpResult> {
  const url = new URL(path, server.url);
  const body =
    opts.body === undefined ? undefined : typeof opts.body === "string" ? opts.body : JSON.stringify(opts.body);
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.token !== null) headers.authorization = `Bearer ${opts.token ?? server.token}`;
  if (body !== undefined) {
    headers["content-type"] = opts.contentType ?? "application/json";
    headers["content-length"] = String(Buffer.byteLength(body));
  }
  return new Promise((resolve, reject) => {
    const req = httpsRequest(url, { method, headers, ca: server.ca }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (d) => {
        text += d;
      });
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text, json: () => JSON.parse(text) }),
      );
    });
    req.on("error", reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

/** Opens a watch and collects its events until `stop()`. */
export function openWatch(
  server: Pick<RunningServer, "url" | "token" | "ca">,
  path: string,
): { events: any[]; status: Promise<number>; stop: () => void; ended: Promise<void> } {
  const events: any[] = [];
  let resolveStatus!: (n: number) => void;
  let resolveEnded!: () => void;
  const status = new Promise<number>((r) => {
    resolveStatus = r;
  });
  const ended = new Promise<void>((r) => {
    resolveEnded = r;
  });
  const req = httpsRequest(
    new URL(path, server.url),
    { headers: { authorization: `Bearer ${server.token}` }, ca: server.ca },
    (res) => {
      resolveStatus(res.statusCode ?? 0);
      let buf = "";
      res.setEncoding("utf8");
      res.on("data", (d) => {
        buf += d;
        let i = buf.indexOf("\n");
        while (i >= 0) {
          const line = buf.slice(0, i).trim();
          buf = buf.slice(i + 1);
          if (line) events.push(JSON.parse(line));
          i = buf.indexOf("\n");
        }
      });
      res.on("end", () => resolveEnded());
      res.on("close", () => resolveEnded());
    },
  );
  req.on("error", () => resolveEnded());
  req.end();
  return { events, status, stop: () => req.destroy(), ended };
}

export async function until<T>(fn: () => T | undefined | false, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 20));
  }
}
