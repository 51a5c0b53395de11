// Reads samples out of Prometheus text exposition (the server's /metrics).

/** The sum of every sample of `name` whose labels include all of `labels`; 0 when none is exported yet. */
export function sumSamples(text: string, name: string, labels: Record<string, string> = {}): number {
  let total = 0;
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split("\n")) {
    if (line.startsWith("#") || !line.startsWith(name)) continue;
    const sp = line.lastIndexOf(" ");
    const key = line.slice(0, sp);
    if (key !== name && !key.startsWith(`${name}{`)) continue;
    if (wanted.every((w) => key.includes(w))) total += Number(line.slice(sp + 1));
  }
  return total;
}
