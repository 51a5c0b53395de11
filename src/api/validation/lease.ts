// coordination.k8s.io Lease validation (`pkg/apis/coordination/validation`).
import { type FieldError, field } from "../errors.ts";
import type { KubeObject } from "../object.ts";
import { validateObjectMeta, validateObjectMetaUpdate } from "./meta.ts";
import { nameIsDNSSubdomain } from "./names.ts";

const STRATEGIES = ["OldestEmulationVersion"];

export function validateLeaseSpec(spec: any, path: string): FieldError[] {
  const s = spec ?? {};
  const errs: FieldError[] = [];
  if (s.leaseDurationSeconds !== undefined && s.leaseDurationSeconds !== null && s.leaseDurationSeconds <= 0) {
    errs.push(field.invalid(`${path}.leaseDurationSeconds`, s.leaseDurationSeconds, "must be greater than 0"));
  }
  if (s.leaseTransitions !== undefined && s.leaseTransitions !== null && s.leaseTransitions < 0) {
    errs.push(field.invalid(`${path}.leaseTransitions`, s.leaseTransitions, "must be greater than or equal to 0"));
  }
  if (s.strategy !== undefined && s.strategy !== null) {
    if (s.strategy === "") errs.push(field.required(`${path}.strategy`));
    else if (!STRATEGIES.includes(s.strategy))
      errs.push(field.notSupported(`${path}.strategy`, s.strategy, STRATEGIES));
  }
  if (s.preferredHolder && !s.strategy) {
    errs.push(field.forbidden(`${path}.preferredHolder`, "may only be specified if `strategy` is defined"));
  }
  return errs;
}

export function validateLease(lease: KubeObject): FieldError[] {
  return [
    ...validateObjectMeta(lease.metadata, true, nameIsDNSSubdomain, "metadata"),
    ...validateLeaseSpec(lease.spec, "spec"),
  ];
}

export function validateLeaseUpdate(lease: KubeObject, old: KubeObject): FieldError[] {
  return [
    ...validateObjectMetaUpdate(lease.metadata, old.metadata, "metadata"),
    ...validateLeaseSpec(lease.spec, "spec"),
  ];
}
