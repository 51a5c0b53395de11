// The pod sandbox's image. Upstream pulls registry.k8s.io/pause; loci must work offline, so when no
// `--pod-infra-container-image` is given it imports its own: one static executable that sleeps in pause(2)
// (ppoll(2) on arm64, which has no pause) forever. A sandbox is only ever SIGKILLed, so it needs no signal handling.
import type { Readable } from "node:stream";
import type Docker from "dockerode";
import { pack } from "tar-stream";

export const LOCI_PAUSE_IMAGE = "loci.local/pause:1";

/** Machine code of the loop, per Node architecture name. */
const LOOP: Record<string, { machine: number; code: number[] }> = {
  // mov eax, 34 (pause); syscall; jmp back
  x64: { machine: 0x3e, code: [0xb8, 0x22, 0x00, 0x00, 0x00, 0x0f, 0x05, 0xeb, 0xf7] },
  // mov x8, #73 (ppoll with no fds and no timeout); svc #0; b back
  arm64: { machine: 0xb7, code: [0x28, 0x09, 0x80, 0xd2, 0x01, 0x00, 0x00, 0xd4, 0xfe, 0xff, 0xff, 0x17] },
};

/** A minimal static ELF64 executable: the header, one loadable segment, the loop. */
export function pauseExecutable(arch: string): Buffer {
  const loop = LOOP[arch];
  if (!loop) throw new Error(`no built-in pause image for ${arch}: pass --pod-infra-container-image`);
  const base = 0x400000;
  const headers = 64 + 56;
  const size = headers + loop.code.length;
  const b = Buffer.alloc(size);
  b.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1], 0); // ELF, 64-bit, little-endian, version 1
  b.writeUInt16LE(2, 16); // executable
  b.writeUInt16LE(loop.machine, 18);
  b.writeUInt32LE(1, 20);
  b.writeBigUInt64LE(BigInt(base + headers), 24); // entry
  b.writeBigUInt64LE(64n, 32); // program headers right after this header
  b.writeUInt16LE(64, 52);
  b.writeUInt16LE(56, 54);
  b.writeUInt16LE(1, 56);
  // The one PT_LOAD segment: the whole file, readable and executable.
  b.writeUInt32LE(1, 64);
  b.writeUInt32LE(5, 68);
  b.writeBigUInt64LE(0n, 72);
  b.writeBigUInt64LE(BigInt(base), 80);
  b.writeBigUInt64LE(BigInt(base), 88);
  b.writeBigUInt64LE(BigInt(size), 96);
  b.writeBigUInt64LE(BigInt(size), 104);
  b.writeBigUInt64LE(0x1000n, 112);
  b.set(loop.code, headers);
  return b;
}

async function present(docker: Docker, image: string): Promise<boolean> {
  try {
    await docker.getImage(image).inspect();
    return true;
  } catch {
    return false;
  }
}

/** Makes loci's pause image exist (imported from a one-file root filesystem) and returns its name. */
export async function ensurePauseImage(docker: Docker): Promise<string> {
  if (await present(docker, LOCI_PAUSE_IMAGE)) return LOCI_PAUSE_IMAGE;
  const tar = pack();
  tar.entry({ name: "pause", mode: 0o755 }, pauseExecutable(process.arch));
  tar.finalize();
  const [repo, tag] = LOCI_PAUSE_IMAGE.split(":");
  const out = (await docker.importImage(tar as unknown as NodeJS.ReadableStream, { repo, tag })) as Readable;
  await new Promise<void>((resolve, reject) => {
    out.resume();
    out.on("end", resolve);
    out.on("error", reject);
  });
  if (!(await present(docker, LOCI_PAUSE_IMAGE))) throw new Error(`importing ${LOCI_PAUSE_IMAGE} failed`);
  return LOCI_PAUSE_IMAGE;
}
