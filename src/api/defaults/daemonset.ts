// apps/v1 DaemonSet defaulting (`SetDefaults_DaemonSet` in pkg/apis/apps/v1/defaults.go plus the
// pod template defaults). Mutates in place and returns the object.
import type { KubeObject } from "../object.ts";
import { defaultPodTemplateSpec } from "./pod.ts";

export const DEFAULT_REVISION_HISTORY_LIMIT = 10;

export function defaultDaemonSet(ds: KubeObject): KubeObject {
  if (typeof ds.spec !== "object" || ds.spec === null) ds.spec = {};
  const spec = ds.spec;
  if (typeof spec.updateStrategy !== "object" || spec.updateStrategy === null) spec.updateStrategy = {};
  const strategy = spec.updateStrategy;
  if (!strategy.type) strategy.type = "RollingUpdate";
  if (strategy.type === "RollingUpdate") {
    if (typeof strategy.rollingUpdate !== "object" || strategy.rollingUpdate === null) strategy.rollingUpdate = {};
    const ru = strategy.rollingUpdate;
    if (ru.maxUnavailable === undefined || ru.maxUnavailable === null) ru.maxUnavailable = 1;
    if (ru.maxSurge === undefined || ru.maxSurge === null) ru.maxSurge = 0;
  }
  if (spec.revisionHistoryLimit === undefined || spec.revisionHistoryLimit === null) {
    spec.revisionHistoryLimit = DEFAULT_REVISION_HISTORY_LIMIT;
  }
  defaultPodTemplateSpec(spec.template);
  return ds;
}
