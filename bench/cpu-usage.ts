// CPU time of the bench client and the server child, so progress lines can say which side was the bottleneck.
import { readFileSync } from "node:fs";

/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;

/** User + system CPU seconds of process `pid` (Linux /proc); NaN elsewhere. */
export function processCpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15 overall.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return Number.NaN;
  }
}

/** Starts a measurement; the returned function gives the average cores each side kept busy since then. */
export function cpuMeter(serverPid: number): () => { server: number; client: number; seconds: number } {
  const t0 = performance.now();
  const server0 = processCpuSeconds(serverPid);
  const client0 = process.cpuUsage();
  return () => {
    const seconds = (performance.now() - t0) / 1000;
    const client = process.cpuUsage(client0);
    return {
      seconds,
      server: (processCpuSeconds(serverPid) - server0) / seconds,
      client: (client.user + client.system) / 1e6 / seconds,
    };
  };
}
