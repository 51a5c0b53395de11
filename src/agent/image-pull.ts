// The kubelet's image manager for runtimes that run real images: imagePullPolicy decides whether to pull
// (Always; IfNotPresent; Never, which never pulls), pulls are reported with upstream's events, and a failed pull
// backs off per image (10 s doubling to 5 min, on the pod worker's clock) with the waiting reasons ErrImagePull,
// then ImagePullBackOff, or ErrImageNeverPull.
import type { Clock } from "../controllers/runtime/clock.ts";
import type { ImageStore } from "./runtime/runtime.ts";

export const IMAGE_BACKOFF_INITIAL_MS = 10_000;
export const IMAGE_BACKOFF_MAX_MS = 300_000;

export type ImageResult =
  | { ok: true }
  /** Not there (yet): the container waits with this reason; `retryAt` is when to try again. */
  | { ok: false; reason: string; message: string; retryAt: number };

export interface ImageEvents {
  event(type: "Normal" | "Warning", reason: string, message: string): void;
}

/** Go's time.Duration formatting (`1.5s`, `250ms`, `2m3.5s`), as the kubelet prints pull times. */
export function goDuration(ms: number): string {
  if (ms < 1) return `${Math.round(ms * 1000)}µs`;
  if (ms < 1000) return `${trim(ms.toFixed(3))}ms`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = trim(((ms % 60_000) / 1000).toFixed(3));
  return minutes > 0 ? `${minutes}m${seconds}s` : `${seconds}s`;
}

const trim = (n: string) => n.replace(/\.?0+$/, "");

/** The waiting message of a container whose image pull is backing off. */
export function pullBackOffMessage(image: string, error: string): string {
  return `Back-off pulling image "${image}": ErrImagePull: ${error}`;
}

interface Backoff {
  delayMs: number;
  /** When the last pull failed (clock ms). */
  at: number;
  error: string;
}

export class ImagePuller {
  private readonly backoff = new Map<string, Backoff>();

  constructor(
    private readonly store: ImageStore,
    private readonly clock: Clock,
  ) {}

  /** Makes the container's image available as its pull policy says, with the kubelet's events. */
  async ensure(container: any, events: ImageEvents): Promise<ImageResult> {
    const image = String(container.image ?? "");
    const policy = container.imagePullPolicy ?? "IfNotPresent";
    const present = await this.store.present(image);
    if (present && policy !== "Always") {
      events.event("Normal", "Pulled", `Container image "${image}" already present on machine`);
      return { ok: true };
    }
    const now = this.clock.now();
    if (policy === "Never") {
      const message = `Container image "${image}" is not present with pull policy of Never`;
      events.event("Warning", "ErrImageNeverPull", message);
      return { ok: false, reason: "ErrImageNeverPull", message, retryAt: now + IMAGE_BACKOFF_INITIAL_MS };
    }
    const b = this.backoff.get(image);
    if (b && now - b.at < b.delayMs) {
      events.event("Normal", "BackOff", `Back-off pulling image "${image}"`);
      events.event("Warning", "Failed", "Error: ImagePullBackOff");
      return {
        ok: false,
        reason: "ImagePullBackOff",
        message: pullBackOffMessage(image, b.error),
        retryAt: b.at + b.delayMs,
      };
    }
    events.event("Normal", "Pulling", `Pulling image "${image}"`);
    const started = Date.now();
    try {
      await this.store.pull(image);
    } catch (e) {
      const error = (e as Error).message;
      const delayMs = b ? Math.min(b.delayMs * 2, IMAGE_BACKOFF_MAX_MS) : IMAGE_BACKOFF_INITIAL_MS;
      this.backoff.set(image, { delayMs, at: now, error });
      events.event("Warning", "Failed", `Failed to pull image "${image}": ${error}`);
      events.event("Warning", "Failed", "Error: ErrImagePull");
      return { ok: false, reason: "ErrImagePull", message: error, retryAt: now + delayMs };
    }
    this.backoff.delete(image);
    const took = goDuration(Date.now() - started);
    const size = (await this.store.present(image))?.size;
    events.event(
      "Normal",
      "Pulled",
      `Successfully pulled image "${image}" in ${took} (${took} including waiting)${size === undefined ? "" : `. Image size: ${size} bytes.`}`,
    );
    return { ok: true };
  }
}
