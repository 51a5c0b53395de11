// policy/v1 Eviction: the body posted to pods/eviction to evict a pod while honouring disruption budgets.
import { DeleteOptions, objectHeader } from "./meta.ts";
import { ref, struct } from "./schema.ts";

export const Eviction = struct(
  "io.k8s.api.policy.v1.Eviction",
  "Asks to evict a pod, subject to its PodDisruptionBudgets.",
  () => ({
    ...objectHeader("Names the pod to evict."),
    deleteOptions: ref(DeleteOptions, "Options applied to the resulting pod deletion."),
  }),
  { gvk: [{ group: "policy", version: "v1", kind: "Eviction" }] },
);
