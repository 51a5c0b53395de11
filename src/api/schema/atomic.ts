// Some upstream structs are replaced whole by server-side apply (`+structType=atomic`, published as
// `x-kubernetes-map-type: atomic` on the definition). struct() has no slot for that, so this wraps it.
import { type GroupVersionKind, type ObjectSchema, type Schema, struct } from "./schema.ts";

/** Declares a struct that upstream marks `x-kubernetes-map-type: atomic`. */
export function atomicStruct(
  name: string,
  description: string,
  properties: () => Record<string, Schema>,
  extra: { required?: string[]; gvk?: GroupVersionKind[] } = {},
): ObjectSchema {
  return { ...struct(name, description, properties, extra), mapType: "atomic" };
}
