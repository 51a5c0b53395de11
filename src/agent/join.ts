// Joining a cluster with a bootstrap token, as kubeadm's token discovery does: fetch the cluster's CA without
// trusting anything, check its public-key hash against --ca-hash, and only over a connection verified by that
// CA send the token to obtain this node's own credential (written to DATA/node.kubeconfig, 0600).

import { writeFileSync } from "node:fs";
import { request } from "node:https";
import { join } from "node:path";
import { writeKubeconfig } from "../apiserver/data-dir.ts";
import { caHashOf } from "../apiserver/pki.ts";

export class JoinError extends Error {}

function call(
  url: string,
  opts: { method: string; ca?: string; token?: string; body?: string },
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: opts.method,
        ca: opts.ca,
        // Only the unauthenticated cluster-info read goes out before the CA is known.
        rejectUnauthorized: opts.ca !== undefined,
        headers: {
          ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
          ...(opts.body ? { "content-type": "application/json" } : {}),
        },
        timeout: 15_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }));
      },
    );
    req.on("timeout", () => req.destroy(new Error(`no answer from ${url} within 15 s`)));
    req.on("error", reject);
    req.end(opts.body);
  });
}

function message(text: string): string {
  try {
    return JSON.parse(text).message ?? text;
  } catch {
    return text;
  }
}

export interface JoinResult {
  kubeconfig: string;
  caPem: string;
}

export async function joinCluster(opts: {
  server: string;
  token: string;
  caHash: string;
  nodeName: string;
  dataDir: string;
}): Promise<JoinResult> {
  const base = opts.server.replace(/\/+$/, "");
  const info = await call(`${base}/loci/v1/cluster-info`, { method: "GET" }).catch((e) => {
    throw new JoinError(`cannot reach ${base}: ${(e as Error).message}`);
  });
  if (info.status !== 200) throw new JoinError(`${base}/loci/v1/cluster-info answered ${info.status}`);
  const caPem = JSON.parse(info.text).certificateAuthority as string;
  const actual = caHashOf(caPem);
  if (actual.toLowerCase() !== opts.caHash.toLowerCase()) {
    throw new JoinError(`the server's CA hash is ${actual}, not ${opts.caHash}: refusing to send the token`);
  }
  const res = await call(`${base}/loci/v1/node-credentials`, {
    method: "POST",
    ca: caPem,
    token: opts.token,
    body: JSON.stringify({ nodeName: opts.nodeName }),
  }).catch((e) => {
    throw new JoinError(`cannot reach ${base}: ${(e as Error).message}`);
  });
  if (res.status === 401) throw new JoinError("the token was refused (unknown or expired)");
  if (res.status !== 200) throw new JoinError(`joining failed (${res.status}): ${message(res.text)}`);
  const { token } = JSON.parse(res.text) as { token: string };
  writeFileSync(join(opts.dataDir, "ca.crt"), caPem);
  const kubeconfig = join(opts.dataDir, "node.kubeconfig");
  writeKubeconfig(kubeconfig, base, caPem, token, `system:node:${opts.nodeName}`);
  return { kubeconfig, caPem };
}
