// Nodes: cluster-scoped, created by agents with their status; the main resource keeps status, `/status` keeps spec.
import { defaultNode } from "../../api/defaults/node.ts";
import { validateNode, validateNodeUpdate } from "../../api/validation/node.ts";
import type { Strategy } from "./strategy.ts";

export function nodeStrategy(base: Strategy): Strategy {
  return {
    ...base,
    defaults: (obj) => defaultNode(obj),
    validate: (obj) => validateNode(obj),
    validateUpdate: (obj, old) => validateNodeUpdate(obj, old),
    status: {
      validate: (obj, old) => validateNodeUpdate(obj, old),
    },
  };
}
