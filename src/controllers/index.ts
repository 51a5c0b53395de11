// Every control loop `loci server` runs, by upstream's controller names (`--controllers` selects among them).
import { Scheduler } from "../scheduler/scheduler.ts";
import { DaemonSetController } from "./daemonset/controller.ts";
import { GarbageCollector } from "./garbagecollector/garbage-collector.ts";
import type { ControllerFactory } from "./manager.ts";
import { NamespaceController } from "./namespace/namespace-controller.ts";
import { NodeCredentialsController } from "./nodecredentials/node-credentials-controller.ts";
import { NodeLifecycleController } from "./nodelifecycle/node-lifecycle-controller.ts";
import { PodGCController } from "./podgc/pod-gc-controller.ts";
import { ServiceAccountsController } from "./serviceaccount/serviceaccounts-controller.ts";
import { TaintEvictionController } from "./tainteviction/taint-eviction-controller.ts";

export const CONTROLLERS: ControllerFactory[] = [
  { name: "daemonset-controller", create: (ctx) => new DaemonSetController(ctx) },
  { name: "scheduler", create: (ctx) => new Scheduler(ctx) },
  { name: "garbage-collector-controller", create: (ctx) => new GarbageCollector(ctx) },
  { name: "namespace-controller", create: (ctx) => new NamespaceController(ctx) },
  { name: "pod-garbage-collector-controller", create: (ctx) => new PodGCController(ctx) },
  { name: "serviceaccount-controller", create: (ctx) => new ServiceAccountsController(ctx) },
  { name: "node-lifecycle-controller", create: (ctx) => new NodeLifecycleController(ctx) },
  { name: "taint-eviction-controller", create: (ctx) => new TaintEvictionController(ctx) },
  { name: "node-credential-controller", create: (ctx) => new NodeCredentialsController(ctx) },
];

export const CONTROLLER_NAMES = (): string[] => CONTROLLERS.map((f) => f.name);

/**
 * Upstream's `--controllers` syntax: `*` enables all, `name` enables one, `-name` disables one; default `*`.
 * Throws on an unknown name.
 */
export function selectControllers(spec: string[]): ControllerFactory[] {
  const known = new Set(CONTROLLER_NAMES());
  let all = false;
  const on = new Set<string>();
  const off = new Set<string>();
  for (const raw of spec.flatMap((s) => s.split(","))) {
    const item = raw.trim();
    if (!item) continue;
    if (item === "*") {
      all = true;
      continue;
    }
    const name = item.startsWith("-") ? item.slice(1) : item;
    if (!known.has(name)) {
      throw new Error(`unknown controller ${JSON.stringify(name)} (known: ${[...known].join(", ")})`);
    }
    (item.startsWith("-") ? off : on).add(name);
  }
  return CONTROLLERS.filter((f) => !off.has(f.name) && (all || on.has(f.name)));
}
