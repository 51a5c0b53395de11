// Starts a real `loci agent` process (process runtime) against a test server and waits for its ready line.
import { type ChildProcess, spawn } from "node:child_process";
import { LOCI } from "./server.ts";

export interface RunningAgent {
  proc: ChildProcess;
  stop(signal: "SIGTERM" | "SIGKILL"): Promise<void>;
}

/** Starts `loci agent` with `credential` flags (`--kubeconfig F`, or `--server U --token T --ca-hash H`). */
export async function startAgent(
  credential: string[],
  name: string,
  dataDir: string,
  ip: string,
): Promise<RunningAgent> {
  const proc = spawn(
    process.execPath,
    [LOCI, "agent", ...credential, "--name", name, "--data", dataDir, "--node-ip", ip],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let stderr = "";
  proc.stderr!.on("data", (d) => {
    stderr += d;
  });
  const exited = new Promise<void>((r) => proc.on("exit", () => r()));
  await new Promise<void>((res, rej) => {
    let out = "";
    const timer = setTimeout(() => rej(new Error(`agent ${name} not ready in 30 s: ${stderr}`)), 30_000);
    proc.stdout!.on("data", (d) => {
      out += d;
      if (out.includes("loci agent ready")) {
        clearTimeout(timer);
        res();
      }
    });
    proc.on("exit", (code) => {
      clearTimeout(timer);
      rej(new Error(`agent ${name} exited with ${code}: ${stderr}`));
    });
  });
  return {
    proc,
    async stop(signal) {
      if (proc.exitCode === null && proc.signalCode === null) {
        proc.kill(signal);
        await exited;
      }
    },
  };
}
