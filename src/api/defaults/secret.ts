// v1 Secret defaulting (`SetDefaults_Secret`): an untyped secret is `Opaque`. Mutates in place.
import type { KubeObject } from "../object.ts";

export function defaultSecret(secret: KubeObject): KubeObject {
  if (!secret.type) secret.type = "Opaque";
  return secret;
}
