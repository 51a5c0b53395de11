// Connections to node agents, opened by the agents (so agents behind NAT are reachable). An agent makes one
// long-lived HTTP/2 request, `POST /loci/v1/nodes/<name>/tunnel`, whose request and response bodies together
// form a duplex byte stream; the server runs an HTTP/2 client session over it and the agent an HTTP/2 server,
// so the API server can send kubelet-style requests (`/containerLogs/…`) to any connected node.
import { type ClientHttp2Session, type ClientHttp2Stream, connect, constants } from "node:http2";
import type { Duplex } from "node:stream";
import { ApiError } from "../api/errors.ts";

export const TUNNEL_CONTENT_TYPE = "application/x-loci-tunnel";

export class NodeTunnels {
  private readonly sessions = new Map<string, ClientHttp2Session>();

  /** Takes over an agent's tunnel stream; a newer tunnel of the same node replaces the older one. */
  attach(node: string, stream: Duplex): void {
    const session = connect(`http://${node}.tunnel`, { createConnection: () => stream });
    const previous = this.sessions.get(node);
    this.sessions.set(node, session);
    previous?.destroy();
    const drop = () => {
      if (this.sessions.get(node) === session) this.sessions.delete(node);
    };
    session.on("error", drop);
    session.on("close", drop);
    stream.on("close", () => session.destroy());
  }

  /** Starts a GET on the node; fails with 503 when the node has no tunnel. */
  get(node: string, path: string): ClientHttp2Stream {
    const session = this.sessions.get(node);
    if (!session || session.closed || session.destroyed) {
      throw new ApiError(503, "ServiceUnavailable", `node "${node}" is not connected to the API server`);
    }
    return session.request({ [constants.HTTP2_HEADER_METHOD]: "GET", [constants.HTTP2_HEADER_PATH]: path });
  }

  /** Opens a duplex POST on the node (exec): both bodies stay open until either side ends. */
  open(node: string, path: string): ClientHttp2Stream {
    const session = this.sessions.get(node);
    if (!session || session.closed || session.destroyed) {
      throw new ApiError(503, "ServiceUnavailable", `node "${node}" is not connected to the API server`);
    }
    return session.request(
      { [constants.HTTP2_HEADER_METHOD]: "POST", [constants.HTTP2_HEADER_PATH]: path },
      { endStream: false },
    );
  }

  closeAll(): void {
    for (const s of this.sessions.values()) s.destroy();
    this.sessions.clear();
  }
}
