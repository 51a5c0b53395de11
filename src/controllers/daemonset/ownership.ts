// ControllerRef claiming (upstream `ControllerRefManager`): which pods and revisions a DaemonSet owns, adopts
// or releases, and the strategic-merge patches that do it.
import type { KubeObject } from "../../api/object.ts";
import { controllerRef } from "../../api/scheduling/pod-conditions.ts";
import { type LabelSelectorRequirements, matchesLabels } from "../../api/selectors/label-selector.ts";
import { controllerRefTo } from "./revisions.ts";

export type ClaimAction = "owned" | "adopt" | "release" | "ignore";

/**
 * What to do with `obj` for DaemonSet `ds`: keep it (`owned`), take it (`adopt`), let it go (`release`), or
 * leave it alone. `checkTerminating` is set for pods (terminating orphans are never adopted).
 */
export function claimAction(
  ds: KubeObject,
  selector: LabelSelectorRequirements,
  obj: KubeObject,
  checkTerminating: boolean,
): ClaimAction {
  const ref = controllerRef(obj);
  const matches = matchesLabels(selector, obj.metadata.labels);
  const dsDeleting = !!ds.metadata.deletionTimestamp;
  if (ref) {
    if (ref.uid !== ds.metadata.uid) return "ignore";
    if (matches) return "owned";
    return dsDeleting ? "ignore" : "release";
  }
  if (!matches || dsDeleting) return "ignore";
  if (checkTerminating && obj.metadata.deletionTimestamp) return "ignore";
  if (obj.metadata.namespace !== ds.metadata.namespace) return "ignore";
  return "adopt";
}

/** Strategic-merge patch adopting `obj`; the embedded uid makes the patch fail if the object was replaced. */
export function adoptPatch(ds: KubeObject, obj: KubeObject): unknown {
  return { metadata: { ownerReferences: [controllerRefTo(ds)], uid: obj.metadata.uid } };
}

/** Strategic-merge patch removing this DaemonSet's owner reference from `obj`. */
export function releasePatch(ds: KubeObject, obj: KubeObject): unknown {
  return { metadata: { ownerReferences: [{ $patch: "delete", uid: ds.metadata.uid }], uid: obj.metadata.uid } };
}
