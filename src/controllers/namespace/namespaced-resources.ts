// What a namespace holds: every namespaced resource loci serves that can be listed and deleted, each counted
// once (events.k8s.io events are the core events under another name).
import { RESOURCES } from "../../api/resources.ts";
import type { ResourceRef } from "../../client/client.ts";

export interface NamespacedResource extends ResourceRef {
  /** As upstream's condition messages name it: `pods.` for core, `daemonsets.apps`. */
  display: string;
}

export function namespacedResources(): NamespacedResource[] {
  return RESOURCES.filter(
    (r) => r.namespaced && !r.storageOf && r.verbs.includes("list") && r.verbs.includes("delete"),
  ).map((r) => ({ group: r.group, version: r.version, resource: r.resource, display: `${r.resource}.${r.group}` }));
}
