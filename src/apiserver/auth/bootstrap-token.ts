// Bootstrap tokens as kubeadm makes and stores them: `<6 chars>.<16 chars>` from [a-z0-9], kept in Secret
// kube-system/bootstrap-token-<id> of type bootstrap.kubernetes.io/token with an RFC 3339 `expiration`.
import { randomInt } from "node:crypto";
import type { KubeObject } from "../../api/object.ts";
import { BOOTSTRAP_TOKEN_TYPE, bootstrapSecretName } from "./authenticator.ts";

const ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
/** The group kubeadm gives its default node-joining tokens. */
const EXTRA_GROUPS = "system:bootstrappers:loci:default-node-token";

function randomString(n: number): string {
  let s = "";
  for (let i = 0; i < n; i++) s += ALPHABET[randomInt(ALPHABET.length)];
  return s;
}

export function newBootstrapToken(): { id: string; secret: string; token: string } {
  const id = randomString(6);
  const secret = randomString(16);
  return { id, secret, token: `${id}.${secret}` };
}

const b64 = (s: string) => Buffer.from(s).toString("base64");

/** The Secret of a token; `ttlMs` 0 never expires. */
export function tokenSecret(id: string, secret: string, ttlMs: number, description: string, now: number): KubeObject {
  const data: Record<string, string> = {
    "token-id": b64(id),
    "token-secret": b64(secret),
    "usage-bootstrap-authentication": b64("true"),
    "usage-bootstrap-signing": b64("true"),
    "auth-extra-groups": b64(EXTRA_GROUPS),
  };
  if (ttlMs > 0) data.expiration = b64(new Date(now + ttlMs).toISOString().replace(/\.\d+Z$/, "Z"));
  if (description) data.description = b64(description);
  return {
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: bootstrapSecretName(id), namespace: "kube-system" },
    type: BOOTSTRAP_TOKEN_TYPE,
    data,
  } as KubeObject;
}
