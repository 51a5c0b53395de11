// Starts a real `loci server` process on a free port with a fresh data directory, for end-to-end tests.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parse } from "yaml";

export const ROOT = resolve(import.meta.dirname, "../..");
export const LOCI = join(ROOT, "bin/loci");
/**
 * Server flag for tests of the API server alone: no controllers, so nothing writes but the test (revisions and
 * objects stay exactly as the test left them).
 */
export const API_ONLY = "--controllers=";

export interface RunningServer {
  url: string;
  kubeconfig: string;
  caHash: string;
  dataDir: string;
  token: string;
  ca: string;
  proc: ChildProcess;
  /** Stops the process (SIGTERM, or SIGKILL with `kill9`) and waits for it to exit. */
  stop(opts?: { kill9?: boolean; keepData?: boolean }): Promise<void>;
}

export async function startServer(opts: { dataDir?: string; args?: string[] } = {}): Promise<RunningServer> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), "loci-test-"));
  const proc = spawn(
    process.execPath,
    [LOCI, "server", "--data", dataDir, "--listen", "127.0.0.1:0", ...(opts.args ?? [])],
    {
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let stderr = "";
  proc.stderr!.on("data", (d) => {
    stderr += d;
  });
  const ready = new Promise<string>((res, rej) => {
    let out = "";
    const timer = setTimeout(() => rej(new Error(`server did not start in 30s: ${stderr}`)), 30_000);
    proc.stdout!.on("data", (d) => {
      out += d;
      const m = /loci server ready [^\n]*\n/.exec(out);
      if (m) {
        clearTimeout(timer);
        res(m[0]);
      }
    });
    proc.on("exit", (code) => {
      clearTimeout(timer);
      rej(new Error(`server exited with ${code}: ${stderr}`));
    });
  });
  let line: string;
  try {
    line = await ready;
  } catch (e) {
    proc.kill("SIGKILL");
    if (!opts.dataDir) rmSync(dataDir, { recursive: true, force: true });
    throw e;
  }
  const url = /url=(\S+)/.exec(line)![1];
  const kubeconfig = /kubeconfig=(\S+)/.exec(line)![1];
  const caHash = /ca-hash=(\S+)/.exec(line)![1];
  const kc = parse(readFileSync(kubeconfig, "utf8"));
  const exited = new Promise<void>((r) => proc.on("exit", () => r()));
  return {
    url,
    kubeconfig,
    caHash,
    dataDir,
    token: kc.users[0].user.token,
    ca: Buffer.from(kc.clusters[0].cluster["certificate-authority-data"], "base64").toString(),
    proc,
    async stop(o = {}) {
      if (proc.exitCode === null && proc.signalCode === null) {
        proc.kill(o.kill9 ? "SIGKILL" : "SIGTERM");
        await exited;
      }
      if (!o.keepData) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
