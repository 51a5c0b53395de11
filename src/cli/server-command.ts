// `loci server`: runs the API server until SIGINT/SIGTERM.
import { parseArgs } from "node:util";
import { ApiServer } from "../apiserver/server.ts";
import { parseDuration } from "./duration.ts";
import { UsageError } from "./usage-error.ts";

export const SERVER_HELP = `Usage: loci server --data DIR [flags]

Runs the loci control plane: an HTTPS Kubernetes API server on an embedded SQLite store.

Flags:
  --data DIR                         data directory (state.db, pki/, admin.kubeconfig) (required)
  --listen HOST:PORT                 address to serve on; port 0 picks a free port (default 127.0.0.1:6443)
  --advertise-url URL                URL written into admin.kubeconfig instead of the listen address
  --tls-san NAME                     extra name or IP for the serving certificate (repeatable)
  --max-request-bytes N              largest accepted request body (default 3145728)
  --event-ttl DURATION               how long events are kept (default 1h)
  --compaction-interval DURATION     how often store history is compacted (default 5m)
  --watch-bookmark-interval DURATION how often watches with bookmarks get one (default 1m)
  --request-timeout DURATION         non-watch requests longer than this get 504 (default 1m)
  --debug                            print stack traces of internal errors
`;

export async function serverCommand(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      data: { type: "string" },
      listen: { type: "string", default: "127.0.0.1:6443" },
      "advertise-url": { type: "string" },
      "tls-san": { type: "string", multiple: true, default: [] },
      "max-request-bytes": { type: "string", default: "3145728" },
      "event-ttl": { type: "string", default: "1h" },
      "compaction-interval": { type: "string", default: "5m" },
      "watch-bookmark-interval": { type: "string", default: "1m" },
      "request-timeout": { type: "string", default: "1m" },
      debug: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(SERVER_HELP);
    return;
  }
  if (!values.data) throw new UsageError("loci server: --data is required");
  const maxRequestBytes = Number(values["max-request-bytes"]);
  if (!Number.isInteger(maxRequestBytes) || maxRequestBytes <= 0) {
    throw new UsageError(`loci server: --max-request-bytes must be a positive integer`);
  }
  const duration = (flag: string, v: string) => {
    try {
      return parseDuration(v);
    } catch (e) {
      throw new UsageError(`loci server: --${flag}: ${(e as Error).message}`);
    }
  };
  const server = await ApiServer.start({
    dataDir: values.data,
    listen: values.listen!,
    tlsSans: values["tls-san"],
    advertiseUrl: values["advertise-url"],
    maxRequestBytes,
    eventTtlSeconds: duration("event-ttl", values["event-ttl"]!) / 1000,
    compactionIntervalMs: duration("compaction-interval", values["compaction-interval"]!),
    bookmarkIntervalMs: duration("watch-bookmark-interval", values["watch-bookmark-interval"]!),
    requestTimeoutMs: duration("request-timeout", values["request-timeout"]!),
  });
  process.stdout.write(
    `loci server ready url=${server.url} kubeconfig=${server.kubeconfigPath} ca-hash=${server.caHash}\n`,
  );
  let stopping = false;
  const stop = async () => {
    if (stopping) process.exit(1);
    stopping = true;
    await server.close();
    process.exit(0);
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}
