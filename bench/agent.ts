// Node agent benchmarks: a `loci server` and one `loci agent` (process runtime) in separate processes. Pods bound
// to the node at creation run a real process each; measured: time from bound to Running as the API shows it,
// then the agent's RSS and CPU (and its supervisors' RSS) while it looks after them.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startAgent } from "../test/helpers/agent.ts";
import { startServer } from "../test/helpers/server.ts";
import { processCpuSeconds } from "./cpu-usage.ts";
import { Http2Pool } from "./http2-client.ts";
import { median, round } from "./stats.ts";

export interface AgentBenchOptions {
  pods: number;
  idleSeconds: number;
  emit(bench: string, value: number, unit: "ms" | "MB", params: object): void;
  progress(msg: string): void;
}

const NODE = "bench-agent";

/** Proportional set size: shared pages (the node binary every supervisor maps) split among their users. */
function pssKb(pid: number): number {
  try {
    return Number(/^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, "utf8"))?.[1] ?? 0);
  } catch {
    return 0;
  }
}

function rssKb(pid: number): number {
  try {
    return Number(/^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);
  } catch {
    return 0;
  }
}

/** Supervisor processes of the agent's containers (their command line names supervisor.mjs and the data dir). */
function supervisorPids(dataDir: string): number[] {
  const pids: number[] = [];
  for (const e of readdirSync("/proc")) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const cmd = readFileSync(`/proc/${e}/cmdline`, "latin1");
      if (cmd.includes("supervisor.mjs") && cmd.includes(dataDir)) pids.push(Number(e));
    } catch {}
  }
  return pids;
}

export async function agentBench(opts: AgentBenchOptions): Promise<void> {
  const tmp = mkdtempSync(join(tmpdir(), "loci-bench-agent-"));
  const server = await startServer({ dataDir: join(tmp, "server") });
  const client = new Http2Pool(server);
  const dataDir = join(tmp, "agent");
  const agent = await startAgent(["--kubeconfig", server.kubeconfig], NODE, dataDir, "127.0.0.2");
  try {
    opts.progress(`agent: ${opts.pods} pods bound to ${NODE}`);
    const created = new Map<string, number>();
    for (let i = 0; i < opts.pods; i++) {
      const name = `p${i}`;
      created.set(name, performance.now());
      await client.must("POST", "/api/v1/namespaces/default/pods", {
        body: {
          apiVersion: "v1",
          kind: "Pod",
          metadata: { name },
          spec: { nodeName: NODE, containers: [{ name: "c", image: "busybox", command: ["sleep", "3600"] }] },
        },
      });
    }
    const running = new Map<string, number>();
    const deadline = performance.now() + 120_000;
    while (running.size < opts.pods) {
      if (performance.now() > deadline) throw new Error(`only ${running.size} of ${opts.pods} pods Running`);
      const list = (await client.must("GET", "/api/v1/namespaces/default/pods")).json().items;
      const now = performance.now();
      for (const p of list) {
        if (p.status?.phase === "Running" && !running.has(p.metadata.name)) running.set(p.metadata.name, now);
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    const startMs = [...running].map(([name, at]) => at - created.get(name)!);
    opts.emit("agent-pod-start-p50", round(median(startMs)), "ms", { pods: opts.pods, runtime: "process" });
    opts.emit("agent-pod-start-max", round(Math.max(...startMs)), "ms", { pods: opts.pods, runtime: "process" });

    opts.progress(`agent: idle with ${opts.pods} pods for ${opts.idleSeconds}s`);
    const pid = agent.proc.pid!;
    const cpu0 = processCpuSeconds(pid);
    const t0 = performance.now();
    await new Promise((r) => setTimeout(r, opts.idleSeconds * 1000));
    const cpuMsPerSecond = ((processCpuSeconds(pid) - cpu0) * 1000) / ((performance.now() - t0) / 1000);
    opts.emit("agent-cpu-ms-per-s", round(cpuMsPerSecond), "ms", { pods: opts.pods, seconds: opts.idleSeconds });
    opts.emit("agent-rss", round(rssKb(pid) / 1024), "MB", { pods: opts.pods });
    const sups = supervisorPids(dataDir);
    const supPss = sups.reduce((sum, p) => sum + pssKb(p), 0) / 1024;
    const supRss = sups.reduce((sum, p) => sum + rssKb(p), 0) / 1024;
    opts.emit("agent-supervisors-pss", round(supPss), "MB", {
      pods: opts.pods,
      supervisors: sups.length,
      rssSum: round(supRss),
    });
  } finally {
    await agent.stop("SIGTERM");
    await client.close();
    await server.stop();
    rmSync(tmp, { recursive: true, force: true });
  }
}
