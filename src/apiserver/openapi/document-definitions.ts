// Which definitions a document carries: the kinds of its resources and their subresources, their list
// kinds, and the wire-only meta types every operation refers to (Status, DeleteOptions, WatchEvent, Patch).
import type { ResourceInfo } from "../../api/resources.ts";
import { RESOURCES } from "../../api/resources.ts";
import { DeleteOptions, ListMeta, Status } from "../../api/schema/meta.ts";
import type { GroupVersionKind, ObjectSchema } from "../../api/schema/schema.ts";
import type { Flavour, JsonObject } from "./json-schema.ts";
import { collectDefinitions } from "./json-schema.ts";
import { listKindOf, Patch, watchEventFor } from "./meta-definitions.ts";
import { gvkOf, kindSchemasOf } from "./operations.ts";

/** Every group-version with a served kind, subresource-only kinds (policy/v1 Eviction) included. */
export function servedGroupVersions(): GroupVersionKind[] {
  const out: GroupVersionKind[] = [];
  for (const r of RESOURCES) {
    out.push(gvkOf(r));
    for (const sub of r.subresources)
      if (sub.kind && !sub.connect)
        out.push({ group: sub.group ?? r.group, version: sub.version ?? r.version, kind: sub.kind });
  }
  return out;
}

export function definitionsFor(resources: ResourceInfo[], flavour: Flavour): Record<string, JsonObject> {
  const served = servedGroupVersions();
  const roots: ObjectSchema[] = [
    ...kindSchemasOf(resources),
    ...resources.filter((r) => r.verbs.includes("list")).map((r) => listKindOf(r.schema(), gvkOf(r))),
  ];
  const wireOnly = [Status, DeleteOptions, watchEventFor(served), Patch, ListMeta];
  return collectDefinitions(roots, flavour, wireOnly);
}
