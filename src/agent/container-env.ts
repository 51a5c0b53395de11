// A container's environment and command line as the kubelet computes them (pkg/kubelet/kubelet_pods.go
// makeEnvironmentVariables, third_party/forked/golang/expansion): envFrom first, then env in order, each value
// expanded against the variables defined before it; then `$(VAR)` in command and args against the result.
// ConfigMaps and Secrets come through `lookup`, so this file does no I/O of its own.
import type { KubeObject } from "../api/object.ts";
import { parseQuantity, quantityToNumber } from "../api/quantity.ts";
import type { ContainerLimits } from "./runtime/runtime.ts";

/** Reads a ConfigMap's data and binaryData, or a Secret's data (decoded), as bytes; undefined when absent. */
export type SourceLookup = (
  kind: "ConfigMap" | "Secret",
  namespace: string,
  name: string,
) => Promise<Record<string, Buffer> | undefined>;

/** Raised when the environment cannot be built; the kubelet shows it as `CreateContainerConfigError`. */
export class ContainerConfigError extends Error {}

/**
 * Expands `$(NAME)` references: defined names are replaced, `$$` escapes a `$`, anything else stays as written
 * (upstream's expansion.Expand).
 */
export function expand(input: string, vars: (name: string) => string | undefined): string {
  let out = "";
  for (let i = 0; i < input.length; i++) {
    const c = input[i];
    if (c !== "$" || i + 1 >= input.length) {
      out += c;
      continue;
    }
    const next = input[i + 1];
    if (next === "$") {
      out += "$";
      i++;
    } else if (next === "(") {
      const close = input.indexOf(")", i + 2);
      if (close < 0) {
        out += input.slice(i);
        break;
      }
      const name = input.slice(i + 2, close);
      const value = vars(name);
      out += value ?? `$(${name})`;
      i = close;
    } else {
      out += c;
    }
  }
  return out;
}

/** The value of a downward-API field path (fieldRef), as the kubelet resolves it. */
export function podFieldValue(pod: KubeObject, fieldPath: string, hostIP: string, podIP: string): string {
  const m = /^metadata\.(labels|annotations)\['(.*)'\]$/.exec(fieldPath);
  if (m) return pod.metadata[m[1] as "labels" | "annotations"]?.[m[2]] ?? "";
  switch (fieldPath) {
    case "metadata.name":
      return pod.metadata.name ?? "";
    case "metadata.namespace":
      return pod.metadata.namespace ?? "";
    case "metadata.uid":
      return pod.metadata.uid ?? "";
    case "metadata.labels":
      return formatMap(pod.metadata.labels);
    case "metadata.annotations":
      return formatMap(pod.metadata.annotations);
    case "spec.nodeName":
      return pod.spec?.nodeName ?? "";
    case "spec.serviceAccountName":
      return pod.spec?.serviceAccountName ?? "";
    case "status.hostIP":
    case "status.hostIPs":
      return hostIP;
    case "status.podIP":
    case "status.podIPs":
      return podIP;
    default:
      throw new ContainerConfigError(`unsupported fieldPath: ${fieldPath}`);
  }
}

/** `key="value"` lines sorted by key, as the downward API writes label and annotation maps. */
export function formatMap(m: Record<string, string> | undefined): string {
  return Object.keys(m ?? {})
    .sort()
    .map((k) => `${k}=${JSON.stringify(m![k])}`)
    .join("\n");
}

/** resourceFieldRef: limits/requests of a container divided by the divisor, rounded up (upstream). */
export function resourceFieldValue(container: any, ref: any, nodeAllocatable: Record<string, string>): string {
  const [kind, resource] = String(ref.resource).split(".");
  const raw = container.resources?.[kind]?.[resource] ?? (kind === "limits" ? nodeAllocatable[resource] : undefined);
  if (raw === undefined) return "0";
  const value = quantityToNumber(parseQuantity(raw));
  const divisor = ref.divisor !== undefined ? quantityToNumber(parseQuantity(ref.divisor)) : 1;
  return String(Math.ceil(value / (divisor || 1)));
}

export interface EnvContext {
  pod: KubeObject;
  container: any;
  hostIP: string;
  podIP: string;
  nodeAllocatable: Record<string, string>;
  lookup: SourceLookup;
}

/** The container's variables in definition order (later definitions of a name win). */
export async function containerEnv(ctx: EnvContext): Promise<Record<string, string>> {
  const { pod, container } = ctx;
  const namespace = pod.metadata.namespace ?? "default";
  const env: Record<string, string> = {};
  const source = async (kind: "ConfigMap" | "Secret", name: string, optional: boolean) => {
    const data = await ctx.lookup(kind, namespace, name);
    if (data === undefined) {
      if (!optional) throw new ContainerConfigError(`${kind.toLowerCase()} "${name}" not found`);
      return undefined;
    }
    const text: Record<string, string> = {};
    for (const [k, v] of Object.entries(data)) text[k] = v.toString("utf8");
    return text;
  };
  for (const from of container.envFrom ?? []) {
    const ref = from.configMapRef ?? from.secretRef;
    const kind = from.configMapRef ? "ConfigMap" : "Secret";
    const data = await source(kind, ref.name, !!ref.optional);
    for (const [k, v] of Object.entries(data ?? {})) env[`${from.prefix ?? ""}${k}`] = v;
  }
  for (const e of container.env ?? []) {
    if (e.valueFrom === undefined) {
      env[e.name] = expand(e.value ?? "", (n) => env[n]);
      continue;
    }
    const vf = e.valueFrom;
    if (vf.fieldRef) env[e.name] = podFieldValue(pod, vf.fieldRef.fieldPath, ctx.hostIP, ctx.podIP);
    else if (vf.resourceFieldRef) env[e.name] = resourceFieldValue(container, vf.resourceFieldRef, ctx.nodeAllocatable);
    else {
      const ref = vf.configMapKeyRef ?? vf.secretKeyRef;
      const kind = vf.configMapKeyRef ? "ConfigMap" : "Secret";
      const data = await source(kind, ref.name, !!ref.optional);
      if (data === undefined) continue;
      if (!(ref.key in data)) {
        if (ref.optional) continue;
        throw new ContainerConfigError(`couldn't find key ${ref.key} in ${kind} ${namespace}/${ref.name}`);
      }
      env[e.name] = data[ref.key];
    }
  }
  return env;
}

/** `command` and `args` with `$(VAR)` expanded against the container's variables. */
export function expandCommand(words: string[], env: Record<string, string>): string[] {
  return words.map((w) => expand(w, (n) => env[n]));
}

/** A container's cpu (millicores) and memory (bytes) limits, as the runtime enforces them. */
export function containerLimits(container: any): ContainerLimits {
  const l = container.resources?.limits ?? {};
  const out: ContainerLimits = {};
  if (l.memory !== undefined) out.memory = Math.floor(quantityToNumber(parseQuantity(l.memory)));
  if (l.cpu !== undefined) out.milliCpu = Math.ceil(quantityToNumber(parseQuantity(l.cpu)) * 1000);
  return out;
}
