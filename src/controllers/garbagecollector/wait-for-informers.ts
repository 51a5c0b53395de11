// Waits until informers have listed, for controllers whose decisions need complete caches. The manager starts
// informers right after the controllers' start(), and an informer not yet started reports "synced" at once from
// waitForSync, so this also waits for them to be started. Resolves false when `stopped()` turns true first.
import type { Informer } from "../runtime/informer.ts";

const POLL_MS = 10;

export async function waitForInformers(informers: readonly Informer[], stopped: () => boolean): Promise<boolean> {
  for (;;) {
    if (stopped()) return false;
    if (informers.every((i) => i.hasSynced())) return true;
    await new Promise((r) => setImmediate(r));
    await Promise.all(informers.map((i) => i.waitForSync()));
    if (!informers.every((i) => i.hasSynced())) {
      await new Promise((r) => {
        const t = setTimeout(r, POLL_MS);
        t.unref?.();
      });
    }
  }
}
