// `kubectl get leases`: upstream printLease.
import { ageColumn, ageOf, column, nameColumn, nameOf, str, type TablePrinter } from "./columns.ts";

export const leaseTable: TablePrinter = {
  columns: [nameColumn, column("Holder", "string", "Identity of the current holder of the lease."), ageColumn],
  cells: (lease, now) => [nameOf(lease), str(lease.spec?.holderIdentity), ageOf(lease, now)],
};
