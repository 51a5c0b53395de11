// DaemonSet benchmarks at fleet scale: a `loci server` with its controllers and `loci hollow` processes holding
// 1,000 → 3,000 → 10,000 simulated nodes (added between sizes). At each size: rollout (create → every node runs
// an available pod), rolling update (image change, maxUnavailable 10% → every pod replaced and available), and
// delete (→ no pod left). Server RSS after the largest rollout.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type RunningHollow, startHollow } from "../test/helpers/hollow.ts";
import type { RunningServer } from "../test/helpers/server.ts";
import { cpuMeter } from "./cpu-usage.ts";
import { Http2Pool } from "./http2-client.ts";
import { round } from "./stats.ts";

export interface DaemonSetBenchOptions {
  /** Starts the server child (profiled with --cpu-prof). */
  startServer(opts: { dataDir: string }): Promise<RunningServer>;
  sizes: number[];
  /** Prints one measurement (the caller filters by --only). */
  emit(bench: string, value: number, unit: "s" | "MB", params: object): void;
  progress(msg: string): void;
}

const NS = "default";
const DS_PATH = `/apis/apps/v1/namespaces/${NS}/daemonsets`;

function daemonSet(name: string) {
  return {
    apiVersion: "apps/v1",
    kind: "DaemonSet",
    metadata: { name },
    spec: {
      selector: { matchLabels: { app: name } },
      updateStrategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: "10%" } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: "agent", image: "registry.example/agent:1" }] },
      },
    },
  };
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return round(Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1]) / 1024);
}

/** Polls the DaemonSet's status until `done(status)`, returning the seconds since `t0`. */
async function waitStatus(
  client: Http2Pool,
  name: string,
  t0: number,
  done: (ds: any) => boolean,
  progress: (msg: string) => void,
  timeoutMs: number,
): Promise<number> {
  let lastLog = 0;
  for (;;) {
    const ds = (await client.must("GET", `${DS_PATH}/${name}`)).json();
    if (done(ds)) return (performance.now() - t0) / 1000;
    const now = performance.now();
    if (now - t0 > timeoutMs)
      throw new Error(`${name}: not done after ${timeoutMs / 1000}s: ${JSON.stringify(ds.status)}`);
    if (now - lastLog > 5000) {
      lastLog = now;
      const s = ds.status ?? {};
      progress(
        `  ${name}: desired ${s.desiredNumberScheduled} current ${s.currentNumberScheduled} updated ${s.updatedNumberScheduled} available ${s.numberAvailable}`,
      );
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function countPods(client: Http2Pool, app: string): Promise<number> {
  const res = await client.must("GET", `/api/v1/namespaces/${NS}/pods?labelSelector=app%3D${app}`);
  return res.json().items.length;
}

async function readyNodes(client: Http2Pool): Promise<number> {
  const nodes = (await client.must("GET", "/api/v1/nodes")).json().items;
  return nodes.filter((n: any) => n.status?.conditions?.some((c: any) => c.type === "Ready" && c.status === "True"))
    .length;
}

export async function daemonSetBench(opts: DaemonSetBenchOptions): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), "loci-bench-ds-"));
  let server: RunningServer;
  try {
    server = await opts.startServer({ dataDir });
  } catch (e) {
    rmSync(dataDir, { recursive: true, force: true });
    throw e;
  }
  const client = new Http2Pool(server);
  const fleets: RunningHollow[] = [];
  let nodes = 0;
  try {
    for (const size of [...opts.sizes].sort((a, b) => a - b)) {
      if (size > nodes) {
        opts.progress(`daemonset: adding ${size - nodes} hollow nodes (total ${size})`);
        fleets.push(
          await startHollow(server.kubeconfig, [
            `--nodes=${size - nodes}`,
            `--start-index=${nodes}`,
            "--name-prefix=hollow-",
          ]),
        );
        nodes = size;
        const t = performance.now();
        while ((await readyNodes(client)) < size) {
          if (performance.now() - t > 300_000)
            throw new Error(`only ${await readyNodes(client)} of ${size} nodes Ready`);
          await new Promise((r) => setTimeout(r, 500));
        }
      }
      const name = `bench-${size}`;
      const timeout = 120_000 + size * 60;
      opts.progress(`daemonset-rollout: ${size} nodes`);
      let cpu = cpuMeter(server.proc.pid!);
      let t0 = performance.now();
      await client.must("POST", DS_PATH, { body: daemonSet(name) });
      const rollout = await waitStatus(
        client,
        name,
        t0,
        (ds) =>
          ds.status?.desiredNumberScheduled === size &&
          ds.status?.numberAvailable === size &&
          ds.status?.updatedNumberScheduled === size,
        opts.progress,
        timeout,
      );
      let use = cpu();
      opts.progress(`  rollout ${round(rollout, 2)}s, server CPU ${round(use.server, 2)} cores`);
      opts.emit("daemonset-rollout", round(rollout, 2), "s", { nodes: size });
      if (size === Math.max(...opts.sizes)) {
        opts.emit("daemonset-server-rss", rssMb(server.proc.pid!), "MB", { nodes: size, pods: size });
      }

      opts.progress(`daemonset-update: ${size} nodes, maxUnavailable 10%`);
      cpu = cpuMeter(server.proc.pid!);
      t0 = performance.now();
      const patched = (
        await client.must("PATCH", `${DS_PATH}/${name}`, {
          body: {
            spec: { template: { spec: { containers: [{ name: "agent", image: "registry.example/agent:2" }] } } },
          },
          contentType: "application/strategic-merge-patch+json",
        })
      ).json();
      const update = await waitStatus(
        client,
        name,
        t0,
        (ds) =>
          ds.status?.observedGeneration >= patched.metadata.generation &&
          ds.status?.updatedNumberScheduled === size &&
          ds.status?.numberAvailable === size,
        opts.progress,
        timeout * 2,
      );
      use = cpu();
      opts.progress(`  update ${round(update, 2)}s, server CPU ${round(use.server, 2)} cores`);
      opts.emit("daemonset-update", round(update, 2), "s", { nodes: size, maxUnavailable: "10%" });

      opts.progress(`daemonset-delete: ${size} pods`);
      t0 = performance.now();
      await client.must("DELETE", `${DS_PATH}/${name}`, {
        body: { kind: "DeleteOptions", apiVersion: "v1", propagationPolicy: "Background" },
      });
      for (;;) {
        const left = await countPods(client, name);
        if (left === 0) break;
        if (performance.now() - t0 > timeout) throw new Error(`${left} pods left after delete`);
        await new Promise((r) => setTimeout(r, 250));
      }
      const del = (performance.now() - t0) / 1000;
      opts.progress(`  delete ${round(del, 2)}s`);
      opts.emit("daemonset-delete", round(del, 2), "s", { nodes: size });
    }
  } finally {
    await Promise.all(fleets.map((f) => f.stop()));
    await client.close();
    await server.stop();
  }
}
