// One probe attempt, as the kubelet's prober runs it (pkg/probe/{exec,http,tcp}): exec succeeds on exit 0, httpGet
// on a status from 200 to 399, tcpSocket when a connection opens; each within timeoutSeconds. The output is what
// the kubelet puts in its `Unhealthy` event ("Liveness probe failed: <output>").
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { connect } from "node:net";
import type { ExecOptions, ExecProcess } from "./runtime/runtime.ts";

export type ProbeResult = { ok: boolean; output: string };

export interface ProbeTarget {
  /** The pod's IP: the default host of httpGet and tcpSocket. */
  podIP: string;
  /** The container's ports, for named ports. */
  ports: { name?: string; containerPort: number }[];
  /** Runs a command in the container (undefined when it is not running). */
  exec(command: string[], opts?: ExecOptions): Promise<ExecProcess | undefined>;
}

function resolvePort(port: unknown, target: ProbeTarget): number | undefined {
  if (typeof port === "number") return port;
  if (typeof port === "string" && /^\d+$/.test(port)) return Number(port);
  return target.ports.find((p) => p.name === port)?.containerPort;
}

function hostPort(host: string, port: number): string {
  return host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
}

export async function execProbe(command: string[], timeoutMs: number, target: ProbeTarget): Promise<ProbeResult> {
  let proc: ExecProcess | undefined;
  try {
    proc = await target.exec(command);
  } catch (e) {
    return { ok: false, output: `exec: ${JSON.stringify(command[0])}: ${(e as Error).message}` };
  }
  if (!proc) return { ok: false, output: "container is not running" };
  const running = proc;
  return new Promise((resolve) => {
    let output = "";
    let settled = false;
    const done = (r: ProbeResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(r);
    };
    const collect = (d: Buffer) => {
      if (output.length < 10_240) output += d.toString();
    };
    running.stdout.on("data", collect);
    running.stderr.on("data", collect);
    const timer = setTimeout(() => {
      running.kill();
      done({ ok: false, output: `command ${JSON.stringify(command.join(" "))} timed out` });
    }, timeoutMs);
    running.exited.then(
      (code) => done({ ok: code === 0, output: output.trimEnd() }),
      (e: Error) => done({ ok: false, output: `exec: ${JSON.stringify(command[0])}: ${e.message}` }),
    );
  });
}

export function httpProbe(handler: any, timeoutMs: number, target: ProbeTarget): Promise<ProbeResult> {
  const port = resolvePort(handler.port, target);
  const scheme = String(handler.scheme ?? "HTTP").toLowerCase();
  const host = handler.host || target.podIP;
  let path = handler.path ?? "/";
  if (!path.startsWith("/")) path = `/${path}`;
  const url = `${scheme}://${hostPort(host, port ?? 0)}${path}`;
  if (port === undefined) return Promise.resolve({ ok: false, output: `unknown port ${JSON.stringify(handler.port)}` });
  const headers: Record<string, string> = { "User-Agent": "kube-probe/1.33", Accept: "*/*" };
  for (const h of handler.httpHeaders ?? []) headers[h.name] = h.value;
  return new Promise((resolve) => {
    const req = (scheme === "https" ? httpsRequest : httpRequest)(
      url,
      { method: "GET", headers, timeout: timeoutMs, rejectUnauthorized: false },
      (res) => {
        res.resume();
        const code = res.statusCode ?? 0;
        if (code >= 200 && code < 400) resolve({ ok: true, output: "" });
        else resolve({ ok: false, output: `HTTP probe failed with statuscode: ${code}` });
      },
    );
    req.on("timeout", () => {
      req.destroy();
      resolve({
        ok: false,
        output: `Get "${url}": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`,
      });
    });
    req.on("error", (e: NodeJS.ErrnoException) =>
      resolve({ ok: false, output: `Get "${url}": ${dialError(host, port, e)}` }),
    );
    req.end();
  });
}

function dialError(host: string, port: number, e: NodeJS.ErrnoException): string {
  if (e.code === "ECONNREFUSED") return `dial tcp ${hostPort(host, port)}: connect: connection refused`;
  return e.message;
}

export function tcpProbe(handler: any, timeoutMs: number, target: ProbeTarget): Promise<ProbeResult> {
  const port = resolvePort(handler.port, target);
  const host = handler.host || target.podIP;
  if (port === undefined) return Promise.resolve({ ok: false, output: `unknown port ${JSON.stringify(handler.port)}` });
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: timeoutMs });
    socket.on("connect", () => {
      socket.destroy();
      resolve({ ok: true, output: "" });
    });
    socket.on("timeout", () => {
      socket.destroy();
      resolve({ ok: false, output: `dial tcp ${hostPort(host, port)}: i/o timeout` });
    });
    socket.on("error", (e: NodeJS.ErrnoException) => resolve({ ok: false, output: dialError(host, port, e) }));
  });
}

/** Runs one attempt of a Probe object (v1.Probe). */
export function runProbe(probe: any, target: ProbeTarget): Promise<ProbeResult> {
  const timeoutMs = (probe.timeoutSeconds ?? 1) * 1000;
  if (probe.exec) return execProbe(probe.exec.command ?? [], timeoutMs, target);
  if (probe.httpGet) return httpProbe(probe.httpGet, timeoutMs, target);
  if (probe.tcpSocket) return tcpProbe(probe.tcpSocket, timeoutMs, target);
  return Promise.resolve({ ok: false, output: "grpc probes are not supported by the loci agent" });
}
