// Starts a real `loci hollow` process (simulated nodes) against a running server, for end-to-end tests.
import { type ChildProcess, spawn } from "node:child_process";
import { LOCI } from "./server.ts";

export interface RunningHollow {
  proc: ChildProcess;
  /** SIGTERM (or SIGKILL with `kill9`), then waits for the exit. */
  stop(opts?: { kill9?: boolean }): Promise<void>;
}

export async function startHollow(kubeconfig: string, args: string[]): Promise<RunningHollow> {
  const proc = spawn(process.execPath, [LOCI, "hollow", "--kubeconfig", kubeconfig, ...args], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  proc.stderr!.on("data", (d) => {
    stderr += d;
  });
  const exited = new Promise<void>((r) => proc.on("exit", () => r()));
  await new Promise<void>((res, rej) => {
    let out = "";
    const timer = setTimeout(() => rej(new Error(`loci hollow did not get ready in 60s: ${stderr}`)), 60_000);
    proc.stdout!.on("data", (d) => {
      out += d;
      if (/loci hollow ready/.test(out)) {
        clearTimeout(timer);
        res();
      }
    });
    proc.on("exit", (code) => {
      clearTimeout(timer);
      rej(new Error(`loci hollow exited with ${code}: ${stderr}`));
    });
  }).catch((e) => {
    proc.kill("SIGKILL");
    throw e;
  });
  return {
    proc,
    async stop(o = {}) {
      if (proc.exitCode === null && proc.signalCode === null) {
        proc.kill(o.kill9 ? "SIGKILL" : "SIGTERM");
        await exited;
      }
    },
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
