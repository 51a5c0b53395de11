// Which resources the garbage collector watches and how an ownerReference maps to a resource. Like upstream, every
// served resource that can be listed, watched and deleted, except events (upstream's default ignored resources:
// they are many and never own anything) and namespaces (their content goes through the namespace controller).
import type { OwnerReference } from "../../api/object.ts";
import { findKind, RESOURCES, type ResourceInfo } from "../../api/resources.ts";
import type { ResourceRef } from "../../client/client.ts";

const IGNORED = new Set(["/events", "events.k8s.io/events", "/namespaces"]);

export function monitoredResources(): ResourceInfo[] {
  return RESOURCES.filter(
    (r) =>
      !r.storageOf &&
      !IGNORED.has(`${r.group}/${r.resource}`) &&
      ["list", "watch", "delete"].every((v) => r.verbs.includes(v as ResourceInfo["verbs"][number])),
  );
}

export function resourceRef(info: ResourceInfo): ResourceRef {
  return { group: info.group, version: info.version, resource: info.resource };
}

/** The resource an ownerReference names, if loci serves its apiVersion and kind. */
export function ownerResource(ref: OwnerReference): ResourceInfo | undefined {
  return findKind(ref.apiVersion, ref.kind);
}
