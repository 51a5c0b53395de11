// `kubectl get priorityclasses`: upstream printPriorityClass. Note the upstream column is spelled
// "PreemptionPolicy" and has priority 0 even though the cell is filled only for wide output; the server
// always fills it.
import { ageColumn, ageOf, column, int, nameColumn, nameOf, str, type TablePrinter } from "./columns.ts";

export const priorityClassTable: TablePrinter = {
  columns: [
    nameColumn,
    column("Value", "integer", "Priority of pods using this class."),
    column("Global-Default", "boolean", "Whether pods without a class get this one."),
    ageColumn,
    column("PreemptionPolicy", "string", "Whether pods of this class may preempt lower-priority pods."),
  ],
  cells: (pc, now) => [nameOf(pc), int(pc.value), pc.globalDefault === true, ageOf(pc, now), str(pc.preemptionPolicy)],
};
