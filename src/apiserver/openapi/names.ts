// Naming rules kube-apiserver's OpenAPI builder uses for operation ids and tags, so generated clients and
// anyone comparing documents see the same names (`listCoreV1NamespacedPod`, tag `apps_v1`).

const capitalize = (s: string): string => (s ? s[0]!.toUpperCase() + s.slice(1) : s);

/** `""` → `Core`, `apps` → `Apps`, `rbac.authorization.k8s.io` → `RbacAuthorization`. */
export function groupIdentifier(group: string): string {
  if (group === "") return "Core";
  return group
    .replace(/\.k8s\.io$/, "")
    .split(".")
    .map(capitalize)
    .join("");
}

/** `CoreV1`, `AppsV1`, `EventsV1`: the group-version part of every operation id. */
export function groupVersionIdentifier(group: string, version: string): string {
  return groupIdentifier(group) + capitalize(version);
}

/** The operation tag: `core_v1`, `apps_v1`, `rbacAuthorization_v1`. */
export function operationTag(group: string, version: string): string {
  const id = groupIdentifier(group);
  return id[0]!.toLowerCase() + id.slice(1) + "_" + version;
}

export { capitalize };
