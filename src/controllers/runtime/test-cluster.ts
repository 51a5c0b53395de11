// Test support for controllers: a real ApiServer in a temporary directory, an InProcessClient, shared informers
// and a ControllerContext, started the way the controller manager starts them (controllers first, then the
// informers). Used by the controller and scheduler tests.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ApiServer } from "../../apiserver/server.ts";
import { InProcessClient } from "../../client/in-process-client.ts";
import { type Clock, FakeClock, realClock } from "./clock.ts";
import {
  type Controller,
  type ControllerContext,
  type ControllerOptions,
  defaultControllerOptions,
} from "./controller.ts";
import { EventRecorder } from "./events.ts";
import { SharedInformers } from "./shared-informers.ts";

export interface TestCluster {
  server: ApiServer;
  client: InProcessClient;
  informers: SharedInformers;
  clock: Clock;
  ctx: ControllerContext;
  /** Starts the controllers, then the informers, and waits for the informers to list. */
  run(...controllers: Controller[]): Promise<void>;
  close(): Promise<void>;
}

export async function startTestCluster(
  opts: { clock?: Clock; options?: Partial<ControllerOptions> } = {},
): Promise<TestCluster> {
  const dir = mkdtempSync(join(tmpdir(), "loci-ctrl-"));
  const server = await ApiServer.start({ dataDir: dir, listen: "127.0.0.1:0" });
  const client = new InProcessClient(server);
  const clock = opts.clock ?? realClock;
  const informers = new SharedInformers(client, clock);
  const ctx: ControllerContext = {
    client,
    informers,
    clock,
    options: { ...defaultControllerOptions(), ...opts.options },
    recorder: (component) => new EventRecorder(client, component, clock),
  };
  const running: Controller[] = [];
  return {
    server,
    client,
    informers,
    clock,
    ctx,
    async run(...controllers) {
      for (const c of controllers) {
        c.start();
        running.push(c);
      }
      informers.start();
      await informers.waitForSync();
    },
    async close() {
      await Promise.all(running.map((c) => c.stop()));
      informers.stop();
      await client.close();
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Polls `cond` until it holds (real time; with a FakeClock, time also moves by `advanceMs` per poll so the
 * controllers' retries come due).
 */
export async function eventually(
  cond: () => boolean | Promise<boolean>,
  opts: { timeoutMs?: number; clock?: Clock; advanceMs?: number; what?: string } = {},
): Promise<void> {
  const end = Date.now() + (opts.timeoutMs ?? 5000);
  for (;;) {
    if (await cond()) return;
    if (Date.now() > end) throw new Error(`condition not met in time${opts.what ? `: ${opts.what}` : ""}`);
    if (opts.clock instanceof FakeClock && opts.advanceMs) opts.clock.advance(opts.advanceMs);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Resolves true once a GET of the object answers 404. */
export async function isGone(get: () => Promise<unknown>): Promise<boolean> {
  try {
    await get();
    return false;
  } catch (e) {
    if ((e as { code?: number }).code === 404) return true;
    throw e;
  }
}
