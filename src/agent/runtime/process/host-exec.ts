// A command run on the host as the process runtime runs it in a container: with the container's environment
// and working directory, in its own process group (so a timed-out probe takes its children with it). A terminal
// comes from util-linux `script`, which gives the command a pseudo-terminal; window resizes are not passed on.
import { spawn } from "node:child_process";
import { constants } from "node:os";
import { type Readable, Writable } from "node:stream";
import type { ExecProcess } from "../runtime.ts";

/** A word for a POSIX shell command line, quoted. */
export const shellQuote = (s: string) => `'${s.replace(/'/g, "'\\''")}'`;

export function hostExec(
  argv: string[],
  opts: { env: Record<string, string>; cwd?: string; tty?: boolean; stdin?: boolean },
): ExecProcess {
  const words = opts.tty ? ["script", "-qfec", argv.map(shellQuote).join(" "), "/dev/null"] : argv;
  const child = spawn(words[0], words.slice(1), {
    env: opts.tty ? { TERM: "xterm", ...opts.env } : opts.env,
    cwd: opts.cwd || undefined,
    stdio: [opts.stdin ? "pipe" : "ignore", "pipe", "pipe"],
    detached: true,
  });
  const exited = new Promise<number>((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code, signal) => {
      resolve(code ?? 128 + (signal ? (constants.signals[signal] ?? 9) : 9));
    });
  });
  // Without stdin, a stream that drops what it gets stands in for it.
  const stdin = child.stdin ?? new Writable({ write: (_chunk, _encoding, done) => done() });
  stdin.on("error", () => {});
  return {
    stdin,
    // Both are pipes (stdio above), never null.
    stdout: child.stdout as Readable,
    stderr: child.stderr as Readable,
    exited,
    kill() {
      try {
        if (child.pid) process.kill(-child.pid, "SIGKILL");
      } catch {}
    },
  };
}
