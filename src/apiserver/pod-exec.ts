// The pod streaming endpoints. `kubectl exec` over WebSocket (`v5.channel.k8s.io`, `v4.channel.k8s.io`: each
// message is a channel byte and its data), relayed to the pod's node agent through its tunnel as length-prefixed
// frames; kubectl 1.30+ speaks WebSocket by default, older kubectl SPDY/3.1 (pod-exec-spdy.ts). Port-forward
// (pod-portforward.ts) is served both ways. Attach works as exec does, joining the running process.
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { createWebSocketStream, type WebSocket, WebSocketServer } from "ws";
import { ApiError, errors } from "../api/errors.ts";
import type { KubeObject } from "../api/object.ts";
import { encodeFrame, FrameDecoder } from "../client/stream-frames.ts";
import { isAdmin, type UserInfo } from "./auth/authenticator.ts";
import type { NodeTunnels } from "./node-tunnels.ts";
import { serveExecSpdy } from "./pod-exec-spdy.ts";
import { logContainer } from "./pod-log.ts";
import { servePortForward } from "./pod-portforward.ts";

const PROTOCOLS = ["v5.channel.k8s.io", "v4.channel.k8s.io"];
const PORT_FORWARD_PROTOCOL = "SPDY/3.1+portforward.k8s.io";
const SPDY_EXEC_PROTOCOL = "v4.channel.k8s.io";
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

  private readonly portForwardWss = new WebSocketServer({ noServer: true });

  constructor(private readonly deps: ExecDeps) {
    this.portForwardWss.on("headers", (headers) => headers.push(`Sec-WebSocket-Protocol: ${PORT_FORWARD_PROTOCOL}`));
  }

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
    const websocket = (req.headers.upgrade ?? "").toLowerCase() === "websocket";
    const spdy = (req.headers.upgrade ?? "").toLowerCase() === "spdy/3.1";
    if (!websocket && !spdy) {
      throw errors.badRequest(`unsupported upgrade ${JSON.stringify(req.headers.upgrade)}: WebSocket or SPDY/3.1`);
    }
    const pod = this.deps.pod(namespace, name);
    if (!pod) throw errors.notFound("pods", "", name);
    const phase = pod.status?.phase;
    if (phase === "Succeeded" || phase === "Failed") {
      throw errors.badRequest(
        `cannot ${verb === "exec" ? "exec into" : verb === "attach" ? "attach to" : "port forward to"} a container in a completed pod; current phase is ${phase}`,
      );
    }
    if (verb === "portforward") {
      const node = pod.spec?.nodeName;
      if (!node) throw errors.badRequest(`pod ${name} does not have a host assigned`);
      const target = { node, namespace, pod: name, uid: pod.metadata.uid ?? "" };
      if (spdy) {
        // kubectl before 1.31: SPDY right after the HTTP upgrade.
        socket.write(
          `HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: portforward.k8s.io\r\n\r\n`,
        );
        if (head.length) socket.unshift(head);
        servePortForward(socket, target, this.deps.tunnels);
        return;
      }
      const offered = String(req.headers["sec-websocket-protocol"] ?? "")
        .split(",")
        .map((p) => p.trim());
      if (!offered.includes(PORT_FORWARD_PROTOCOL)) {
        throw errors.badRequest(`port-forward over WebSocket needs the ${PORT_FORWARD_PROTOCOL} subprotocol`);
      }
      // The subprotocol's "/" is not a token character, which ws refuses to negotiate: it is answered by hand.
      delete req.headers["sec-websocket-protocol"];
      this.portForwardWss.handleUpgrade(req, socket, head, (ws) => {
        servePortForward(createWebSocketStream(ws), target, this.deps.tunnels);
      });
      return;
    }
    const container = logContainer(pod, url.searchParams.get("container") ?? undefined);
    const node = pod.spec?.nodeName;
    if (!node) throw errors.badRequest(`pod ${name} does not have a host assigned`);
    if (verb === "exec" && url.searchParams.getAll("command").length === 0) {
      throw errors.badRequest("you must specify at least 1 command");
    }
    const q = new URLSearchParams();
    for (const c of url.searchParams.getAll("command")) q.append("command", c);
    for (const k of ["stdin", "stdout", "stderr", "tty"])
      if (url.searchParams.get(k)) q.set(k, url.searchParams.get(k)!);
    const path = `/${verb}/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}/${encodeURIComponent(container)}?${q}`;
    if (spdy) {
      // kubectl 1.29 and older: the channel protocol over SPDY streams.
      const offered = String(req.headers["x-stream-protocol-version"] ?? "")
        .split(",")
        .map((p) => p.trim());
      if (!offered.includes(SPDY_EXEC_PROTOCOL)) {
        throw errors.badRequest(`${verb} over SPDY needs the ${SPDY_EXEC_PROTOCOL} stream protocol`);
      }
      const upstream = this.deps.tunnels.open(node, path);
      socket.write(
        `HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: ${SPDY_EXEC_PROTOCOL}\r\n\r\n`,
      );
      if (head.length) socket.unshift(head);
      serveExecSpdy(socket, url.searchParams, upstream);
      return;
    }
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
