// How long to wait before looking at a namespace's pods again (upstream estimateGracefulTermination): the longest
// termination grace period of its non-terminal pods, unless the namespace has been terminating longer than
// that already. Pure.
import type { KubeObject } from "../../api/object.ts";

/** Upstream's default wait when content is held only by finalizers. */
export const FINALIZER_ESTIMATE_SECONDS = 15;

export function podGraceEstimateSeconds(pods: readonly KubeObject[], deletedAtMs: number, nowMs: number): number {
  let estimate = 0;
  for (const pod of pods) {
    const phase = pod.status?.phase;
    if (phase === "Succeeded" || phase === "Failed") continue;
    const grace = pod.spec?.terminationGracePeriodSeconds;
    if (typeof grace === "number" && grace > estimate) estimate = grace;
  }
  return nowMs - deletedAtMs >= estimate * 1000 ? 0 : estimate;
}

/** Upstream requeues a namespace with content remaining after half the estimate plus a second. */
export function requeueDelayMs(estimateSeconds: number): number {
  return (Math.floor(estimateSeconds / 2) + 1) * 1000;
}
