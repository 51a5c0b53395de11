// The per-container supervisor of the process runtime. The agent starts one, detached in its own session, for
// every container it runs; it outlives the agent (an agent restart finds the container again through the files
// here) and is the only process that waits on the container:
//   - starts the container's command in a new process group (its pid is the group id), with the environment
//     the agent resolved, including the LOCI_POD_UID and LOCI_CONTAINER_NAME markers;
//   - writes the container's output as CRI log lines (`<RFC3339Nano> stdout|stderr F|P <line>`), rotating by size;
//   - records `state.json` (atomically): pid and start time once running, exit code and finish time at the end;
//   - when the main process exits, kills every process still carrying the container's markers (a container's
//     processes end with its main process, as in a PID namespace), then exits itself.
// Plain JavaScript with no dependencies, so each container costs one small Node process and no TypeScript loader.
import { execFileSync, spawn } from "node:child_process";
import {
  accessSync,
  closeSync,
  constants,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  unlinkSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { Socket } from "node:net";
import { basename, dirname, join } from "node:path";

const dir = process.argv[2];
const spec = JSON.parse(readFileSync(join(dir, "spec.json"), "utf8"));
const statePath = join(dir, "state.json");

/** Kubernetes' container log line: RFC 3339 with nanoseconds (milliseconds here, zero-padded). */
function timestamp() {
  return new Date().toISOString().replace("Z", "000000Z");
}

function writeState(state) {
  const tmp = `${statePath}.tmp`;
  writeFileSync(tmp, JSON.stringify(state));
  renameSync(tmp, statePath);
}

// --- logs -------------------------------------------------------------------------------------------------
const MAX_LINE = 16 * 1024;
let logFd = openSync(spec.logPath, "a");
let logSize = statSync(spec.logPath).size;

function rotate() {
  closeSync(logFd);
  const stamp = new Date().toISOString().replace(/[-:]/g, "").replace("T", "-").replace(/\..*/, "");
  renameSync(spec.logPath, `${spec.logPath}.${stamp}`);
  const base = basename(spec.logPath);
  const rotated = readdirSync(dirname(spec.logPath))
    .filter((f) => f.startsWith(`${base}.`))
    .sort();
  // kubelet keeps container-log-max-files files in all: the live one and the newest rotated ones.
  for (const f of rotated.slice(0, Math.max(0, rotated.length - (spec.logMaxFiles - 1)))) {
    try {
      unlinkSync(join(dirname(spec.logPath), f));
    } catch {}
  }
  logFd = openSync(spec.logPath, "a");
  logSize = 0;
}

function logLine(stream, tag, text) {
  const line = `${timestamp()} ${stream} ${tag} ${text}\n`;
  const buf = Buffer.from(line);
  writeSync(logFd, buf);
  logSize += buf.length;
  if (logSize >= spec.logMaxBytes) rotate();
}

function pipeLines(readable, stream) {
  let pending = "";
  readable.setEncoding("utf8");
  readable.on("data", (chunk) => {
    pending += chunk;
    let nl = pending.indexOf("\n");
    while (nl >= 0) {
      logLine(stream, "F", pending.slice(0, nl));
      pending = pending.slice(nl + 1);
      nl = pending.indexOf("\n");
    }
    while (pending.length >= MAX_LINE) {
      logLine(stream, "P", pending.slice(0, MAX_LINE));
      pending = pending.slice(MAX_LINE);
    }
  });
  return new Promise((resolve) => {
    readable.on("close", () => {
      if (pending) logLine(stream, "F", pending);
      resolve();
    });
  });
}

// --- leftover processes -----------------------------------------------------------------------------------
/** Pids of processes (other than this one) whose environment carries this container's markers. */
function markedPids() {
  const want = [`LOCI_POD_UID=${spec.podUid}`, `LOCI_CONTAINER_NAME=${spec.containerName}`];
  const pids = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    let env;
    try {
      env = readFileSync(`/proc/${entry}/environ`, "latin1").split("\0");
    } catch {
      continue;
    }
    if (want.every((w) => env.includes(w))) pids.push(Number(entry));
  }
  return pids;
}

function killMarked() {
  // Forks may race the scan: repeat until a scan finds nothing (bounded).
  for (let round = 0; round < 20; round++) {
    const pids = markedPids();
    if (pids.length === 0) return;
    for (const pid of pids) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {}
    }
  }
}

// --- run ----------------------------------------------------------------------------------------------------
// The agent and a terminal's Ctrl-C reach the container directly; the supervisor itself only ends with it.
for (const sig of ["SIGINT", "SIGHUP", "SIGTERM", "SIGPIPE"]) process.on(sig, () => {});

const startedAt = Date.now();
const SIGNALS = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGKILL: 9, SIGTERM: 15 };

/** The command could not be started (missing binary, bad working directory): as a runtime's StartError. */
function startFailed(err) {
  logLine("stderr", "F", `loci: cannot start ${JSON.stringify(spec.command[0])}: ${err.message}`);
  writeState({
    supervisorPid: process.pid,
    startedAt,
    finishedAt: Date.now(),
    exitCode: 128,
    reason: "StartError",
    message: `failed to start container process: exec: ${JSON.stringify(spec.command[0])}: ${err.code === "ENOENT" ? "executable file not found in $PATH" : err.message}`,
  });
  process.exit(0);
}

/** The main process ended: leftovers die with it, the last output is written, then the exit is recorded. */
async function finished(pid, exitCode, signal, outputs) {
  killMarked();
  // Output still buffered in the pipes arrives now that every writer is gone; don't wait forever.
  await Promise.race([outputs, new Promise((r) => setTimeout(r, 2000))]);
  writeState({ supervisorPid: process.pid, pid, startedAt, finishedAt: Date.now(), exitCode, signal });
  closeSync(logFd);
  process.exit(0);
}

// A container with `stdin: true` reads what `kubectl attach -i` writes into the `stdin` FIFO of its run folder.
// The FIFO is opened read-write and non-blocking and read through the event loop: opening never waits for a
// writer, attach sessions come and go without an end-of-file, and nothing blocks a worker thread (which would keep
// this process from exiting). `stdinOnce` (close stdin after the first session) is not supported.
function readStdin(write, onExit) {
  const fifo = join(dir, "stdin");
  try {
    rmSync(fifo, { force: true });
    execFileSync("mkfifo", ["-m", "600", fifo]);
    const input = new Socket({
      fd: openSync(fifo, constants.O_RDWR | constants.O_NONBLOCK),
      readable: true,
      writable: false,
    });
    input.on("data", write);
    input.on("error", () => {});
    onExit(() => input.destroy());
  } catch (e) {
    logLine("stderr", "F", `loci: no stdin for kubectl attach: ${e.message.split("\n")[0]}`);
  }
}

/** The command names an executable file (a path, or a name found in the container's PATH). */
function executable(command) {
  const candidates = command.includes("/")
    ? [command]
    : (spec.env.PATH ?? "").split(":").map((d) => join(d || ".", command));
  return candidates.some((c) => {
    try {
      accessSync(c, constants.X_OK);
      return statSync(c).isFile();
    } catch {
      return false;
    }
  });
}

/**
 * A container with `tty: true` runs on a pseudo-terminal (node-pty): one output stream, and a line still being
 * written (a shell's prompt) reaches the log as a partial line once output pauses, so `kubectl attach -it` shows it.
 */
async function runOnTerminal() {
  let pty;
  try {
    pty = (await import("node-pty")).default;
  } catch (e) {
    logLine("stderr", "F", `loci: no pseudo-terminal for tty: true (node-pty: ${e.message.split("\n")[0]})`);
    return false;
  }
  // node-pty reports a command that cannot be run only as an exit code: look for it first.
  if (!executable(spec.command[0])) {
    startFailed(Object.assign(new Error(`${spec.command[0]}: not found`), { code: "ENOENT" }));
  }
  let term;
  try {
    term = pty.spawn(spec.command[0], spec.command.slice(1), {
      name: "xterm",
      cols: 80,
      rows: 24,
      cwd: spec.workingDir || process.cwd(),
      env: { TERM: "xterm", ...spec.env },
    });
  } catch (err) {
    startFailed(err);
  }
  let pending = "";
  let idle;
  const flush = () => {
    if (pending) logLine("stdout", "P", pending);
    pending = "";
  };
  term.onData((chunk) => {
    clearTimeout(idle);
    pending += chunk;
    let nl = pending.indexOf("\n");
    while (nl >= 0) {
      logLine("stdout", "F", pending.slice(0, nl));
      pending = pending.slice(nl + 1);
      nl = pending.indexOf("\n");
    }
    if (pending) idle = setTimeout(flush, 50);
  });
  if (spec.stdin)
    readStdin(
      (d) => term.write(d.toString("utf8")),
      (f) => term.onExit(f),
    );
  // Recorded once stdin is ready: the agent may attach as soon as it reads this.
  writeState({ supervisorPid: process.pid, pid: term.pid, startedAt });
  term.onExit(({ exitCode, signal }) => {
    clearTimeout(idle);
    // The terminal's last output is read before the exit is reported.
    setTimeout(() => {
      flush();
      void finished(term.pid, signal ? 128 + signal : exitCode, undefined, Promise.resolve());
    }, 50);
  });
  return true;
}

function runOnPipes() {
  const child = spawn(spec.command[0], spec.command.slice(1), {
    cwd: spec.workingDir || undefined,
    env: spec.env,
    detached: true,
    stdio: [spec.stdin ? "pipe" : "ignore", "pipe", "pipe"],
  });
  if (spec.stdin && child.stdin) {
    child.stdin.on("error", () => {});
    readStdin(
      (d) => child.stdin.write(d),
      (f) => child.on("exit", f),
    );
  }
  child.on("error", startFailed);
  if (child.pid !== undefined) {
    writeState({ supervisorPid: process.pid, pid: child.pid, startedAt });
    const outputs = Promise.all([pipeLines(child.stdout, "stdout"), pipeLines(child.stderr, "stderr")]);
    child.on("exit", (code, signal) => {
      void finished(child.pid, code ?? 128 + (SIGNALS[signal] ?? 9), signal ?? undefined, outputs);
    });
  }
}

if (!(spec.tty && (await runOnTerminal()))) runOnPipes();
