// `npm run bench [-- --only NAME[,NAME]]`: drives a separately spawned `loci server` over HTTPS (HTTP/2, admin
// token, CA-verified) and prints one JSON line per measurement on stdout; progress goes to stderr.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { type RunningServer, startServer } from "../test/helpers/server.ts";
import { agentBench } from "./agent.ts";
import { concurrently } from "./concurrently.ts";
import { cpuMeter } from "./cpu-usage.ts";
import { daemonSetBench } from "./daemonset.ts";
import { Http2Pool, type LineStream } from "./http2-client.ts";
import { sumSamples } from "./prometheus.ts";
import { median, percentile, round } from "./stats.ts";
import { storeBoundedBench } from "./store-bounded.ts";
import { configMap, NAMESPACE, nodeName, pod, podName } from "./workload.ts";

/** Every measurement, in run order, with the step that produces it. */
const MEASUREMENTS = {
  "store-writes-sequential": "sequential",
  "store-writes-concurrent": "concurrent",
  "fsyncs-per-1000-writes": "concurrent",
  "pod-creates": "pods",
  "list-pods-json": "list",
  "list-pods-table": "list",
  "watch-delivery-p50": "watch",
  "watch-delivery-p99": "watch",
  "server-rss": "rss",
  "daemonset-rollout": "daemonset",
  "daemonset-update": "daemonset",
  "daemonset-delete": "daemonset",
  "daemonset-server-rss": "daemonset",
  "agent-pod-start-p50": "agent",
  "agent-pod-start-max": "agent",
  "agent-cpu-ms-per-s": "agent",
  "agent-rss": "agent",
  "agent-supervisors-pss": "agent",
  "store-size-start": "bounded",
  "store-size-end": "bounded",
  "store-size-max": "bounded",
  "store-size-growth": "bounded",
} as const;
type Measurement = keyof typeof MEASUREMENTS;
type Step = (typeof MEASUREMENTS)[Measurement] | "watches";

/** What each step needs to have run before it (its output is not printed unless asked for). */
const PREREQUISITES: Record<Step, Step[]> = {
  sequential: [],
  concurrent: [],
  pods: [],
  list: ["pods"],
  watches: ["pods"],
  watch: ["pods", "watches"],
  rss: ["pods", "watches"],
  daemonset: [],
  agent: [],
  bounded: [],
};

/** Steps that run only when asked for by name (they take half an hour). */
const OPT_IN: Step[] = ["bounded"];

/** Short names for a family of measurements. */
const ALIASES: Record<string, Measurement[]> = {
  "watch-delivery": ["watch-delivery-p50", "watch-delivery-p99"],
  "list-pods": ["list-pods-json", "list-pods-table"],
  daemonset: ["daemonset-rollout", "daemonset-update", "daemonset-delete", "daemonset-server-rss"],
  agent: ["agent-pod-start-p50", "agent-pod-start-max", "agent-cpu-ms-per-s", "agent-rss", "agent-supervisors-pss"],
  "store-bounded": ["store-size-start", "store-size-end", "store-size-max", "store-size-growth"],
};

const { values: args } = parseArgs({
  options: {
    only: { type: "string", multiple: true },
    pods: { type: "string", default: "10000" },
    watches: { type: "string" },
    "watch-sessions": { type: "string", default: "4" },
    updates: { type: "string", default: "500" },
    "update-rate": { type: "string", default: "200" },
    "sequential-writes": { type: "string", default: "1000" },
    "concurrent-writes": { type: "string", default: "10000" },
    concurrency: { type: "string", default: "64" },
    "list-runs": { type: "string", default: "5" },
    "cpu-prof": { type: "string" },
    "ds-nodes": { type: "string", default: "1000,3000,10000" },
    "agent-pods": { type: "string", default: "20" },
    "agent-idle": { type: "string", default: "30" },
    "bounded-nodes": { type: "string", default: "1000" },
    "bounded-minutes": { type: "string", default: "30" },
    "bounded-warmup": { type: "string", default: "5" },
  },
});

const int = (s: string | undefined, name: string): number => {
  const n = Number(s);
  if (!Number.isInteger(n) || n <= 0) usage(`--${name} must be a positive integer, got ${JSON.stringify(s)}`);
  return n;
};
function usage(msg: string): never {
  process.stderr.write(`bench: ${msg}\n`);
  process.exit(2);
}

const PODS = int(args.pods, "pods");
const WATCHES = Math.min(PODS, int(args.watches ?? args.pods, "watches"));
const WATCH_SESSIONS = int(args["watch-sessions"], "watch-sessions");
const UPDATES = Math.min(WATCHES, int(args.updates, "updates"));
const UPDATE_RATE = int(args["update-rate"], "update-rate");
const SEQUENTIAL_WRITES = int(args["sequential-writes"], "sequential-writes");
const CONCURRENT_WRITES = int(args["concurrent-writes"], "concurrent-writes");
const CONCURRENCY = int(args.concurrency, "concurrency");
const LIST_RUNS = int(args["list-runs"], "list-runs");

const selected = new Set<Measurement>();
for (const name of (args.only ?? []).flatMap((o) => o.split(",")).filter(Boolean)) {
  if (ALIASES[name]) for (const m of ALIASES[name]) selected.add(m);
  else if (name in MEASUREMENTS) selected.add(name as Measurement);
  else usage(`unknown benchmark ${JSON.stringify(name)}; known: ${Object.keys(MEASUREMENTS).join(", ")}`);
}
if (selected.size === 0) {
  for (const m of Object.keys(MEASUREMENTS) as Measurement[]) if (!OPT_IN.includes(MEASUREMENTS[m])) selected.add(m);
}

const steps = new Set<Step>();
for (const m of selected) {
  const step = MEASUREMENTS[m];
  for (const p of PREREQUISITES[step]) steps.add(p);
  steps.add(step);
}

const VERSION: string = JSON.parse(readFileSync(join(import.meta.dirname, "../package.json"), "utf8")).version;
const CPUS = availableParallelism();
const startedAt = performance.now();

function progress(msg: string): void {
  process.stderr.write(`[${((performance.now() - startedAt) / 1000).toFixed(1)}s] ${msg}\n`);
}

const DS_NODES = (args["ds-nodes"] ?? "").split(",").map((n) => int(n, "ds-nodes"));

function emit(
  bench: Measurement,
  value: number,
  unit: "ops/s" | "ms" | "s" | "MB" | "count" | "%",
  params: object,
): void {
  if (!selected.has(bench)) return;
  process.stdout.write(`${JSON.stringify({ bench, value, unit, params, loci: VERSION, cpus: CPUS })}\n`);
}

async function metrics(client: Http2Pool): Promise<string> {
  return (await client.must("GET", "/metrics")).text();
}

interface StoreCounters {
  commits: number;
  writes: number;
  commitSeconds: number;
}

async function storeCounters(client: Http2Pool): Promise<StoreCounters> {
  const text = await metrics(client);
  return {
    commits: sumSamples(text, "loci_store_commit_batch_size_count"),
    writes: sumSamples(text, "loci_store_commit_batch_size_sum"),
    commitSeconds: sumSamples(text, "loci_store_commit_duration_seconds_sum"),
  };
}

interface Ctx {
  client: Http2Pool;
  server: RunningServer;
}

/** Starts a timed phase; `end()` logs where the time went (CPU of each side, store commits) and returns it. */
async function phase(ctx: Ctx, name: string): Promise<{ end(): Promise<{ seconds: number; store: StoreCounters }> }> {
  const before = await storeCounters(ctx.client);
  const cpu = cpuMeter(ctx.server.proc.pid!);
  return {
    async end() {
      const use = cpu();
      const after = await storeCounters(ctx.client);
      const store = {
        commits: after.commits - before.commits,
        writes: after.writes - before.writes,
        commitSeconds: after.commitSeconds - before.commitSeconds,
      };
      progress(
        `${name}: ${round(use.seconds, 2)}s; server CPU ${round(use.server, 2)} cores, client ${round(use.client, 2)}; ` +
          `${store.commits} commits of ${store.writes} writes, ${round((100 * store.commitSeconds) / use.seconds)}% of wall time in commits`,
      );
      return { seconds: use.seconds, store };
    },
  };
}

const configMapsPath = `/api/v1/namespaces/${NAMESPACE}/configmaps`;
const podsPath = `/api/v1/namespaces/${NAMESPACE}/pods`;

async function sequentialWrites(ctx: Ctx): Promise<void> {
  progress(`store-writes-sequential: ${SEQUENTIAL_WRITES} ConfigMap creates, one at a time`);
  const p = await phase(ctx, "store-writes-sequential");
  for (let i = 0; i < SEQUENTIAL_WRITES; i++) {
    await ctx.client.must("POST", configMapsPath, { body: configMap(`seq-${i}`) });
  }
  const { seconds } = await p.end();
  emit("store-writes-sequential", round(SEQUENTIAL_WRITES / seconds), "ops/s", { writes: SEQUENTIAL_WRITES });
}

async function concurrentWrites(ctx: Ctx): Promise<void> {
  progress(`store-writes-concurrent: ${CONCURRENT_WRITES} ConfigMap creates, ${CONCURRENCY} in flight`);
  const p = await phase(ctx, "store-writes-concurrent");
  await concurrently(CONCURRENT_WRITES, CONCURRENCY, (i) =>
    ctx.client.must("POST", configMapsPath, { body: configMap(`conc-${i}`) }),
  );
  const { seconds, store } = await p.end();
  const params = { writes: CONCURRENT_WRITES, concurrency: CONCURRENCY, transport: "http2" };
  emit("store-writes-concurrent", round(CONCURRENT_WRITES / seconds), "ops/s", params);
  // Store writes (the histogram's sum) rather than HTTP writes, so a stray background write cannot skew it.
  emit("fsyncs-per-1000-writes", round((store.commits / store.writes) * 1000), "count", {
    ...params,
    commits: store.commits,
    storeWrites: store.writes,
  });
}

async function podCreates(ctx: Ctx): Promise<void> {
  progress(`pod-creates: ${PODS} pods on ${PODS} nodes, ${CONCURRENCY} in flight`);
  const p = await phase(ctx, "pod-creates");
  await concurrently(PODS, CONCURRENCY, (i) => ctx.client.must("POST", podsPath, { body: pod(i) }));
  const { seconds } = await p.end();
  emit("pod-creates", round(PODS / seconds), "ops/s", { pods: PODS, concurrency: CONCURRENCY, transport: "http2" });
}

const TABLE_ACCEPT = "application/json;as=Table;v=v1;g=meta.k8s.io";

/** Times full-body receipt of GET /api/v1/pods (parsing on the client is not timed); checks the count once. */
async function listPods(client: Http2Pool, accept: string | undefined): Promise<number[]> {
  const headers = accept ? { accept } : undefined;
  const times: number[] = [];
  for (let run = 0; run <= LIST_RUNS; run++) {
    const t0 = performance.now();
    const res = await client.must("GET", "/api/v1/pods", { headers });
    const ms = performance.now() - t0;
    if (run === 0) {
      // The first run warms up and is checked, not timed.
      const body = res.json();
      const n = accept ? body.rows?.length : body.items?.length;
      if (n !== PODS) throw new Error(`GET /api/v1/pods returned ${n} ${accept ? "rows" : "items"}, want ${PODS}`);
    } else times.push(ms);
  }
  return times;
}

async function lists(client: Http2Pool): Promise<void> {
  progress(`list-pods: GET /api/v1/pods with ${PODS} pods, median of ${LIST_RUNS} (JSON, then Table)`);
  const json = await listPods(client, undefined);
  emit("list-pods-json", round(median(json)), "ms", { pods: PODS, runs: LIST_RUNS, min: round(Math.min(...json)) });
  const tbl = await listPods(client, TABLE_ACCEPT);
  emit("list-pods-table", round(median(tbl)), "ms", { pods: PODS, runs: LIST_RUNS, min: round(Math.min(...tbl)) });
}

/** Open watches, one per node, and what they have received. */
interface Watches {
  pool: Http2Pool;
  /** Server RSS just before the watches were opened. */
  rssBeforeMb: number;
  streams: LineStream[];
  /** PATCH send time by pod name, filled in by the watch step. */
  sentAt: Map<string, number>;
  delays: number[];
  /** Events that no update explains, or that reached a watch of another node: must stay 0. */
  unexpected: string[];
}

async function openWatches({ client, server }: Ctx): Promise<Watches> {
  progress(`watches: opening ${WATCHES} field-selected pod watches over ${WATCH_SESSIONS} HTTP/2 sessions`);
  const rv = (await client.must("GET", `${podsPath}?limit=1`)).json().metadata.resourceVersion;
  const w: Watches = {
    pool: new Http2Pool(client.target, WATCH_SESSIONS),
    rssBeforeMb: serverRssMb(server),
    streams: [],
    sentAt: new Map(),
    delays: [],
    unexpected: [],
  };
  const onEvent = (node: string) => (line: string, arrivedAt: number) => {
    const ev = JSON.parse(line);
    const name = ev.object?.metadata?.name;
    const sent = w.sentAt.get(name);
    if (ev.type !== "MODIFIED" || sent === undefined || ev.object.spec?.nodeName !== node) {
      w.unexpected.push(`${node}: ${ev.type} ${name ?? ev.object?.message ?? ""}`);
      return;
    }
    w.delays.push(arrivedAt - sent);
  };
  const t0 = performance.now();
  // Opened in waves so the server is not handed 10,000 streams in a single burst of HEADERS frames.
  const wave = 500;
  for (let first = 0; first < WATCHES; first += wave) {
    const opened: LineStream[] = [];
    for (let i = first; i < Math.min(WATCHES, first + wave); i++) {
      const selector = encodeURIComponent(`spec.nodeName=${nodeName(i)}`);
      const path = `/api/v1/pods?watch=true&fieldSelector=${selector}&resourceVersion=${rv}`;
      opened.push(w.pool.lines(path, onEvent(nodeName(i))));
    }
    const statuses = await Promise.all(opened.map((s) => s.ready));
    const bad = statuses.find((s) => s !== 200);
    if (bad !== undefined) throw new Error(`watch answered HTTP ${bad}`);
    w.streams.push(...opened);
  }
  const registered = sumSamples(await metrics(client), "apiserver_registered_watchers", { resource: "pods" });
  progress(
    `watches: ${w.streams.length} open in ${round((performance.now() - t0) / 1000)}s, server counts ${registered}`,
  );
  if (registered < WATCHES) throw new Error(`server reports ${registered} pod watchers, want ≥ ${WATCHES}`);
  return w;
}

/** Merge-patches a label on pods spread over all watched nodes at a steady rate; times each event's delivery. */
async function watchDelivery(ctx: Ctx, w: Watches): Promise<void> {
  progress(`watch-delivery: ${UPDATES} label patches at ${UPDATE_RATE}/s across ${WATCHES} watched nodes`);
  const p = await phase(ctx, "watch-delivery");
  const interval = 1000 / UPDATE_RATE;
  const pending: Promise<unknown>[] = [];
  const t0 = performance.now();
  for (let k = 0; k < UPDATES; k++) {
    const due = t0 + k * interval;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const i = Math.floor((k * WATCHES) / UPDATES);
    w.sentAt.set(podName(i), performance.now());
    pending.push(
      ctx.client.must("PATCH", `${podsPath}/${podName(i)}`, {
        body: { metadata: { labels: { "bench.loci.dev/round": "1" } } },
        contentType: "application/merge-patch+json",
      }),
    );
  }
  await Promise.all(pending);
  const deadline = performance.now() + 10_000;
  while (w.delays.length < UPDATES && performance.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  // A moment more, so stray duplicate events would be seen.
  await new Promise((r) => setTimeout(r, 200));
  await p.end();
  const params = {
    watches: WATCHES,
    sessions: WATCH_SESSIONS,
    updates: UPDATES,
    rate: UPDATE_RATE,
    received: w.delays.length,
    unexpected: w.unexpected.length,
  };
  if (w.unexpected.length) progress(`watch-delivery: unexpected events, e.g. ${w.unexpected.slice(0, 3).join("; ")}`);
  if (w.delays.length < UPDATES) progress(`watch-delivery: only ${w.delays.length} of ${UPDATES} events arrived`);
  emit("watch-delivery-p50", round(percentile(w.delays, 50), 2), "ms", params);
  emit("watch-delivery-p99", round(percentile(w.delays, 99), 2), "ms", {
    ...params,
    max: round(Math.max(...w.delays)),
  });
}

/** Resident set size of the server child, from /proc/<pid>/status (VmRSS), in MB. */
function serverRssMb(server: RunningServer): number {
  const status = readFileSync(`/proc/${server.proc.pid}/status`, "utf8");
  return round(Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1]) / 1024);
}

async function main(): Promise<void> {
  const apiSteps = [...steps].filter((s) => s !== "daemonset" && s !== "agent" && s !== "bounded");
  if (apiSteps.length > 0) await apiBench(apiSteps);
  if (steps.has("daemonset")) {
    await daemonSetBench({
      startServer: startBenchServer,
      sizes: DS_NODES,
      emit: (bench, value, unit, params) => emit(bench as Measurement, value, unit, params),
      progress,
    });
  }
  if (steps.has("bounded")) {
    await storeBoundedBench({
      startServer: startBenchServer,
      nodes: int(args["bounded-nodes"], "bounded-nodes"),
      minutes: int(args["bounded-minutes"], "bounded-minutes"),
      warmupMinutes: int(args["bounded-warmup"], "bounded-warmup"),
      emit: (bench, value, unit, params) => emit(bench as Measurement, value, unit, params),
      progress,
    });
  }
  if (steps.has("agent")) {
    await agentBench({
      pods: int(args["agent-pods"], "agent-pods"),
      idleSeconds: int(args["agent-idle"], "agent-idle"),
      emit: (bench, value, unit, params) => emit(bench as Measurement, value, unit, params),
      progress,
    });
  }
}

/**
 * Starts the server child, profiled with `--cpu-prof DIR`: only the server is, since it reads these variables when
 * it starts and they are restored right after.
 */
async function startBenchServer(opts: { dataDir: string; args?: string[] }): Promise<RunningServer> {
  const profileDir = args["cpu-prof"];
  const savedNodeOptions = process.env.NODE_OPTIONS;
  if (profileDir) {
    const profiler = join(import.meta.dirname, "cpu-profiler.ts");
    process.env.NODE_OPTIONS = `${savedNodeOptions ?? ""} --import tsx --import ${profiler}`;
    process.env.LOCI_BENCH_CPU_PROF_DIR = resolve(profileDir);
  }
  try {
    return await startServer(opts);
  } finally {
    delete process.env.LOCI_BENCH_CPU_PROF_DIR;
    if (savedNodeOptions === undefined) delete process.env.NODE_OPTIONS;
    else process.env.NODE_OPTIONS = savedNodeOptions;
  }
}

/** The API server benchmarks, on a server without controllers (nothing but the bench writes). */
async function apiBench(apiSteps: Step[]): Promise<void> {
  progress(`starting loci server (steps: ${apiSteps.join(", ")})`);
  // Our own temp dir, so it is removed even when the server fails to start.
  const dataDir = mkdtempSync(join(tmpdir(), "loci-bench-"));
  let server: RunningServer;
  try {
    server = await startBenchServer({ dataDir, args: ["--controllers="] });
  } catch (e) {
    rmSync(dataDir, { recursive: true, force: true });
    throw e;
  }
  const stopOnSignal = () => void server.stop().finally(() => process.exit(130));
  process.once("SIGINT", stopOnSignal);
  process.once("SIGTERM", stopOnSignal);
  const client = new Http2Pool(server);
  const ctx: Ctx = { client, server };
  let watches: Watches | undefined;
  try {
    if (steps.has("sequential")) await sequentialWrites(ctx);
    if (steps.has("concurrent")) await concurrentWrites(ctx);
    if (steps.has("pods")) await podCreates(ctx);
    if (steps.has("list")) await lists(client);
    if (steps.has("watches")) watches = await openWatches(ctx);
    if (steps.has("watch")) await watchDelivery(ctx, watches!);
    if (steps.has("rss")) {
      emit("server-rss", serverRssMb(server), "MB", {
        pods: PODS,
        watches: WATCHES,
        beforeWatches: watches!.rssBeforeMb,
      });
    }
  } finally {
    progress("stopping server and removing its data directory");
    await watches?.pool.close();
    await client.close();
    await server.stop();
    if (args["cpu-prof"]) progress(`server CPU profile written to ${args["cpu-prof"]}`);
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`bench: ${(e as Error).stack ?? e}\n`);
  process.exit(1);
});
