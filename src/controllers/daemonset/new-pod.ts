// The pod the DaemonSet controller creates for one node (upstream `CreatePodTemplate`,
// `ReplaceDaemonSetPodNodeNameNodeAffinity` and `GetPodFromTemplate`). It is created unbound: the pinning
// `matchFields metadata.name In [node]` term makes the default scheduler bind it to that node.
import type { KubeObject } from "../../api/object.ts";
import { addDaemonTolerations } from "./placement.ts";
import { controllerRefTo, REVISION_HASH_LABEL, TEMPLATE_GENERATION_LABEL, templateGeneration } from "./revisions.ts";

const MAX_NAME_LENGTH = 253;

/** `<name>-` unless that is not a valid name prefix (then the bare name), as upstream's `getPodsPrefix`. */
export function podNamePrefix(controllerName: string): string {
  // A prefix is validated with its trailing dash masked by one more character.
  return controllerName.length + 1 <= MAX_NAME_LENGTH ? `${controllerName}-` : controllerName;
}

/** Replaces the required node affinity with the single term that pins the pod to `nodeName`. */
export function pinToNode(affinity: any, nodeName: string): any {
  const term = { matchFields: [{ key: "metadata.name", operator: "In", values: [nodeName] }] };
  const out = affinity && typeof affinity === "object" ? { ...affinity } : {};
  const nodeAffinity = out.nodeAffinity && typeof out.nodeAffinity === "object" ? { ...out.nodeAffinity } : {};
  nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution = { nodeSelectorTerms: [term] };
  out.nodeAffinity = nodeAffinity;
  return out;
}

/** The template every new pod of this revision starts from: default tolerations plus the revision labels. */
export function daemonPodTemplate(ds: KubeObject, hash: string): { metadata: any; spec: any } {
  const template = structuredClone(ds.spec?.template ?? {});
  const metadata = template.metadata ?? {};
  const spec = addDaemonTolerations(template.spec ?? {});
  const labels: Record<string, string> = { ...(metadata.labels ?? {}) };
  const generation = templateGeneration(ds);
  if (generation !== undefined) labels[TEMPLATE_GENERATION_LABEL] = generation;
  if (hash) labels[REVISION_HASH_LABEL] = hash;
  return { metadata: { ...metadata, labels }, spec };
}

/** The pod to create on `nodeName`; `template` from `daemonPodTemplate` (built once per sync). */
export function newDaemonPod(
  ds: KubeObject,
  nodeName: string,
  template: { metadata: any; spec: any } = daemonPodTemplate(ds, ""),
): KubeObject {
  const spec = structuredClone(template.spec);
  spec.affinity = pinToNode(spec.affinity, nodeName);
  const metadata: KubeObject["metadata"] = {
    generateName: podNamePrefix(ds.metadata.name ?? ""),
    namespace: ds.metadata.namespace,
    labels: { ...template.metadata.labels },
    ownerReferences: [controllerRefTo(ds)],
  };
  if (template.metadata.annotations) metadata.annotations = { ...template.metadata.annotations };
  if (template.metadata.finalizers) metadata.finalizers = [...template.metadata.finalizers];
  return { apiVersion: "v1", kind: "Pod", metadata, spec };
}
