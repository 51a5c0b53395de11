// Server-side printing: which Table (meta.k8s.io/v1) columns and cells each resource gets, as upstream's
// pkg/printers/internalversion/printers.go registers them. The API server always asks for every column
// (upstream prints with Wide) and kubectl hides priority > 0 columns unless `-o wide`.

import { controllerRevisionTable, daemonSetTable } from "./apps.ts";
import type { TablePrinter } from "./columns.ts";
import { configMapTable, secretTable, serviceAccountTable } from "./config.ts";
import { leaseTable } from "./coordination.ts";
import { defaultTable } from "./default.ts";
import { eventTable } from "./events.ts";
import { namespaceTable } from "./namespaces.ts";
import { nodeTable } from "./nodes.ts";
import { podTable } from "./pods.ts";
import { clusterRoleBindingTable, roleBindingTable } from "./rbac.ts";
import { priorityClassTable } from "./scheduling.ts";

export type { ColumnDefinition, TablePrinter, TableRowCondition } from "./columns.ts";
export { humanDuration, translateTimestampSince } from "./human-duration.ts";

const printers: Record<string, TablePrinter> = {
  "/pods": podTable,
  "/nodes": nodeTable,
  "/namespaces": namespaceTable,
  "/events": eventTable,
  "events.k8s.io/events": eventTable,
  "/configmaps": configMapTable,
  "/secrets": secretTable,
  "/serviceaccounts": serviceAccountTable,
  "apps/daemonsets": daemonSetTable,
  "apps/controllerrevisions": controllerRevisionTable,
  "coordination.k8s.io/leases": leaseTable,
  "scheduling.k8s.io/priorityclasses": priorityClassTable,
  "rbac.authorization.k8s.io/rolebindings": roleBindingTable,
  "rbac.authorization.k8s.io/clusterrolebindings": clusterRoleBindingTable,
};

/** The printer for a resource (plural) in a group ("" for core); the default Name/Created At otherwise. */
export function tableFor(group: string, resource: string): TablePrinter {
  return printers[`${group}/${resource}`] ?? defaultTable;
}
