// Namespace defaulting: `SetDefaults_Namespace` (the `kubernetes.io/metadata.name` label),
// `SetDefaults_NamespaceStatus` (phase Active) and the registry's create-time `spec.finalizers`.
// Mutates in place.
import type { KubeObject } from "../object.ts";

export const NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";

export function defaultNamespace(ns: KubeObject, opts: { creating?: boolean } = {}): KubeObject {
  if (ns.metadata?.name) {
    ns.metadata.labels = { ...(ns.metadata.labels ?? {}), [NAMESPACE_NAME_LABEL]: ns.metadata.name };
  }
  if (typeof ns.status !== "object" || ns.status === null) ns.status = {};
  if (!ns.status.phase) ns.status.phase = "Active";
  if (opts.creating !== false) {
    // The namespace registry strategy (PrepareForCreate) always adds the kubernetes finalizer.
    if (typeof ns.spec !== "object" || ns.spec === null) ns.spec = {};
    const finalizers: string[] = ns.spec.finalizers ?? [];
    if (!finalizers.includes("kubernetes")) ns.spec.finalizers = [...finalizers, "kubernetes"];
  }
  return ns;
}
