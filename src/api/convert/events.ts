// events.k8s.io/v1 Events are core/v1 Events in storage (upstream pkg/apis/events/v1/conversion.go): the two API
// versions rename a few fields and otherwise share them.
import type { KubeObject } from "../object.ts";

/** [events.k8s.io/v1 name, core/v1 name] */
const RENAMES: Array<[string, string]> = [
  ["regarding", "involvedObject"],
  ["note", "message"],
  ["reportingController", "reportingComponent"],
  ["deprecatedSource", "source"],
  ["deprecatedFirstTimestamp", "firstTimestamp"],
  ["deprecatedLastTimestamp", "lastTimestamp"],
  ["deprecatedCount", "count"],
];
const SHARED = ["eventTime", "series", "reportingInstance", "action", "reason", "related", "type"];

function move(from: KubeObject, to: KubeObject, pairs: Array<[string, string]>): void {
  for (const [src, dst] of pairs) if (from[src] !== undefined) to[dst] = structuredClone(from[src]);
  for (const k of SHARED) if (from[k] !== undefined) to[k] = structuredClone(from[k]);
}

export function coreEventToEventsV1(core: KubeObject): KubeObject {
  const out: KubeObject = { kind: "Event", apiVersion: "events.k8s.io/v1", metadata: structuredClone(core.metadata) };
  move(
    core,
    out,
    RENAMES.map(([v1, c]) => [c, v1]),
  );
  return out;
}

export function eventsV1ToCoreEvent(ev: KubeObject): KubeObject {
  const out: KubeObject = { kind: "Event", apiVersion: "v1", metadata: structuredClone(ev.metadata) };
  move(ev, out, RENAMES);
  out.involvedObject ??= {};
  return out;
}
