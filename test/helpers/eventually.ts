// Polling for end-to-end tests: real processes converge on their own time.

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Calls `check` until it stops throwing (or rejecting), every `every` ms for up to `ms`; rethrows the last failure. */
export async function eventually<T>(check: () => T | Promise<T>, ms = 30_000, every = 250): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    try {
      return await check();
    } catch (e) {
      if (Date.now() > end) throw e;
      await sleep(every);
    }
  }
}
