// Does the store stay bounded under steady churn? A `loci server` (default compaction, event TTL and WAL
// checkpoints) and one `loci hollow` process with 1,000 nodes renewing their Leases every 10 s, for `minutes`
// minutes. The database (state.db and its WAL) is measured once a minute after a warm-up; the result is its size
// at the start and the end of the window and the largest size seen, so flat means growth within ± 10 %.
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type RunningHollow, startHollow } from "../test/helpers/hollow.ts";
import type { RunningServer } from "../test/helpers/server.ts";
import { round } from "./stats.ts";

export interface StoreBoundedOptions {
  startServer(opts: { dataDir: string }): Promise<RunningServer>;
  nodes: number;
  minutes: number;
  warmupMinutes: number;
  emit(bench: string, value: number, unit: "MB" | "%", params: object): void;
  progress(msg: string): void;
}

function databaseMb(dataDir: string): number {
  let bytes = 0;
  for (const f of ["state.db", "state.db-wal"]) {
    try {
      bytes += statSync(join(dataDir, f)).size;
    } catch {}
  }
  return round(bytes / 1024 / 1024);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function storeBoundedBench(opts: StoreBoundedOptions): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), "loci-bench-bounded-"));
  let server: RunningServer | undefined;
  let fleet: RunningHollow | undefined;
  try {
    server = await opts.startServer({ dataDir });
    fleet = await startHollow(server.kubeconfig, [`--nodes=${opts.nodes}`, "--name-prefix=steady-"]);
    opts.progress(`store-bounded: ${opts.nodes} hollow nodes heartbeating; warm-up ${opts.warmupMinutes} min`);
    await sleep(opts.warmupMinutes * 60_000);
    const sizes = [databaseMb(dataDir)];
    opts.progress(`store-bounded: ${sizes[0]} MB after the warm-up; measuring for ${opts.minutes} min`);
    for (let m = 1; m <= opts.minutes; m++) {
      await sleep(60_000);
      sizes.push(databaseMb(dataDir));
      opts.progress(`store-bounded: minute ${m}: ${sizes.at(-1)} MB`);
    }
    const params = { nodes: opts.nodes, minutes: opts.minutes, warmupMinutes: opts.warmupMinutes };
    const start = sizes[0];
    const end = sizes.at(-1) ?? start;
    opts.emit("store-size-start", start, "MB", params);
    opts.emit("store-size-end", end, "MB", params);
    opts.emit("store-size-max", Math.max(...sizes), "MB", params);
    opts.emit("store-size-growth", round(((end - start) / start) * 100), "%", params);
  } finally {
    await fleet?.stop();
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
