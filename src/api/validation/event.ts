// Core v1 / events.k8s.io Event validation, reduced to what loci's own writers and kubectl need
// (`pkg/apis/core/validation/events.go`).
import { type FieldError, field } from "../errors.ts";
import type { KubeObject } from "../object.ts";
import { validateObjectMeta, validateObjectMetaUpdate } from "./meta.ts";
import { nameIsDNSSubdomain } from "./names.ts";

const EVENT_TYPES = ["Normal", "Warning"];
const NOTE_LENGTH_LIMIT = 1024;

/** Validates an Event; `apiVersion` picks the core (v1) or events.k8s.io rules. */
export function validateEvent(ev: KubeObject): FieldError[] {
  const errs = validateObjectMeta(ev.metadata, true, nameIsDNSSubdomain, "metadata");
  const isEventsGroup = (ev.apiVersion ?? "").startsWith("events.k8s.io/");
  const regarding = isEventsGroup ? ev.regarding : ev.involvedObject;
  const regardingPath = isEventsGroup ? "regarding" : "involvedObject";
  const ns = ev.metadata?.namespace ?? "";
  if (regarding?.namespace && ns && regarding.namespace !== ns) {
    errs.push(field.invalid(`${regardingPath}.namespace`, regarding.namespace, "does not match event.namespace"));
  }
  if (ev.type && !EVENT_TYPES.includes(ev.type)) {
    // The core API accepts any type for old clients; events.k8s.io requires one of the two.
    if (isEventsGroup) errs.push(field.invalid("type", ev.type, `has invalid value: ${ev.type}`));
  }
  if (isEventsGroup) {
    if (!ev.reportingController) errs.push(field.required("reportingController"));
    if (!ev.reportingInstance) errs.push(field.required("reportingInstance"));
    if (!ev.action) errs.push(field.required("action"));
    if (!ev.reason) errs.push(field.required("reason"));
    if ((ev.note ?? "").length > NOTE_LENGTH_LIMIT) {
      errs.push(field.invalid("note", "", `can have at most ${NOTE_LENGTH_LIMIT} characters`));
    }
  }
  return errs;
}

export function validateEventUpdate(ev: KubeObject, old: KubeObject): FieldError[] {
  return [...validateObjectMetaUpdate(ev.metadata, old.metadata, "metadata"), ...validateEvent(ev)];
}
