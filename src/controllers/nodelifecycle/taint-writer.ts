// Writes a node's taint list (upstream `SwapNodeControllerTaint`: AddOrUpdateTaintOnNode + RemoveTaintOffNode, in
// one write here). Decides from the informer's copy first, so the common "nothing to change" case costs no API
// call; the patch pins resourceVersion, so a concurrent edit (labels, a cordon) is never overwritten: on a
// conflict it reads the node again and retries.
import { ApiError } from "../../api/errors.ts";
import type { KubeObject } from "../../api/object.ts";
import type { Taint } from "../../api/scheduling/taints.ts";
import { type ApiClient, NODES } from "../../client/client.ts";
import { rfc3339 } from "./node-health.ts";
import { changedTaints, nodeTaints } from "./node-taints.ts";

const ATTEMPTS = 5;

/**
 * Adds `add` (NoExecute ones stamped with `timeAdded` = now) and removes `remove` on the node; returns true when
 * a write happened, false when nothing needed changing or the node is gone. Other errors are thrown.
 */
export async function swapNodeTaints(
  client: ApiClient,
  cached: KubeObject,
  add: readonly Taint[],
  remove: readonly Taint[],
  now: number,
): Promise<boolean> {
  const stamped = add.map((t) => (t.effect === "NoExecute" ? { ...t, timeAdded: rfc3339(now) } : { ...t }));
  let node = cached;
  for (let attempt = 1; ; attempt++) {
    const taints = changedTaints(nodeTaints(node), stamped, remove);
    if (!taints) return false;
    try {
      await client.patch(NODES, "", node.metadata.name!, "strategic", {
        metadata: { resourceVersion: node.metadata.resourceVersion },
        // An empty list is sent as null so the field goes away, as upstream's nil slice does.
        spec: { taints: taints.length ? taints : null },
      });
      return true;
    } catch (e) {
      if (e instanceof ApiError && e.code === 404) return false;
      if (!(e instanceof ApiError && e.code === 409) || attempt >= ATTEMPTS) throw e;
    }
    try {
      node = await client.get(NODES, "", node.metadata.name!);
    } catch (e) {
      if (e instanceof ApiError && e.code === 404) return false;
      throw e;
    }
  }
}
