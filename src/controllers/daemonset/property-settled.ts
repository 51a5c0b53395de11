// What must hold once a DaemonSet has settled, recomputed independently from the server's nodes and pods (the
// test's own eligibility model and counting rules, not the controller's `computeCounts`): status numbers,
// observedGeneration, one pod per eligible node, and a finished rollout when the new template can become Ready.
import type { KubeObject } from "../../api/object.ts";
import { targetNodeName } from "../../api/scheduling/node-affinity.ts";
import { placementChecker } from "./placement.ts";
import {
  maxSurgeFor,
  modelPlacement,
  olderFirst,
  podAvailable,
  podIsNew,
  podTerminating,
  strategyKind,
  UNREADY_MARKER,
} from "./property-world.ts";
import type { DaemonSetCounts } from "./status.ts";

/** The same numbers as the controller's status, counted independently here. */
export type ExpectedCounts = DaemonSetCounts;

/** Upstream `updateDaemonSetStatus` counting: per existing node, the oldest pod speaks for it. */
export function expectedCounts(ds: KubeObject, nodes: readonly KubeObject[], pods: readonly KubeObject[]) {
  const c: ExpectedCounts = {
    desiredNumberScheduled: 0,
    currentNumberScheduled: 0,
    numberMisscheduled: 0,
    numberReady: 0,
    updatedNumberScheduled: 0,
    numberAvailable: 0,
    numberUnavailable: 0,
  };
  for (const node of nodes) {
    const onNode = pods.filter((p) => targetNodeName(p) === node.metadata.name).sort(olderFirst);
    if (!modelPlacement(ds, node).shouldRun) {
      if (onNode.length > 0) c.numberMisscheduled++;
      continue;
    }
    c.desiredNumberScheduled++;
    if (onNode.length === 0) continue;
    c.currentNumberScheduled++;
    const oldest = onNode[0];
    if (podAvailable(oldest)) {
      c.numberReady++;
      c.numberAvailable++;
    }
    if (podIsNew(oldest, ds)) c.updatedNumberScheduled++;
  }
  c.numberUnavailable = c.desiredNumberScheduled - c.numberAvailable;
  return c;
}

/** Problems with a settled DaemonSet; empty when all is well. */
export function settledProblems(ds: KubeObject, nodes: readonly KubeObject[], pods: readonly KubeObject[]): string[] {
  const problems: string[] = [];
  const status = ds.status ?? {};
  if (status.observedGeneration !== ds.metadata.generation) {
    problems.push(`observedGeneration ${status.observedGeneration} != generation ${ds.metadata.generation}`);
  }
  const want = expectedCounts(ds, nodes, pods);
  for (const [k, v] of Object.entries(want)) {
    if ((status[k] ?? 0) !== v) problems.push(`status.${k} is ${status[k] ?? 0}, recomputed ${v}`);
  }
  const controllerPlacement = placementChecker(ds);
  const kind = strategyKind(ds);
  const image: string = ds.spec?.template?.spec?.containers?.[0]?.image ?? "";
  const canFinish = kind !== "onDelete" && !image.includes(UNREADY_MARKER);
  const nodeNames = new Set(nodes.map((n) => n.metadata.name ?? ""));
  let doubles = 0;
  for (const node of nodes) {
    const name = node.metadata.name ?? "";
    const model = modelPlacement(ds, node);
    const real = controllerPlacement(node);
    if (model.shouldRun !== real.shouldRun || model.shouldContinueRunning !== real.shouldContinueRunning) {
      problems.push(`test model and placementChecker disagree on ${name}: ${JSON.stringify({ model, real })}`);
    }
    const onNode = pods.filter((p) => targetNodeName(p) === name);
    if (!model.shouldContinueRunning && onNode.length > 0)
      problems.push(`${onNode.length} pod(s) on ineligible ${name}`);
    if (model.shouldContinueRunning && !model.shouldRun && onNode.length > 1) {
      problems.push(`${onNode.length} pods on NoSchedule-tainted ${name}`);
    }
    if (!model.shouldRun) continue;
    if (onNode.length === 0) problems.push(`no pod on eligible ${name}`);
    if (onNode.length === 2 && kind === "surge") {
      // A stalled surge: the old pod stays while the new one is not available.
      const [n, o] = [onNode.filter((p) => podIsNew(p, ds)), onNode.filter((p) => !podIsNew(p, ds))];
      if (n.length === 1 && o.length === 1 && podAvailable(o[0]) && !podAvailable(n[0])) doubles++;
      else problems.push(`2 pods on ${name} that are not a stalled surge`);
    } else if (onNode.length > 1) {
      problems.push(`${onNode.length} pods on ${name}`);
    }
    if (canFinish && !onNode.every((p) => podIsNew(p, ds) && podAvailable(p))) {
      problems.push(`rollout unfinished on ${name} although the template can become Ready`);
    }
  }
  if (doubles > maxSurgeFor(ds, want.desiredNumberScheduled)) problems.push(`${doubles} surging nodes > maxSurge`);
  for (const p of pods) {
    if (podTerminating(p)) problems.push(`pod ${p.metadata.name} still terminating`);
    const target = targetNodeName(p);
    if (target === undefined || !nodeNames.has(target)) problems.push(`pod ${p.metadata.name} for missing ${target}`);
    else if (!p.spec?.nodeName) problems.push(`pod ${p.metadata.name} never bound`);
  }
  return problems;
}
