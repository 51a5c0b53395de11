// Required node placement as upstream evaluates it (k8s.io/component-helpers/scheduling/corev1/nodeaffinity):
// `spec.nodeSelector` must be a subset of the node's labels, and the required node affinity terms (ORed; the
// requirements of one term ANDed) must match. Preferred terms never filter.
import type { KubeObject } from "../object.ts";

export interface NodeSelectorRequirement {
  key: string;
  operator: string;
  values?: string[];
}

export interface NodeSelectorTerm {
  matchExpressions?: NodeSelectorRequirement[];
  matchFields?: NodeSelectorRequirement[];
}

const INT64 = /^[+-]?\d+$/;

function parseInt64(s: string): bigint | undefined {
  if (!INT64.test(s)) return undefined;
  try {
    const n = BigInt(s);
    return n >= -(1n << 63n) && n < 1n << 63n ? n : undefined;
  } catch {
    return undefined;
  }
}

/** A label requirement; undefined when the requirement is malformed (the whole term then matches nothing). */
function labelRequirementMatches(r: NodeSelectorRequirement, labels: Record<string, string>): boolean | undefined {
  const values = r.values ?? [];
  const has = Object.hasOwn(labels, r.key);
  switch (r.operator) {
    case "In":
      if (values.length === 0) return undefined;
      return has && values.includes(labels[r.key]);
    case "NotIn":
      if (values.length === 0) return undefined;
      return !has || !values.includes(labels[r.key]);
    case "Exists":
      if (values.length !== 0) return undefined;
      return has;
    case "DoesNotExist":
      if (values.length !== 0) return undefined;
      return !has;
    case "Gt":
    case "Lt": {
      if (values.length !== 1) return undefined;
      const want = parseInt64(values[0]);
      if (want === undefined) return undefined;
      if (!has) return false;
      const got = parseInt64(labels[r.key]);
      if (got === undefined) return false;
      return r.operator === "Gt" ? got > want : got < want;
    }
    default:
      return undefined;
  }
}

/** matchFields supports only `metadata.name` with In/NotIn and exactly one value. */
function fieldRequirementMatches(r: NodeSelectorRequirement, nodeName: string): boolean | undefined {
  if (r.key !== "metadata.name") return undefined;
  const values = r.values ?? [];
  if (values.length !== 1) return undefined;
  if (r.operator === "In") return nodeName === values[0];
  if (r.operator === "NotIn") return nodeName !== values[0];
  return undefined;
}

/** One term: every requirement matches. An empty term, or one with a malformed requirement, matches nothing. */
export function nodeSelectorTermMatches(term: NodeSelectorTerm, node: KubeObject): boolean {
  const exprs = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  if (exprs.length === 0 && fields.length === 0) return false;
  const labels = node.metadata.labels ?? {};
  for (const r of exprs) if (labelRequirementMatches(r, labels) !== true) return false;
  for (const r of fields) if (fieldRequirementMatches(r, node.metadata.name ?? "") !== true) return false;
  return true;
}

/** Terms are ORed. */
export function nodeSelectorTermsMatch(terms: readonly NodeSelectorTerm[] | undefined, node: KubeObject): boolean {
  return (terms ?? []).some((t) => nodeSelectorTermMatches(t, node));
}

/** `spec.nodeSelector` and required node affinity of a pod spec against a node (`GetRequiredNodeAffinity.Match`). */
export function podMatchesNodeSelectorAndAffinity(podSpec: any, node: KubeObject): boolean {
  const labels = node.metadata.labels ?? {};
  for (const [k, v] of Object.entries((podSpec?.nodeSelector ?? {}) as Record<string, string>)) {
    if (labels[k] !== v) return false;
  }
  const required = podSpec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  if (required) return nodeSelectorTermsMatch(required.nodeSelectorTerms, node);
  return true;
}

/**
 * The node a daemon pod is meant for (`GetTargetNodeName`): `spec.nodeName`, else the single value of the
 * first `matchFields metadata.name In [x]` requirement; undefined when neither is there.
 */
export function targetNodeName(pod: KubeObject): string | undefined {
  if (pod.spec?.nodeName) return pod.spec.nodeName;
  const terms: NodeSelectorTerm[] =
    pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [];
  for (const t of terms) {
    for (const f of t.matchFields ?? []) {
      if (f.key === "metadata.name" && f.operator === "In" && f.values?.length === 1) return f.values[0];
    }
  }
  return undefined;
}
