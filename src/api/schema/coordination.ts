// coordination.k8s.io/v1 Lease: node heartbeats and leader election.
import { objectHeader } from "./meta.ts";
import { int32, ref, str, struct, time } from "./schema.ts";

const COORDINATION = "io.k8s.api.coordination.v1";

export const LeaseSpec = struct(`${COORDINATION}.LeaseSpec`, "Who holds a lease and for how long.", () => ({
  acquireTime: time("When the current holder acquired the lease.", { micro: true }),
  holderIdentity: str("Identity of the current holder."),
  leaseDurationSeconds: int32("Seconds candidates wait after the last renewal before taking the lease over."),
  leaseTransitions: int32("How many times the lease has changed holders."),
  preferredHolder: str("Holder that coordinated leader election wants to hand the lease to."),
  renewTime: time("When the holder last renewed the lease.", { micro: true }),
  strategy: str("Strategy coordinated leader election uses to pick the holder."),
}));

export const Lease = struct(
  `${COORDINATION}.Lease`,
  "A lease held by one party at a time.",
  () => ({
    ...objectHeader(),
    spec: ref(LeaseSpec, "Holder and timing of the lease."),
  }),
  { gvk: [{ group: "coordination.k8s.io", version: "v1", kind: "Lease" }] },
);
