// Pods (upstream pkg/registry/core/pod/strategy.go plus the admission plugins that touch every pod: Priority,
// DefaultTolerationSeconds, ServiceAccount's name default). Graceful deletion lives here too.

import { defaultPod } from "../../api/defaults/pod.ts";
import { errors } from "../../api/errors.ts";
import type { KubeObject } from "../../api/object.ts";
import { validatePod, validatePodStatusUpdate, validatePodUpdate } from "../../api/validation/pod.ts";
import type { Strategy, WriteContext } from "./strategy.ts";

type Resources = { requests?: Record<string, string>; limits?: Record<string, string> };

/** Upstream's QoS class: Guaranteed, Burstable or BestEffort. */
export function qosClass(pod: KubeObject): string {
  const containers: Array<{ resources?: Resources }> = [
    ...(pod.spec?.initContainers ?? []),
    ...(pod.spec?.containers ?? []),
  ];
  let any = false;
  let guaranteed = true;
  for (const c of containers) {
    const req = c.resources?.requests ?? {};
    const lim = c.resources?.limits ?? {};
    for (const r of ["cpu", "memory"]) {
      if (req[r] !== undefined || lim[r] !== undefined) any = true;
      if (lim[r] === undefined || (req[r] !== undefined && req[r] !== lim[r])) guaranteed = false;
    }
  }
  if (!any) return "BestEffort";
  return guaranteed ? "Guaranteed" : "Burstable";
}

function tolerates(tolerations: Array<Record<string, unknown>>, key: string): boolean {
  return tolerations.some(
    (t) =>
      (t.effect === undefined || t.effect === "" || t.effect === "NoExecute") &&
      ((t.key === key && (t.operator === "Exists" || t.operator === undefined || t.operator === "Equal")) ||
        ((t.key === undefined || t.key === "") && t.operator === "Exists")),
  );
}

/**
 * DefaultTolerationSeconds admission: pods tolerate not-ready and unreachable for 300 s (the
 * `--default-*-toleration-seconds` flags) unless they say otherwise.
 */
function addDefaultTolerations(pod: KubeObject, seconds: { notReady: number; unreachable: number }): void {
  const tolerations: Array<Record<string, unknown>> = pod.spec.tolerations ?? [];
  const defaults: Array<[string, number]> = [
    ["node.kubernetes.io/not-ready", seconds.notReady],
    ["node.kubernetes.io/unreachable", seconds.unreachable],
  ];
  for (const [key, tolerationSeconds] of defaults) {
    if (!tolerates(tolerations, key)) {
      tolerations.push({ key, operator: "Exists", effect: "NoExecute", tolerationSeconds });
    }
  }
  pod.spec.tolerations = tolerations;
}

/** Priority admission: spec.priority from priorityClassName (0 without one). */
function admitPriority(pod: KubeObject, ctx: WriteContext): void {
  const className: string | undefined = pod.spec.priorityClassName;
  let priority = 0;
  let policy = "PreemptLowerPriority";
  if (className) {
    const pc = ctx.lookup("priorityclasses", "scheduling.k8s.io", "", className);
    if (!pc) {
      throw errors.forbidden(
        `pods "${pod.metadata.name}" is forbidden: no PriorityClass with name ${className} was found`,
        {
          name: pod.metadata.name,
          kind: "pods",
        },
      );
    }
    priority = pc.value ?? 0;
    if (pc.preemptionPolicy) policy = pc.preemptionPolicy;
  }
  if (pod.spec.priority !== undefined && pod.spec.priority !== priority) {
    throw errors.forbidden(
      `pods "${pod.metadata.name}" is forbidden: the integer value of priority (${pod.spec.priority}) must not be provided in pod spec; priority admission controller computed ${priority} from the given PriorityClass name`,
      { name: pod.metadata.name, kind: "pods" },
    );
  }
  pod.spec.priority = priority;
  pod.spec.preemptionPolicy ??= policy;
}

export function podStrategy(
  base: Strategy,
  tolerationSeconds: { notReady: number; unreachable: number } = { notReady: 300, unreachable: 300 },
): Strategy {
  return {
    ...base,
    defaults: (obj) => defaultPod(obj),
    prepareForCreate: (obj) => {
      obj.spec.serviceAccountName ??= obj.spec.serviceAccount ?? "default";
      obj.spec.serviceAccount = obj.spec.serviceAccountName;
      addDefaultTolerations(obj, tolerationSeconds);
      obj.status = { phase: "Pending", qosClass: qosClass(obj) };
    },
    admit: (obj, ctx, op) => {
      if (op === "create") admitPriority(obj, ctx);
    },
    validate: (obj) => validatePod(obj),
    validateUpdate: (obj, old) => validatePodUpdate(obj, old),
    status: {
      validate: (obj, old) => validatePodStatusUpdate(obj, old),
    },
    deleteGrace: (pod, requested) => {
      // Unbound and finished pods have nothing to stop: they go at once.
      const phase = pod.status?.phase;
      if (!pod.spec?.nodeName || phase === "Succeeded" || phase === "Failed") return { gracePeriodSeconds: 0 };
      return { gracePeriodSeconds: requested ?? pod.spec?.terminationGracePeriodSeconds ?? 30 };
    },
    returnDeletedObject: true,
  };
}
