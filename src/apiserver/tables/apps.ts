// `kubectl get daemonsets|controllerrevisions`: upstream printDaemonSet and printControllerRevision.
import { formatLabelSelector } from "../../api/selectors/label-selector.ts";
import {
  ageColumn,
  ageOf,
  column,
  containerCells,
  containersColumn,
  formatLabels,
  imagesColumn,
  int,
  list,
  nameColumn,
  nameOf,
  str,
  type TablePrinter,
} from "./columns.ts";

export const daemonSetTable: TablePrinter = {
  columns: [
    nameColumn,
    column("Desired", "integer", "Number of nodes that should run the daemon pod."),
    column("Current", "integer", "Number of nodes running at least one daemon pod that should."),
    column("Ready", "integer", "Number of nodes whose daemon pod is ready."),
    column("Up-to-date", "integer", "Number of nodes running the current template's daemon pod."),
    column("Available", "integer", "Number of nodes whose daemon pod has been ready for minReadySeconds."),
    column("Node Selector", "string", "The pod template's node selector."),
    ageColumn,
    containersColumn,
    imagesColumn,
    column("Selector", "string", "Label selector for the daemon pods.", { priority: 1 }),
  ],
  cells(ds, now) {
    const status = ds.status ?? {};
    const podSpec = ds.spec?.template?.spec ?? {};
    const [names, images] = containerCells(podSpec.containers);
    return [
      nameOf(ds),
      int(status.desiredNumberScheduled),
      int(status.currentNumberScheduled),
      int(status.numberReady),
      int(status.updatedNumberScheduled),
      int(status.numberAvailable),
      formatLabels(podSpec.nodeSelector),
      ageOf(ds, now),
      names,
      images,
      formatLabelSelector(ds.spec?.selector),
    ];
  },
};

/** `daemonset.apps/<name>`: lower-cased Kind.group of the controlling owner, `<none>` without one. */
export function controllerName(obj: { metadata?: { ownerReferences?: unknown } }): string {
  const ref = list(obj.metadata?.ownerReferences).find((r) => r?.controller === true);
  if (!ref) return "<none>";
  const apiVersion = str(ref.apiVersion);
  const slash = apiVersion.indexOf("/");
  const group = slash >= 0 ? apiVersion.slice(0, slash) : "";
  const kind = str(ref.kind);
  if (!kind && !group) return str(ref.name);
  return `${(group ? `${kind}.${group}` : kind).toLowerCase()}/${str(ref.name)}`;
}

export const controllerRevisionTable: TablePrinter = {
  columns: [
    nameColumn,
    column("Controller", "string", "Controller of the object"),
    column("Revision", "string", "Revision number of the stored state."),
    ageColumn,
  ],
  cells: (cr, now) => [nameOf(cr), controllerName(cr), int(cr.revision), ageOf(cr, now)],
};
