// Starts a real `loci hollow` process (simulated nodes) against a running server, for end-to-end tests.
import { LOCI } from "./server.ts";
import { type ReadyProcess, spawnReady } from "./spawn-ready.ts";

export interface RunningHollow extends ReadyProcess {
  /** SIGTERM (or SIGKILL with `kill9`), then waits for the exit. */
  stop(opts?: { kill9?: boolean } | NodeJS.Signals): Promise<void>;
}

export async function startHollow(kubeconfig: string, args: string[]): Promise<RunningHollow> {
  const p = await spawnReady(
    [process.execPath, LOCI, "hollow", "--kubeconfig", kubeconfig, ...args],
    "loci hollow",
    /loci hollow ready/,
    60_000,
  );
  return {
    proc: p.proc,
    stop: (o) => p.stop(typeof o === "string" ? o : o?.kill9 ? "SIGKILL" : "SIGTERM"),
  };
}

/** The seeds' three-node cluster: a kubeadm-style control-plane node and two workers (one with disktype=ssd). */
export async function startSeedCluster(kubeconfig: string, extra: string[] = []): Promise<RunningHollow[]> {
  return Promise.all([
    startHollow(kubeconfig, [
      "--nodes=1",
      "--name-prefix=ip-172-31-34-19",
      "--start-index=1",
      "--labels=node-role.kubernetes.io/control-plane=",
      "--taints=node-role.kubernetes.io/control-plane:NoSchedule",
      ...extra,
    ]),
    startHollow(kubeconfig, ["--nodes=1", "--name-prefix=ip-172-31-5-19", "--start-index=4", ...extra]),
    startHollow(kubeconfig, [
      "--nodes=1",
      "--name-prefix=ip-172-31-3-21",
      "--start-index=5",
      "--labels=disktype=ssd",
      ...extra,
    ]),
  ]);
}
