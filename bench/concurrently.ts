// Runs `total` numbered jobs with at most `concurrency` in flight (the benchmark's "N concurrent writers").

export async function concurrently(
  total: number,
  concurrency: number,
  job: (i: number) => Promise<unknown>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < total) {
      const i = next++;
      await job(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, worker));
}
