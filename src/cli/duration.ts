// Go-syntax durations (`90s`, `5m`, `1h30m`, `250ms`) as the command-line contract requires.
const UNITS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Parses a Go duration into milliseconds; throws a one-line error on bad input. */
export function parseDuration(text: string): number {
  const s = text.trim();
  if (s === "0") return 0;
  const re = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/y;
  let total = 0;
  let pos = 0;
  if (!s) throw new Error(`invalid duration ${JSON.stringify(text)}`);
  while (pos < s.length) {
    re.lastIndex = pos;
    const m = re.exec(s);
    if (!m) throw new Error(`invalid duration ${JSON.stringify(text)}`);
    total += Number.parseFloat(m[1]) * UNITS[m[2]];
    pos = re.lastIndex;
  }
  return total;
}
