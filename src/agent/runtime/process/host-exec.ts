// A command run on the host as the process runtime runs it in a container: with the container's environment
// and working directory, in its own process group (so a timed-out probe takes its children with it). A terminal
// comes from node-pty, sized as kubectl asks; where node-pty cannot load, from util-linux `script` (whose window
// size stays as it is).
import { spawn } from "node:child_process";
import { constants } from "node:os";
import { PassThrough, type Readable, Writable } from "node:stream";
import type { ExecProcess } from "../runtime.ts";

/** A word for a POSIX shell command line, quoted. */
export const shellQuote = (s: string) => `'${s.replace(/'/g, "'\\''")}'`;

type PtyModule = typeof import("node-pty");
let ptyModule: PtyModule | null | undefined;

/** node-pty, or null where its native part cannot load. */
async function loadPty(): Promise<PtyModule | null> {
  if (ptyModule === undefined) {
    try {
      const mod = (await import("node-pty")) as PtyModule & { default?: PtyModule };
      ptyModule = mod.default ?? mod;
    } catch {
      ptyModule = null;
    }
  }
  return ptyModule;
}

interface HostExecOptions {
  env: Record<string, string>;
  cwd?: string;
  tty?: boolean;
  stdin?: boolean;
}

export async function hostExec(argv: string[], opts: HostExecOptions): Promise<ExecProcess> {
  const pty = opts.tty ? await loadPty() : null;
  return pty ? onTerminal(pty, argv, opts) : onPipes(argv, opts);
}

/** On a pseudo-terminal: one output stream; Ctrl-D ends the input; the window follows kubectl's size. */
function onTerminal(pty: PtyModule, argv: string[], opts: HostExecOptions): ExecProcess {
  const term = pty.spawn(argv[0], argv.slice(1), {
    name: "xterm",
    cols: 80,
    rows: 24,
    cwd: opts.cwd || process.cwd(),
    env: { TERM: "xterm", ...opts.env },
  });
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  stderr.end();
  term.onData((d) => stdout.write(d));
  const exited = new Promise<number>((resolve) => {
    term.onExit(({ exitCode, signal }) => {
      // The terminal's last output is read before the end is reported.
      setTimeout(() => {
        stdout.end();
        resolve(signal ? 128 + signal : exitCode);
      }, 20);
    });
  });
  const stdin = new Writable({
    write: (chunk: Buffer, _encoding, done) => {
      term.write(chunk.toString("utf8"));
      done();
    },
    final: (done) => {
      term.write("\x04");
      done();
    },
  });
  return {
    stdin,
    stdout,
    stderr,
    exited,
    kill() {
      try {
        process.kill(-term.pid, "SIGKILL");
      } catch {}
    },
    resize: (cols, rows) => term.resize(cols, rows),
  };
}

function onPipes(argv: string[], opts: HostExecOptions): ExecProcess {
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
