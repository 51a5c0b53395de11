// Strategies per kind. Kinds without special rules get the generic strategy: ObjectMeta validation only.
import { eventsV1ToCoreEvent } from "../../api/convert/events.ts";
import { defaultSecret } from "../../api/defaults/secret.ts";
import type { KubeObject } from "../../api/object.ts";
import type { ResourceInfo } from "../../api/resources.ts";
import { validateConfigMap, validateConfigMapUpdate } from "../../api/validation/configmap.ts";
import {
  validateControllerRevision,
  validateControllerRevisionUpdate,
} from "../../api/validation/controllerrevision.ts";
import { validateEvent, validateEventUpdate } from "../../api/validation/event.ts";
import { validateLease, validateLeaseUpdate } from "../../api/validation/lease.ts";
import { validateObjectMeta, validateObjectMetaUpdate } from "../../api/validation/meta.ts";
import { nameIsDNSLabel, nameIsDNSSubdomain } from "../../api/validation/names.ts";
import { validatePriorityClass, validatePriorityClassUpdate } from "../../api/validation/priorityclass.ts";
import { validateSecret, validateSecretUpdate } from "../../api/validation/secret.ts";
import { validateServiceAccount, validateServiceAccountUpdate } from "../../api/validation/serviceaccount.ts";
import { daemonSetStrategy } from "./daemonset.ts";
import { namespaceStrategy } from "./namespace.ts";
import { nodeStrategy } from "./node.ts";
import { podStrategy } from "./pod.ts";
import type { Strategy } from "./strategy.ts";

export interface StrategyOptions {
  eventTtlSeconds?: number;
  defaultNotReadyTolerationSeconds?: number;
  defaultUnreachableTolerationSeconds?: number;
}

/** Kinds whose validators (which include ObjectMeta checks) need nothing else from the registry. */
const VALIDATED: Record<string, Pick<Strategy, "defaults" | "validate" | "validateUpdate">> = {
  "/configmaps": { validate: validateConfigMap, validateUpdate: validateConfigMapUpdate },
  "/secrets": {
    defaults: (o) => void defaultSecret(o),
    validate: validateSecret,
    validateUpdate: validateSecretUpdate,
  },
  "/serviceaccounts": { validate: validateServiceAccount, validateUpdate: validateServiceAccountUpdate },
  "/events": { validate: validateEvent, validateUpdate: validateEventUpdate },
  "events.k8s.io/events": {
    validate: (o) => validateEvent(eventsV1ToCoreEvent(o)),
    validateUpdate: (o, old) => validateEventUpdate(eventsV1ToCoreEvent(o), eventsV1ToCoreEvent(old)),
  },
  "coordination.k8s.io/leases": { validate: validateLease, validateUpdate: validateLeaseUpdate },
  "scheduling.k8s.io/priorityclasses": { validate: validatePriorityClass, validateUpdate: validatePriorityClassUpdate },
  "apps/controllerrevisions": {
    validate: validateControllerRevision,
    validateUpdate: validateControllerRevisionUpdate,
  },
};

function generic(info: ResourceInfo): Strategy {
  const validated = VALIDATED[`${info.group}/${info.resource}`];
  if (validated) return { ...validated };
  const names = info.resource === "namespaces" ? nameIsDNSLabel : nameIsDNSSubdomain;
  return {
    validate: (obj) => validateObjectMeta(obj.metadata, info.namespaced, names),
    validateUpdate: (obj, old) => [
      ...validateObjectMeta(obj.metadata, info.namespaced, names),
      ...validateObjectMetaUpdate(obj.metadata, old.metadata),
    ],
  };
}

export function strategyFor(info: ResourceInfo, opts: StrategyOptions): Strategy {
  const base = generic(info);
  switch (`${info.group}/${info.resource}`) {
    case "/pods":
      return podStrategy(base, {
        notReady: opts.defaultNotReadyTolerationSeconds ?? 300,
        unreachable: opts.defaultUnreachableTolerationSeconds ?? 300,
      });
    case "/nodes":
      return nodeStrategy(base);
    case "/namespaces":
      return namespaceStrategy(base);
    case "apps/daemonsets":
      return daemonSetStrategy(base);
    case "/events":
    case "events.k8s.io/events":
      return { ...base, ttlSeconds: () => opts.eventTtlSeconds ?? 3600 };
    default:
      return base;
  }
}

/** Objects that exist in every cluster from the start. */
export function seedObjects(): Array<{ resource: string; group: string; obj: KubeObject }> {
  const ns = (name: string) => ({
    resource: "namespaces",
    group: "",
    obj: { apiVersion: "v1", kind: "Namespace", metadata: { name, labels: { "kubernetes.io/metadata.name": name } } },
  });
  const pc = (name: string, value: number, description: string) => ({
    resource: "priorityclasses",
    group: "scheduling.k8s.io",
    obj: {
      apiVersion: "scheduling.k8s.io/v1",
      kind: "PriorityClass",
      metadata: { name },
      value,
      globalDefault: false,
      description,
      preemptionPolicy: "PreemptLowerPriority",
    },
  });
  return [
    ns("default"),
    ns("kube-system"),
    ns("kube-public"),
    ns("kube-node-lease"),
    pc(
      "system-node-critical",
      2000001000,
      "Used for system critical pods that must not be moved from their current node.",
    ),
    pc(
      "system-cluster-critical",
      2000000000,
      "Used for system critical pods that must run in the cluster, but can be moved to another node if necessary.",
    ),
  ];
}
