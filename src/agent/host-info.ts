// What the machine says about itself for the Node object: capacity, an address, and nodeInfo (the kubelet's
// cadvisor/machine-info facts), read once at start.
import { readFileSync, statfsSync } from "node:fs";
import { availableParallelism, networkInterfaces, release, totalmem } from "node:os";

function readTrimmed(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8").trim();
  } catch {
    return undefined;
  }
}

/** The first non-internal IPv4 address, else 127.0.0.1. */
export function defaultNodeIP(): string {
  for (const addrs of Object.values(networkInterfaces())) {
    for (const a of addrs ?? []) if (a.family === "IPv4" && !a.internal) return a.address;
  }
  return "127.0.0.1";
}

function osImage(): string {
  const text = readTrimmed("/etc/os-release") ?? "";
  const m = /^PRETTY_NAME="?([^"\n]*)"?/m.exec(text);
  return m?.[1] ?? process.platform;
}

function arch(): string {
  return process.arch === "x64" ? "amd64" : process.arch;
}

export interface HostFacts {
  cpu: string;
  memory: string;
  ephemeralStorage?: string;
  nodeInfo: Record<string, string>;
  arch: string;
  os: string;
}

export function hostFacts(dataDir: string, runtimeVersion: string): HostFacts {
  let ephemeralStorage: string | undefined;
  try {
    const fs = statfsSync(dataDir);
    ephemeralStorage = `${Math.floor((fs.blocks * fs.bsize) / 1024)}Ki`;
  } catch {}
  const machineID = readTrimmed("/etc/machine-id") ?? "";
  return {
    cpu: String(availableParallelism()),
    memory: `${Math.floor(totalmem() / 1024)}Ki`,
    ephemeralStorage,
    arch: arch(),
    os: process.platform,
    nodeInfo: {
      machineID,
      systemUUID: readTrimmed("/sys/class/dmi/id/product_uuid") ?? machineID,
      bootID: readTrimmed("/proc/sys/kernel/random/boot_id") ?? "",
      kernelVersion: release(),
      osImage: osImage(),
      containerRuntimeVersion: runtimeVersion,
      operatingSystem: process.platform,
      architecture: arch(),
    },
  };
}
