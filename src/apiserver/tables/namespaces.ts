// `kubectl get namespaces`: upstream printNamespace.
import { ageColumn, ageOf, column, nameColumn, nameOf, str, type TablePrinter } from "./columns.ts";

export const namespaceTable: TablePrinter = {
  columns: [nameColumn, column("Status", "string", "The status of the namespace"), ageColumn],
  cells: (ns, now) => [nameOf(ns), str(ns.status?.phase), ageOf(ns, now)],
};
