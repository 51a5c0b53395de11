// One informer per resource for the whole control plane, so the scheduler and every controller share a single
// list+watch and cache of pods, nodes, DaemonSets…
import type { KubeObject } from "../../api/object.ts";
import type { ApiClient, ResourceRef } from "../../client/client.ts";
import { type Clock, realClock } from "./clock.ts";
import { Informer } from "./informer.ts";

export class SharedInformers {
  private readonly informers = new Map<string, Informer>();
  private started = false;

  constructor(
    private readonly client: ApiClient,
    private readonly clock: Clock = realClock,
  ) {}

  informer<T extends KubeObject = KubeObject>(res: ResourceRef): Informer<T> {
    const key = `${res.group}/${res.version}/${res.resource}`;
    let inf = this.informers.get(key);
    if (!inf) {
      inf = new Informer(this.client, res, { clock: this.clock });
      this.informers.set(key, inf);
      if (this.started) inf.start();
    }
    return inf as unknown as Informer<T>;
  }

  start(): void {
    this.started = true;
    for (const inf of this.informers.values()) inf.start();
  }

  async waitForSync(): Promise<void> {
    await Promise.all([...this.informers.values()].map((i) => i.waitForSync()));
  }

  stop(): void {
    this.started = false;
    for (const inf of this.informers.values()) inf.stop();
  }
}
