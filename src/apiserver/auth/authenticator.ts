// Who is calling, from the bearer token: the admin token of the data directory (system:masters), a bootstrap
// token (a `bootstrap.kubernetes.io/token` Secret in kube-system, as kubeadm stores them: system:bootstrap:<id>,
// group system:bootstrappers), or a node credential issued at join (system:node:<name>, group system:nodes).
// Node credentials are Secrets holding only the token's SHA-256; deleting one (the garbage collector does when
// its Node goes) revokes the credential.
import { createHash, timingSafeEqual } from "node:crypto";
import type { KubeObject } from "../../api/object.ts";

export interface UserInfo {
  name: string;
  groups: string[];
  /** Set for node credentials: the node the caller is. */
  node?: string;
}

export const ADMIN_USER: UserInfo = { name: "loci-admin", groups: ["system:masters", "system:authenticated"] };
/** Requests made inside the server process (controllers) carry no token and are trusted. */
export const IN_PROCESS_USER: UserInfo = { name: "system:loci-controller-manager", groups: ["system:masters"] };

export const BOOTSTRAP_TOKEN_TYPE = "bootstrap.kubernetes.io/token";
export const NODE_CREDENTIAL_TYPE = "loci.dev/node-credential";
export const BOOTSTRAP_TOKEN_RE = /^([a-z0-9]{6})\.([a-z0-9]{16})$/;
const NODE_TOKEN_RE = /^loci-node\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]{32,})$/;

export const bootstrapSecretName = (id: string) => `bootstrap-token-${id}`;
export const nodeCredentialSecretName = (node: string) => `loci-node-credential-${node}`;

export function sha256Hex(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/** `loci-node.<base64url node name>.<secret>`: the node's name travels in the token so lookup is one read. */
export function nodeToken(node: string, secret: string): string {
  return `loci-node.${Buffer.from(node).toString("base64url")}.${secret}`;
}

function equal(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function secretValue(secret: KubeObject, key: string): string | undefined {
  const v = (secret as any).data?.[key];
  return typeof v === "string" ? Buffer.from(v, "base64").toString("utf8") : undefined;
}

export interface AuthenticatorDeps {
  adminToken: string;
  /** A Secret in kube-system, from the server's cache. */
  secret(name: string): KubeObject | undefined;
  now(): number;
}

/** The user behind an `Authorization` header, or undefined (401). */
export function authenticate(header: string | undefined, deps: AuthenticatorDeps): UserInfo | undefined {
  if (!header?.startsWith("Bearer ")) return undefined;
  const token = header.slice("Bearer ".length).trim();
  if (equal(token, deps.adminToken)) return ADMIN_USER;
  const boot = BOOTSTRAP_TOKEN_RE.exec(token);
  if (boot) {
    const s = deps.secret(bootstrapSecretName(boot[1]));
    if (!s || (s as any).type !== BOOTSTRAP_TOKEN_TYPE) return undefined;
    if (secretValue(s, "token-id") !== boot[1] || !equal(secretValue(s, "token-secret") ?? "", boot[2]))
      return undefined;
    if (secretValue(s, "usage-bootstrap-authentication") !== "true") return undefined;
    const expiration = secretValue(s, "expiration");
    if (expiration && Date.parse(expiration) <= deps.now()) return undefined;
    const extra = (secretValue(s, "auth-extra-groups") ?? "").split(",").filter(Boolean);
    return { name: `system:bootstrap:${boot[1]}`, groups: ["system:bootstrappers", ...extra, "system:authenticated"] };
  }
  const nodeMatch = NODE_TOKEN_RE.exec(token);
  if (nodeMatch) {
    const node = Buffer.from(nodeMatch[1], "base64url").toString("utf8");
    const s = deps.secret(nodeCredentialSecretName(node));
    if (!s || (s as any).type !== NODE_CREDENTIAL_TYPE || s.metadata.deletionTimestamp) return undefined;
    if (secretValue(s, "node") !== node || !equal(secretValue(s, "token-sha256") ?? "", sha256Hex(nodeMatch[2]))) {
      return undefined;
    }
    return { name: `system:node:${node}`, groups: ["system:nodes", "system:authenticated"], node };
  }
  return undefined;
}

export const isAdmin = (u: UserInfo) => u.groups.includes("system:masters");
export const isBootstrapper = (u: UserInfo) => u.groups.includes("system:bootstrappers");
