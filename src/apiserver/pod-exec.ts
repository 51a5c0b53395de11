// `kubectl exec` over WebSocket (`v5.channel.k8s.io`, `v4.channel.k8s.io`: each message is a channel byte and its
// data), relayed to the pod's node agent through its tunnel as length-prefixed frames. kubectl 1.30+ speaks
// WebSocket by default; older kubectl asks for SPDY/3.1, which loci does not serve: it gets an error that says
// which kubectl to use. Attach and port-forward are not served yet and say so.
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { type WebSocket, WebSocketServer } from "ws";
import { ApiError, errors } from "../api/errors.ts";
import type { KubeObject } from "../api/object.ts";
import { encodeFrame, FrameDecoder } from "../client/stream-frames.ts";
import { isAdmin, type UserInfo } from "./auth/authenticator.ts";
import type { NodeTunnels } from "./node-tunnels.ts";
import { logContainer } from "./pod-log.ts";

const PROTOCOLS = ["v5.channel.k8s.io", "v4.channel.k8s.io"];
const PATH = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/(exec|attach|portforward)$/;

export interface ExecDeps {
  authenticate(header: string | undefined): UserInfo | undefined;
  pod(namespace: string, name: string): KubeObject | undefined;
  tunnels: NodeTunnels;
}

/** Answers an upgrade request with a Status and closes the connection. */
function refuse(socket: Duplex, e: ApiError): void {
  const body = JSON.stringify(e.toStatus());
  const text = { 400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found" }[e.code] ?? "Error";
  socket.end(
    `HTTP/1.1 ${e.code} ${text}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

export class PodExec {
  private readonly wss = new WebSocketServer({
    noServer: true,
    handleProtocols: (offered) => PROTOCOLS.find((p) => offered.has(p)) ?? false,
  });

  constructor(private readonly deps: ExecDeps) {}

  /** The HTTP/1.1 server's `upgrade` event. Returns false when the path is not ours. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const url = new URL(req.url ?? "/", "https://loci");
    const m = PATH.exec(url.pathname);
    if (!m) return false;
    try {
      this.upgrade(req, url, m, socket, head);
    } catch (e) {
      refuse(socket, e instanceof ApiError ? e : errors.internal((e as Error).message));
    }
    return true;
  }

  private upgrade(req: IncomingMessage, url: URL, m: RegExpExecArray, socket: Duplex, head: Buffer): void {
    const [namespace, name, verb] = [decodeURIComponent(m[1]), decodeURIComponent(m[2]), m[3]];
    const user = this.deps.authenticate(req.headers.authorization);
    if (!user) throw errors.unauthorized();
    const resource = verb === "portforward" ? "pods/portforward" : `pods/${verb}`;
    if (!isAdmin(user)) {
      throw errors.forbidden(
        `pods "${name}" is forbidden: User "${user.name}" cannot create resource "${resource}" in API group "" in the namespace "${namespace}"`,
      );
    }
    if ((req.headers.upgrade ?? "").toLowerCase() !== "websocket") {
      throw errors.badRequest(
        `loci serves ${verb} over WebSocket (${PROTOCOLS[0]}) only, not ${req.headers.upgrade}: use kubectl 1.30 or newer`,
      );
    }
    if (verb !== "exec") throw errors.badRequest(`${resource} is not supported by loci yet; kubectl exec is`);
    const pod = this.deps.pod(namespace, name);
    if (!pod) throw errors.notFound("pods", "", name);
    const phase = pod.status?.phase;
    if (phase === "Succeeded" || phase === "Failed") {
      throw errors.badRequest(`cannot exec into a container in a completed pod; current phase is ${phase}`);
    }
    const container = logContainer(pod, url.searchParams.get("container") ?? undefined);
    const node = pod.spec?.nodeName;
    if (!node) throw errors.badRequest(`pod ${name} does not have a host assigned`);
    if (url.searchParams.getAll("command").length === 0) throw errors.badRequest("you must specify at least 1 command");
    const q = new URLSearchParams();
    for (const c of url.searchParams.getAll("command")) q.append("command", c);
    for (const k of ["stdin", "stdout", "stderr", "tty"])
      if (url.searchParams.get(k)) q.set(k, url.searchParams.get(k)!);
    const path = `/exec/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}/${encodeURIComponent(container)}?${q}`;
    const upstream = this.deps.tunnels.open(node, path);
    this.wss.handleUpgrade(req, socket, head, (ws) => this.relay(ws, upstream));
  }

  private relay(ws: WebSocket, upstream: Duplex): void {
    const decoder = new FrameDecoder((channel, payload) => {
      if (ws.readyState === ws.OPEN) ws.send(Buffer.concat([Buffer.from([channel]), payload]));
    });
    upstream.on("data", (c: Buffer) => decoder.push(c));
    upstream.on("end", () => ws.close(1000));
    upstream.on("error", () => ws.close(1011));
    ws.on("message", (data: Buffer) => {
      if (data.length >= 1) upstream.write(encodeFrame(data[0], data.subarray(1)));
    });
    ws.on("close", () => upstream.destroy());
  }
}
