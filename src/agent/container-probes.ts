// The startup, readiness and liveness probes of one container run (the kubelet's prober workers): each probe
// waits initialDelaySeconds from the container's start, then runs every periodSeconds; successThreshold
// successes in a row make it pass, failureThreshold failures make it fail. Readiness and liveness wait until
// the startup probe has passed. Results start as upstream's: readiness failing, liveness passing, startup
// unknown. A failed liveness or startup probe asks the pod worker to restart the container.
import type { Clock, TimerHandle } from "../controllers/runtime/clock.ts";
import type { ProbeResult, ProbeTarget } from "./probe.ts";

export type ProbeKind = "startup" | "readiness" | "liveness";

const LABEL: Record<ProbeKind, string> = { startup: "Startup", readiness: "Readiness", liveness: "Liveness" };

export interface ProbeHooks {
  clock: Clock;
  run(probe: any, target: ProbeTarget): Promise<ProbeResult>;
  /** A probe attempt failed: the kubelet's `Unhealthy` Warning. */
  unhealthy(message: string): void;
  /** Readiness or startup changed: the pod's status needs a look. */
  changed(): void;
  /** Liveness or startup failed for good: restart the container. */
  failed(kind: "liveness" | "startup", message: string): void;
}

interface Worker {
  kind: ProbeKind;
  probe: any;
  result: boolean | undefined;
  successes: number;
  failures: number;
  timer?: TimerHandle;
}

export class ContainerProbes {
  private readonly workers = new Map<ProbeKind, Worker>();
  private stopped = false;

  constructor(
    readonly containerID: string,
    container: any,
    private readonly startedAt: number,
    private readonly target: ProbeTarget,
    private readonly hooks: ProbeHooks,
  ) {
    const probes: [ProbeKind, any][] = [
      ["startup", container.startupProbe],
      ["readiness", container.readinessProbe],
      ["liveness", container.livenessProbe],
    ];
    for (const [kind, probe] of probes) {
      if (!probe) continue;
      const initial = kind === "liveness" ? true : kind === "readiness" ? false : undefined;
      this.workers.set(kind, { kind, probe, result: initial, successes: 0, failures: 0 });
    }
    for (const w of this.workers.values()) this.schedule(w, this.startedAt + (w.probe.initialDelaySeconds ?? 0) * 1000);
  }

  /** The startup probe has passed (or there is none). */
  get started(): boolean {
    const s = this.workers.get("startup");
    return !s || s.result === true;
  }

  /** Readiness has passed (or there is none) and the container has started. */
  get ready(): boolean {
    const r = this.workers.get("readiness");
    return this.started && (!r || r.result === true);
  }

  stop(): void {
    this.stopped = true;
    for (const w of this.workers.values()) w.timer?.cancel();
  }

  private schedule(w: Worker, at: number): void {
    if (this.stopped) return;
    w.timer = this.hooks.clock.after(Math.max(0, at - this.hooks.clock.now()), () => this.attempt(w));
  }

  private async attempt(w: Worker): Promise<void> {
    if (this.stopped) return;
    const periodMs = (w.probe.periodSeconds ?? 10) * 1000;
    // Readiness and liveness wait for startup; a passed startup probe stops running.
    const skip = (w.kind !== "startup" && !this.started) || (w.kind === "startup" && w.result === true);
    if (!skip) {
      const r = await this.hooks.run(w.probe, this.target);
      if (this.stopped) return;
      this.record(w, r);
      if (this.stopped) return;
    }
    this.schedule(w, this.hooks.clock.now() + periodMs);
  }

  private record(w: Worker, r: ProbeResult): void {
    const before = w.result;
    if (r.ok) {
      w.failures = 0;
      w.successes++;
      if (w.successes >= (w.probe.successThreshold ?? 1)) w.result = true;
    } else {
      w.successes = 0;
      w.failures++;
      this.hooks.unhealthy(`${LABEL[w.kind]} probe failed: ${r.output}`);
      if (w.failures >= (w.probe.failureThreshold ?? 3)) w.result = false;
    }
    if (w.result === before) return;
    if (w.result === false && (w.kind === "liveness" || w.kind === "startup")) {
      this.stop();
      this.hooks.failed(w.kind, r.output);
      return;
    }
    this.hooks.changed();
  }
}
