// `loci up`: a local cluster in one command (see src/up/local-cluster.ts). First Ctrl-C stops it gracefully,
// a second one forces.
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { mergeKubeconfig, userKubeconfigPath } from "../up/kubeconfig-merge.ts";
import { LocalCluster, resetDataDir } from "../up/local-cluster.ts";
import { UsageError } from "./usage-error.ts";

export const UP_HELP = `Usage: loci up [flags]

Starts a local cluster: the control plane on the embedded store and N nodes, each a 'loci agent' child process
running pods as host processes. Node 1 is loci-control-plane (tainted ${"node-role.kubernetes.io/control-plane:NoSchedule"}),
the others loci-worker-1…; node i uses the address 127.0.0.<2+i>. Ctrl-C stops pods and cluster; twice forces.

Flags:
  --nodes N                   nodes, the control-plane node included (default 3)
  --data DIR                  cluster data: store, certificates, kubeconfig, nodes/ (default .loci)
  --listen HOST:PORT          API server address; port 0 picks a free port (default 127.0.0.1:6443)
  --runtime process|docker    container runtime of the nodes (default process)
  --reset                     delete DIR (and stop containers it left running) before starting
  --kubeconfig-merge BOOL     merge a 'loci' context into $KUBECONFIG or ~/.kube/config (default true)
  --agent-arg ARG             extra argument for every 'loci agent' (repeatable)
  --debug                     print stack traces of internal errors
`;

export async function upCommand(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      nodes: { type: "string", default: "3" },
      data: { type: "string", default: ".loci" },
      listen: { type: "string", default: "127.0.0.1:6443" },
      runtime: { type: "string", default: "process" },
      reset: { type: "boolean", default: false },
      "kubeconfig-merge": { type: "string", default: "true" },
      "agent-arg": { type: "string", multiple: true, default: [] },
      debug: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) {
    process.stdout.write(UP_HELP);
    return;
  }
  const nodes = Number(values.nodes);
  if (!/^\d+$/.test(values.nodes!) || nodes < 1 || nodes > 253) {
    throw new UsageError(`loci up: --nodes must be an integer from 1 to 253, got ${JSON.stringify(values.nodes)}`);
  }
  const runtime = values.runtime;
  if (runtime !== "process" && runtime !== "docker") {
    throw new UsageError(`loci up: --runtime must be process or docker, got ${JSON.stringify(runtime)}`);
  }
  const merge = values["kubeconfig-merge"];
  if (merge !== "true" && merge !== "false") {
    throw new UsageError(`loci up: --kubeconfig-merge must be true or false, got ${JSON.stringify(merge)}`);
  }
  const dataDir = resolve(values.data!);
  if (values.reset) resetDataDir(dataDir);
  const log = (line: string) => process.stdout.write(`${line}\n`);
  const cluster = new LocalCluster({
    dataDir,
    nodes,
    listen: values.listen!,
    log,
    runtime,
    agentArgs: values["agent-arg"],
  });
  let stopping = 0;
  const stop = async () => {
    stopping++;
    if (stopping === 1) log("stopping: pods get up to 30 s to finish (Ctrl-C again to force)");
    await cluster.stop(stopping > 1);
    if (stopping === 1) log("stopped");
    process.exit(stopping > 1 ? 1 : 0);
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  try {
    await cluster.start();
  } catch (e) {
    await cluster.stop(true);
    throw e;
  }
  if (merge === "true") {
    const target = userKubeconfigPath();
    mergeKubeconfig(cluster.kubeconfigPath, target);
    log(`merged context "loci" into ${target} and made it current`);
  }
  log(`export KUBECONFIG=${cluster.kubeconfigPath}`);
}
