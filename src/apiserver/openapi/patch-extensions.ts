// Reads the strategic-merge patch keys back out of a served OpenAPI document (v2 or v3), as kubectl does
// when it computes `kubectl apply` patches, so tests can check they agree with the server's merge engine.
import type { GroupVersionKind } from "../../api/schema/schema.ts";
import type { JsonObject } from "./json-schema.ts";

export interface PatchExtensionSite {
  /** Dotted field path from the kind's root, through arrays and maps: `spec.template.spec.containers`. */
  path: string;
  patchStrategy?: string;
  patchMergeKey?: string;
}

const asObject = (v: unknown): JsonObject | undefined =>
  v && typeof v === "object" && !Array.isArray(v) ? (v as JsonObject) : undefined;

function definitionsOf(doc: object): JsonObject {
  const d = doc as JsonObject;
  return asObject(d.definitions) ?? asObject(asObject(d.components)?.schemas) ?? {};
}

/** The definition name a schema refers to, directly or through a single-element allOf. */
function referencedName(s: JsonObject): string | undefined {
  const ref = (s.$ref as string | undefined) ?? (asObject((s.allOf as unknown[] | undefined)?.[0])?.$ref as string);
  return ref ? ref.slice(ref.lastIndexOf("/") + 1) : undefined;
}

function findDefinition(defs: JsonObject, kind: string | GroupVersionKind): string | undefined {
  if (typeof kind === "string") return kind in defs ? kind : undefined;
  return Object.keys(defs).find((name) => {
    const gvks = asObject(defs[name])?.["x-kubernetes-group-version-kind"] as GroupVersionKind[] | undefined;
    return gvks?.some((g) => g.group === kind.group && g.version === kind.version && g.kind === kind.kind);
  });
}

/**
 * Every property below a kind's definition that carries `x-kubernetes-patch-strategy` or
 * `x-kubernetes-patch-merge-key`, in document order. `kind` is a definition name or a GVK.
 */
export function openApiPatchExtensions(doc: object, kind: string | GroupVersionKind): PatchExtensionSite[] {
  const defs = definitionsOf(doc);
  const root = findDefinition(defs, kind);
  if (!root) throw new Error(`no definition for ${typeof kind === "string" ? kind : JSON.stringify(kind)}`);
  const out: PatchExtensionSite[] = [];

  const walkDefinition = (name: string, prefix: string, stack: string[]): void => {
    if (stack.includes(name)) return; // recursive types: each level adds nothing new
    const props = asObject(asObject(defs[name])?.properties);
    if (!props) return;
    for (const [field, value] of Object.entries(props)) {
      const s = asObject(value);
      if (!s) continue;
      const path = prefix ? `${prefix}.${field}` : field;
      const patchStrategy = s["x-kubernetes-patch-strategy"] as string | undefined;
      const patchMergeKey = s["x-kubernetes-patch-merge-key"] as string | undefined;
      if (patchStrategy || patchMergeKey)
        out.push({ path, ...(patchStrategy ? { patchStrategy } : {}), ...(patchMergeKey ? { patchMergeKey } : {}) });
      walkSchema(s, path, [...stack, name]);
    }
  };
  const walkSchema = (s: JsonObject, path: string, stack: string[]): void => {
    const target = referencedName(s);
    const inner = asObject(s.items) ?? asObject(s.additionalProperties);
    if (target) walkDefinition(target, path, stack);
    else if (inner) walkSchema(inner, path, stack);
  };
  walkDefinition(root, "", []);
  return out;
}
