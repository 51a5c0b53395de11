// Runs a `kubectl exec` command in a container through its runtime. Talks length-prefixed channel frames with the
// API server (stdin in; stdout, stderr and the final Status out).
import type { Readable, Writable } from "node:stream";
import { ContainerStream } from "./container-stream.ts";
import type { ProbeTarget } from "./probe.ts";
import type { ExecProcess } from "./runtime/runtime.ts";

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
  const session = new ContainerStream(query, input, output);
  const command = query.getAll("command");
  let proc: ExecProcess | undefined;
  try {
    proc = await target?.exec(command, { tty: session.tty, stdin: session.stdin });
  } catch (e) {
    return session.failed(e);
  }
  if (!proc) return session.notRunning(container);
  const running = proc;
  session.relay({
    stdin: running.stdin,
    resize: running.resize?.bind(running),
    stdout: running.stdout,
    stderr: running.stderr,
  });
  input.on("end", () => running.stdin.end());
  output.on("close", () => running.kill());
  try {
    session.finish(exitStatus(command, await running.exited));
  } catch (e) {
    session.failed(e);
  }
}
