// Merges the cluster's admin kubeconfig into the user's kubeconfig as kind and minikube do: the `loci` cluster,
// user and context replace earlier entries of the same names, everything else in the file stays, and `loci`
// becomes the current context.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { parse, stringify } from "yaml";

/** The file `kubectl` reads first: the first entry of $KUBECONFIG, else ~/.kube/config. */
export function userKubeconfigPath(env: NodeJS.ProcessEnv = process.env): string {
  const first = env.KUBECONFIG?.split(":").find((p) => p !== "");
  return first ?? join(env.HOME ?? homedir(), ".kube", "config");
}

type Named = { name: string; [k: string]: unknown };

function replaceNamed(list: unknown, entries: Named[]): Named[] {
  const names = new Set(entries.map((e) => e.name));
  const kept = (Array.isArray(list) ? (list as Named[]) : []).filter((e) => !names.has(e?.name));
  return [...kept, ...entries];
}

/** Writes `source`'s clusters, users and contexts into `target` (created if missing) and selects its context. */
export function mergeKubeconfig(source: string, target: string): void {
  const src = parse(readFileSync(source, "utf8"));
  let doc: Record<string, unknown> = {};
  try {
    doc = parse(readFileSync(target, "utf8")) ?? {};
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
  }
  if (typeof doc !== "object" || Array.isArray(doc)) throw new Error(`${target} is not a kubeconfig`);
  doc.apiVersion ??= "v1";
  doc.kind ??= "Config";
  doc.clusters = replaceNamed(doc.clusters, src.clusters ?? []);
  doc.users = replaceNamed(doc.users, src.users ?? []);
  doc.contexts = replaceNamed(doc.contexts, src.contexts ?? []);
  doc["current-context"] = src["current-context"];
  mkdirSync(dirname(target), { recursive: true });
  const tmp = `${target}.loci-tmp`;
  writeFileSync(tmp, stringify(doc), { mode: 0o600 });
  renameSync(tmp, target);
}
