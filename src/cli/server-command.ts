// `loci server`: runs the API server until SIGINT/SIGTERM.
import { parseArgs } from "node:util";
import { CONTROLLER_NAMES, selectControllers } from "../controllers/index.ts";
import { ControlPlane } from "../controlplane/control-plane.ts";
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
  --controllers LIST                 control loops to run: * (all), NAME, -NAME (default *); known: ${CONTROLLER_NAMES().join(", ")}
  --node-monitor-grace-period DURATION   silence after which a node is marked Unknown (default 50s)
  --node-monitor-period DURATION         how often node health is checked (default 5s)
  --node-startup-grace-period DURATION   grace for a node that never posted Ready (default 1m)
  --pod-gc-quarantine DURATION           wait before removing pods of a deleted node (default 40s)
  --terminated-pod-gc-threshold N        terminated pods kept before the oldest are deleted (default 12500)
  --node-eviction-rate RATE              nodes per second tainted NoExecute in a healthy zone (default 0.1)
  --secondary-node-eviction-rate RATE    the same in a partially disrupted zone (default 0.01)
  --unhealthy-zone-threshold FRACTION    share of unready nodes that makes a zone unhealthy (default 0.55)
  --large-cluster-size-threshold N       zones at most this big stop evicting when unhealthy (default 50)
  --default-not-ready-toleration-seconds N     tolerationSeconds added to pods for not-ready (default 300)
  --default-unreachable-toleration-seconds N   tolerationSeconds added to pods for unreachable (default 300)
  --concurrent-daemonset-syncs N         DaemonSet controller workers (default 2)
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
      controllers: { type: "string", multiple: true, default: ["*"] },
      "node-monitor-grace-period": { type: "string", default: "50s" },
      "node-monitor-period": { type: "string", default: "5s" },
      "node-startup-grace-period": { type: "string", default: "1m" },
      "pod-gc-quarantine": { type: "string", default: "40s" },
      "terminated-pod-gc-threshold": { type: "string", default: "12500" },
      "node-eviction-rate": { type: "string", default: "0.1" },
      "secondary-node-eviction-rate": { type: "string", default: "0.01" },
      "unhealthy-zone-threshold": { type: "string", default: "0.55" },
      "large-cluster-size-threshold": { type: "string", default: "50" },
      "default-not-ready-toleration-seconds": { type: "string", default: "300" },
      "default-unreachable-toleration-seconds": { type: "string", default: "300" },
      "concurrent-daemonset-syncs": { type: "string", default: "2" },
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
  const number = (flag: string, opts: { integer?: boolean; min?: number } = {}) => {
    const v = Number(values[flag as keyof typeof values]);
    if (!Number.isFinite(v) || (opts.integer && !Number.isInteger(v)) || v < (opts.min ?? 0)) {
      throw new UsageError(
        `loci server: --${flag} must be a ${opts.integer ? "whole" : ""} number >= ${opts.min ?? 0}`.replace("  ", " "),
      );
    }
    return v;
  };
  let controllers: ReturnType<typeof selectControllers>;
  try {
    controllers = selectControllers(values.controllers!);
  } catch (e) {
    throw new UsageError(`loci server: --controllers: ${(e as Error).message}`);
  }
  const plane = await ControlPlane.start({
    dataDir: values.data,
    listen: values.listen!,
    tlsSans: values["tls-san"],
    advertiseUrl: values["advertise-url"],
    maxRequestBytes,
    eventTtlSeconds: duration("event-ttl", values["event-ttl"]!) / 1000,
    compactionIntervalMs: duration("compaction-interval", values["compaction-interval"]!),
    bookmarkIntervalMs: duration("watch-bookmark-interval", values["watch-bookmark-interval"]!),
    requestTimeoutMs: duration("request-timeout", values["request-timeout"]!),
    defaultNotReadyTolerationSeconds: number("default-not-ready-toleration-seconds", { integer: true }),
    defaultUnreachableTolerationSeconds: number("default-unreachable-toleration-seconds", { integer: true }),
    controllers,
    controllerOptions: {
      nodeMonitorGracePeriodMs: duration("node-monitor-grace-period", values["node-monitor-grace-period"]!),
      nodeMonitorPeriodMs: duration("node-monitor-period", values["node-monitor-period"]!),
      nodeStartupGracePeriodMs: duration("node-startup-grace-period", values["node-startup-grace-period"]!),
      podGcQuarantineMs: duration("pod-gc-quarantine", values["pod-gc-quarantine"]!),
      terminatedPodGcThreshold: number("terminated-pod-gc-threshold", { integer: true }),
      nodeEvictionRate: number("node-eviction-rate"),
      secondaryNodeEvictionRate: number("secondary-node-eviction-rate"),
      unhealthyZoneThreshold: number("unhealthy-zone-threshold"),
      largeClusterSizeThreshold: number("large-cluster-size-threshold", { integer: true }),
      concurrentDaemonSetSyncs: number("concurrent-daemonset-syncs", { integer: true, min: 1 }),
    },
    onControllerError: (name, err) => {
      process.stderr.write(`loci: controller ${name}: ${(err as Error).message}\n`);
      if (values.debug) console.error(err);
    },
  });
  const server = plane.server;
  process.stdout.write(
    `loci server ready url=${server.url} kubeconfig=${server.kubeconfigPath} ca-hash=${server.caHash}\n`,
  );
  let stopping = false;
  const stop = async () => {
    if (stopping) process.exit(1);
    stopping = true;
    await plane.close();
    process.exit(0);
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}
