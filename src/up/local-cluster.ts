// `loci up`: a whole cluster on this machine. The control plane runs in this process; every node is a child
// `loci agent` process with the process runtime and its own loopback address (127.0.0.<2+i>) as node IP, so
// pods of different nodes that listen on one port do not collide. The first node is the control-plane node:
// registered with the NoSchedule taint and labelled with its role by us (a node may not label itself so).
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { killMarked } from "../agent/runtime/process/process-runtime.ts";
import { newBootstrapToken, tokenSecret } from "../apiserver/auth/bootstrap-token.ts";
import { NODES, SECRETS } from "../client/client.ts";
import { ControlPlane } from "../controlplane/control-plane.ts";

const LOCI_BIN = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "bin", "loci");
export const CONTROL_PLANE_NODE = "loci-control-plane";
export const CONTROL_PLANE_ROLE = "node-role.kubernetes.io/control-plane";

const IMAGE_MAP_TEMPLATE = `# Which host command runs for an image (loci's process runtime). Repositories match without registry,
# "library/", tag or digest. A container that sets no command and whose image is not listed here runs a pause
# stand-in instead, with a Warning event (reason ImageNotRun). Example:
#
# images:
#   nginx:
#     command: ["/usr/sbin/nginx", "-g", "daemon off;"]
images: {}
`;

export interface LocalClusterOptions {
  dataDir: string;
  nodes: number;
  listen: string;
  /** Progress and logs, one line at a time. */
  log: (line: string) => void;
  /** Extra flags for every agent (tests shorten timers with these). */
  agentArgs?: string[];
  /** The nodes' container runtime. */
  runtime: "process" | "docker";
}

export function nodeNames(count: number): string[] {
  return [CONTROL_PLANE_NODE, ...Array.from({ length: count - 1 }, (_, i) => `loci-worker-${i + 1}`)];
}

/** Kills what containers of an earlier run may have left behind, then removes the data directory. */
export function resetDataDir(dataDir: string): void {
  const nodesDir = join(dataDir, "nodes");
  if (existsSync(nodesDir)) {
    for (const node of readdirSync(nodesDir)) {
      const containers = join(nodesDir, node, "containers");
      if (!existsSync(containers)) continue;
      for (const uid of readdirSync(containers)) killMarked(uid);
    }
  }
  rmSync(dataDir, { recursive: true, force: true });
}

interface AgentProcess {
  name: string;
  child: ChildProcess;
  exited: Promise<number | null>;
}

export class LocalCluster {
  private plane?: ControlPlane;
  private readonly agents: AgentProcess[] = [];
  private stopping = false;

  constructor(private readonly opts: LocalClusterOptions) {}

  get kubeconfigPath(): string {
    return this.plane?.server.kubeconfigPath ?? "";
  }

  get url(): string {
    return this.plane?.url ?? "";
  }

  async start(): Promise<void> {
    const { log, dataDir } = this.opts;
    log(`starting control plane (data ${resolve(dataDir)})`);
    this.plane = await ControlPlane.start({
      dataDir,
      listen: this.opts.listen,
      onControllerError: (name, err) => log(`controller ${name}: ${(err as Error).message}`),
    });
    log(`control plane ready at ${this.plane.url}`);
    const imageMap = join(dataDir, "images.yaml");
    if (!existsSync(imageMap)) writeFileSync(imageMap, IMAGE_MAP_TEMPLATE);
    const names = nodeNames(this.opts.nodes);
    if (this.opts.nodes === 1) {
      log(`one node: ${CONTROL_PLANE_NODE} is left untainted so that ordinary pods can run on it`);
    }
    // Nodes join as real machines do: with a bootstrap token and the CA hash, then their own credential.
    const { id, secret, token } = newBootstrapToken();
    await this.plane.client.create(
      SECRETS,
      "kube-system",
      tokenSecret(id, secret, 3_600_000, "loci up: local nodes", Date.now()),
    );
    const joinArgs = ["--server", this.plane.url, "--token", token, "--ca-hash", this.plane.server.caHash];
    await Promise.all(names.map((name, i) => this.startAgent(name, i, imageMap, joinArgs)));
    await this.labelControlPlane();
    log(`cluster ready: ${names.length} node(s)`);
  }

  private startAgent(name: string, index: number, imageMap: string, joinArgs: string[]): Promise<void> {
    const args = [
      LOCI_BIN,
      "agent",
      ...joinArgs,
      "--name",
      name,
      "--data",
      join(this.opts.dataDir, "nodes", name),
      "--node-ip",
      `127.0.0.${2 + index}`,
      "--image-map",
      imageMap,
      "--runtime",
      this.opts.runtime,
      ...(this.opts.agentArgs ?? []),
    ];
    if (index === 0 && this.opts.nodes > 1) args.push("--taints", `${CONTROL_PLANE_ROLE}:NoSchedule`);
    // Detached: a terminal's Ctrl-C reaches only `loci up`, which then stops each agent exactly once.
    const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"], detached: true });
    const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
    this.agents.push({ name, child, exited });
    createInterface({ input: child.stderr! }).on("line", (l) =>
      this.opts.log(`[${name}] ${l.replace(/^\S+Z /, "").replace(`${name}: `, "")}`),
    );
    return new Promise((resolveReady, reject) => {
      createInterface({ input: child.stdout! }).on("line", (l) => {
        if (l.startsWith("loci agent ready")) {
          this.opts.log(`node ${name} registered (${l.slice("loci agent ready ".length)})`);
          resolveReady();
        } else this.opts.log(`[${name}] ${l}`);
      });
      exited.then((code) => {
        if (!this.stopping) {
          const why = `agent ${name} exited with code ${code}`;
          this.opts.log(why);
          reject(new Error(why));
        }
      });
    });
  }

  private async labelControlPlane(): Promise<void> {
    if (!this.plane) return;
    await this.plane.client.patch(NODES, "", CONTROL_PLANE_NODE, "merge", {
      metadata: { labels: { [CONTROL_PLANE_ROLE]: "" } },
    });
  }

  /**
   * Stops the agents (each stops its containers, grace capped at 30 s), then the control plane. `force` kills
   * the agents and every container process at once.
   */
  async stop(force = false): Promise<void> {
    this.stopping = true;
    for (const a of this.agents) a.child.kill(force ? "SIGKILL" : "SIGTERM");
    if (force) {
      for (const a of this.agents) {
        const containers = join(this.opts.dataDir, "nodes", a.name, "containers");
        if (existsSync(containers)) for (const uid of readdirSync(containers)) killMarked(uid);
      }
    }
    await Promise.all(this.agents.map((a) => a.exited));
    await this.plane?.close();
  }
}
