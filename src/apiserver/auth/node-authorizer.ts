// What a node credential may do, as upstream's Node authorizer and NodeRestriction admission allow a kubelet:
// read nodes; create and update its own Node (NodeRestriction: not its taints, nor node-restriction.kubernetes.io/
// or role labels) and its own Lease; read, update the status of and delete the pods bound to it (lists and
// watches only with `spec.nodeName=<itself>`); create and update events; read the ConfigMaps and Secrets its pods
// use; open its own tunnel. Everything else is 403 with upstream's wording. Bootstrap tokens may do nothing but
// obtain a node credential.
import { ApiError } from "../../api/errors.ts";
import type { KubeObject } from "../../api/object.ts";
import type { ResourceInfo } from "../../api/resources.ts";
import type { UserInfo } from "./authenticator.ts";

export interface NodeAuthzRequest {
  verb: string;
  info: ResourceInfo;
  namespace: string;
  name?: string;
  subresource?: string;
  fieldSelector?: string;
}

export interface NodeAuthzDeps {
  pod(namespace: string, name: string): KubeObject | undefined;
  podsOnNode(node: string): KubeObject[];
}

function scope(r: NodeAuthzRequest): string {
  return r.namespace ? `in the namespace "${r.namespace}"` : "at the cluster scope";
}

/** Upstream's 403: `pods "x" is forbidden: User "u" cannot get resource "pods" in API group "" in the namespace "ns"…`. */
export function forbidden(user: UserInfo, r: NodeAuthzRequest, why?: string): ApiError {
  const res = r.subresource ? `${r.info.resource}/${r.subresource}` : r.info.resource;
  const qualified = r.info.group ? `${r.info.resource}.${r.info.group}` : r.info.resource;
  const what = r.name ? `${qualified} "${r.name}"` : qualified;
  const msg = `${what} is forbidden: User "${user.name}" cannot ${r.verb} resource "${res}" in API group "${r.info.group}" ${scope(r)}${why ? `: ${why}` : ""}`;
  return new ApiError(403, "Forbidden", msg, { name: r.name, group: r.info.group || undefined, kind: r.info.resource });
}

const READ = new Set(["get", "list", "watch"]);

/** Names of the ConfigMaps or Secrets a pod uses (volumes, projected sources, env, envFrom, pull secrets). */
export function podReferences(pod: KubeObject, kind: "configmaps" | "secrets"): Set<string> {
  const out = new Set<string>();
  const spec = pod.spec ?? {};
  const cm = kind === "configmaps";
  for (const v of spec.volumes ?? []) {
    if (cm && v.configMap?.name) out.add(v.configMap.name);
    if (!cm && v.secret?.secretName) out.add(v.secret.secretName);
    for (const s of v.projected?.sources ?? []) {
      if (cm && s.configMap?.name) out.add(s.configMap.name);
      if (!cm && s.secret?.name) out.add(s.secret.name);
    }
  }
  for (const c of [...(spec.initContainers ?? []), ...(spec.containers ?? []), ...(spec.ephemeralContainers ?? [])]) {
    for (const e of c.env ?? []) {
      const ref = cm ? e.valueFrom?.configMapKeyRef : e.valueFrom?.secretKeyRef;
      if (ref?.name) out.add(ref.name);
    }
    for (const e of c.envFrom ?? []) {
      const ref = cm ? e.configMapRef : e.secretRef;
      if (ref?.name) out.add(ref.name);
    }
  }
  if (!cm) for (const s of spec.imagePullSecrets ?? []) if (s.name) out.add(s.name);
  return out;
}

/** Throws a 403 ApiError unless the node may make this request (request-level checks; NodeRestriction is separate). */
export function authorizeNode(user: UserInfo, r: NodeAuthzRequest, deps: NodeAuthzDeps): void {
  const node = user.node ?? "";
  const { group, resource } = r.info;
  const deny = (why?: string) => forbidden(user, r, why);
  const own = (name?: string) => name === node;
  if (group === "" && resource === "nodes") {
    if (READ.has(r.verb)) return;
    if (r.verb === "create" && !r.subresource) return; // the name is checked on the object (NodeRestriction)
    if ((r.verb === "update" || r.verb === "patch") && own(r.name)) return;
    throw deny(`node '${node}' cannot modify node '${r.name ?? ""}'`);
  }
  if (group === "coordination.k8s.io" && resource === "leases" && r.namespace === "kube-node-lease") {
    if (r.verb === "create" || own(r.name)) {
      if (["get", "create", "update", "patch", "delete"].includes(r.verb)) return;
    }
    throw deny(`can only access node lease with the same name as the requesting node`);
  }
  if (group === "" && resource === "pods") {
    if (r.verb === "list" || r.verb === "watch") {
      if (r.fieldSelector?.split(",").some((s) => s.trim() === `spec.nodeName=${node}`)) return;
      throw deny(`can only list/watch pods with spec.nodeName field selector`);
    }
    const bound = r.name ? deps.pod(r.namespace, r.name)?.spec?.nodeName === node : false;
    const allowed =
      (r.verb === "get" && !r.subresource) ||
      ((r.verb === "update" || r.verb === "patch") && r.subresource === "status") ||
      (r.verb === "delete" && !r.subresource);
    if (allowed && bound) return;
    throw deny(`no relationship found between node '${node}' and this object`);
  }
  if (resource === "events" && (group === "" || group === "events.k8s.io")) {
    if (["create", "update", "patch"].includes(r.verb)) return;
    throw deny();
  }
  if (group === "" && (resource === "configmaps" || resource === "secrets") && r.verb === "get" && r.name) {
    for (const pod of deps.podsOnNode(node)) {
      if (pod.metadata.namespace === r.namespace && podReferences(pod, resource).has(r.name)) return;
    }
    throw deny(`no relationship found between node '${node}' and this object`);
  }
  throw deny();
}

const RESTRICTED_LABEL = (k: string) =>
  k.startsWith("node-restriction.kubernetes.io/") ||
  k.startsWith("node-role.kubernetes.io/") ||
  k === "kubernetes.io/role" ||
  k === "node-role.kubernetes.io";

function restrictedLabels(obj: KubeObject | undefined): string {
  const labels = obj?.metadata.labels ?? {};
  return JSON.stringify(
    Object.keys(labels)
      .filter(RESTRICTED_LABEL)
      .sort()
      .map((k) => [k, labels[k]]),
  );
}

/**
 * NodeRestriction on a node's writes of Nodes and Leases (the object as it would be stored, and the stored one
 * for updates). Throws 403.
 */
export function admitNodeWrite(user: UserInfo, info: ResourceInfo, obj: KubeObject, old: KubeObject | undefined): void {
  const node = user.node ?? "";
  const name = obj.metadata.name ?? "";
  const reject = (why: string) => {
    throw new ApiError(403, "Forbidden", `${info.resource} "${name}" is forbidden: ${why}`, {
      name,
      group: info.group || undefined,
      kind: info.resource,
    });
  };
  if (info.group === "" && info.resource === "nodes") {
    if (name !== node) reject(`node "${node}" is not allowed to modify node "${name}"`);
    const changed = Object.keys({ ...obj.metadata.labels, ...old?.metadata.labels }).filter(
      (k) => RESTRICTED_LABEL(k) && obj.metadata.labels?.[k] !== old?.metadata.labels?.[k],
    );
    if (restrictedLabels(obj) !== restrictedLabels(old)) {
      reject(`node "${node}" is not allowed to modify labels: ${changed.sort().join(", ")}`);
    }
    if (old && JSON.stringify(obj.spec?.taints ?? []) !== JSON.stringify(old.spec?.taints ?? [])) {
      reject(`node "${node}" is not allowed to modify taints`);
    }
    return;
  }
  if (info.group === "coordination.k8s.io" && info.resource === "leases" && name !== node) {
    reject(`can only access node lease with the same name as the requesting node`);
  }
}
