// Zones and their health as the node lifecycle controller sees them (upstream `ComputeZoneState`,
// `nodetopology.GetZoneKey`, `ReducedQPSFunc`/`HealthyQPSFunc`). Nodes in one zone share an eviction rate limiter;
// when a zone looks broken the rate drops, so a network partition does not taint every node at once.
import type { KubeObject } from "../../api/object.ts";

export type ZoneState = "Initial" | "Normal" | "PartialDisruption" | "FullDisruption";

const REGION_LABELS = ["topology.kubernetes.io/region", "failure-domain.beta.kubernetes.io/region"];
const ZONE_LABELS = ["topology.kubernetes.io/zone", "failure-domain.beta.kubernetes.io/zone"];

/** Nodes with this label are left out of zone health (they still get tainted). */
export const LABEL_EXCLUDE_DISRUPTION = "node.kubernetes.io/exclude-disruption";

function firstLabel(labels: Record<string, string> | undefined, keys: readonly string[]): string {
  for (const k of keys) {
    const v = labels?.[k];
    if (v) return v;
  }
  return "";
}

/** Region and zone in one key (upstream's `region:\0:zone`); "" when the node names neither. */
export function zoneKey(node: KubeObject): string {
  const region = firstLabel(node.metadata.labels, REGION_LABELS);
  const zone = firstLabel(node.metadata.labels, ZONE_LABELS);
  if (!region && !zone) return "";
  return `${region}:\x00:${zone}`;
}

export function isExcludedFromDisruptionChecks(node: KubeObject): boolean {
  return node.metadata.labels?.[LABEL_EXCLUDE_DISRUPTION] !== undefined;
}

/**
 * A zone's state from its nodes' Ready statuses (undefined = no Ready condition, counted not ready): no ready node
 * is a full disruption; more than 2 not ready and at least `unhealthyThreshold` of the zone is a partial one.
 */
export function computeZoneState(
  readyStatuses: readonly (string | undefined)[],
  unhealthyThreshold: number,
): { unhealthy: number; state: ZoneState } {
  let ready = 0;
  let notReady = 0;
  for (const s of readyStatuses) {
    if (s === "True") ready++;
    else notReady++;
  }
  if (ready === 0 && notReady > 0) return { unhealthy: notReady, state: "FullDisruption" };
  if (notReady > 2 && notReady / (notReady + ready) >= unhealthyThreshold) {
    return { unhealthy: notReady, state: "PartialDisruption" };
  }
  return { unhealthy: notReady, state: "Normal" };
}

export interface EvictionRates {
  nodeEvictionRate: number;
  secondaryNodeEvictionRate: number;
  largeClusterSizeThreshold: number;
}

/**
 * Tainting rate (per second) for a zone in `state` with `zoneSize` nodes: normal and full disruption use the
 * primary rate (a cluster-wide full disruption is handled separately: it stops tainting), a partial disruption
 * the secondary rate in large zones and none in small ones. Initial keeps whatever the limiter has.
 */
export function zoneTaintingQps(state: ZoneState, zoneSize: number, rates: EvictionRates): number | undefined {
  switch (state) {
    case "Normal":
    case "FullDisruption":
      return rates.nodeEvictionRate;
    case "PartialDisruption":
      return zoneSize > rates.largeClusterSizeThreshold ? rates.secondaryNodeEvictionRate : 0;
    default:
      return undefined;
  }
}
