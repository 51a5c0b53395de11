// `kubectl get nodes`: upstream printNode. Status comes from the Ready condition only (anything but True
// is NotReady; no condition at all is Unknown), plus SchedulingDisabled for cordoned nodes.
import type { KubeObject } from "../../api/object.ts";
import { ageColumn, ageOf, column, list, nameColumn, nameOf, str, type TablePrinter } from "./columns.ts";

const rolePrefix = "node-role.kubernetes.io/";
const legacyRoleLabel = "kubernetes.io/role";

/** Sorted, de-duplicated roles from `node-role.kubernetes.io/<role>` keys and `kubernetes.io/role` values. */
export function nodeRoles(node: KubeObject): string[] {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(node.metadata?.labels ?? {})) {
    if (k.startsWith(rolePrefix)) {
      const role = k.slice(rolePrefix.length);
      if (role) roles.add(role);
    } else if (k === legacyRoleLabel && v !== "") roles.add(v);
  }
  return [...roles].sort();
}

export function nodeStatus(node: KubeObject): string {
  // The last Ready condition wins, as upstream's condition map does.
  const ready = list(node.status?.conditions)
    .filter((c) => c?.type === "Ready")
    .at(-1);
  const status = [ready ? (ready.status === "True" ? "Ready" : "NotReady") : "Unknown"];
  if (node.spec?.unschedulable === true) status.push("SchedulingDisabled");
  return status.join(",");
}

const address = (node: KubeObject, type: string): string =>
  str(list(node.status?.addresses).find((a) => a?.type === type)?.address) || "<none>";

const orUnknown = (s: string) => s || "<unknown>";

export const nodeTable: TablePrinter = {
  columns: [
    nameColumn,
    column("Status", "string", "The status of the node"),
    column("Roles", "string", "The roles of the node"),
    ageColumn,
    column("Version", "string", "Kubelet version the node reports."),
    column("Internal-IP", "string", "First InternalIP address of the node.", { priority: 1 }),
    column("External-IP", "string", "First ExternalIP address of the node.", { priority: 1 }),
    column("OS-Image", "string", "Operating system image the node reports.", { priority: 1 }),
    column("Kernel-Version", "string", "Kernel version the node reports.", { priority: 1 }),
    column("Container-Runtime", "string", "Container runtime name and version the node reports.", { priority: 1 }),
  ],
  cells(node, now) {
    const info = node.status?.nodeInfo ?? {};
    return [
      nameOf(node),
      nodeStatus(node),
      nodeRoles(node).join(",") || "<none>",
      ageOf(node, now),
      str(info.kubeletVersion),
      address(node, "InternalIP"),
      address(node, "ExternalIP"),
      orUnknown(str(info.osImage)),
      orUnknown(str(info.kernelVersion)),
      orUnknown(str(info.containerRuntimeVersion)),
    ];
  },
};
