// What every control loop inside `loci server` is given and what it offers back. Controllers reach the API only
// through `client` and read it through the shared informers; their timers go through `clock`.
import type { ApiClient } from "../../client/client.ts";
import type { Clock } from "./clock.ts";
import type { EventRecorder } from "./events.ts";
import type { SharedInformers } from "./shared-informers.ts";

export interface Controller {
  readonly name: string;
  /** Registers informer handlers and starts workers; the manager starts and syncs the informers. */
  start(): void;
  stop(): Promise<void>;
}

/** The server's tunables, named as upstream's kube-controller-manager flags (cli.md). */
export interface ControllerOptions {
  nodeMonitorGracePeriodMs: number;
  nodeMonitorPeriodMs: number;
  nodeStartupGracePeriodMs: number;
  podGcQuarantineMs: number;
  terminatedPodGcThreshold: number;
  nodeEvictionRate: number;
  secondaryNodeEvictionRate: number;
  unhealthyZoneThreshold: number;
  largeClusterSizeThreshold: number;
  concurrentDaemonSetSyncs: number;
}

export function defaultControllerOptions(): ControllerOptions {
  return {
    nodeMonitorGracePeriodMs: 50_000,
    nodeMonitorPeriodMs: 5_000,
    nodeStartupGracePeriodMs: 60_000,
    podGcQuarantineMs: 40_000,
    terminatedPodGcThreshold: 12_500,
    nodeEvictionRate: 0.1,
    secondaryNodeEvictionRate: 0.01,
    unhealthyZoneThreshold: 0.55,
    largeClusterSizeThreshold: 50,
    concurrentDaemonSetSyncs: 2,
  };
}

export interface ControllerContext {
  client: ApiClient;
  informers: SharedInformers;
  clock: Clock;
  recorder(component: string): EventRecorder;
  options: ControllerOptions;
}
