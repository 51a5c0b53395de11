// Test support for the node lifecycle and taint-eviction controller tests: a real ApiServer in a temporary
// directory, an InProcessClient and a FakeClock; each controller run gets fresh informers (as after a restart).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { KubeObject } from "../../api/object.ts";
import { ApiServer } from "../../apiserver/server.ts";
import { LEASES, NODES } from "../../client/client.ts";
import { InProcessClient } from "../../client/in-process-client.ts";
import { FakeClock } from "../runtime/clock.ts";
import { type Controller, type ControllerContext, defaultControllerOptions } from "../runtime/controller.ts";
import { EventRecorder } from "../runtime/events.ts";
import { SharedInformers } from "../runtime/shared-informers.ts";
import { rfc3339 } from "./node-health.ts";

export interface Harness {
  server: ApiServer;
  client: InProcessClient;
  clock: FakeClock;
  /** Starts a controller built on fresh informers, the way the manager does (controller, then informers). */
  run<C extends Controller>(make: (ctx: ControllerContext) => C): Promise<C>;
  /** Stops every controller started so far (their informers too). */
  stopControllers(): Promise<void>;
  /** Renews the nodes' Leases and waits until every running controller's informer holds the new renewTime,
   * so the next step of the fake clock cannot race the watch event. */
  renewLeasesSeen(names: readonly string[]): Promise<void>;
  close(): Promise<void>;
}

export async function startHarness(): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), "loci-nodelc-"));
  const server = await ApiServer.start({ dataDir: dir, listen: "127.0.0.1:0" });
  const client = new InProcessClient(server);
  // Start at the server's wall time so creationTimestamps and the controllers' clock agree.
  const clock = new FakeClock(Date.now());
  let running: Array<{ c: Controller; informers: SharedInformers }> = [];
  const stopControllers = async () => {
    const r = running;
    running = [];
    for (const { c, informers } of r) {
      await c.stop();
      informers.stop();
    }
  };
  const harness: Harness = {
    server,
    client,
    clock,
    async run(make) {
      const informers = new SharedInformers(client, clock);
      const recorders = new Map<string, EventRecorder>();
      const ctx: ControllerContext = {
        client,
        informers,
        clock,
        options: defaultControllerOptions(),
        recorder: (component) => {
          let r = recorders.get(component);
          if (!r) {
            r = new EventRecorder(client, component, clock);
            recorders.set(component, r);
          }
          return r;
        },
      };
      const c = make(ctx);
      c.start();
      informers.start();
      await informers.waitForSync();
      running.push({ c, informers });
      return c;
    },
    stopControllers,
    async renewLeasesSeen(names) {
      const renewTime = microTime(clock.now());
      for (const n of names) await renewLease(harness, n);
      await until(
        () =>
          running.every(({ informers }) =>
            names.every((n) => informers.informer(LEASES).get("kube-node-lease", n)?.spec?.renewTime === renewTime),
          ),
        "leases seen by the controllers",
      );
    },
    async close() {
      await stopControllers();
      await client.close();
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return harness;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls (real time) until `cond` holds. */
export async function until(cond: () => boolean | Promise<boolean>, what: string, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

/** Lease renew times are MicroTime. */
export function microTime(ms: number): string {
  return new Date(ms).toISOString().replace("Z", "000Z");
}

/** Registers a node the way an agent does: Ready True with a heartbeat, and its Lease. */
export async function registerNode(
  h: Harness,
  name: string,
  opts: { labels?: Record<string, string>; heartbeatMs?: number } = {},
): Promise<KubeObject> {
  const hb = rfc3339(opts.heartbeatMs ?? h.clock.now());
  const cond = (type: string, status: string, reason: string) => ({
    type,
    status,
    reason,
    message: reason,
    lastHeartbeatTime: hb,
    lastTransitionTime: hb,
  });
  const node = await h.client.create(NODES, "", {
    apiVersion: "v1",
    kind: "Node",
    metadata: { name, labels: { "kubernetes.io/hostname": name, ...opts.labels } },
    status: {
      conditions: [
        cond("MemoryPressure", "False", "KubeletHasSufficientMemory"),
        cond("DiskPressure", "False", "KubeletHasNoDiskPressure"),
        cond("PIDPressure", "False", "KubeletHasSufficientPID"),
        cond("Ready", "True", "KubeletReady"),
      ],
    },
  });
  await h.client.create(LEASES, "kube-node-lease", {
    apiVersion: "coordination.k8s.io/v1",
    kind: "Lease",
    metadata: { name, namespace: "kube-node-lease" },
    spec: {
      holderIdentity: name,
      leaseDurationSeconds: 40,
      renewTime: microTime(opts.heartbeatMs ?? h.clock.now()),
    },
  });
  return node;
}

export async function renewLease(h: Harness, name: string): Promise<void> {
  await h.client.patch(LEASES, "kube-node-lease", name, "merge", { spec: { renewTime: microTime(h.clock.now()) } });
}

/** The agent posting status again: Ready True with a fresh heartbeat. */
export async function postReady(h: Harness, name: string): Promise<void> {
  const node = await h.client.get(NODES, "", name);
  const hb = rfc3339(h.clock.now());
  const conditions = (node.status.conditions as Array<Record<string, string>>).map((c) => {
    const status = c.type === "Ready" ? "True" : "False";
    return {
      ...c,
      status,
      reason: c.type === "Ready" ? "KubeletReady" : "KubeletFine",
      message: "back",
      lastHeartbeatTime: hb,
      lastTransitionTime: c.status === status ? c.lastTransitionTime : hb,
    };
  });
  await h.client.update(NODES, "", { ...node, status: { ...node.status, conditions } }, { subresource: "status" });
}

export async function deleteAllNodes(h: Harness): Promise<void> {
  for (const n of (await h.client.list(NODES, "")).items) {
    await h.client.delete(NODES, "", n.metadata.name!);
    await h.client.delete(LEASES, "kube-node-lease", n.metadata.name!).catch(() => {});
  }
}
