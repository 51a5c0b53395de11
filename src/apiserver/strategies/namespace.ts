// Namespaces: `kubernetes` finalizer and Active phase on create; DELETE makes them Terminating until the
// namespace's content is gone and spec.finalizers is emptied (through the finalize subresource).
import { defaultNamespace } from "../../api/defaults/namespace.ts";
import {
  validateNamespace,
  validateNamespaceStatusUpdate,
  validateNamespaceUpdate,
} from "../../api/validation/namespace.ts";
import type { Strategy } from "./strategy.ts";

export function namespaceStrategy(base: Strategy): Strategy {
  return {
    ...base,
    defaults: (obj) => void defaultNamespace(obj),
    prepareForCreate: (obj) => {
      // Clients cannot choose the finalizers or the phase of a new namespace.
      obj.spec = {};
      obj.status = {};
      defaultNamespace(obj, { creating: true });
    },
    validate: validateNamespace,
    validateUpdate: validateNamespaceUpdate,
    prepareForUpdate: (obj, old) => {
      // spec.finalizers change only through the finalize subresource.
      obj.spec = structuredClone(old.spec ?? {});
    },
    status: { validate: validateNamespaceStatusUpdate },
    onDelete: (obj) => {
      obj.status = { ...obj.status, phase: "Terminating" };
      return (obj.spec?.finalizers?.length ?? 0) > 0;
    },
    holdsDeletion: (obj) => (obj.spec?.finalizers?.length ?? 0) > 0,
    returnDeletedObject: true,
  };
}
