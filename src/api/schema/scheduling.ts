// scheduling.k8s.io/v1 PriorityClass: named pod priorities.
import { PREEMPTION_POLICY } from "./core.ts";
import { ObjectMeta, typeMeta } from "./meta.ts";
import { bool, int32, ref, str, struct } from "./schema.ts";

const SCHEDULING = "io.k8s.api.scheduling.v1";

export const PriorityClass = struct(
  `${SCHEDULING}.PriorityClass`,
  "Maps a class name to the integer priority pods of that class get.",
  () => ({
    ...typeMeta(),
    description: str("Free text telling users when to use this class."),
    globalDefault: bool("Use this class for pods that name none; at most one class may be the default."),
    metadata: ref(ObjectMeta, "Standard metadata: name, namespace, labels and the like."),
    preemptionPolicy: str(
      "Whether pods of this class may preempt lower-priority pods; defaults to PreemptLowerPriority.",
      {
        enum: PREEMPTION_POLICY,
      },
    ),
    value: int32("Priority pods of this class receive; higher runs first."),
  }),
  { required: ["value"], gvk: [{ group: "scheduling.k8s.io", version: "v1", kind: "PriorityClass" }] },
);
