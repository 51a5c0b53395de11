// Images name host commands in the process runtime: `images.yaml` maps a repository to the entrypoint (and
// default args) an image would have. References match after stripping registry, `library/`, tag and digest,
// so `docker.io/library/nginx:1.27` and `nginx` are one entry. A container without a command whose image is
// not mapped runs a pause stand-in (the pod still gets its place and status) with an `ImageNotRun` warning.
import { readFileSync } from "node:fs";
import { parse } from "yaml";

export interface ImageEntry {
  command?: string[];
  args?: string[];
}

export type ImageMap = Map<string, ImageEntry>;

/** A pause container's behaviour: sleep until told to stop, then exit 0. */
export const PAUSE_COMMAND = ["/bin/sh", "-c", 'trap "exit 0" TERM INT; while :; do sleep 3600 & wait $!; done'];

/** `registry.io:5000/library/nginx:1.27@sha256:…` → `nginx`; `prom/node-exporter:v1` → `prom/node-exporter`. */
export function imageRepository(image: string): string {
  let ref = image.trim();
  const at = ref.indexOf("@");
  if (at >= 0) ref = ref.slice(0, at);
  const lastSlash = ref.lastIndexOf("/");
  const colon = ref.lastIndexOf(":");
  if (colon > lastSlash) ref = ref.slice(0, colon);
  const parts = ref.split("/");
  if (parts.length > 1 && (parts[0].includes(".") || parts[0].includes(":") || parts[0] === "localhost")) {
    parts.shift();
  }
  if (parts.length > 1 && parts[0] === "library") parts.shift();
  return parts.join("/");
}

function stringList(v: unknown, where: string): string[] | undefined {
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v) || v.some((s) => typeof s !== "string")) throw new Error(`${where} must be a list of strings`);
  return v as string[];
}

/** Parses an image map file's text; errors name the entry. */
export function parseImageMap(text: string, source = "image map"): ImageMap {
  const doc = parse(text) ?? {};
  const map: ImageMap = new Map();
  if (typeof doc !== "object" || Array.isArray(doc)) throw new Error(`${source}: expected a mapping with "images"`);
  const images = (doc as { images?: unknown }).images ?? {};
  if (typeof images !== "object" || Array.isArray(images) || images === null) {
    throw new Error(`${source}: "images" must map repositories to {command, args}`);
  }
  for (const [repo, entry] of Object.entries(images as Record<string, unknown>)) {
    const e = (entry ?? {}) as Record<string, unknown>;
    map.set(imageRepository(repo), {
      command: stringList(e.command, `${source}: images.${repo}.command`),
      args: stringList(e.args, `${source}: images.${repo}.args`),
    });
  }
  return map;
}

export function loadImageMap(path: string): ImageMap {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return new Map();
    throw e;
  }
  return parseImageMap(text, path);
}

export interface ResolvedCommand {
  /** Command line before `$(VAR)` expansion. */
  words: string[];
  /** True when the pause stand-in runs because nothing says what to run. */
  standIn: boolean;
}

/**
 * The kubelet's rule: `command` replaces the entrypoint and drops image args; `args` replace image args. An
 * unmapped image is taken to have no entrypoint.
 */
export function resolveCommand(container: any, images: ImageMap): ResolvedCommand {
  const entry = images.get(imageRepository(container.image ?? ""));
  const command: string[] | undefined = container.command?.length ? container.command : undefined;
  if (command) return { words: [...command, ...(container.args ?? [])], standIn: false };
  if (entry?.command?.length) {
    return { words: [...entry.command, ...(container.args ?? entry.args ?? [])], standIn: false };
  }
  // An image without an entrypoint runs its args as the command line (`kubectl run x --image=busybox -- sh -c …`).
  if (!entry && container.args?.length) return { words: [...container.args], standIn: false };
  return { words: PAUSE_COMMAND, standIn: true };
}

export function imageNotRunMessage(image: string): string {
  return `image "${image}" was not run: no host command is mapped; a stand-in pause process runs instead`;
}
