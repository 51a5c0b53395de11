// `loci hollow`: simulated nodes over the public API until SIGINT/SIGTERM.
import { parseArgs } from "node:util";
import { parseQuantity, quantityToNumber } from "../api/quantity.ts";
import { isDNS1123Subdomain } from "../api/validation/names.ts";
import type { ApiClient } from "../client/client.ts";
import { HttpClient } from "../client/http-client.ts";
import { parseLabels, parseTaints } from "../hollow/flags.ts";
import { HollowFleet, type HollowFleetOptions } from "../hollow/hollow-fleet.ts";
import { parseDuration } from "./duration.ts";
import { flagValues } from "./flag-values.ts";

export const HOLLOW_HELP = `Usage: loci hollow --kubeconfig FILE --nodes N [flags]

Runs N simulated nodes (<prefix><i>): each registers a Node, renews its Lease, reports the pods bound to it
as Running/Ready and completes their deletion. Existing Nodes and Leases of the same names are re-adopted.

Flags:
  --kubeconfig FILE         admin kubeconfig of the cluster (default $KUBECONFIG)
  --nodes N                 how many nodes (required)
  --name-prefix PREFIX      node name prefix (default hollow-)
  --start-index I           number of the first node (default 0)
  --labels k=v[,k=v]        extra node labels; k= sets an empty value (repeatable)
  --taints k[=v]:Effect[,…] taints at registration; Effect NoSchedule, PreferNoSchedule or NoExecute (repeatable)
  --cpu QUANTITY            CPU capacity per node (default 4)
  --memory QUANTITY         memory capacity per node (default 16Gi)
  --max-pods N              pod capacity per node (default 110)
  --ready-delay DURATION    time from a container running to it being ready (default 0s)
  --stop-delay DURATION     time from a pod's deletion to its final removal (default 0s)
  --fail-images GLOB        pods with a matching image never start: ErrImagePull, ImagePullBackOff (repeatable)
  --unready-images GLOB     pods with a matching image run but never turn ready (repeatable)
  --debug                   print stack traces of internal errors
`;

/** The fleet settings a command line asks for (everything but the client). */
export interface HollowSettings extends Omit<HollowFleetOptions, "client"> {
  kubeconfig: string;
}

/** Parses and checks the flags; every mistake is a one-line UsageError. */
export function parseHollowArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): HollowSettings | "help" {
  const { values } = parseArgs({
    args: argv,
    options: {
      kubeconfig: { type: "string" },
      nodes: { type: "string" },
      "name-prefix": { type: "string", default: "hollow-" },
      "start-index": { type: "string", default: "0" },
      labels: { type: "string", multiple: true, default: [] },
      taints: { type: "string", multiple: true, default: [] },
      cpu: { type: "string", default: "4" },
      memory: { type: "string", default: "16Gi" },
      "max-pods": { type: "string", default: "110" },
      "ready-delay": { type: "string", default: "0s" },
      "stop-delay": { type: "string", default: "0s" },
      "fail-images": { type: "string", multiple: true, default: [] },
      "unready-images": { type: "string", multiple: true, default: [] },
      debug: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) return "help";
  const { fail, integer, flagValue } = flagValues("hollow");
  const kubeconfig = values.kubeconfig ?? env.KUBECONFIG?.split(":")[0];
  if (!kubeconfig) fail("--kubeconfig is required");
  const nodes = integer("nodes", values.nodes, 1);
  const startIndex = integer("start-index", values["start-index"], 0);
  const maxPods = integer("max-pods", values["max-pods"], 1);
  const prefix = values["name-prefix"]!;
  for (const name of [`${prefix}${startIndex}`, `${prefix}${startIndex + nodes - 1}`]) {
    const errs = isDNS1123Subdomain(name);
    if (errs.length) fail(`--name-prefix: node name ${JSON.stringify(name)} is invalid: ${errs.join("; ")}`);
  }
  const quantity = (flag: string, text: string): string => {
    let q: ReturnType<typeof parseQuantity>;
    try {
      q = parseQuantity(text);
    } catch (e) {
      return fail(`--${flag} ${JSON.stringify(text)}: ${(e as Error).message}`);
    }
    if (quantityToNumber(q) <= 0) fail(`--${flag} must be positive, got ${JSON.stringify(text)}`);
    return text;
  };
  const duration = (flag: string, text: string): number => {
    try {
      return parseDuration(text);
    } catch (e) {
      return fail(`--${flag}: ${(e as Error).message}`);
    }
  };
  return {
    kubeconfig: kubeconfig!,
    nodes,
    namePrefix: prefix,
    startIndex,
    labels: flagValue("labels", () => parseLabels(values.labels!)),
    taints: flagValue("taints", () => parseTaints(values.taints!)),
    cpu: quantity("cpu", values.cpu!),
    memory: quantity("memory", values.memory!),
    maxPods,
    readyDelayMs: duration("ready-delay", values["ready-delay"]!),
    stopDelayMs: duration("stop-delay", values["stop-delay"]!),
    failImages: values["fail-images"]!,
    unreadyImages: values["unready-images"]!,
  };
}

/**
 * HTTP/2 connections for a fleet: the node watches share them, about 1,000 streams per connection (more on one
 * session trips the server's default per-session memory cap: NGHTTP2_ENHANCE_YOUR_CALM).
 */
export function sessionsFor(nodes: number): number {
  return Math.max(1, Math.min(16, Math.ceil(nodes / 1000)));
}

export interface RunningHollow {
  fleet: HollowFleet;
  /** Stops the fleet and closes the client (Nodes and Leases stay). */
  stop(): Promise<void>;
}

/**
 * Starts the fleet and writes the ready line to `out` once every node is registered. `client` replaces the
 * kubeconfig's HTTP client (tests pass an in-process one).
 */
export async function runHollow(
  settings: HollowSettings,
  io: { out: (line: string) => void; log?: (line: string) => void; client?: ApiClient },
): Promise<RunningHollow> {
  const { kubeconfig, ...fleetSettings } = settings;
  const client: ApiClient =
    io.client ??
    HttpClient.fromKubeconfig(kubeconfig, {
      sessions: sessionsFor(settings.nodes),
      userAgent: "loci-hollow",
    });
  const fleet = new HollowFleet({ ...fleetSettings, client, log: io.log });
  try {
    await fleet.start();
  } catch (e) {
    await client.close();
    throw e;
  }
  io.out(`loci hollow ready nodes=${settings.nodes}\n`);
  return {
    fleet,
    stop: async () => {
      await fleet.stop();
      await client.close();
    },
  };
}

export async function hollowCommand(argv: string[]): Promise<void> {
  const settings = parseHollowArgs(argv);
  if (settings === "help") {
    process.stdout.write(HOLLOW_HELP);
    return;
  }
  // The fleet's timers are unref'd; this keeps the process alive until a signal.
  const keepAlive = setInterval(() => {}, 1 << 30);
  let running: RunningHollow;
  try {
    running = await runHollow(settings, { out: (l) => process.stdout.write(l) });
  } catch (e) {
    clearInterval(keepAlive);
    throw e;
  }
  let stopping = false;
  const stop = async () => {
    if (stopping) process.exit(1);
    stopping = true;
    await running.stop();
    clearInterval(keepAlive);
    process.exit(0);
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}
