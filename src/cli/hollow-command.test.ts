import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { join } from "node:path";
import { test } from "node:test";
import { useInProcessServer } from "../../test/helpers/in-process.ts";
import { LEASES, NODES } from "../client/client.ts";
import { parseHollowArgs, runHollow, sessionsFor } from "./hollow-command.ts";
import { UsageError } from "./usage-error.ts";

const env = useInProcessServer();

const usage = (argv: string[], re: RegExp) =>
  assert.throws(
    () => parseHollowArgs(argv, {}),
    (e: unknown) => e instanceof UsageError && re.test(e.message) && !e.message.includes("\n"),
  );

test("flags: defaults per the contract, both --flag value and --flag=value", () => {
  const s = parseHollowArgs(["--kubeconfig", "k", "--nodes=3"], {});
  assert.notEqual(s, "help");
  assert.deepEqual(s, {
    kubeconfig: "k",
    nodes: 3,
    namePrefix: "hollow-",
    startIndex: 0,
    labels: {},
    taints: [],
    cpu: "4",
    memory: "16Gi",
    maxPods: 110,
    readyDelayMs: 0,
    stopDelayMs: 0,
    failImages: [],
    unreadyImages: [],
  });
  const t = parseHollowArgs(
    [
      "--nodes",
      "2",
      "--labels",
      "a=1,b=",
      "--labels=c=3",
      "--taints",
      "x=y:NoExecute",
      "--ready-delay",
      "1m30s",
      "--stop-delay=250ms",
      "--fail-images",
      "*bad*",
      "--fail-images",
      "worse",
      "--cpu",
      "500m",
    ],
    { KUBECONFIG: "/env/kc:/other" },
  );
  assert.ok(t !== "help");
  assert.equal(t.kubeconfig, "/env/kc");
  assert.deepEqual(t.labels, { a: "1", b: "", c: "3" });
  assert.deepEqual(t.taints, [{ key: "x", value: "y", effect: "NoExecute" }]);
  assert.equal(t.readyDelayMs, 90_000);
  assert.equal(t.stopDelayMs, 250);
  assert.deepEqual(t.failImages, ["*bad*", "worse"]);
  assert.equal(t.cpu, "500m");
  assert.equal(parseHollowArgs(["--help"], {}), "help");
});

test("usage errors are one-line UsageErrors", () => {
  usage(["--nodes", "1"], /^loci hollow: --kubeconfig is required$/);
  usage(["--kubeconfig", "k"], /--nodes is required/);
  usage(["--kubeconfig", "k", "--nodes", "0"], /--nodes must be an integer >= 1, got "0"/);
  usage(["--kubeconfig", "k", "--nodes", "1.5"], /--nodes must be an integer/);
  usage(["--kubeconfig", "k", "--nodes", "1", "--start-index=-1"], /--start-index must be an integer >= 0/);
  usage(["--kubeconfig", "k", "--nodes", "1", "--max-pods", "x"], /--max-pods must be an integer >= 1/);
  usage(["--kubeconfig", "k", "--nodes", "1", "--labels", "novalue"], /--labels: invalid label "novalue"/);
  usage(["--kubeconfig", "k", "--nodes", "1", "--taints", "a:Never"], /--taints: invalid taint effect: Never/);
  usage(["--kubeconfig", "k", "--nodes", "1", "--memory", "lots"], /--memory "lots": quantities must match/);
  usage(["--kubeconfig", "k", "--nodes", "1", "--cpu=-1"], /--cpu must be positive/);
  usage(["--kubeconfig", "k", "--nodes", "1", "--ready-delay", "5"], /--ready-delay: invalid duration "5"/);
  usage(["--kubeconfig", "k", "--nodes", "1", "--name-prefix", "Bad_"], /--name-prefix: node name "Bad_0" is invalid/);
  assert.throws(
    () => parseHollowArgs(["--kubeconfig", "k", "--nodes", "1", "--bogus"], {}),
    /Unknown option '--bogus'/,
  );
});

test("sessions grow with the fleet, within bounds", () => {
  assert.equal(sessionsFor(1), 1);
  assert.equal(sessionsFor(1000), 1);
  assert.equal(sessionsFor(10_000), 10);
  assert.equal(sessionsFor(1_000_000), 16);
});

test("runHollow over HTTPS with the admin kubeconfig: prints the ready line once the nodes exist", async () => {
  const settings = parseHollowArgs(
    ["--kubeconfig", env.server.kubeconfigPath, "--nodes", "5", "--name-prefix", "cli-", "--start-index", "10"],
    {},
  );
  assert.ok(settings !== "help");
  const lines: string[] = [];
  const running = await runHollow(settings, { out: (l) => lines.push(l), log: (l) => lines.push(l) });
  try {
    assert.deepEqual(lines, ["loci hollow ready nodes=5\n"]);
    const names = (await env.client.list(NODES, "")).items
      .map((n) => n.metadata.name)
      .filter((n) => n?.startsWith("cli-"));
    assert.deepEqual(names.sort(), ["cli-10", "cli-11", "cli-12", "cli-13", "cli-14"]);
    const lease = await env.client.get(LEASES, "kube-node-lease", "cli-12");
    assert.equal(lease.spec.holderIdentity, "cli-12");
  } finally {
    await running.stop();
  }
});

test("the command in its own process: ready line on stdout, exit 0 on SIGTERM; usage error exits 2", async () => {
  const script =
    'import { hollowCommand } from "./src/cli/hollow-command.ts"; import { UsageError } from "./src/cli/usage-error.ts";' +
    "hollowCommand(process.argv.slice(1)).catch((e) => { process.stderr.write(e.message + '\\n'); process.exit(e instanceof UsageError ? 2 : 1); });";
  const run = (args: string[]) =>
    spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script, "--", ...args], {
      cwd: join(import.meta.dirname, "../.."),
      stdio: ["ignore", "pipe", "pipe"],
    });
  const child = run(["--kubeconfig", env.server.kubeconfigPath, "--nodes", "3", "--name-prefix", "proc-"]);
  let out = "";
  child.stdout.on("data", (d) => {
    out += d;
  });
  const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
  const deadline = Date.now() + 20_000;
  while (!out.includes("\n") && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  assert.equal(out, "loci hollow ready nodes=3\n");
  assert.ok(await env.client.get(NODES, "", "proc-2"));
  child.kill("SIGTERM");
  assert.equal(await exited, 0);

  const bad = run(["--nodes", "3", "--kubeconfig", "x", "--taints", "k=v"]);
  let err = "";
  bad.stderr.on("data", (d) => {
    err += d;
  });
  const code = await new Promise<number | null>((r) => bad.on("exit", (c) => r(c)));
  assert.equal(code, 2);
  assert.equal(err, "loci hollow: --taints: invalid taint spec: k=v, expected key[=value]:Effect\n");
});
