// v1 Node defaulting (`SetDefaults_NodeStatus` + ResourceList rounding). Mutates in place.
import type { KubeObject } from "../object.ts";
import { defaultResourceList } from "./quantities.ts";

export function defaultNode(node: KubeObject): KubeObject {
  const status = node.status;
  if (typeof status === "object" && status !== null) {
    defaultResourceList(status.capacity);
    defaultResourceList(status.allocatable);
    // Allocatable defaults to capacity when a node reports only capacity.
    if ((status.allocatable === undefined || status.allocatable === null) && status.capacity) {
      status.allocatable = { ...status.capacity };
    }
  }
  return node;
}
