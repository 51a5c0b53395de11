// Upstream's default table convertor (k8s.io/apiserver/pkg/registry/rest/table.go), used for kinds without
// a printer (roles, clusterroles): Name and the creation time as an RFC 3339 UTC date.
import { column, nameColumn, nameOf, type TablePrinter } from "./columns.ts";
import { parseTimestamp } from "./human-duration.ts";

/** Go's `Time.UTC().Format(time.RFC3339)`: whole seconds, `Z`; the zero time for a missing timestamp. */
export function rfc3339(ts: unknown): string {
  const t = parseTimestamp(ts);
  if (t === undefined) return "0001-01-01T00:00:00Z";
  return new Date(Math.floor(t / 1000) * 1000).toISOString().replace(".000Z", "Z");
}

export const defaultTable: TablePrinter = {
  columns: [nameColumn, column("Created At", "date", "Time the object was created.")],
  cells: (obj) => [nameOf(obj), rfc3339(obj.metadata?.creationTimestamp)],
};
