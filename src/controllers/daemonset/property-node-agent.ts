// The parts of a cluster the DaemonSet controller relies on, simulated for the property test straight against
// the server (no watch delay): the scheduler binding daemon pods to their target node, the kubelet reporting a
// bound pod Running+Ready after a short random delay (never for images with the unready marker) and finishing
// graceful deletions with a grace-0 DELETE, and the pod GC removing pods of deleted nodes.
import type { KubeObject } from "../../api/object.ts";
import { targetNodeName } from "../../api/scheduling/node-affinity.ts";
import { type ApiClient, PODS } from "../../client/client.ts";
import type { Informer } from "../runtime/informer.ts";
import { podAvailable, UNREADY_MARKER } from "./property-world.ts";

export interface NodeAgentOptions {
  client: ApiClient;
  namespace: string;
  pods: Informer;
  nodes: Informer;
  /** Uniform in [0, 1); seeded by the property so a run's delays are reproducible. */
  random: () => number;
  maxDelayMs: number;
}

const stamp = () => new Date().toISOString().replace(/\.\d+Z$/, "Z");

export class NodeAgent {
  private readonly started = new Set<string>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private inFlight = 0;
  private stopped = false;
  /** Failures other than races with deletion; the test reports them as harness errors. */
  readonly errors: string[] = [];

  constructor(private readonly o: NodeAgentOptions) {}

  start(): void {
    this.o.pods.addHandlers({ onAdd: (p) => this.onPod(p), onUpdate: (_old, p) => this.onPod(p) });
    this.o.nodes.addHandlers({
      onAdd: (n) => {
        for (const p of this.o.pods.list()) if (targetNodeName(p) === n.metadata.name) this.onPod(p);
      },
      onDelete: (n) => this.onNodeGone(n.metadata.name ?? ""),
    });
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  /** Something scheduled or in flight. */
  get busy(): boolean {
    return this.timers.size > 0 || this.inFlight > 0;
  }

  private later(key: string, fn: () => Promise<void>): void {
    if (this.stopped || this.started.has(key)) return;
    this.started.add(key);
    const t = setTimeout(
      async () => {
        this.timers.delete(t);
        if (this.stopped) return;
        this.inFlight++;
        try {
          await fn();
        } catch (e: any) {
          if (e?.code !== 404 && e?.code !== 409) this.errors.push(`${key}: ${e?.message ?? e}`);
        } finally {
          this.inFlight--;
        }
      },
      Math.floor(this.o.random() * this.o.maxDelayMs),
    );
    this.timers.add(t);
  }

  private onPod(pod: KubeObject): void {
    const { client, namespace } = this.o;
    const name = pod.metadata.name ?? "";
    const uid = pod.metadata.uid ?? "";
    if (pod.metadata.deletionTimestamp) {
      this.later(`finish:${uid}`, async () => {
        await client.delete(PODS, namespace, name, { gracePeriodSeconds: 0, preconditions: { uid } });
      });
      return;
    }
    if (!pod.spec?.nodeName) {
      const target = targetNodeName(pod);
      if (target === undefined || !this.o.nodes.get("", target)) return;
      this.later(`bind:${uid}`, () => client.bind(namespace, name, target, uid));
      return;
    }
    if (!this.o.nodes.get("", pod.spec.nodeName)) {
      this.onNodeGone(pod.spec.nodeName);
      return;
    }
    const image: string = pod.spec.containers?.[0]?.image ?? "";
    if (podAvailable(pod) || image.includes(UNREADY_MARKER)) return;
    this.later(`ready:${uid}`, () => this.markReady(name, uid));
  }

  private async markReady(name: string, uid: string): Promise<void> {
    const { client, namespace } = this.o;
    for (let attempt = 0; attempt < 5; attempt++) {
      const fresh = await client.get(PODS, namespace, name);
      if (fresh.metadata.uid !== uid || fresh.metadata.deletionTimestamp) return;
      const now = stamp();
      fresh.status = {
        ...(fresh.status ?? {}),
        phase: "Running",
        conditions: [
          { type: "Ready", status: "True", lastTransitionTime: now },
          { type: "ContainersReady", status: "True", lastTransitionTime: now },
        ],
      };
      try {
        await client.update(PODS, namespace, fresh, { subresource: "status" });
        return;
      } catch (e: any) {
        if (e?.code !== 409) throw e;
      }
    }
  }

  private onNodeGone(nodeName: string): void {
    const { client, namespace } = this.o;
    if (this.o.nodes.get("", nodeName)) return;
    for (const pod of this.o.pods.list()) {
      if (pod.spec?.nodeName !== nodeName) continue;
      const uid = pod.metadata.uid ?? "";
      this.later(`gc:${uid}`, async () => {
        await client.delete(PODS, namespace, pod.metadata.name ?? "", {
          gracePeriodSeconds: 0,
          preconditions: { uid },
        });
      });
    }
  }
}
