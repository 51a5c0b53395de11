// How a machine joins (kubeadm's discovery and TLS bootstrap, simplified to tokens):
//   GET  /loci/v1/cluster-info      public: the server URL and CA, which the agent checks against --ca-hash
//                                    before it sends its bootstrap token anywhere;
//   POST /loci/v1/node-credentials  with a bootstrap token: {"nodeName": …} → a node credential for that name,
//                                    stored as a Secret holding only the token's SHA-256 (a new join replaces
//                                    the old credential).
import { randomBytes } from "node:crypto";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { ApiError, errors } from "../api/errors.ts";
import type { KubeObject } from "../api/object.ts";
import { isDNS1123Subdomain } from "../api/validation/names.ts";
import {
  isAdmin,
  isBootstrapper,
  NODE_CREDENTIAL_TYPE,
  nodeCredentialSecretName,
  nodeToken,
  sha256Hex,
  type UserInfo,
} from "./auth/authenticator.ts";
import type { Registry } from "./registry.ts";
import type { WriteContext } from "./strategies/strategy.ts";

export interface JoinRouteDeps {
  url(): string;
  caPem(): string;
  caHash(): string;
  user(req: FastifyRequest): UserInfo | undefined;
  secrets(): Registry;
  newContext(): WriteContext;
}

export function registerJoinRoutes(app: FastifyInstance, deps: JoinRouteDeps): void {
  app.get("/loci/v1/cluster-info", (_req, reply) => {
    reply
      .type("application/json")
      .send(JSON.stringify({ server: deps.url(), certificateAuthority: deps.caPem(), caHash: deps.caHash() }));
  });

  app.post("/loci/v1/node-credentials", async (req, reply) => {
    const user = deps.user(req);
    if (!user || !(isBootstrapper(user) || isAdmin(user))) {
      throw errors.forbidden(`User "${user?.name}" cannot obtain node credentials: a bootstrap token is needed`);
    }
    let body: { nodeName?: unknown };
    try {
      body = JSON.parse(String(req.body ?? ""));
    } catch {
      throw errors.badRequest('the body must be JSON: {"nodeName": "…"}');
    }
    const node = body.nodeName;
    if (typeof node !== "string" || node === "") throw errors.badRequest("nodeName is required");
    const errs = isDNS1123Subdomain(node);
    if (errs.length) throw errors.badRequest(`nodeName ${JSON.stringify(node)} is invalid: ${errs.join("; ")}`);
    const secret = randomBytes(24).toString("base64url");
    const data = {
      node: Buffer.from(node).toString("base64"),
      "token-sha256": Buffer.from(sha256Hex(secret)).toString("base64"),
      "issued-by": Buffer.from(user.name).toString("base64"),
    };
    const name = nodeCredentialSecretName(node);
    const reg = deps.secrets();
    const obj: KubeObject = {
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name, namespace: "kube-system", labels: { "loci.dev/node-credential": "" } },
      type: NODE_CREDENTIAL_TYPE,
      data,
    } as KubeObject;
    try {
      await reg.create("kube-system", obj, deps.newContext());
    } catch (e) {
      if (!(e instanceof ApiError && e.code === 409)) throw e;
      await reg.update("kube-system", name, (cur) => ({ ...cur, data }) as KubeObject, deps.newContext());
    }
    reply.type("application/json").send(JSON.stringify({ nodeName: node, token: nodeToken(node, secret) }));
  });
}
