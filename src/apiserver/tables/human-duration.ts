// Ages as kubectl shows them: upstream `duration.HumanDuration` (k8s.io/apimachinery/pkg/util/duration) and
// the printers' `translateTimestampSince`.

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/** About two or three significant figures: `45s`, `5m3s`, `12m`, `4h20m`, `30h`, `3d4h`, `45d`, `2y3d`, `9y`. */
export function humanDuration(ms: number): string {
  // Up to two seconds in the future is clock skew and reads as "now".
  const seconds = Math.trunc(ms / SECOND);
  if (seconds < -1) return "<invalid>";
  if (seconds < 0) return "0s";
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.trunc(ms / MINUTE);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.trunc(ms / HOUR);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  const days = Math.trunc(hours / 24);
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${days}d` : `${days}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${days}d`;
  const years = Math.trunc(days / 365);
  if (hours < 24 * 365 * 8) {
    const d = days % 365;
    return d === 0 ? `${years}y` : `${years}y${d}d`;
  }
  return `${years}y`;
}

/** Parses an RFC 3339 timestamp; undefined for a missing, unparsable or Go zero (`0001-01-01…`) time. */
export function parseTimestamp(ts: unknown): number | undefined {
  if (typeof ts !== "string" || ts === "" || ts.startsWith("0001-01-01T00:00:00")) return undefined;
  const t = Date.parse(ts);
  return Number.isNaN(t) ? undefined : t;
}

/** Time elapsed since `ts` in human form; `<unknown>` when there is no timestamp. */
export function translateTimestampSince(ts: unknown, now: Date): string {
  const t = parseTimestamp(ts);
  return t === undefined ? "<unknown>" : humanDuration(now.getTime() - t);
}
