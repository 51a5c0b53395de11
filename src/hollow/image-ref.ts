// How a container runtime reports images: the reference normalized the way containerd does
// (`busybox` → `docker.io/library/busybox:latest`) and a stable fake digest for `imageID`.
import { createHash } from "node:crypto";

/** The fully qualified reference: registry, repository and a tag (`latest` when none and no digest). */
export function normalizeImage(image: string): string {
  let ref = image;
  const slash = ref.indexOf("/");
  const first = slash < 0 ? "" : ref.slice(0, slash);
  const hasRegistry = first !== "" && (first.includes(".") || first.includes(":") || first === "localhost");
  if (!hasRegistry) ref = slash < 0 ? `docker.io/library/${ref}` : `docker.io/${ref}`;
  const lastPart = ref.slice(ref.lastIndexOf("/") + 1);
  if (!ref.includes("@") && !lastPart.includes(":")) ref += ":latest";
  return ref;
}

/** `repository@sha256:<hex>`, the digest derived from the reference so it is stable across runs. */
export function fakeImageID(image: string): string {
  const ref = normalizeImage(image);
  const at = ref.indexOf("@");
  if (at >= 0) return ref;
  const colon = ref.lastIndexOf(":");
  const repo = colon > ref.lastIndexOf("/") ? ref.slice(0, colon) : ref;
  return `${repo}@sha256:${createHash("sha256").update(ref).digest("hex")}`;
}
