// DaemonSets (upstream pkg/registry/apps/daemonset/strategy.go): status reset on create, generation bumped on
// spec changes, the template generation carried in `deprecated.daemonset.template.generation`.
import { defaultDaemonSet } from "../../api/defaults/daemonset.ts";
import type { KubeObject } from "../../api/object.ts";
import {
  validateDaemonSet,
  validateDaemonSetStatusUpdate,
  validateDaemonSetUpdate,
} from "../../api/validation/daemonset.ts";
import { semanticEqual } from "../../api/validation/equal.ts";
import type { Strategy } from "./strategy.ts";

export const TEMPLATE_GENERATION_ANNOTATION = "deprecated.daemonset.template.generation";

function templateGeneration(obj: KubeObject): number {
  const n = Number.parseInt(obj.metadata.annotations?.[TEMPLATE_GENERATION_ANNOTATION] ?? "", 10);
  return Number.isInteger(n) && n >= 1 ? n : 1;
}

function setTemplateGeneration(obj: KubeObject, n: number): void {
  obj.metadata.annotations = { ...obj.metadata.annotations, [TEMPLATE_GENERATION_ANNOTATION]: String(n) };
}

export function daemonSetStrategy(base: Strategy): Strategy {
  return {
    ...base,
    defaults: (obj) => defaultDaemonSet(obj),
    prepareForCreate: (obj) => {
      obj.status = { currentNumberScheduled: 0, numberMisscheduled: 0, desiredNumberScheduled: 0, numberReady: 0 };
      obj.metadata.generation = 1;
      setTemplateGeneration(obj, templateGeneration(obj));
    },
    prepareForUpdate: (obj, old) => {
      const oldGen = templateGeneration(old);
      const templateChanged = !semanticEqual(obj.spec?.template, old.spec?.template);
      setTemplateGeneration(obj, templateChanged ? oldGen + 1 : oldGen);
      if (!semanticEqual(obj.spec, old.spec)) obj.metadata.generation = (old.metadata.generation ?? 1) + 1;
    },
    validate: (obj) => validateDaemonSet(obj),
    validateUpdate: (obj, old) => validateDaemonSetUpdate(obj, old),
    status: {
      validate: (obj, old) => validateDaemonSetStatusUpdate(obj, old),
    },
  };
}
