// `loci server` as a whole: the API server plus the control loops (DaemonSet controller, scheduler, garbage
// collector, node lifecycle…) that reach it through an in-process client and run under leader election.
import { createHash } from "node:crypto";
import { hostname } from "node:os";
import { resolve } from "node:path";
import { ApiServer, type ServerOptions } from "../apiserver/server.ts";
import { InProcessClient } from "../client/in-process-client.ts";
import { CONTROLLERS } from "../controllers/index.ts";
import { type ControllerFactory, ControllerManager } from "../controllers/manager.ts";
import type { Clock } from "../controllers/runtime/clock.ts";
import { type ControllerOptions, defaultControllerOptions } from "../controllers/runtime/controller.ts";

export interface ControlPlaneOptions extends ServerOptions {
  controllers?: ControllerFactory[];
  controllerOptions?: Partial<ControllerOptions>;
  clock?: Clock;
  onControllerError?: (controller: string, err: unknown) => void;
}

export class ControlPlane {
  private constructor(
    readonly server: ApiServer,
    readonly client: InProcessClient,
    readonly manager: ControllerManager,
  ) {}

  static async start(opts: ControlPlaneOptions): Promise<ControlPlane> {
    const server = await ApiServer.start(opts);
    const client = new InProcessClient(server);
    const manager = new ControllerManager({
      client,
      factories: opts.controllers ?? CONTROLLERS,
      options: { ...defaultControllerOptions(), ...opts.controllerOptions },
      clock: opts.clock,
      // Stable across restarts of this server, so a restarted server resumes its own Lease at once instead of
      // waiting out the lease of its previous life; distinct for every data directory (every server).
      identity: `${hostname()}_${createHash("sha256").update(resolve(opts.dataDir)).digest("hex").slice(0, 16)}`,
      onError: opts.onControllerError,
    });
    // No controllers (`--controllers=`): an API server alone, which does not even compete for the Lease.
    if ((opts.controllers ?? CONTROLLERS).length > 0) manager.start();
    return new ControlPlane(server, client, manager);
  }

  get url(): string {
    return this.server.url;
  }

  async close(): Promise<void> {
    await this.manager.stop();
    await this.client.close();
    await this.server.close();
  }
}
