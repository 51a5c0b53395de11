// apps/v1 kinds loci serves: DaemonSet and the ControllerRevision history it keeps.
import { PodTemplateSpec } from "./core.ts";
import { LabelSelector, objectHeader } from "./meta.ts";
import { any, arr, int32, int64, intOrString, ref, str, struct, time } from "./schema.ts";

const APPS = "io.k8s.api.apps.v1";
const appsKind = (kind: string) => [{ group: "apps", version: "v1", kind }];

export const RollingUpdateDaemonSet = struct(
  `${APPS}.RollingUpdateDaemonSet`,
  "Pace of a rolling update of a DaemonSet.",
  () => ({
    maxSurge: intOrString(
      "Nodes (count or percentage of desired) that may run an updated pod next to the old one during the update; defaults to 0.",
    ),
    maxUnavailable: intOrString(
      "Nodes (count or percentage of desired) whose pod may be unavailable during the update; defaults to 1.",
    ),
  }),
);

export const DaemonSetUpdateStrategy = struct(
  `${APPS}.DaemonSetUpdateStrategy`,
  "How a DaemonSet replaces old pods with new ones.",
  () => ({
    rollingUpdate: ref(RollingUpdateDaemonSet, "Rolling update settings; only for type RollingUpdate."),
    type: str("Kind of update; defaults to RollingUpdate.", { enum: ["OnDelete", "RollingUpdate"] }),
  }),
);

export const DaemonSetSpec = struct(
  `${APPS}.DaemonSetSpec`,
  "Desired behaviour of a DaemonSet.",
  () => ({
    minReadySeconds: int32("Seconds a new pod must be ready, without crashing, to count as available; defaults to 0."),
    revisionHistoryLimit: int32("How many old ControllerRevisions to keep for rollback; defaults to 10."),
    selector: ref(LabelSelector, "Label query over the pods the DaemonSet manages; must match the template labels."),
    template: ref(PodTemplateSpec, "Pod template run on every eligible node."),
    updateStrategy: ref(DaemonSetUpdateStrategy, "How pods are replaced when the template changes."),
  }),
  { required: ["selector", "template"] },
);

export const DaemonSetCondition = struct(
  `${APPS}.DaemonSetCondition`,
  "One aspect of a DaemonSet's current state.",
  () => ({
    lastTransitionTime: time("When the condition last changed status."),
    message: str("Human-readable details of the last transition."),
    reason: str("One-word CamelCase reason for the last transition."),
    status: str('Status of the condition: "True", "False" or "Unknown".'),
    type: str("Type of the condition."),
  }),
  { required: ["type", "status"] },
);

export const DaemonSetStatus = struct(
  `${APPS}.DaemonSetStatus`,
  "The most recently observed state of a DaemonSet.",
  () => ({
    collisionCount: int32("Count of hash collisions, used to make revision names unique."),
    conditions: arr(DaemonSetCondition, "Current conditions of the DaemonSet.", {
      patchStrategy: "merge",
      patchMergeKey: "type",
      listType: "map",
      listMapKeys: ["type"],
    }),
    currentNumberScheduled: int32("Nodes running at least one daemon pod that should run one."),
    desiredNumberScheduled: int32("Nodes that should run the daemon pod."),
    numberAvailable: int32("Nodes whose daemon pod is ready for at least minReadySeconds."),
    numberMisscheduled: int32("Nodes running a daemon pod that should not run one."),
    numberReady: int32("Nodes whose daemon pod is ready."),
    numberUnavailable: int32("Nodes that should run the daemon pod but have none available."),
    observedGeneration: int64("Most recent DaemonSet generation the controller has seen."),
    updatedNumberScheduled: int32("Nodes running the updated daemon pod."),
  }),
  { required: ["currentNumberScheduled", "numberMisscheduled", "desiredNumberScheduled", "numberReady"] },
);

export const DaemonSet = struct(
  `${APPS}.DaemonSet`,
  "Runs a copy of a pod on every eligible node.",
  () => ({
    ...objectHeader(),
    spec: ref(DaemonSetSpec, "Desired behaviour of the DaemonSet."),
    status: ref(DaemonSetStatus, "Most recently observed state of the DaemonSet; read-only."),
  }),
  { gvk: appsKind("DaemonSet") },
);

export const ControllerRevision = struct(
  `${APPS}.ControllerRevision`,
  "An immutable snapshot of a controller's state, kept for rollback.",
  () => ({
    ...objectHeader(),
    data: any("The serialized state this revision records."),
    revision: int64("Revision number of the state in data."),
  }),
  { required: ["revision"], gvk: appsKind("ControllerRevision") },
);
