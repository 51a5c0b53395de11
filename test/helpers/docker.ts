// Docker for tests: the Engine named by LOCI_TEST_DOCKER_SOCKET (`.ci/run` starts one with its own socket; a
// plain DOCKER_HOST is not used, so `--runtime auto` elsewhere keeps choosing the process runtime), and a tiny
// test image made from the host's static busybox (no registry is reachable).
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import Docker from "dockerode";
import { pack } from "tar-stream";
import { dockerAnswers } from "../../src/agent/runtime/docker/docker-runtime.ts";

export const TEST_IMAGE = "loci-test/busybox:1";

/** The test Engine's socket when it answers, else undefined (the caller skips, saying why). */
export async function testDockerSocket(): Promise<string | undefined> {
  const socket = process.env.LOCI_TEST_DOCKER_SOCKET;
  if (!socket) return undefined;
  return (await dockerAnswers(socket, 2000)) ? socket : undefined;
}

export const NO_DOCKER = "no Docker Engine for tests: set LOCI_TEST_DOCKER_SOCKET (.ci/run starts one)";

/** The static busybox binary of the host, or undefined. */
function staticBusybox(): string | undefined {
  for (const path of ["/bin/busybox", "/usr/bin/busybox"]) {
    try {
      const file = execFileSync("file", ["-L", path], { encoding: "utf8" });
      if (file.includes("statically linked")) return path;
    } catch {}
  }
  return undefined;
}

/** Imports TEST_IMAGE (busybox and a symlink per applet in /bin; no CMD, so pods give a command). */
export async function ensureTestImage(socketPath: string): Promise<void> {
  const docker = new Docker({ socketPath });
  try {
    await docker.getImage(TEST_IMAGE).inspect();
    return;
  } catch {}
  const busybox = staticBusybox();
  if (!busybox) throw new Error("the test image needs a static busybox (Debian's busybox-static)");
  const applets = execFileSync(busybox, ["--list"], { encoding: "utf8" }).split("\n").filter(Boolean);
  const tar = pack();
  tar.entry({ name: "bin", type: "directory", mode: 0o755 });
  tar.entry({ name: "tmp", type: "directory", mode: 0o1777 });
  tar.entry({ name: "bin/busybox", mode: 0o755 }, readFileSync(busybox));
  for (const a of applets) if (a !== "busybox") tar.entry({ name: `bin/${a}`, type: "symlink", linkname: "busybox" });
  tar.finalize();
  const [repo, tag] = TEST_IMAGE.split(":");
  const out = await docker.importImage(tar as unknown as NodeJS.ReadableStream, { repo, tag });
  await new Promise<void>((resolve, reject) => {
    (out as NodeJS.ReadableStream).resume();
    out.on("end", resolve);
    out.on("error", reject);
  });
}

/** Containers (and sandboxes) the Engine has for one node, by their labels. */
export async function nodeContainers(socketPath: string, node: string): Promise<Docker.ContainerInfo[]> {
  return new Docker({ socketPath }).listContainers({ all: true, filters: { label: [`loci.node=${node}`] } });
}
