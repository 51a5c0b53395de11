// Runs a `kubectl exec` command in a container: with the container's environment and markers (so it dies with
// the container) and, when the container has volumes mounted, in its mount namespace. Talks length-prefixed
// channel frames with the API server (stdin in; stdout, stderr and the final Status out). A terminal comes from
// util-linux `script`, which gives the command a pseudo-terminal; window resizes are not passed on.
import { spawn } from "node:child_process";
import type { Readable, Writable } from "node:stream";
import { CLOSE, encodeFrame, FrameDecoder, STATUS, STDERR, STDIN, STDOUT } from "../client/stream-frames.ts";
import type { ProbeTarget } from "./probe.ts";

const quote = (s: string) => `'${s.replace(/'/g, "'\\''")}'`;

/** The Status kubectl turns into its exit code. */
export function exitStatus(command: string[], code: number): object {
  if (code === 0) return { metadata: {}, status: "Success" };
  return {
    metadata: {},
    status: "Failure",
    message: `command terminated with non-zero exit code: error executing command [${command.join(" ")}], exit code ${code}`,
    reason: "NonZeroExitCode",
    details: { causes: [{ reason: "ExitCode", message: String(code) }] },
  };
}

export function execInContainer(
  target: ProbeTarget | undefined,
  container: string,
  query: URLSearchParams,
  input: Readable,
  output: Writable,
): Promise<void> {
  const send = (channel: number, data: Buffer | string) => {
    if (!output.writableEnded) output.write(encodeFrame(channel, data));
  };
  const finish = (status: object) => {
    send(STATUS, JSON.stringify(status));
    output.end();
  };
  const command = query.getAll("command");
  if (!target) {
    finish({ metadata: {}, status: "Failure", message: `container ${container} is not running`, reason: "BadRequest" });
    return Promise.resolve();
  }
  const tty = query.get("tty") === "true" || query.get("tty") === "1";
  const words = [...(target.prefix ?? []), ...command];
  const argv = tty ? ["script", "-qfec", words.map(quote).join(" "), "/dev/null"] : words;
  return new Promise((resolve) => {
    const child = spawn(argv[0], argv.slice(1), {
      env: { TERM: "xterm", ...target.env },
      cwd: target.workingDir || undefined,
      stdio: ["pipe", "pipe", "pipe"],
    });
    const decoder = new FrameDecoder((channel, payload) => {
      if (channel === STDIN) child.stdin.write(payload);
      else if (channel === CLOSE && payload[0] === STDIN) child.stdin.end();
    });
    input.on("data", (c: Buffer) => decoder.push(c));
    input.on("end", () => child.stdin.end());
    child.stdin.on("error", () => {});
    child.stdout.on("data", (d: Buffer) => send(STDOUT, d));
    child.stderr.on("data", (d: Buffer) => send(tty ? STDOUT : STDERR, d));
    child.on("error", (e) => {
      finish({ metadata: {}, status: "Failure", message: `exec: ${e.message}`, reason: "InternalError" });
      resolve();
    });
    child.on("close", (code, signal) => {
      finish(exitStatus(command, code ?? (signal ? 128 + 9 : 1)));
      resolve();
    });
    output.on("close", () => child.kill("SIGKILL"));
  });
}
