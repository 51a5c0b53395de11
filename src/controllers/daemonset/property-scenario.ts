// Random scenarios for the DaemonSet property test: a starting cluster and DaemonSet, then a short sequence of
// node add/remove/relabel/taint and template/strategy changes with random pauses, applied to a real server.
import fc from "fast-check";
import type { KubeObject } from "../../api/object.ts";
import { type ApiClient, DAEMON_SETS, NODES } from "../../client/client.ts";
import { BLOCK_TAINT_KEY, type TaintEffect, TIER_LABEL, UNREADY_MARKER } from "./property-world.ts";

export type Tier = "a" | "b";
export type StrategyName = "maxUnavailable1" | "maxUnavailable2" | "maxUnavailable50%" | "surge1" | "onDelete";

export interface NodeSpec {
  tier?: Tier;
  taint?: TaintEffect;
}

export type Action =
  | { kind: "addNode"; node: NodeSpec }
  | { kind: "removeNode"; pick: number }
  | { kind: "relabelNode"; pick: number; tier?: Tier }
  | { kind: "taintNode"; pick: number; taint?: TaintEffect }
  | { kind: "setImage"; image: string }
  | { kind: "setNodeSelector"; tier?: Tier }
  | { kind: "setStrategy"; strategy: StrategyName };

export interface Step {
  action: Action;
  /** Wait after the action, so later actions land at different points of the controller's reaction. */
  pauseMs: number;
}

export interface Scenario {
  nodes: NodeSpec[];
  image: string;
  nodeSelector?: Tier;
  strategy: StrategyName;
  steps: Step[];
  /** Seeds the node agent's delays. */
  agentSeed: number;
}

const IMAGES = ["app:1", "app:2", "app:3", `${UNREADY_MARKER}:1`];

/** Mostly tier a, so most nodes fit most nodeSelectors; blocking taints on about one node in five. */
const tierArb = fc.oneof(
  { arbitrary: fc.constant<Tier>("a"), weight: 3 },
  { arbitrary: fc.constant<Tier>("b"), weight: 1 },
  { arbitrary: fc.constant(undefined), weight: 1 },
);
const taintArb = fc.oneof(
  { arbitrary: fc.constant(undefined), weight: 4 },
  { arbitrary: fc.constantFrom<TaintEffect>("NoSchedule", "NoExecute"), weight: 1 },
);
const selectorArb = fc.oneof(
  { arbitrary: fc.constant(undefined), weight: 2 },
  { arbitrary: fc.constant<Tier>("a"), weight: 2 },
  { arbitrary: fc.constant<Tier>("b"), weight: 1 },
);
const nodeArb: fc.Arbitrary<NodeSpec> = fc.record({ tier: tierArb, taint: taintArb });
const strategyArb = fc.constantFrom<StrategyName>(
  "maxUnavailable1",
  "maxUnavailable2",
  "maxUnavailable50%",
  "surge1",
  "onDelete",
);
const pickArb = fc.nat({ max: 11 });

export const actionArb: fc.Arbitrary<Action> = fc.oneof(
  fc.record({ kind: fc.constant("addNode" as const), node: nodeArb }),
  fc.record({ kind: fc.constant("removeNode" as const), pick: pickArb }),
  fc.record({ kind: fc.constant("relabelNode" as const), pick: pickArb, tier: tierArb }),
  fc.record({ kind: fc.constant("taintNode" as const), pick: pickArb, taint: taintArb }),
  { arbitrary: fc.record({ kind: fc.constant("setImage" as const), image: fc.constantFrom(...IMAGES) }), weight: 2 },
  fc.record({
    kind: fc.constant("setNodeSelector" as const),
    tier: selectorArb,
  }),
  fc.record({ kind: fc.constant("setStrategy" as const), strategy: strategyArb }),
);

export function scenarioArb(opts: { minNodes: number; maxNodes: number; maxSteps: number; maxPauseMs: number }) {
  return fc.record({
    nodes: fc.array(nodeArb, { minLength: opts.minNodes, maxLength: opts.maxNodes }),
    image: fc.constantFrom(...IMAGES.slice(0, 3)),
    nodeSelector: selectorArb,
    strategy: strategyArb,
    steps: fc.array(fc.record({ action: actionArb, pauseMs: fc.integer({ min: 0, max: opts.maxPauseMs }) }), {
      minLength: 1,
      maxLength: opts.maxSteps,
    }),
    agentSeed: fc.nat(),
  }) satisfies fc.Arbitrary<Scenario>;
}

export function updateStrategy(name: StrategyName): Record<string, unknown> {
  switch (name) {
    case "maxUnavailable1":
      return { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } };
    case "maxUnavailable2":
      return { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 2, maxSurge: 0 } };
    case "maxUnavailable50%":
      return { type: "RollingUpdate", rollingUpdate: { maxUnavailable: "50%", maxSurge: 0 } };
    case "surge1":
      return { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } };
    case "onDelete":
      return { type: "OnDelete", rollingUpdate: null };
  }
}

/** Applies a scenario to the server: node names carry `prefix`, the DaemonSet lives in `namespace`. */
export class ScenarioDriver {
  /** Nodes of this run that exist, oldest first. */
  readonly nodes: string[] = [];
  private created = 0;

  constructor(
    private readonly client: ApiClient,
    readonly namespace: string,
    readonly prefix: string,
    readonly dsName: string,
  ) {}

  async addNode(spec: NodeSpec): Promise<void> {
    const name = `${this.prefix}n${++this.created}`;
    const node: KubeObject = {
      apiVersion: "v1",
      kind: "Node",
      metadata: {
        name,
        labels: { "kubernetes.io/hostname": name, ...(spec.tier ? { [TIER_LABEL]: spec.tier } : {}) },
      },
      spec: spec.taint ? { taints: [{ key: BLOCK_TAINT_KEY, effect: spec.taint }] } : {},
    };
    await this.client.create(NODES, "", node);
    this.nodes.push(name);
  }

  async createDaemonSet(sc: Scenario): Promise<void> {
    const labels = { app: this.dsName };
    await this.client.create(DAEMON_SETS, this.namespace, {
      apiVersion: "apps/v1",
      kind: "DaemonSet",
      metadata: { name: this.dsName, namespace: this.namespace },
      spec: {
        selector: { matchLabels: labels },
        updateStrategy: updateStrategy(sc.strategy),
        template: {
          metadata: { labels },
          spec: {
            containers: [{ name: "app", image: sc.image }],
            ...(sc.nodeSelector ? { nodeSelector: { [TIER_LABEL]: sc.nodeSelector } } : {}),
          },
        },
      },
    });
  }

  private picked(pick: number): string | undefined {
    return this.nodes.length === 0 ? undefined : this.nodes[pick % this.nodes.length];
  }

  async apply(a: Action): Promise<void> {
    const { client, namespace, dsName } = this;
    switch (a.kind) {
      case "addNode":
        return this.addNode(a.node);
      case "removeNode": {
        const name = this.picked(a.pick);
        if (name === undefined) return;
        await client.delete(NODES, "", name);
        this.nodes.splice(this.nodes.indexOf(name), 1);
        return;
      }
      case "relabelNode": {
        const name = this.picked(a.pick);
        if (name === undefined) return;
        await client.patch(NODES, "", name, "merge", { metadata: { labels: { [TIER_LABEL]: a.tier ?? null } } });
        return;
      }
      case "taintNode": {
        const name = this.picked(a.pick);
        if (name === undefined) return;
        const taints = a.taint ? [{ key: BLOCK_TAINT_KEY, effect: a.taint }] : null;
        await client.patch(NODES, "", name, "merge", { spec: { taints } });
        return;
      }
      case "setImage":
        await client.patch(DAEMON_SETS, namespace, dsName, "strategic", {
          spec: { template: { spec: { containers: [{ name: "app", image: a.image }] } } },
        });
        return;
      case "setNodeSelector":
        await client.patch(DAEMON_SETS, namespace, dsName, "merge", {
          spec: { template: { spec: { nodeSelector: a.tier ? { [TIER_LABEL]: a.tier } : null } } },
        });
        return;
      case "setStrategy":
        await client.patch(DAEMON_SETS, namespace, dsName, "merge", {
          spec: { updateStrategy: updateStrategy(a.strategy) },
        });
        return;
    }
  }
}
