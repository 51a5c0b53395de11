// The agent's side of its tunnel to the API server: an HTTP/2 server (no TLS: the tunnel already runs inside
// the agent's TLS connection) answering the kubelet-style requests the API server forwards. It keeps the tunnel
// open, reconnecting with back-off (1 s doubling to 30 s) when it drops.
import { createServer, type Http2ServerRequest, type Http2ServerResponse } from "node:http2";
import { connect } from "node:net";
import type { Duplex } from "node:stream";
import type { KubeObject } from "../api/object.ts";
import { attachToContainer } from "./attach.ts";
import { LogRequestError, logContainerID, parseLogOptions, streamLogFile } from "./container-logs.ts";
import { execInContainer } from "./exec.ts";
import type { ProbeTarget } from "./probe.ts";
import type { ContainerRecord, ContainerRuntime } from "./runtime/runtime.ts";

export interface NodeServerDeps {
  nodeName: string;
  runtime: ContainerRuntime;
  /** The pod as the agent last saw it. */
  findPod(namespace: string, name: string): KubeObject | undefined;
  /** How to run a command in a running container (environment, namespaces), or undefined. */
  execTarget(namespace: string, name: string, container: string): Promise<ProbeTarget | undefined>;
  openTunnel(path: string): Promise<Duplex>;
  log(line: string): void;
}

export class NodeServer {
  private readonly server = createServer((req, res) => {
    this.handle(req, res).catch((e) => {
      if (!res.headersSent) {
        res.writeHead(500, { "content-type": "text/plain" });
        res.end((e as Error).message);
      } else res.end();
    });
  });
  private stopped = false;
  private tunnel?: Duplex;
  private retryTimer?: NodeJS.Timeout;
  private delayMs = 1000;

  constructor(private readonly deps: NodeServerDeps) {}

  start(): void {
    void this.connect();
  }

  stop(): void {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.tunnel?.destroy();
    this.server.close();
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    try {
      const tunnel = await this.deps.openTunnel(`/loci/v1/nodes/${encodeURIComponent(this.deps.nodeName)}/tunnel`);
      if (this.stopped) {
        tunnel.destroy();
        return;
      }
      this.tunnel = tunnel;
      this.delayMs = 1000;
      tunnel.on("error", () => {});
      tunnel.on("close", () => this.retry());
      this.server.emit("connection", tunnel);
    } catch (e) {
      this.deps.log(`tunnel: ${(e as Error).message}`);
      this.retry();
    }
  }

  private retry(): void {
    if (this.stopped || this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void this.connect();
    }, this.delayMs);
    this.delayMs = Math.min(this.delayMs * 2, 30_000);
  }

  private async handle(req: Http2ServerRequest, res: Http2ServerResponse): Promise<void> {
    const url = new URL(req.url, "http://node");
    const parts = url.pathname.split("/").filter(Boolean).map(decodeURIComponent);
    if (req.method === "GET" && parts[0] === "containerLogs" && parts.length === 4) {
      return this.containerLogs(parts[1], parts[2], parts[3], url.searchParams, res);
    }
    if (req.method === "POST" && parts[0] === "exec" && parts.length === 4) {
      const target = await this.deps.execTarget(parts[1], parts[2], parts[3]);
      res.writeHead(200, { "content-type": "application/octet-stream" });
      return execInContainer(target, parts[3], url.searchParams, req, res);
    }
    if (req.method === "POST" && parts[0] === "attach" && parts.length === 4) {
      res.writeHead(200, { "content-type": "application/octet-stream" });
      const uid = this.deps.findPod(parts[1], parts[2])?.metadata.uid;
      const open = async (opts: { stdin: boolean }) =>
        uid ? this.deps.runtime.attach(uid, parts[3], opts) : undefined;
      return attachToContainer(open, parts[3], url.searchParams, req, res);
    }
    if (req.method === "POST" && parts[0] === "portForward" && parts.length === 3) {
      return this.portForward(parts[1], parts[2], url.searchParams.get("port") ?? "", req, res);
    }
    res.writeHead(404, { "content-type": "text/plain" });
    res.end(`the node has no ${url.pathname}`);
  }

  /**
   * One forwarded connection: a TCP connection to the pod's port (its IP is the node's with the process runtime),
   * relayed through the request and response bodies.
   */
  private portForward(
    namespace: string,
    podName: string,
    port: string,
    req: Http2ServerRequest,
    res: Http2ServerResponse,
  ) {
    const pod = this.deps.findPod(namespace, podName);
    const n = Number(port);
    if (!pod || !Number.isInteger(n) || n < 1 || n > 65535) {
      res.writeHead(400, { "content-type": "text/plain" });
      res.end(pod ? `invalid port ${JSON.stringify(port)}` : `pod "${podName}" is not on this node`);
      return;
    }
    const host = pod.status?.podIP ?? "127.0.0.1";
    return new Promise<void>((resolve) => {
      const socket = connect({ host, port: n });
      socket.once("connect", () => {
        res.writeHead(200, { "content-type": "application/octet-stream" });
        req.pipe(socket);
        socket.pipe(res as unknown as NodeJS.WritableStream);
        resolve();
      });
      socket.once("error", (e: NodeJS.ErrnoException) => {
        if (!res.headersSent) {
          res.writeHead(502, { "content-type": "text/plain" });
          res.end(
            `failed to connect to ${host}:${n}: dial tcp4 ${host}:${n}: connect: ${e.code === "ECONNREFUSED" ? "connection refused" : e.message}`,
          );
        } else res.end();
        resolve();
      });
      res.on("close", () => socket.destroy());
    });
  }

  private async containerLogs(
    namespace: string,
    podName: string,
    container: string,
    query: URLSearchParams,
    res: Http2ServerResponse,
  ): Promise<void> {
    const fail = (code: number, message: string) => {
      res.writeHead(code, { "content-type": "text/plain" });
      res.end(message);
    };
    const pod = this.deps.findPod(namespace, podName);
    if (!pod) return fail(404, `pod "${podName}" in namespace "${namespace}" is not on node "${this.deps.nodeName}"`);
    const uid = pod.metadata.uid ?? "";
    let containerID: string;
    let opts: ReturnType<typeof parseLogOptions>;
    try {
      opts = parseLogOptions(query, Date.now());
      const statuses = [
        ...(pod.status?.initContainerStatuses ?? []),
        ...(pod.status?.containerStatuses ?? []),
        ...(pod.status?.ephemeralContainerStatuses ?? []),
      ];
      containerID = logContainerID(
        statuses.find((s: any) => s.name === container),
        podName,
        container,
        opts.previous,
      );
    } catch (e) {
      if (e instanceof LogRequestError) return fail(400, e.message);
      throw e;
    }
    const runOf = async (): Promise<ContainerRecord | undefined> => {
      const latest = (await this.deps.runtime.inspect(uid)).get(container);
      if (latest?.containerID === containerID) return latest;
      if (latest?.previous?.containerID === containerID) return latest.previous;
      return undefined;
    };
    const run = await runOf();
    if (!run) return fail(400, `the log of container "${container}" in pod "${podName}" is no longer available`);
    const path = this.deps.runtime.logPath(`${namespace}_${podName}_${uid}`, container, run.attempt);
    res.writeHead(200, { "content-type": "text/plain" });
    let closed = false;
    res.on("close", () => {
      closed = true;
    });
    await streamLogFile(path, opts, { write: (c) => res.write(c), closed: () => closed }, async () => {
      const now = await runOf();
      return now === undefined || now.finishedAt !== undefined;
    });
    res.end();
  }
}
