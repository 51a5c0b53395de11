// SPDY/3.1 server connections for kubectl's streaming protocols (port-forward, and exec from kubectl 1.29 and
// older), on spdy-transport: each Kubernetes stream is a SPDY stream whose headers say what it carries
// (streamType, port, requestID).
import type { Duplex } from "node:stream";
// spdy-transport has no type declarations: the little of it used here is typed below.
// @ts-expect-error untyped module
import transport from "spdy-transport";

export interface SpdyStream extends Duplex {
  headers: Record<string, string>;
  respond(status: number, headers: Record<string, string>): void;
}

export interface SpdyConnection {
  start(version: number): void;
  on(event: "stream", fn: (s: SpdyStream) => void): void;
  on(event: "error" | "close", fn: () => void): void;
  end(): void;
}

/**
 * spdy-transport carries HTTP over SPDY and refuses a SYN_STREAM without `:method` and `:path`; Kubernetes'
 * streams have neither (only streamType, port, requestID), so their header blocks are given neutral ones.
 */
function acceptPlainStreams(conn: SpdyConnection): void {
  const parser = (conn as any)._spdyState.parser;
  const parseKVs = parser.parseKVs.bind(parser);
  parser.parseKVs = (body: unknown, cb: (err: Error | null, headers?: Record<string, string>) => void) =>
    parseKVs(body, (err: Error | null, headers?: Record<string, string>) => {
      if (!err && headers && headers[":method"] === undefined) {
        headers[":method"] = "POST";
        headers[":path"] = "/";
      }
      cb(err, headers);
    });
}

/** A SPDY/3.1 server on `socket` that accepts Kubernetes' streams. */
export function spdyServer(socket: Duplex): SpdyConnection {
  const conn: SpdyConnection = transport.connection.create(socket, { protocol: "spdy", isServer: true });
  acceptPlainStreams(conn);
  conn.start(3.1);
  return conn;
}
