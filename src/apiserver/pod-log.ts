// `GET pods/<name>/log`: checks the request as upstream's pod registry does (LogLocation), then streams the log
// from the pod's node agent through its tunnel. An agent's error answer becomes a Status with the agent's text
// as message, as the API server does with a kubelet's (`Error from server (BadRequest): container "x" in pod "y"
// is waiting to start: ContainerCreating`).

import type { ServerResponse } from "node:http";
import type { Http2ServerResponse } from "node:http2";
import { ApiError, errors } from "../api/errors.ts";
import type { KubeObject } from "../api/object.ts";
import type { ApiResponse } from "./handlers.ts";
import type { NodeTunnels } from "./node-tunnels.ts";

/** The query parameters of PodLogOptions the agent understands. */
const LOG_OPTIONS = ["follow", "previous", "timestamps", "tailLines", "sinceSeconds", "sinceTime", "limitBytes"];

const REASONS: Record<number, string> = {
  400: "BadRequest",
  403: "Forbidden",
  404: "NotFound",
  500: "InternalError",
  503: "ServiceUnavailable",
};

const goList = (names: string[]) => `[${names.join(" ")}]`;

/** The container a log request is about (upstream's defaulting and checks). */
export function logContainer(pod: KubeObject, requested: string | undefined): string {
  const name = pod.metadata.name ?? "";
  const containers: string[] = (pod.spec?.containers ?? []).map((c: any) => c.name);
  const inits: string[] = (pod.spec?.initContainers ?? []).map((c: any) => c.name);
  const ephemeral: string[] = (pod.spec?.ephemeralContainers ?? []).map((c: any) => c.name);
  if (!requested) {
    if (containers.length === 1) return containers[0];
    let msg = `a container name must be specified for pod ${name}, choose one of: ${goList(containers)}`;
    if (inits.length) msg += ` or one of the init containers: ${goList(inits)}`;
    if (ephemeral.length) msg += ` or one of the ephemeral containers: ${goList(ephemeral)}`;
    throw errors.badRequest(msg);
  }
  if (![...containers, ...inits, ...ephemeral].includes(requested)) {
    throw errors.badRequest(`container ${requested} is not valid for pod ${name}`);
  }
  return requested;
}

export function podLogPath(pod: KubeObject, container: string, query: Record<string, string | undefined>): string {
  const params = new URLSearchParams();
  for (const k of LOG_OPTIONS) if (query[k] !== undefined && query[k] !== "") params.set(k, query[k]);
  const qs = params.toString();
  const { namespace, name } = pod.metadata;
  return `/containerLogs/${encodeURIComponent(namespace ?? "")}/${encodeURIComponent(name ?? "")}/${encodeURIComponent(container)}${qs ? `?${qs}` : ""}`;
}

export function streamPodLog(
  pod: KubeObject,
  query: Record<string, string | undefined>,
  tunnels: NodeTunnels,
  res: ServerResponse | Http2ServerResponse,
): Promise<ApiResponse> {
  // Both response kinds stream the same way; one type keeps the calls simple.
  const raw = res as ServerResponse;
  const container = logContainer(pod, query.container);
  const node = pod.spec?.nodeName;
  if (!node) throw errors.badRequest(`pod ${pod.metadata.name} does not have a host assigned`);
  const upstream = tunnels.get(node, podLogPath(pod, container, query));
  return new Promise((resolve, reject) => {
    upstream.on("error", (e) => reject(new ApiError(503, "ServiceUnavailable", `node "${node}": ${e.message}`)));
    upstream.on("response", (headers) => {
      const status = Number(headers[":status"]);
      if (status !== 200) {
        const chunks: Buffer[] = [];
        upstream.on("data", (c: Buffer) => chunks.push(c));
        upstream.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8").trim();
          reject(new ApiError(status, REASONS[status] ?? "InternalError", text || `node answered ${status}`));
        });
        return;
      }
      raw.writeHead(200, { "content-type": "text/plain", "cache-control": "no-cache, private" });
      // Each chunk goes out as it arrives (`logs -f`); a client that leaves ends the stream on the node.
      upstream.on("data", (c: Buffer) => raw.write(c));
      upstream.on("end", () => raw.end());
      raw.on("close", () => upstream.close());
      resolve({ code: 200, streamed: true });
    });
  });
}
