// Node validation (`ValidateNode`, `ValidateNodeUpdate` in pkg/apis/core/validation).
import { FieldError, field } from "../errors.ts";
import type { KubeObject } from "../object.ts";
import { validateLabelName } from "./labels.ts";
import { validateObjectMeta, validateObjectMetaUpdate } from "./meta.ts";
import { ipFamily, isValidCIDR, isValidLabelValue, validateNodeName } from "./names.ts";
import { index } from "./path.ts";
import { validateTaintEffect } from "./pod.ts";
import { validateResourceList } from "./resources.ts";

export function validateNodeTaints(taints: any[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Map<string, Set<string>>();
  (taints ?? []).forEach((t, i) => {
    const p = index(path, i);
    const k: string = t?.key ?? "";
    const value: string = t?.value ?? "";
    const effect: string = t?.effect ?? "";
    errs.push(...validateLabelName(k, `${p}.key`));
    const msgs = isValidLabelValue(value);
    if (msgs.length) errs.push(field.invalid(`${p}.value`, value, msgs.join(";")));
    errs.push(...validateTaintEffect(effect, false, `${p}.effect`));
    if (seen.get(effect)?.has(k)) {
      // Upstream reports its internal core.Taint, which has no json tags: Go field names, every field present.
      const internalTaint = { Key: k, Value: value, Effect: effect, TimeAdded: t?.timeAdded ?? null };
      errs.push(
        new FieldError("FieldValueDuplicate", p, internalTaint, "taints must be unique by key and effect pair"),
      );
      return;
    }
    if (!seen.has(effect)) seen.set(effect, new Set());
    seen.get(effect)!.add(k);
  });
  return errs;
}

function _nodeResources(node: KubeObject): FieldError[] {
  return [
    ...validateResourceList(node.status?.capacity, "status.capacity", "dot"),
    ...validateResourceList(node.status?.allocatable, "status.allocatable", "dot"),
  ];
}

/** Upstream `ValidateNode`. Note upstream reports taint errors under `metadata.taints`. */
export function validateNode(node: KubeObject): FieldError[] {
  const errs = validateObjectMeta(node.metadata, false, validateNodeName, "metadata");
  // Upstream builds the taint path from the metadata path, so errors read `metadata.taints[i]...`.
  errs.push(...validateNodeTaints(node.spec?.taints, "metadata.taints"));
  errs.push(..._nodeResources(node));
  const cidrs: string[] = node.spec?.podCIDRs ?? [];
  cidrs.forEach((c, i) => {
    for (const m of isValidCIDR(c)) errs.push(field.invalid(`spec.podCIDRs[${i}]`, c, m));
  });
  if (cidrs.length > 1) {
    const fams = cidrs.map((c) => ipFamily(c.split("/")[0]));
    if (cidrs.length > 2 || fams[0] === fams[1]) {
      errs.push(field.invalid("spec.podCIDRs", cidrs, "may specify no more than one CIDR for each IP family"));
    }
    const seen = new Set<string>();
    cidrs.forEach((c, i) => {
      if (seen.has(c)) errs.push(field.duplicate(`spec.podCIDRs[${i}]`, c));
      seen.add(c);
    });
  }
  return errs;
}

/** Upstream `ValidateNodeUpdate` (also used for `/status`). */
export function validateNodeUpdate(node: KubeObject, oldNode: KubeObject): FieldError[] {
  const errs = validateObjectMetaUpdate(node.metadata, oldNode.metadata, "metadata");
  errs.push(..._nodeResources(node));
  const seen = new Set<string>();
  (node.status?.addresses ?? []).forEach((a: any, i: number) => {
    const id = `${a?.type ?? ""}\u0000${a?.address ?? ""}`;
    // The bad value is upstream's internal core.NodeAddress (no json tags).
    if (seen.has(id))
      errs.push(field.duplicate(`status.addresses[${i}]`, { Type: a?.type ?? "", Address: a?.address ?? "" }));
    seen.add(id);
  });
  const oldCidrs: string[] = oldNode.spec?.podCIDRs ?? [];
  const newCidrs: string[] = node.spec?.podCIDRs ?? [];
  if (oldCidrs.length > 0) {
    const msg = 'node updates may not change podCIDR except from "" to valid';
    if (oldCidrs.length !== newCidrs.length) errs.push(field.forbidden("spec.podCIDRs", msg));
    else {
      for (const [i, c] of oldCidrs.entries()) if (c !== newCidrs[i]) errs.push(field.forbidden("spec.podCIDRs", msg));
    }
  }
  const oldProvider: string = oldNode.spec?.providerID ?? "";
  if (oldProvider && oldProvider !== (node.spec?.providerID ?? "")) {
    errs.push(field.forbidden("spec.providerID", 'node updates may not change providerID except from "" to valid'));
  }
  errs.push(...validateNodeTaints(node.spec?.taints, "metadata.taints"));
  if ((node.spec?.externalID ?? "") !== (oldNode.spec?.externalID ?? "")) {
    errs.push(field.forbidden("spec.externalID", "may not be updated"));
  }
  return errs;
}
