// Starts a child process and waits until its stdout shows a ready line; the one way tests start `loci` commands
// that run until stopped (hollow, agent).
import { type ChildProcess, spawn } from "node:child_process";

export interface ReadyProcess {
  proc: ChildProcess;
  /** Sends `signal` (SIGTERM by default) unless the process already ended, then waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export async function spawnReady(cmd: string[], what: string, ready: RegExp, timeoutMs: number): Promise<ReadyProcess> {
  const proc = spawn(cmd[0], cmd.slice(1), { stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  proc.stderr!.on("data", (d) => {
    stderr += d;
  });
  const exited = new Promise<void>((r) => proc.on("exit", () => r()));
  await new Promise<void>((res, rej) => {
    let out = "";
    const timer = setTimeout(() => rej(new Error(`${what} not ready in ${timeoutMs / 1000} s: ${stderr}`)), timeoutMs);
    proc.stdout!.on("data", (d) => {
      out += d;
      if (ready.test(out)) {
        clearTimeout(timer);
        res();
      }
    });
    proc.on("exit", (code) => {
      clearTimeout(timer);
      rej(new Error(`${what} exited with ${code}: ${stderr}`));
    });
  }).catch((e) => {
    proc.kill("SIGKILL");
    throw e;
  });
  return {
    proc,
    async stop(signal: NodeJS.Signals = "SIGTERM") {
      if (proc.exitCode === null && proc.signalCode === null) {
        proc.kill(signal);
        await exited;
      }
    },
  };
}
