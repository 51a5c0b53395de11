// `loci token create|list|delete`: bootstrap tokens, stored as kubeadm stores them (Secret
// kube-system/bootstrap-token-<id>, type bootstrap.kubernetes.io/token), managed through the API with a kubeconfig
// (the flag, then $KUBECONFIG, then ./.loci/admin.kubeconfig), never through the store.
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { ApiError } from "../api/errors.ts";
import { BOOTSTRAP_TOKEN_TYPE, bootstrapSecretName } from "../apiserver/auth/authenticator.ts";
import { newBootstrapToken, tokenSecret } from "../apiserver/auth/bootstrap-token.ts";
import { caHashOf } from "../apiserver/pki.ts";
import { SECRETS } from "../client/client.ts";
import { HttpClient } from "../client/http-client.ts";
import { loadKubeconfig } from "../client/kubeconfig.ts";
import { parseDuration } from "./duration.ts";
import { UsageError } from "./usage-error.ts";

export const TOKEN_HELP = `Usage: loci token create [--ttl 24h] [--description TEXT] [--print-join-command] [--kubeconfig FILE]
       loci token list [--kubeconfig FILE]
       loci token delete ID [--kubeconfig FILE]

Bootstrap tokens let machines join: 'loci agent --server URL --token TOKEN --ca-hash HASH'. A token is reusable
until it expires (--ttl 0: never). The kubeconfig is --kubeconfig, then $KUBECONFIG, then ./.loci/admin.kubeconfig.
`;

const unb64 = (s: string | undefined) => (s === undefined ? "" : Buffer.from(s, "base64").toString("utf8"));

function kubeconfigPath(flag: string | undefined): string {
  const path = flag ?? process.env.KUBECONFIG?.split(":").find((p) => p) ?? ".loci/admin.kubeconfig";
  if (!existsSync(path)) throw new UsageError(`loci token: kubeconfig ${path} does not exist (use --kubeconfig)`);
  return resolve(path);
}

/** Go-style short duration for the TTL column: 23h, 59m, 45s, or <forever>. */
function ttlText(expiration: string | undefined, now: number): string {
  if (!expiration) return "<forever>";
  const s = Math.max(0, Math.round((Date.parse(expiration) - now) / 1000));
  if (s >= 3600) return `${Math.floor(s / 3600)}h`;
  if (s >= 60) return `${Math.floor(s / 60)}m`;
  return `${s}s`;
}

export async function tokenCommand(argv: string[], out: (s: string) => void = (s) => process.stdout.write(s)) {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      ttl: { type: "string", default: "24h" },
      description: { type: "string", default: "" },
      "print-join-command": { type: "boolean", default: false },
      kubeconfig: { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
    strict: true,
    allowPositionals: true,
  });
  const [sub, ...args] = positionals;
  if (values.help || sub === undefined) {
    out(TOKEN_HELP);
    return;
  }
  if (!["create", "list", "delete"].includes(sub)) {
    throw new UsageError(`loci token: unknown command ${JSON.stringify(sub)} (create, list or delete)`);
  }
  if (sub === "delete" && args.length !== 1) throw new UsageError("loci token delete: give exactly one token ID");
  if (sub !== "delete" && args.length) throw new UsageError(`loci token ${sub}: unexpected argument ${args[0]}`);
  let ttlMs = 0;
  try {
    ttlMs = parseDuration(values.ttl!);
  } catch (e) {
    throw new UsageError(`loci token: --ttl: ${(e as Error).message}`);
  }
  const path = kubeconfigPath(values.kubeconfig);
  const client = HttpClient.fromKubeconfig(path, { userAgent: "loci-token" });
  try {
    if (sub === "create") {
      const { id, secret, token } = newBootstrapToken();
      await client.create(SECRETS, "kube-system", tokenSecret(id, secret, ttlMs, values.description!, Date.now()));
      if (!values["print-join-command"]) return out(`${token}\n`);
      const target = loadKubeconfig(path);
      if (!target.ca) throw new Error(`${path} has no certificate-authority-data: cannot compute the CA hash`);
      return out(`loci agent --server ${target.server} --token ${token} --ca-hash ${caHashOf(target.ca)}\n`);
    }
    if (sub === "list") {
      const list = await client.list(SECRETS, "kube-system");
      const rows = [["TOKEN", "TTL", "EXPIRES", "USAGES", "DESCRIPTION", "EXTRA GROUPS"]];
      const now = Date.now();
      for (const s of list.items) {
        const d = (s as any).data ?? {};
        if ((s as any).type !== BOOTSTRAP_TOKEN_TYPE) continue;
        const usages = ["authentication", "signing"].filter((u) => unb64(d[`usage-bootstrap-${u}`]) === "true");
        const expiration = unb64(d.expiration) || undefined;
        rows.push([
          `${unb64(d["token-id"])}.${unb64(d["token-secret"])}`,
          ttlText(expiration, now),
          expiration ?? "<never>",
          usages.join(",") || "<none>",
          unb64(d.description) || "<none>",
          unb64(d["auth-extra-groups"]) || "<none>",
        ]);
      }
      const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
      for (const r of rows)
        out(
          `${r
            .map((c, i) => c.padEnd(widths[i]))
            .join("   ")
            .trimEnd()}\n`,
        );
      return;
    }
    const id = args[0].split(".")[0];
    if (!/^[a-z0-9]{6}$/.test(id))
      throw new UsageError(`loci token delete: ${JSON.stringify(args[0])} is not a token ID`);
    try {
      await client.delete(SECRETS, "kube-system", bootstrapSecretName(id));
    } catch (e) {
      if (e instanceof ApiError && e.code === 404) throw new Error(`bootstrap token "${id}" not found`);
      throw e;
    }
    out(`bootstrap token "${id}" deleted\n`);
  } finally {
    await client.close();
  }
}
