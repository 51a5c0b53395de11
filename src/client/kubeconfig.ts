// Reads the connection details of one context out of a kubeconfig file (the subset loci's clients need:
// server, CA, bearer token, client certificate). File paths inside the kubeconfig are relative to its own
// directory, as client-go resolves them. Every failure is one line naming the file.
import { readFileSync } from "node:fs";
import { dirname, isAbsolute, join } from "node:path";
import { parse } from "yaml";

export interface KubeconfigTarget {
  server: string;
  /** PEM. */
  ca?: string;
  token?: string;
  /** PEM. */
  clientCert?: string;
  /** PEM. */
  clientKey?: string;
  insecureSkipTlsVerify?: boolean;
  /** `tls-server-name`: the name to verify the server certificate against instead of the URL's host. */
  tlsServerName?: string;
}

export class KubeconfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "KubeconfigError";
  }
}

type Doc = Record<string, unknown>;

function asRecord(v: unknown): Doc | undefined {
  return v && typeof v === "object" && !Array.isArray(v) ? (v as Doc) : undefined;
}

function str(v: unknown): string | undefined {
  return typeof v === "string" && v !== "" ? v : undefined;
}

/** `clusters`/`users`/`contexts` entries are `{ name, <kind>: {...} }`. */
function findNamed(doc: Doc, list: string, field: string, name: string): Doc | undefined {
  const items = doc[list];
  if (!Array.isArray(items)) return undefined;
  for (const item of items) {
    const rec = asRecord(item);
    if (rec && rec.name === name) return asRecord(rec[field]) ?? {};
  }
  return undefined;
}

export function loadKubeconfig(path: string, context?: string): KubeconfigTarget {
  const fail = (msg: string): never => {
    throw new KubeconfigError(`kubeconfig ${path}: ${msg}`);
  };
  let text = "";
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    fail((e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (e as Error).message);
  }
  let parsed: unknown;
  try {
    parsed = parse(text);
  } catch (e) {
    fail(`invalid YAML: ${(e as Error).message.split("\n")[0]}`);
  }
  const doc = asRecord(parsed) ?? fail("not a kubeconfig (expected a mapping)");
  const base = dirname(path);
  const resolvePath = (p: string) => (isAbsolute(p) ? p : join(base, p));
  const readRef = (what: string, p: string): string => {
    try {
      return readFileSync(resolvePath(p), "utf8");
    } catch (e) {
      return fail(`${what} ${resolvePath(p)}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  };
  const decode = (what: string, b64: string): string => {
    const out = Buffer.from(b64, "base64").toString("utf8");
    if (!out) fail(`${what} is not valid base64`);
    return out;
  };

  const ctxName = context ?? str(doc["current-context"]) ?? fail("no current-context set (pass a context)");
  const ctx = findNamed(doc, "contexts", "context", ctxName) ?? fail(`no context ${JSON.stringify(ctxName)}`);
  const clusterName = str(ctx.cluster) ?? fail(`context ${JSON.stringify(ctxName)} names no cluster`);
  const cluster =
    findNamed(doc, "clusters", "cluster", clusterName) ??
    fail(`cluster ${JSON.stringify(clusterName)} of context ${JSON.stringify(ctxName)} not found`);
  const server = str(cluster.server) ?? fail(`cluster ${JSON.stringify(clusterName)} has no server`);

  const out: KubeconfigTarget = { server };
  const caData = str(cluster["certificate-authority-data"]);
  const caFile = str(cluster["certificate-authority"]);
  if (caData) out.ca = decode(`cluster ${JSON.stringify(clusterName)} certificate-authority-data`, caData);
  else if (caFile) out.ca = readRef("certificate-authority", caFile);
  if (cluster["insecure-skip-tls-verify"] === true) out.insecureSkipTlsVerify = true;
  const tlsServerName = str(cluster["tls-server-name"]);
  if (tlsServerName) out.tlsServerName = tlsServerName;

  // A context without a user is valid (anonymous access).
  const userName = str(ctx.user);
  if (userName) {
    const user =
      findNamed(doc, "users", "user", userName) ??
      fail(`user ${JSON.stringify(userName)} of context ${JSON.stringify(ctxName)} not found`);
    if (user.exec || user["auth-provider"]) {
      fail(`user ${JSON.stringify(userName)}: exec and auth-provider credentials are not supported`);
    }
    const token = str(user.token);
    const tokenFile = str(user.tokenFile);
    if (token) out.token = token;
    else if (tokenFile) out.token = readRef("tokenFile", tokenFile).trim();
    const certData = str(user["client-certificate-data"]);
    const certFile = str(user["client-certificate"]);
    if (certData) out.clientCert = decode(`user ${JSON.stringify(userName)} client-certificate-data`, certData);
    else if (certFile) out.clientCert = readRef("client-certificate", certFile);
    const keyData = str(user["client-key-data"]);
    const keyFile = str(user["client-key"]);
    if (keyData) out.clientKey = decode(`user ${JSON.stringify(userName)} client-key-data`, keyData);
    else if (keyFile) out.clientKey = readRef("client-key", keyFile);
    if (!out.clientCert !== !out.clientKey) {
      fail(`user ${JSON.stringify(userName)} has a client certificate without a key or a key without a certificate`);
    }
  }
  return out;
}
