// One table over the three handlers (exec, httpGet, tcpSocket) as startup, readiness and liveness probes, with
// real handlers (a shell, an HTTP server, a TCP port) and an injected clock for the timing fields.
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, test } from "node:test";
import { FakeClock } from "../controllers/runtime/clock.ts";
import { ContainerProbes } from "./container-probes.ts";
import { type ProbeTarget, runProbe } from "./probe.ts";
import { hostExec } from "./runtime/process/host-exec.ts";

let http: Server;
let port = 0;
let closedPort = 0;

before(async () => {
  http = createServer((req, res) => {
    if (req.url === "/slow") {
      setTimeout(() => res.end("late"), 2500);
      return;
    }
    const wanted = req.headers["x-probe"] === "yes";
    res.statusCode = req.url === "/healthz" && wanted ? 200 : 500;
    res.end();
  });
  await new Promise<void>((r) => http.listen(0, "127.0.0.1", r));
  port = (http.address() as AddressInfo).port;
  const tmp = createServer();
  await new Promise<void>((r) => tmp.listen(0, "127.0.0.1", r));
  closedPort = (tmp.address() as AddressInfo).port;
  await new Promise((r) => tmp.close(r));
});
after(() => new Promise((r) => http.close(r)));

const target = (): ProbeTarget => ({
  podIP: "127.0.0.1",
  ports: [{ name: "web", containerPort: port }],
  exec: async (command) => hostExec(command, { env: { PATH: process.env.PATH ?? "/usr/bin:/bin", MARK: "ok" } }),
});

/** Handlers that pass, fail (built when the test runs: the closed port is known only then), and take longer than
 * timeoutSeconds (1 s). */
const HANDLERS: Record<string, { good: any; bad: () => any; slow: any; badOutput: RegExp }> = {
  exec: {
    good: { exec: { command: ["/bin/sh", "-c", 'test "$MARK" = ok'] } },
    bad: () => ({ exec: { command: ["/bin/sh", "-c", "echo not yet; exit 1"] } }),
    slow: { exec: { command: ["/bin/sh", "-c", "sleep 3"] } },
    badOutput: /^not yet$/,
  },
  httpGet: {
    good: { httpGet: { path: "/healthz", port: "web", httpHeaders: [{ name: "X-Probe", value: "yes" }] } },
    bad: () => ({ httpGet: { path: "/healthz", port: "web" } }),
    slow: { httpGet: { path: "/slow", port: "web" } },
    badOutput: /^HTTP probe failed with statuscode: 500$/,
  },
  tcpSocket: {
    good: { tcpSocket: { port: "web" } },
    bad: () => ({ tcpSocket: { port: closedPort } }),
    slow: undefined,
    badOutput: /^dial tcp 127\.0\.0\.1:\d+: connect: connection refused$/,
  },
};

class Harness {
  readonly clock = new FakeClock();
  readonly events: string[] = [];
  readonly failures: string[] = [];
  attempts = 0;
  private inflight = 0;
  readonly probes: ContainerProbes;

  constructor(container: any) {
    this.probes = new ContainerProbes("process://u/c/0", container, this.clock.now(), target(), {
      clock: this.clock,
      run: async (probe, t) => {
        this.attempts++;
        this.inflight++;
        try {
          return await runProbe(probe, t);
        } finally {
          this.inflight--;
        }
      },
      unhealthy: (m) => this.events.push(m),
      changed: () => {},
      failed: (kind, output) => this.failures.push(`${kind}: ${output}`),
    });
  }

  /** Moves the clock and waits for the probe attempts it started. */
  async step(ms: number): Promise<void> {
    this.clock.advance(ms);
    await new Promise((r) => setImmediate(r));
    while (this.inflight > 0) await new Promise((r) => setTimeout(r, 10));
  }
}

const withTiming = (handler: any, timing: Record<string, number> = {}) => ({
  periodSeconds: 10,
  failureThreshold: 3,
  successThreshold: 1,
  timeoutSeconds: 1,
  ...handler,
  ...timing,
});

for (const [name, h] of Object.entries(HANDLERS)) {
  const bad = h.bad;
  describe(`${name} probes`, () => {
    test("readiness: ready after successThreshold passes; a failing one keeps it unready with Unhealthy events", async () => {
      const good = new Harness({ readinessProbe: withTiming(h.good, { initialDelaySeconds: 5, successThreshold: 2 }) });
      assert.equal(good.probes.ready, false);
      await good.step(4000);
      assert.equal(good.attempts, 0, "nothing before initialDelaySeconds");
      await good.step(1000);
      assert.equal(good.attempts, 1);
      assert.equal(good.probes.ready, false, "one success of two");
      await good.step(10_000);
      assert.equal(good.probes.ready, true);
      good.probes.stop();

      const failing = new Harness({ readinessProbe: withTiming(bad()) });
      for (let i = 0; i < 4; i++) await failing.step(10_000);
      assert.equal(failing.probes.ready, false);
      assert.equal(failing.events.length, 4);
      assert.match(failing.events[0], /^Readiness probe failed: /);
      assert.match(failing.events[0].replace("Readiness probe failed: ", ""), h.badOutput);
      assert.deepEqual(failing.failures, [], "readiness never restarts a container");
      failing.probes.stop();
    });

    test("liveness: restart after failureThreshold failures in a row, not before", async () => {
      const hz = new Harness({ livenessProbe: withTiming(bad(), { failureThreshold: 3, periodSeconds: 5 }) });
      await hz.step(0);
      await hz.step(5000);
      assert.deepEqual(hz.failures, []);
      await hz.step(5000);
      assert.equal(hz.failures.length, 1);
      assert.match(hz.failures[0], /^liveness: /);
      const attempts = hz.attempts;
      await hz.step(50_000);
      assert.equal(hz.attempts, attempts, "probing stops once the restart is asked for");

      const fine = new Harness({ livenessProbe: withTiming(h.good) });
      for (let i = 0; i < 5; i++) await fine.step(10_000);
      assert.deepEqual(fine.failures, []);
      fine.probes.stop();
    });

    test("startup gates readiness and liveness; a failing startup probe restarts", async () => {
      const gated = new Harness({
        startupProbe: withTiming(bad(), { failureThreshold: 2, periodSeconds: 1 }),
        readinessProbe: withTiming(h.good, { periodSeconds: 1 }),
        livenessProbe: withTiming(bad(), { periodSeconds: 1, failureThreshold: 1 }),
      });
      await gated.step(0);
      assert.equal(gated.probes.started, false);
      assert.equal(gated.probes.ready, false);
      await gated.step(1000);
      assert.deepEqual(
        gated.failures.map((f) => f.split(":")[0]),
        ["startup"],
        "liveness never ran before startup passed",
      );
      assert.ok(gated.events.every((e) => e.startsWith("Startup probe failed: ")));

      const starts = new Harness({
        startupProbe: withTiming(h.good, { periodSeconds: 1 }),
        readinessProbe: withTiming(h.good, { periodSeconds: 1 }),
      });
      await starts.step(0);
      assert.equal(starts.probes.started, true);
      await starts.step(1000);
      assert.equal(starts.probes.ready, true);
      starts.probes.stop();
    });

    if (h.slow) {
      test("a handler slower than timeoutSeconds fails", async () => {
        const hz = new Harness({ livenessProbe: withTiming(h.slow, { failureThreshold: 1 }) });
        await hz.step(0);
        assert.equal(hz.failures.length, 1);
        assert.match(hz.failures[0], /timed out|deadline exceeded/);
      });
    }
  });
}
