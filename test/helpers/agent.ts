// Starts a real `loci agent` process against a test server and waits for its ready line. The runtime is always
// named: `auto` would pick Docker on a machine where it answers.
import { LOCI } from "./server.ts";
import { type ReadyProcess, spawnReady } from "./spawn-ready.ts";

export type RunningAgent = ReadyProcess;

/** Starts `loci agent` with `credential` flags (`--kubeconfig F`, or `--server U --token T --ca-hash H`). */
export function startAgent(
  credential: string[],
  name: string,
  dataDir: string,
  ip: string,
  opts: { netns?: string; runtime?: "process" | "docker" | "auto"; args?: string[] } = {},
): Promise<RunningAgent> {
  const argv = [process.execPath, LOCI, "agent", ...credential, "--name", name, "--data", dataDir, "--node-ip", ip];
  argv.push("--runtime", opts.runtime ?? "process", ...(opts.args ?? []));
  // `ip netns exec` execs the agent inside the namespace (same pid).
  const cmd = opts.netns ? ["ip", "netns", "exec", opts.netns, ...argv] : argv;
  return spawnReady(cmd, `agent ${name}`, /loci agent ready/, 30_000);
}
