// The server's data directory: exclusive lock, store schema version file, admin kubeconfig.
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { stringify } from "yaml";
import { STORE_SCHEMA_VERSION } from "../store/sqlite-store.ts";

export class DataDirError extends Error {}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Takes the directory's lock (a pid file); a live holder makes this fail. Returns the release function. */
export function lockDataDir(dir: string): () => void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const lock = join(dir, "lock");
  if (existsSync(lock)) {
    const pid = Number.parseInt(readFileSync(lock, "utf8").trim(), 10);
    if (pid && pid !== process.pid && alive(pid)) {
      throw new DataDirError(`data directory ${resolve(dir)} is in use by pid ${pid}`);
    }
  }
  writeFileSync(lock, `${process.pid}\n`);
  return () => {
    try {
      if (readFileSync(lock, "utf8").trim() === String(process.pid)) rmSync(lock);
    } catch {}
  };
}

/** Checks (or writes, for a new directory) the store schema version. */
export function checkVersion(dir: string): void {
  const file = join(dir, "VERSION");
  if (!existsSync(file)) {
    writeFileSync(file, `${STORE_SCHEMA_VERSION}\n`);
    return;
  }
  const text = readFileSync(file, "utf8").trim();
  const v = Number(text);
  if (!Number.isInteger(v) || v < 1 || v > STORE_SCHEMA_VERSION) {
    throw new DataDirError(
      `data directory ${resolve(dir)} has store schema version ${JSON.stringify(text)}, which this loci does not support (supports ${STORE_SCHEMA_VERSION}); use a newer loci`,
    );
  }
}

export function writeKubeconfig(file: string, server: string, caPem: string, token: string, user = "loci-admin"): void {
  const doc = {
    apiVersion: "v1",
    kind: "Config",
    clusters: [
      { name: "loci", cluster: { server, "certificate-authority-data": Buffer.from(caPem).toString("base64") } },
    ],
    users: [{ name: user, user: { token } }],
    contexts: [{ name: "loci", context: { cluster: "loci", user } }],
    "current-context": "loci",
    preferences: {},
  };
  writeFileSync(file, stringify(doc), { mode: 0o600 });
  chmodSync(file, 0o600);
}
