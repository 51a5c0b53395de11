// Every control loop `loci server` runs, by upstream's controller names (`--controllers` selects among them).
import type { ControllerFactory } from "./manager.ts";

export const CONTROLLERS: ControllerFactory[] = [];

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
