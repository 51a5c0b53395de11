// The pod informer index by bound node, shared (same name, same function) by every controller that needs
// "pods on node X" without scanning all pods.
import type { KubeObject } from "../../api/object.ts";

export const POD_NODE_NAME_INDEX = "spec.nodeName";

export function podsByNodeName(pod: KubeObject): string[] {
  const n = pod.spec?.nodeName;
  return n ? [n] : [];
}
