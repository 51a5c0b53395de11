// `kubectl port-forward`: kubectl speaks SPDY/3.1 (portforward.k8s.io), either tunneled in WebSocket binary
// messages (kubectl 1.31+, subprotocol `SPDY/3.1+portforward.k8s.io`) or after a plain `Upgrade: SPDY/3.1`
// (older kubectl). For every local connection it opens an error stream and a data stream (headers streamType,
// port, requestID); the data stream is relayed to the pod's port through the node agent's tunnel, and a failure is
// written to the error stream in the kubelet's words.
import type { Duplex } from "node:stream";
import type { NodeTunnels } from "./node-tunnels.ts";
import { type SpdyStream, spdyServer } from "./spdy.ts";

export function servePortForward(
  socket: Duplex,
  target: { node: string; namespace: string; pod: string; uid: string },
  tunnels: NodeTunnels,
): void {
  const conn = spdyServer(socket);
  conn.on("error", () => socket.destroy());
  socket.on("close", () => conn.end());
  const errorStreams = new Map<string, SpdyStream>();
  conn.on("stream", (stream) => {
    const type = stream.headers.streamtype;
    const port = stream.headers.port;
    const requestId = stream.headers.requestid ?? port;
    stream.respond(200, {});
    stream.on("error", () => {});
    if (type === "error") {
      errorStreams.set(requestId, stream);
      stream.on("close", () => errorStreams.delete(requestId));
      stream.resume();
      return;
    }
    if (type !== "data") {
      stream.end();
      return;
    }
    const fail = (message: string) => {
      const err = errorStreams.get(requestId);
      err?.end(`error forwarding port ${port} to pod ${target.uid}, uid : ${message}`);
      stream.end();
    };
    let upstream: Duplex;
    try {
      const path = `/portForward/${encodeURIComponent(target.namespace)}/${encodeURIComponent(target.pod)}?port=${encodeURIComponent(port)}`;
      upstream = tunnels.open(target.node, path);
    } catch (e) {
      fail((e as Error).message);
      return;
    }
    upstream.on("response", (h: Record<string, string | number>) => {
      if (Number(h[":status"]) === 200) {
        stream.pipe(upstream);
        upstream.pipe(stream);
        return;
      }
      const chunks: Buffer[] = [];
      upstream.on("data", (c: Buffer) => chunks.push(c));
      upstream.on("end", () => fail(Buffer.concat(chunks).toString("utf8")));
    });
    upstream.on("error", (e: Error) => fail(e.message));
    stream.on("close", () => upstream.destroy());
  });
}
