// Namespaces: `kubernetes` finalizer and Active phase on create; DELETE makes them Terminating until the
// namespace's content is gone and spec.finalizers is emptied (through the finalize subresource).
import type { Strategy } from "./strategy.ts";

export function namespaceStrategy(base: Strategy): Strategy {
  return {
    ...base,
    defaults: (obj) => {
      const name = obj.metadata.name;
      if (name) obj.metadata.labels = { ...obj.metadata.labels, "kubernetes.io/metadata.name": name };
    },
    prepareForCreate: (obj) => {
      obj.spec = { finalizers: ["kubernetes"] };
      obj.status = { phase: "Active" };
    },
    prepareForUpdate: (obj, old) => {
      // spec.finalizers change only through the finalize subresource.
      obj.spec = structuredClone(old.spec ?? {});
    },
    status: {},
    onDelete: (obj) => {
      obj.status = { ...obj.status, phase: "Terminating" };
      return (obj.spec?.finalizers?.length ?? 0) > 0;
    },
    returnDeletedObject: true,
  };
}
