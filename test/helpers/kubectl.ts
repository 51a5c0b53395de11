// Runs the machine's real, versioned kubectl binaries (kubectl.1.27 … kubectl.1.33) against a test server.
import { type ChildProcessWithoutNullStreams, execFileSync, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { shellQuote } from "../../src/agent/runtime/process/host-exec.ts";

function kubectlDir(): string | undefined {
  try {
    const which = execFileSync("which", ["kubectl"], { encoding: "utf8" }).trim();
    return dirname(realpathSync(which));
  } catch {
    return undefined;
  }
}

/** Path of `kubectl.1.<minor>`, or undefined when the machine lacks it. */
export function kubectlBinary(minor: number): string | undefined {
  const dir = kubectlDir();
  const p = dir && join(dir, `kubectl.1.${minor}`);
  return p && existsSync(p) ? p : undefined;
}

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

export class Kubectl {
  private readonly cacheDir = mkdtempSync(join(tmpdir(), "loci-kubectl-cache-"));
  constructor(
    readonly binary: string,
    readonly kubeconfig: string,
  ) {}

  /** Removes kubectl's discovery cache directory. */
  dispose(): void {
    rmSync(this.cacheDir, { recursive: true, force: true });
  }

  run(args: string[], input?: string): KubectlResult {
    const r = spawnSync(this.binary, ["--kubeconfig", this.kubeconfig, "--cache-dir", this.cacheDir, ...args], {
      input,
      encoding: "utf8",
      timeout: 60_000,
    });
    return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
  }

  /**
   * Starts kubectl on a pseudo-terminal (util-linux `script`, sized `size` when given), as a person at a terminal
   * runs `run -it` or `exec -it`; returns the live output, a way to type, and the exit code once it ends.
   */
  startOnTerminal(args: string[], size?: { cols: number; rows: number }): Interactive & { exited: Promise<number> } {
    const words = [this.binary, "--kubeconfig", this.kubeconfig, "--cache-dir", this.cacheDir, ...args];
    const sizing = size ? `stty cols ${size.cols} rows ${size.rows}; ` : "";
    const p = spawn("script", ["-qfec", `${sizing}${words.map(shellQuote).join(" ")}`, "/dev/null"]);
    return { ...interactive(p), exited: new Promise<number>((r) => p.on("close", (code) => r(code ?? -1))) };
  }

  /** Starts a long-running kubectl (e.g. `get -w`); returns the live output, a way to type, and a stop function. */
  start(args: string[]): Interactive & { stop: () => void } {
    const p = spawn(this.binary, ["--kubeconfig", this.kubeconfig, "--cache-dir", this.cacheDir, ...args]);
    return { ...interactive(p), stop: () => p.kill("SIGKILL") };
  }
}

interface Interactive {
  output: () => string;
  write: (s: string) => void;
}

/** A running process's output so far (stdout and stderr together) and its stdin. */
function interactive(p: ChildProcessWithoutNullStreams): Interactive {
  let out = "";
  p.stdout.on("data", (d) => {
    out += d;
  });
  p.stderr.on("data", (d) => {
    out += d;
  });
  p.stdin.on("error", () => {});
  return { output: () => out, write: (s) => p.stdin.write(s) };
}
