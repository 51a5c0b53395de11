// API discovery in the three shapes clients ask for: aggregated v2 and v2beta1 (by Accept header; kubectl
// 1.27–1.29 know only v2beta1) and the legacy APIVersions / APIGroupList / APIResourceList documents.
import { GROUP_ORDER, groupVersion, RESOURCES, type ResourceInfo } from "../api/resources.ts";

export type DiscoveryFormat = "v2" | "v2beta1" | "legacy";

const AGGREGATED = /application\/json;.*g=apidiscovery\.k8s\.io/;

/** Picks the first format of the Accept header that loci serves. */
export function negotiateDiscovery(accept: string | undefined): DiscoveryFormat {
  for (const part of (accept ?? "").split(",")) {
    const p = part.replace(/\s+/g, "");
    if (AGGREGATED.test(p) && p.includes("as=APIGroupDiscoveryList")) {
      if (/(^|;)v=v2($|;)/.test(p)) return "v2";
      if (/(^|;)v=v2beta1($|;)/.test(p)) return "v2beta1";
      continue;
    }
    if (p.startsWith("application/json") || p.startsWith("*/*") || p === "") return "legacy";
  }
  return "legacy";
}

export function discoveryContentType(format: "v2" | "v2beta1"): string {
  return `application/json;g=apidiscovery.k8s.io;v=${format};as=APIGroupDiscoveryList`;
}

function groups(core: boolean): Array<{ group: string; version: string; resources: ResourceInfo[] }> {
  const out = new Map<string, { group: string; version: string; resources: ResourceInfo[] }>();
  for (const r of RESOURCES) {
    if ((r.group === "") !== core) continue;
    const gv = groupVersion(r);
    if (!out.has(gv)) out.set(gv, { group: r.group, version: r.version, resources: [] });
    out.get(gv)!.resources.push(r);
  }
  return [...out.values()].sort((a, b) => GROUP_ORDER.indexOf(a.group) - GROUP_ORDER.indexOf(b.group));
}

function aggregatedResource(r: ResourceInfo) {
  const entry: Record<string, unknown> = {
    resource: r.resource,
    responseKind: { group: r.group, version: r.version, kind: r.kind },
    scope: r.namespaced ? "Namespaced" : "Cluster",
    singularResource: r.singular,
    verbs: r.verbs,
  };
  if (r.shortNames.length) entry.shortNames = r.shortNames;
  if (r.categories.length) entry.categories = r.categories;
  if (r.subresources.length) {
    entry.subresources = r.subresources.map((s) => ({
      subresource: s.name,
      responseKind: { group: s.group ?? r.group, version: s.version ?? r.version, kind: s.kind ?? r.kind },
      verbs: s.verbs,
    }));
  }
  return entry;
}

/** `/api` (core) or `/apis` as an APIGroupDiscoveryList. */
export function aggregatedDiscovery(core: boolean, format: "v2" | "v2beta1") {
  const byGroup = new Map<string, Array<{ version: string; resources: ResourceInfo[] }>>();
  for (const g of groups(core)) {
    if (!byGroup.has(g.group)) byGroup.set(g.group, []);
    byGroup.get(g.group)!.push({ version: g.version, resources: g.resources });
  }
  return {
    kind: "APIGroupDiscoveryList",
    apiVersion: `apidiscovery.k8s.io/${format}`,
    metadata: {},
    items: [...byGroup.entries()].map(([group, versions]) => ({
      metadata: group ? { name: group, creationTimestamp: null } : { creationTimestamp: null },
      versions: versions.map((v) => ({
        version: v.version,
        resources: v.resources.map(aggregatedResource),
        freshness: "Current",
      })),
    })),
  };
}

export function apiVersions(serverAddress: string) {
  return {
    kind: "APIVersions",
    versions: ["v1"],
    serverAddressByClientCIDRs: [{ clientCIDR: "0.0.0.0/0", serverAddress }],
  };
}

export function apiGroupList() {
  const byGroup = new Map<string, string[]>();
  for (const g of groups(false)) {
    if (!byGroup.has(g.group)) byGroup.set(g.group, []);
    byGroup.get(g.group)!.push(g.version);
  }
  return {
    kind: "APIGroupList",
    apiVersion: "v1",
    groups: [...byGroup.entries()].map(([name, versions]) => ({
      name,
      versions: versions.map((version) => ({ groupVersion: `${name}/${version}`, version })),
      preferredVersion: { groupVersion: `${name}/${versions[0]}`, version: versions[0] },
    })),
  };
}

export function apiGroup(name: string) {
  const list = apiGroupList().groups.find((g) => g.name === name);
  return list ? { kind: "APIGroup", apiVersion: "v1", ...list } : undefined;
}

/** `/api/v1`, `/apis/apps/v1`: the legacy APIResourceList of one group-version. */
export function apiResourceList(gv: string) {
  const resources = RESOURCES.filter((r) => groupVersion(r) === gv);
  if (!resources.length) return undefined;
  const list: Record<string, unknown>[] = [];
  for (const r of resources) {
    const entry: Record<string, unknown> = {
      name: r.resource,
      singularName: r.singular,
      namespaced: r.namespaced,
      kind: r.kind,
      verbs: r.verbs,
    };
    if (r.shortNames.length) entry.shortNames = r.shortNames;
    if (r.categories.length) entry.categories = r.categories;
    list.push(entry);
    for (const s of r.subresources) {
      const sub: Record<string, unknown> = {
        name: `${r.resource}/${s.name}`,
        singularName: "",
        namespaced: r.namespaced,
        kind: s.kind ?? r.kind,
        verbs: s.verbs,
      };
      if (s.group !== undefined && s.group !== r.group) sub.group = s.group;
      if (s.version !== undefined && (s.group !== r.group || s.version !== r.version)) sub.version = s.version;
      list.push(sub);
    }
  }
  return { kind: "APIResourceList", apiVersion: "v1", groupVersion: gv, resources: list };
}
