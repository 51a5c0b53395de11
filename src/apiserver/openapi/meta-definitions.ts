// Types that exist only on the wire of the REST API and have no place among the per-kind schemas: list
// envelopes, WatchEvent and the PATCH body. Described with the same schema language so the OpenAPI
// converters treat them like everything else; names and fields follow apimachinery's meta/v1.
import { ListMeta, typeMeta } from "../../api/schema/meta.ts";
import type { GroupVersionKind, ObjectSchema } from "../../api/schema/schema.ts";
import { any, arr, ref, str, struct } from "../../api/schema/schema.ts";

/** Every group-version in `served`, once, tagged with `kind` (upstream tags WatchEvent with each of them). */
function everyGroupVersion(served: GroupVersionKind[], kind: string): GroupVersionKind[] {
  const seen = new Set<string>();
  const out: GroupVersionKind[] = [];
  for (const { group, version } of served) {
    const key = `${group}/${version}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ group, version, kind });
  }
  return out.sort((a, b) => a.group.localeCompare(b.group) || a.version.localeCompare(b.version));
}

export function watchEventFor(served: GroupVersionKind[]): ObjectSchema {
  return struct(
    "io.k8s.apimachinery.pkg.apis.meta.v1.WatchEvent",
    "One event of a watch stream.",
    () => ({
      object: any("The object the event is about: for ERROR a Status, for BOOKMARK only its resourceVersion."),
      type: str("ADDED, MODIFIED, DELETED, BOOKMARK or ERROR."),
    }),
    { required: ["type", "object"], gvk: everyGroupVersion(served, "WatchEvent") },
  );
}

/** The body of a PATCH request; its shape depends on the patch content type. */
export const Patch: ObjectSchema = struct(
  "io.k8s.apimachinery.pkg.apis.meta.v1.Patch",
  "The body of a PATCH request: a JSON patch, merge patch, strategic merge patch or apply configuration.",
  () => ({}),
);

/** `io.k8s.api.apps.v1.DaemonSetList` for `io.k8s.api.apps.v1.DaemonSet`. */
export function listKindOf(item: ObjectSchema, gvk: GroupVersionKind): ObjectSchema {
  return struct(
    `${item.name}List`,
    `A list of ${gvk.kind} objects.`,
    () => ({
      ...typeMeta(),
      items: arr(item, `The ${gvk.kind} objects.`),
      metadata: ref(ListMeta, "Standard list metadata."),
    }),
    { required: ["items"], gvk: [{ group: gvk.group, version: gvk.version, kind: `${gvk.kind}List` }] },
  );
}
