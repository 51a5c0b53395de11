// Runs a `kubectl exec` command in a container through its runtime. Talks length-prefixed channel frames with the
// API server (stdin in; stdout, stderr and the final Status out).
import type { Readable, Writable } from "node:stream";
import { CLOSE, encodeFrame, FrameDecoder, RESIZE, STATUS, STDERR, STDIN, STDOUT } from "../client/stream-frames.ts";
import type { ProbeTarget } from "./probe.ts";
import type { ExecProcess } from "./runtime/runtime.ts";

/** Terminal sizes kubectl sends on the resize channel: JSON objects `{"Width":…,"Height":…}`, one per line. */
export function terminalSizes(payload: Buffer): { cols: number; rows: number }[] {
  const out: { cols: number; rows: number }[] = [];
  for (const line of payload.toString("utf8").split("\n")) {
    if (!line.trim()) continue;
    try {
      const { Width, Height } = JSON.parse(line);
      if (Number.isInteger(Width) && Number.isInteger(Height) && Width > 0 && Height > 0) {
        out.push({ cols: Width, rows: Height });
      }
    } catch {}
  }
  return out;
}

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

export async function execInContainer(
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
  const notRunning = {
    metadata: {},
    status: "Failure",
    message: `container ${container} is not running`,
    reason: "BadRequest",
  };
  if (!target) return finish(notRunning);
  const flag = (name: string) => query.get(name) === "true" || query.get(name) === "1";
  const tty = flag("tty");
  let proc: ExecProcess | undefined;
  try {
    proc = await target.exec(command, { tty, stdin: flag("stdin") });
  } catch (e) {
    return finish({
      metadata: {},
      status: "Failure",
      message: `exec: ${(e as Error).message}`,
      reason: "InternalError",
    });
  }
  if (!proc) return finish(notRunning);
  const running = proc;
  const decoder = new FrameDecoder((channel, payload) => {
    if (channel === STDIN) running.stdin.write(payload);
    else if (channel === CLOSE && payload[0] === STDIN) running.stdin.end();
    else if (channel === RESIZE) for (const size of terminalSizes(payload)) running.resize?.(size.cols, size.rows);
  });
  input.on("data", (c: Buffer) => decoder.push(c));
  input.on("end", () => running.stdin.end());
  running.stdout.on("data", (d: Buffer) => send(STDOUT, d));
  running.stderr.on("data", (d: Buffer) => send(tty ? STDOUT : STDERR, d));
  output.on("close", () => running.kill());
  try {
    finish(exitStatus(command, await running.exited));
  } catch (e) {
    finish({ metadata: {}, status: "Failure", message: `exec: ${(e as Error).message}`, reason: "InternalError" });
  }
}
