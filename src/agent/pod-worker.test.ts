// The pod worker's restart back-off on an injected clock: a real in-process API server for the pod and its
// status, and an in-memory runtime whose containers the test ends at will.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { useInProcessServer } from "../../test/helpers/in-process.ts";
import type { KubeObject } from "../api/object.ts";
import { PODS } from "../client/client.ts";
import { FakeClock } from "../controllers/runtime/clock.ts";
import { EventRecorder } from "../controllers/runtime/events.ts";
import { BACKOFF_MAX_MS, PodWorker } from "./pod-worker.ts";
import type { ContainerLaunch, ContainerRecord, ContainerRuntime } from "./runtime/runtime.ts";

const api = useInProcessServer();
const volumesDir = mkdtempSync(join(tmpdir(), "loci-pod-worker-"));
after(() => rmSync(volumesDir, { recursive: true, force: true }));

/** Containers that run until the test ends them; times come from the test's clock. */
class MemoryRuntime implements ContainerRuntime {
  readonly version = "memory://test";
  readonly runs: ContainerRecord[] = [];
  private readonly latest = new Map<string, ContainerRecord>();
  constructor(private readonly clock: FakeClock) {}
  async start(l: ContainerLaunch): Promise<ContainerRecord> {
    const rec: ContainerRecord = {
      containerName: l.containerName,
      attempt: l.attempt,
      containerID: `memory://${l.podUid}/${l.containerName}/${l.attempt}`,
      startedAt: this.clock.now(),
      previous: this.latest.get(`${l.podUid}/${l.containerName}`),
    };
    if (rec.previous) rec.previous = { ...rec.previous, previous: undefined };
    this.latest.set(`${l.podUid}/${l.containerName}`, rec);
    this.runs.push(rec);
    return rec;
  }
  async inspect(podUid: string): Promise<Map<string, ContainerRecord>> {
    const out = new Map<string, ContainerRecord>();
    for (const [k, v] of this.latest) if (k.startsWith(`${podUid}/`)) out.set(v.containerName, { ...v });
    return out;
  }
  async pods(): Promise<string[]> {
    return [...new Set([...this.latest.keys()].map((k) => k.split("/")[0]))];
  }
  async stop(): Promise<void> {}
  async remove(): Promise<void> {}
  logPath(): string {
    return "/dev/null";
  }
  async sandbox(): Promise<undefined> {
    return undefined;
  }
  async exec(): Promise<undefined> {
    return undefined;
  }
  async attach(): Promise<undefined> {
    return undefined;
  }
  /** The running container exits with `code` now. */
  crash(code: number): void {
    const rec = this.runs.at(-1)!;
    rec.finishedAt = this.clock.now();
    rec.exitCode = code;
  }
}

async function settle(worker: PodWorker): Promise<void> {
  // Let the worker's sync (API calls, runtime calls) run to the end.
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
  worker.kick();
  for (let i = 0; i < 40; i++) await new Promise((r) => setTimeout(r, 2));
}

test("CrashLoopBackOff: restart at once, then wait 10, 20, 40, 80, 160, 300, 300 s; reset after 10 min running", async () => {
  const clock = new FakeClock();
  const runtime = new MemoryRuntime(clock);
  const pod = await api.client.create<KubeObject>(PODS, "default", {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "crasher" },
    spec: { nodeName: "n1", containers: [{ name: "c", image: "busybox", command: ["false"] }] },
  });
  const worker = new PodWorker(
    {
      client: api.client,
      runtime,
      recorder: new EventRecorder(api.client, "kubelet", clock, "n1"),
      clock,
      images: new Map(),
      lookup: async () => undefined,
      hostIP: "127.0.0.2",
      nodeAllocatable: { cpu: "2", memory: "4Gi" },
      volumesDir,
      canMount: false,
      log: () => {},
    },
    pod,
    () => {},
  );
  worker.kick();
  await settle(worker);
  assert.equal(runtime.runs.length, 1);

  // The first crash restarts at once.
  runtime.crash(1);
  await settle(worker);
  assert.equal(runtime.runs.length, 2);

  const waits: number[] = [];
  for (const expected of [10, 20, 40, 80, 160, 300, 300]) {
    runtime.crash(1);
    await settle(worker);
    const status = (await api.client.get<KubeObject>(PODS, "default", "crasher")).status;
    const cs = status?.containerStatuses?.[0];
    assert.equal(cs.state.waiting?.reason, "CrashLoopBackOff");
    assert.match(
      cs.state.waiting.message,
      new RegExp(`^back-off ${expected}s restarting failed container=c pod=crasher_default\\(`),
    );
    const startsBefore: number = runtime.runs.length;
    clock.advance(expected * 1000 - 1);
    await settle(worker);
    assert.equal(runtime.runs.length, startsBefore, `not restarted before ${expected} s`);
    clock.advance(1);
    await settle(worker);
    assert.equal(runtime.runs.length, startsBefore + 1, `restarted after ${expected} s`);
    waits.push(expected);
  }
  assert.deepEqual(waits.at(-1), BACKOFF_MAX_MS / 1000);

  // Running for more than 10 minutes forgets the back-off: the next crash restarts at once.
  clock.advance(11 * 60_000);
  runtime.crash(1);
  await settle(worker);
  const restarted = runtime.runs.length;
  const status = (await api.client.get<KubeObject>(PODS, "default", "crasher")).status;
  assert.equal(status?.containerStatuses?.[0].restartCount, restarted - 1);
  assert.equal(status?.containerStatuses?.[0].state.running !== undefined, true);
});
