// `kubectl attach`: a running container's output from now on (stdout and stderr on their own channels, or all on
// stdout with a terminal) and, for a container started with `stdin: true`, what kubectl sends written to its
// stdin. Ends, with a Success status, when that run of the container ends or kubectl leaves.
import type { Readable, Writable } from "node:stream";
import { ContainerStream } from "./container-stream.ts";
import type { AttachStreams } from "./runtime/runtime.ts";

export async function attachToContainer(
  open: (opts: { stdin: boolean }) => Promise<AttachStreams | undefined>,
  container: string,
  query: URLSearchParams,
  input: Readable,
  output: Writable,
): Promise<void> {
  const session = new ContainerStream(query, input, output);
  const streams = await open({ stdin: session.stdin });
  if (!streams) return session.notRunning(container);
  session.relay(streams);
  let closed = false;
  output.on("close", () => {
    closed = true;
    streams.close();
  });
  const ended = (s: Readable) => new Promise<void>((r) => (s.readableEnded ? r() : s.once("end", r).once("close", r)));
  await Promise.all([ended(streams.stdout), ended(streams.stderr)]);
  streams.stdin?.end();
  if (!closed) session.finish({ metadata: {}, status: "Success" });
}
