// events.k8s.io/v1 Event: the newer view of the same events core/v1 serves, with renamed fields.
import { EventSource, ObjectReference } from "./core.ts";
import { objectHeader } from "./meta.ts";
import { int32, ref, str, struct, time } from "./schema.ts";

const EVENTS = "io.k8s.api.events.v1";

export const EventSeries = struct(
  `${EVENTS}.EventSeries`,
  "Data about a run of repeated events.",
  () => ({
    count: int32("Number of occurrences so far."),
    lastObservedTime: time("When the last occurrence was seen.", { micro: true }),
  }),
  { required: ["count", "lastObservedTime"] },
);

export const Event = struct(
  `${EVENTS}.Event`,
  "A report of something that happened to an object.",
  () => ({
    ...objectHeader(),
    action: str("What action was taken or failed on the regarding object."),
    deprecatedCount: int32("Occurrence count kept for compatibility with core/v1 events."),
    deprecatedFirstTimestamp: time("First-seen time kept for compatibility with core/v1 events."),
    deprecatedLastTimestamp: time("Last-seen time kept for compatibility with core/v1 events."),
    deprecatedSource: ref(EventSource, "Reporting component kept for compatibility with core/v1 events."),
    eventTime: time("When the event was first observed.", { micro: true }),
    note: str("Human-readable description of what happened."),
    reason: str("Short machine-readable reason, such as FailedScheduling."),
    regarding: ref(ObjectReference, "The object the event is about."),
    related: ref(ObjectReference, "A second object involved, if any."),
    reportingController: str("Controller that emitted the event, such as kubernetes.io/kubelet."),
    reportingInstance: str("ID of the controller instance that emitted the event."),
    series: ref(EventSeries, "Data about the run of repeated events, if any."),
    type: str("Type of the event: Normal or Warning."),
  }),
  { required: ["eventTime"], gvk: [{ group: "events.k8s.io", version: "v1", kind: "Event" }] },
);
