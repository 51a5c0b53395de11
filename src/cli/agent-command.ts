// `loci agent`: runs this machine as a node of a loci cluster until SIGINT/SIGTERM, which stop its containers
// gracefully (grace capped at 30 s). A kill -9 leaves the containers running for the next agent to adopt.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { homedir, hostname } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { Agent } from "../agent/agent.ts";
import { defaultNodeIP } from "../agent/host-info.ts";
import { loadImageMap } from "../agent/image-map.ts";
import { JoinError, joinCluster } from "../agent/join.ts";
import { DockerRuntime, dockerAnswers } from "../agent/runtime/docker/docker-runtime.ts";
import { detectCgroups } from "../agent/runtime/process/cgroups.ts";
import { ProcessRuntime } from "../agent/runtime/process/process-runtime.ts";
import type { ContainerRuntime } from "../agent/runtime/runtime.ts";
import { parseQuantity, quantityToNumber } from "../api/quantity.ts";
import { isDNS1123Subdomain } from "../api/validation/names.ts";
import { TUNNEL_CONTENT_TYPE } from "../apiserver/node-tunnels.ts";
import { HttpClient } from "../client/http-client.ts";
import { loadKubeconfig } from "../client/kubeconfig.ts";
import { parseLabels, parseTaints } from "../hollow/flags.ts";
import { parseDuration } from "./duration.ts";
import { flagValues } from "./flag-values.ts";

export const AGENT_HELP = `Usage: loci agent --server URL --token TOKEN --ca-hash sha256:HEX [flags]
       loci agent [flags]                      (again, with the credential stored at the first join)

Runs this machine as a node: registers the Node, keeps its Lease and status fresh, and runs the pods bound to it
as Docker containers or as supervised host processes. SIGINT/SIGTERM stop the pods' containers (grace capped at
30 s) and exit; after kill -9 the containers keep running and the next agent adopts them.

Flags:
  --server URL                        the API server to join (with --token and --ca-hash)
  --token TOKEN                       bootstrap token from 'loci token create'; used once, to get a node credential
  --ca-hash sha256:HEX                the cluster CA's public-key hash, checked before the token is sent
  --kubeconfig FILE                   an existing credential instead of joining (copied to DATA/node.kubeconfig)
  --name NAME                         node name (default: lower-cased host name)
  --data DIR                          agent state (default /var/lib/loci/agent as root, else ~/.loci/agent)
  --labels k=v[,k=v]                  extra node labels (repeatable)
  --taints k[=v]:Effect[,…]           taints at registration (repeatable)
  --runtime auto|process|docker       container runtime (default auto: docker when it answers, else process)
  --docker-socket PATH                Docker's socket (default: $DOCKER_HOST, then /var/run/docker.sock)
  --pod-cidr CIDR                     subnet of loci's Docker bridge network for pod IPs (default 10.88.0.0/16)
  --pod-infra-container-image IMAGE   pod sandbox image (default: loci's own pause image, built locally)
  --image-map FILE                    image → host command map (default DATA/images.yaml)
  --node-ip IP                        InternalIP of the node, hostIP and podIP of its pods (default: first address)
  --node-status-update-frequency D    how often node status is computed (default 10s)
  --node-lease-duration-seconds N     Lease duration; renewed every quarter of it (default 40)
  --container-log-max-size Q          rotate a container log at this size (default 10Mi)
  --container-log-max-files N         log files kept per container (default 5)
  --debug                             print stack traces of internal errors
`;

export interface AgentSettings {
  name: string;
  dataDir: string;
  /** Where the credential is (DATA/node.kubeconfig once joined). */
  kubeconfig: string;
  /** --server, when given. */
  server?: string;
  /** Set when the agent still has to join with a bootstrap token. */
  join?: { server: string; token: string; caHash: string };
  labels: Record<string, string>;
  taints: ReturnType<typeof parseTaints>;
  imageMapPath: string;
  runtime: "auto" | "process" | "docker";
  dockerSocket: string;
  podCIDR: string;
  podInfraImage?: string;
  nodeIP: string;
  statusUpdateFrequencyMs: number;
  leaseDurationSeconds: number;
  logMaxBytes: number;
  logMaxFiles: number;
}

function defaultDataDir(): string {
  return process.getuid?.() === 0 ? "/var/lib/loci/agent" : join(homedir(), ".loci", "agent");
}

/** Parses and checks the flags and the data directory's identity; every mistake is one line. */
export function parseAgentArgs(argv: string[]): AgentSettings | "help" {
  const { values } = parseArgs({
    args: argv,
    options: {
      server: { type: "string" },
      token: { type: "string" },
      "ca-hash": { type: "string" },
      kubeconfig: { type: "string" },
      name: { type: "string" },
      data: { type: "string" },
      labels: { type: "string", multiple: true, default: [] },
      taints: { type: "string", multiple: true, default: [] },
      runtime: { type: "string", default: "auto" },
      "docker-socket": { type: "string" },
      "pod-cidr": { type: "string", default: "10.88.0.0/16" },
      "pod-infra-container-image": { type: "string" },
      "image-map": { type: "string" },
      "node-ip": { type: "string" },
      "node-status-update-frequency": { type: "string", default: "10s" },
      "node-lease-duration-seconds": { type: "string", default: "40" },
      "container-log-max-size": { type: "string", default: "10Mi" },
      "container-log-max-files": { type: "string", default: "5" },
      debug: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) return "help";
  const { fail, integer, flagValue: parse } = flagValues("agent");
  const name = values.name ?? hostname().toLowerCase();
  const nameErrs = isDNS1123Subdomain(name);
  if (nameErrs.length) fail(`--name ${JSON.stringify(name)} is not a valid node name: ${nameErrs.join("; ")}`);
  const runtime = values.runtime;
  if (runtime !== "auto" && runtime !== "process" && runtime !== "docker") {
    fail(`--runtime must be auto, process or docker, got ${JSON.stringify(runtime)}`);
  }
  if (!isIPv4CIDR(values["pod-cidr"]!))
    fail(`--pod-cidr must be an IPv4 CIDR like 10.88.0.0/16, got ${JSON.stringify(values["pod-cidr"])}`);
  const dataDir = resolve(values.data ?? defaultDataDir());
  const nodeKubeconfig = join(dataDir, "node.kubeconfig");
  let kubeconfig = nodeKubeconfig;
  let existing: string | undefined;
  try {
    existing = readFileSync(nodeKubeconfig, "utf8");
  } catch {}
  let joinWith: AgentSettings["join"];
  if (existing === undefined) {
    if (values.token !== undefined) {
      if (!values.server) fail("--server is required with --token");
      if (!values["ca-hash"]) fail("--ca-hash is required with --token (loci server prints it)");
      if (!/^[a-z0-9]{6}\.[a-z0-9]{16}$/.test(values.token)) fail("--token must look like abcdef.0123456789abcdef");
      if (!/^sha256:[0-9a-fA-F]{64}$/.test(values["ca-hash"]!)) fail("--ca-hash must look like sha256:<64 hex digits>");
      joinWith = { server: values.server!, token: values.token, caHash: values["ca-hash"]! };
    } else {
      if (!values.kubeconfig) {
        fail(
          `--token, --server and --ca-hash (or --kubeconfig) are needed: there is no credential in ${nodeKubeconfig} yet`,
        );
      }
      kubeconfig = resolve(values.kubeconfig!);
    }
  }
  return {
    name,
    dataDir,
    kubeconfig,
    server: values.server,
    join: joinWith,
    labels: parse("labels", () => parseLabels(values.labels!)),
    taints: parse("taints", () => parseTaints(values.taints!)),
    imageMapPath: resolve(values["image-map"] ?? join(dataDir, "images.yaml")),
    runtime: runtime as AgentSettings["runtime"],
    dockerSocket: values["docker-socket"] ?? dockerSocketFromEnv(),
    podCIDR: values["pod-cidr"]!,
    podInfraImage: values["pod-infra-container-image"],
    nodeIP: values["node-ip"] ?? defaultNodeIP(),
    statusUpdateFrequencyMs: parse("node-status-update-frequency", () =>
      parseDuration(values["node-status-update-frequency"]!),
    ),
    leaseDurationSeconds: integer("node-lease-duration-seconds", values["node-lease-duration-seconds"]!, 1),
    logMaxBytes: parse("container-log-max-size", () =>
      quantityToNumber(parseQuantity(values["container-log-max-size"]!)),
    ),
    logMaxFiles: integer("container-log-max-files", values["container-log-max-files"]!, 2),
  };
}

function isIPv4CIDR(text: string): boolean {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(text);
  return !!m && m.slice(1, 5).every((o) => Number(o) <= 255) && Number(m[5]) <= 30;
}

/** `$DOCKER_HOST` when it names a unix socket, else Docker's default socket. */
function dockerSocketFromEnv(): string {
  const host = process.env.DOCKER_HOST;
  return host?.startsWith("unix://") ? host.slice("unix://".length) : "/var/run/docker.sock";
}

/** The runtime --runtime asks for; `auto` is Docker when it answers `_ping` within 1 s. */
async function makeRuntime(s: AgentSettings): Promise<ContainerRuntime> {
  const docker = s.runtime === "docker" || (s.runtime === "auto" && (await dockerAnswers(s.dockerSocket, 1000)));
  if (!docker) {
    return new ProcessRuntime({
      cgroups: detectCgroups(),
      dataDir: s.dataDir,
      logMaxBytes: s.logMaxBytes,
      logMaxFiles: s.logMaxFiles,
    });
  }
  try {
    return await DockerRuntime.connect({
      socketPath: s.dockerSocket,
      nodeName: s.name,
      dataDir: s.dataDir,
      logMaxBytes: s.logMaxBytes,
      logMaxFiles: s.logMaxFiles,
      podCIDR: s.podCIDR,
      podInfraImage: s.podInfraImage,
    });
  } catch (e) {
    throw new Error(`loci agent: Docker at ${s.dockerSocket}: ${(e as Error).message}`);
  }
}

/** Ties the data directory to one node name and keeps the credential there; a different name is refused. */
async function prepareDataDir(s: AgentSettings): Promise<string> {
  mkdirSync(s.dataDir, { recursive: true, mode: 0o700 });
  const namePath = join(s.dataDir, "node-name");
  let recorded: string | undefined;
  try {
    recorded = readFileSync(namePath, "utf8").trim();
  } catch {}
  if (recorded !== undefined && recorded !== s.name) {
    throw new Error(
      `data directory ${s.dataDir} belongs to node ${JSON.stringify(recorded)}, not ${JSON.stringify(s.name)}`,
    );
  }
  if (recorded === undefined) writeFileSync(namePath, `${s.name}\n`);
  const nodeKubeconfig = join(s.dataDir, "node.kubeconfig");
  if (s.join) {
    try {
      return (await joinCluster({ ...s.join, nodeName: s.name, dataDir: s.dataDir })).kubeconfig;
    } catch (e) {
      if (e instanceof JoinError) throw new Error(`loci agent: ${e.message}`);
      throw e;
    }
  }
  if (s.kubeconfig !== nodeKubeconfig) writeFileSync(nodeKubeconfig, readFileSync(s.kubeconfig), { mode: 0o600 });
  return nodeKubeconfig;
}

export async function agentCommand(argv: string[]): Promise<void> {
  const settings = parseAgentArgs(argv);
  if (settings === "help") {
    process.stdout.write(AGENT_HELP);
    return;
  }
  const kubeconfig = await prepareDataDir(settings);
  const images = loadImageMap(settings.imageMapPath);
  // A given --server wins over the stored credential's (the server may have moved since the join).
  const target = loadKubeconfig(kubeconfig);
  if (settings.server) target.server = settings.server;
  const client = new HttpClient(target, { userAgent: `loci-agent/${settings.name}` });
  const runtime = await makeRuntime(settings);
  const agent = new Agent({
    client,
    name: settings.name,
    dataDir: settings.dataDir,
    nodeIP: settings.nodeIP,
    labels: settings.labels,
    taints: settings.taints,
    runtime,
    images,
    statusUpdateFrequencyMs: settings.statusUpdateFrequencyMs,
    leaseDurationSeconds: settings.leaseDurationSeconds,
    log: (l) => process.stderr.write(`${new Date().toISOString()} ${l}\n`),
    openTunnel: (path) => client.openStream(path, TUNNEL_CONTENT_TYPE),
  });
  await agent.start();
  process.stdout.write(
    `loci agent ready node=${settings.name} runtime=${runtime.version} node-ip=${settings.nodeIP}\n`,
  );
  let stopping = false;
  const stop = async () => {
    if (stopping) process.exit(1);
    stopping = true;
    await agent.stop({ stopPods: true, maxGraceMs: 30_000 });
    await client.close();
    process.exit(0);
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}
