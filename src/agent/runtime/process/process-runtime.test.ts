// The process runtime with real supervisor processes: logs, exit codes, graceful and forced stops, leftover
// processes, and a second runtime instance (a restarted agent) finding running containers again.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import type { ContainerLaunch } from "../runtime.ts";
import { markedPids, ProcessRuntime } from "./process-runtime.ts";

const dir = mkdtempSync(join(tmpdir(), "loci-process-runtime-"));
const runtime = () => new ProcessRuntime({ dataDir: dir, logMaxBytes: 10 * 1024 * 1024, logMaxFiles: 5 });
let seq = 0;
const started: ContainerLaunch[] = [];

after(async () => {
  const rt = runtime();
  for (const l of started) await rt.stop(l.podUid, l.containerName, 0);
  rmSync(dir, { recursive: true, force: true });
});

function launch(script: string, attempt = 0): ContainerLaunch {
  const l: ContainerLaunch = {
    podUid: `uid-${process.pid}-${++seq}`,
    podNamespace: "ns",
    podName: `pod${seq}`,
    podLogName: `ns_pod${seq}_uid`,
    containerName: "c",
    attempt,
    image: "busybox",
    hostCommand: ["/bin/sh", "-c", script],
    hostname: `pod${seq}`,
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", GREETING: "hello" },
  };
  started.push(l);
  return l;
}

async function until<T>(fn: () => Promise<T | undefined>, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 50));
  }
}

const finished = (rt: ProcessRuntime, uid: string) =>
  until(async () => {
    const r = (await rt.inspect(uid)).get("c");
    return r?.finishedAt !== undefined ? r : undefined;
  });

test("output becomes CRI log lines; the exit code and the markers are recorded", async () => {
  const rt = runtime();
  const l = launch('echo "$GREETING $LOCI_POD_UID"; echo oops >&2; printf partial; exit 3');
  const rec = await rt.start(l);
  assert.ok(rec.pid && rec.pid > 0);
  const done = await finished(rt, l.podUid);
  assert.equal(done.exitCode, 3);
  assert.equal(done.containerID, `process://${l.podUid}/c/0`);
  const lines = readFileSync(rt.logPath(l.podLogName, "c", 0), "utf8")
    .trimEnd()
    .split("\n");
  const re = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z (stdout|stderr) F (.*)$/;
  const parsed = lines.map((line) => re.exec(line)?.slice(1, 3));
  assert.deepEqual(
    parsed.sort(),
    [
      ["stderr", "oops"],
      ["stdout", `hello ${l.podUid}`],
      ["stdout", "partial"],
    ].sort(),
  );
});

test("stop: SIGTERM first; a container ignoring it is killed after the grace period", async () => {
  const rt = runtime();
  const polite = launch('trap "exit 0" TERM; while :; do sleep 0.1; done');
  const stubborn = launch('trap "" TERM; while :; do sleep 0.1; done');
  await rt.start(polite);
  await rt.start(stubborn);
  const t0 = Date.now();
  await rt.stop(polite.podUid, "c", 5000);
  assert.ok(Date.now() - t0 < 3000, "the polite container stopped well before its grace period");
  assert.equal((await rt.inspect(polite.podUid)).get("c")?.exitCode, 0);
  const t1 = Date.now();
  await rt.stop(stubborn.podUid, "c", 700);
  assert.ok(Date.now() - t1 >= 700, "waited out the grace period");
  assert.equal((await rt.inspect(stubborn.podUid)).get("c")?.exitCode, 137);
});

test("processes that left the container's process group die with it", async () => {
  const rt = runtime();
  // A setsid'd sleeper and a double-forked daemon, then the main process runs on.
  const l = launch("setsid sleep 1000 & (sh -c 'sleep 1000 &' &); while :; do sleep 0.1; done");
  await rt.start(l);
  await until(async () => (markedPids(l.podUid).length >= 4 ? true : undefined));
  await rt.stop(l.podUid, "c", 2000);
  await until(async () => (markedPids(l.podUid).length === 0 ? true : undefined), 3000);

  // The same when the main process exits on its own.
  const m = launch("setsid sleep 1000 & sleep 0.3; exit 0");
  await rt.start(m);
  const done = await finished(rt, m.podUid);
  assert.equal(done.exitCode, 0);
  assert.deepEqual(markedPids(m.podUid), []);
});

test("a restarted agent finds running containers again (same pid) and the previous run", async () => {
  const l = launch("exit 7");
  const first = runtime();
  await first.start(l);
  await finished(first, l.podUid);
  const second = await first.start({ ...l, attempt: 1, hostCommand: ["/bin/sh", "-c", "while :; do sleep 0.1; done"] });
  const again = runtime();
  const rec = (await again.inspect(l.podUid)).get("c");
  assert.equal(rec?.pid, second.pid);
  assert.equal(rec?.attempt, 1);
  assert.equal(rec?.finishedAt, undefined);
  assert.equal(rec?.previous?.exitCode, 7);
  assert.deepEqual(await again.pods().then((p) => p.includes(l.podUid)), true);
  await again.stop(l.podUid, "c", 1000);
  await again.remove(l.podUid);
  assert.equal((await again.pods()).includes(l.podUid), false);
});

test("a command that cannot start ends as StartError with exit code 128", async () => {
  const rt = runtime();
  const l = { ...launch(""), hostCommand: ["/nonexistent/binary"] };
  await rt.start(l);
  const done = await finished(rt, l.podUid);
  assert.equal(done.exitCode, 128);
  assert.equal(done.reason, "StartError");
  assert.match(done.message ?? "", /executable file not found/);
});

test("a container with stdin reads what is written to its FIFO; its supervisor exits with it", async () => {
  const rt = runtime();
  const l = { ...launch("while read x; do echo got $x; done"), stdin: true };
  const rec = await rt.start(l);
  const attached = await rt.attach(l.podUid, "c", { stdin: true });
  assert.ok(attached?.stdin);
  let seen = "";
  attached.stdout.on("data", (d) => {
    seen += d;
  });
  attached.stdin.write("one\n");
  attached.stdin.end("two\n");
  await until(async () => (/got one\ngot two\n/.test(seen) ? true : undefined));
  attached.close();
  await until(async () => {
    const text = readFileSync(rt.logPath(l.podLogName, "c", 0), "utf8");
    return /got one\n[\s\S]*got two\n/.test(text) ? true : undefined;
  });
  const supervisor = JSON.parse(
    readFileSync(join(dir, "containers", l.podUid, "c", "0", "state.json"), "utf8"),
  ).supervisorPid;
  await rt.stop(l.podUid, "c", 1000);
  assert.ok(rec.pid);
  await until(async () => {
    try {
      process.kill(supervisor, 0);
      return undefined;
    } catch {
      return true;
    }
  }, 5000);
});

test("a container with tty runs on a pseudo-terminal: attach sees the prompt and the echoed input", async () => {
  const rt = runtime();
  const l = {
    ...launch(""),
    hostCommand: ["/bin/sh", "-i"],
    env: { PATH: "/usr/bin:/bin", PS1: "$ " },
    stdin: true,
    tty: true,
  };
  await rt.start(l);
  const attached = await rt.attach(l.podUid, "c", { stdin: true });
  assert.ok(attached?.stdin);
  let seen = "";
  attached.stdout.on("data", (d) => {
    seen += d;
  });
  attached.stdin.write("echo tty:$(test -t 0 && echo yes)\r");
  // The prompt after the command has no newline: it arrives as a partial line.
  await until(async () => (/echo tty:.*\r\ntty:yes\r\n\$ $/.test(seen) ? true : undefined));
  attached.stdin.write("exit 7\r");
  const done = await finished(rt, l.podUid);
  assert.equal(done.exitCode, 7);
  attached.close();
});

test("a tty container whose command does not exist ends as StartError", async () => {
  const rt = runtime();
  const l = { ...launch(""), hostCommand: ["no-such-command-here"], tty: true };
  await rt.start(l);
  const done = await finished(rt, l.podUid);
  assert.equal(done.reason, "StartError");
  assert.equal(done.exitCode, 128);
});
