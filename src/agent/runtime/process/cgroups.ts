// CPU and memory limits for process containers through cgroups, v2 (unified) or v1 (cpu and memory hierarchies),
// as the kubelet derives them: memory limit → memory.max / memory.limit_in_bytes; cpu limit → CFS quota per
// 100 ms period (250m → 25000). Each container run gets its own group under `loci/`; its process joins it before
// exec'ing the command, so everything it starts is inside. Needs root and a writable cgroup filesystem.
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { ContainerLimits } from "../runtime.ts";

const ROOT = "/sys/fs/cgroup";
const PERIOD_US = 100_000;

export type CgroupMode = { version: 1 | 2 } | { version: 0; why: string };

/** What this machine allows: v2, v1, or why limits cannot be enforced. */
export function detectCgroups(): CgroupMode {
  if (process.getuid?.() !== 0) return { version: 0, why: "the agent does not run as root" };
  try {
    if (existsSync(join(ROOT, "cgroup.controllers"))) {
      const controllers = readFileSync(join(ROOT, "cgroup.controllers"), "utf8");
      if (!/\bmemory\b/.test(controllers) || !/\bcpu\b/.test(controllers)) {
        return { version: 0, why: "the cgroup v2 hierarchy lacks the cpu or memory controller" };
      }
      mkdirSync(join(ROOT, "loci"), { recursive: true });
      writeFileSync(join(ROOT, "cgroup.subtree_control"), "+cpu +memory");
      writeFileSync(join(ROOT, "loci", "cgroup.subtree_control"), "+cpu +memory");
      return { version: 2 };
    }
    if (existsSync(join(ROOT, "memory")) && existsSync(join(ROOT, "cpu"))) {
      mkdirSync(join(ROOT, "memory", "loci"), { recursive: true });
      mkdirSync(join(ROOT, "cpu", "loci"), { recursive: true });
      return { version: 1 };
    }
  } catch (e) {
    return { version: 0, why: `cgroups are not writable: ${(e as Error).message}` };
  }
  return { version: 0, why: "no cgroup filesystem with cpu and memory controllers" };
}

/** The group folders of one container run (one per hierarchy). */
export function groupDirs(mode: CgroupMode, id: string): string[] {
  if (mode.version === 2) return [join(ROOT, "loci", id)];
  if (mode.version === 1) return [join(ROOT, "memory", "loci", id), join(ROOT, "cpu", "loci", id)];
  return [];
}

/** Creates the groups of a run with its limits; returns the folders whose cgroup.procs the process must join. */
export function createGroups(mode: CgroupMode, id: string, limits: ContainerLimits): string[] {
  const dirs = groupDirs(mode, id);
  for (const d of dirs) mkdirSync(d, { recursive: true });
  if (mode.version === 2) {
    const [d] = dirs;
    if (limits.memory !== undefined) writeFileSync(join(d, "memory.max"), String(limits.memory));
    if (limits.milliCpu !== undefined) {
      writeFileSync(join(d, "cpu.max"), `${Math.max(1000, (limits.milliCpu * PERIOD_US) / 1000)} ${PERIOD_US}`);
    }
  } else if (mode.version === 1) {
    const [mem, cpu] = dirs;
    if (limits.memory !== undefined) writeFileSync(join(mem, "memory.limit_in_bytes"), String(limits.memory));
    if (limits.milliCpu !== undefined) {
      writeFileSync(join(cpu, "cpu.cfs_period_us"), String(PERIOD_US));
      writeFileSync(join(cpu, "cpu.cfs_quota_us"), String(Math.max(1000, (limits.milliCpu * PERIOD_US) / 1000)));
    }
  }
  return dirs;
}

/** True when the kernel's OOM killer killed a process of the group. */
export function oomKilled(mode: CgroupMode, id: string): boolean {
  try {
    if (mode.version === 2) {
      const events = readFileSync(join(ROOT, "loci", id, "memory.events"), "utf8");
      return Number(/^oom_kill (\d+)/m.exec(events)?.[1] ?? 0) > 0;
    }
    if (mode.version === 1) {
      const ctl = readFileSync(join(ROOT, "memory", "loci", id, "memory.oom_control"), "utf8");
      const kills = /^oom_kill (\d+)/m.exec(ctl)?.[1];
      if (kills !== undefined) return Number(kills) > 0;
      return Number(readFileSync(join(ROOT, "memory", "loci", id, "memory.failcnt"), "utf8")) > 0;
    }
  } catch {}
  return false;
}

/** Removes a run's groups (once its processes are gone). */
export function removeGroups(mode: CgroupMode, id: string): void {
  for (const d of groupDirs(mode, id)) {
    try {
      rmdirSync(d);
    } catch {}
  }
}
