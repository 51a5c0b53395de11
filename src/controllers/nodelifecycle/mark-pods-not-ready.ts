// When a node stops being Ready, its pods' Ready conditions can no longer be trusted: the controller sets them to
// False itself (upstream `MarkPodsNotReady`), so DaemonSet numberReady/numberAvailable and endpoints react.
import { ApiError } from "../../api/errors.ts";
import type { KubeObject } from "../../api/object.ts";
import { podCondition } from "../../api/scheduling/pod-conditions.ts";
import { type ApiClient, PODS } from "../../client/client.ts";
import type { EventRecorder } from "../runtime/events.ts";
import { rfc3339 } from "./node-health.ts";

/** The pods/status patch turning the pod's Ready condition False, or undefined when there is nothing to change. */
export function podNotReadyPatch(pod: KubeObject, now: number): unknown | undefined {
  const ready = podCondition(pod, "Ready");
  if (!ready || ready.status === "False") return undefined;
  return {
    status: { conditions: [{ ...ready, type: "Ready", status: "False", lastTransitionTime: rfc3339(now) }] },
  };
}

/** Marks every pod bound to `nodeName` not ready; throws the first failure after trying them all. */
export async function markPodsNotReady(
  client: ApiClient,
  recorder: EventRecorder,
  pods: readonly KubeObject[],
  nodeName: string,
  now: number,
): Promise<void> {
  let failure: unknown;
  for (const pod of pods) {
    if (pod.spec?.nodeName !== nodeName) continue;
    const patch = podNotReadyPatch(pod, now);
    if (!patch) continue;
    try {
      await client.patch(PODS, pod.metadata.namespace!, pod.metadata.name!, "strategic", patch, {
        subresource: "status",
      });
    } catch (e) {
      if (e instanceof ApiError && e.code === 404) continue;
      failure ??= e;
      continue;
    }
    recorder.event({ ...pod, apiVersion: "v1", kind: "Pod" }, "Warning", "NodeNotReady", "Node is not ready");
  }
  if (failure) throw failure;
}
