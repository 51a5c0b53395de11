// `kubectl get events`: upstream printEvent. The API server prints events.k8s.io/v1 events through the
// same core printer, so both wire shapes are read into the core field names first.
import type { KubeObject } from "../../api/object.ts";
import { column, int, nameColumn, nameOf, str, type TablePrinter } from "./columns.ts";
import { parseTimestamp, translateTimestampSince } from "./human-duration.ts";

interface CoreEventView {
  involvedObject: Record<string, any>;
  message: string;
  source: { component?: string; host?: string };
  firstTimestamp: unknown;
  lastTimestamp: unknown;
  count: number;
}

/** Reads the fields the printer needs from either a core/v1 or an events.k8s.io/v1 Event. */
function coreView(ev: KubeObject): CoreEventView {
  if ("involvedObject" in ev || !("regarding" in ev || ev.apiVersion === "events.k8s.io/v1")) {
    return {
      involvedObject: ev.involvedObject ?? {},
      message: str(ev.message),
      source: ev.source ?? {},
      firstTimestamp: ev.firstTimestamp,
      lastTimestamp: ev.lastTimestamp,
      count: int(ev.count),
    };
  }
  return {
    involvedObject: ev.regarding ?? {},
    message: str(ev.note),
    source: ev.deprecatedSource ?? {},
    firstTimestamp: ev.deprecatedFirstTimestamp,
    lastTimestamp: ev.deprecatedLastTimestamp,
    count: int(ev.deprecatedCount),
  };
}

/** Reporting controller, in whichever field the shape calls it. */
const reportingController = (ev: KubeObject) => str(ev.reportingComponent) || str(ev.reportingController);

/** Upstream `formatEventSource`: component (or reporting controller), then `, host` (or instance) if any. */
function eventSource(ev: KubeObject, view: CoreEventView): string {
  const component = str(view.source.component) || reportingController(ev);
  const instance = str(view.source.host) || str(ev.reportingInstance);
  return instance ? `${component}, ${instance}` : component;
}

export const eventTable: TablePrinter = {
  columns: [
    column("Last Seen", "string", "Time the event was last observed."),
    column("Type", "string", "Type of the event (Normal or Warning)."),
    column("Reason", "string", "Short machine-readable reason for the event."),
    column("Object", "string", "The object the event is about."),
    column("Subobject", "string", "Field path within the object, if the event is about part of it.", {
      priority: 1,
    }),
    column("Source", "string", "The component that reported the event.", { priority: 1 }),
    column("Message", "string", "Human-readable description of the event."),
    column("First Seen", "string", "Time the event was first observed.", { priority: 1 }),
    column("Count", "string", "Number of times the event occurred.", { priority: 1 }),
    { ...nameColumn, priority: 1 },
  ],
  cells(ev, now) {
    const view = coreView(ev);
    const firstSeen =
      parseTimestamp(view.firstTimestamp) === undefined
        ? translateTimestampSince(ev.eventTime, now)
        : translateTimestampSince(view.firstTimestamp, now);
    let lastSeen =
      parseTimestamp(view.lastTimestamp) === undefined ? firstSeen : translateTimestampSince(view.lastTimestamp, now);
    let count = view.count;
    if (ev.series) {
      lastSeen = translateTimestampSince(ev.series.lastObservedTime, now);
      count = int(ev.series.count);
    } else if (count === 0) {
      count = 1; // singleton events carry no count in the new API
    }
    const kind = str(view.involvedObject.kind).toLowerCase();
    const name = str(view.involvedObject.name);
    return [
      lastSeen,
      str(ev.type),
      str(ev.reason),
      name ? `${kind}/${name}` : kind,
      str(view.involvedObject.fieldPath),
      eventSource(ev, view),
      view.message.trim(),
      firstSeen,
      count,
      nameOf(ev),
    ];
  },
};
