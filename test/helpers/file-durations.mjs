// A node:test reporter that prints how long each test file took (CI shows where the time goes).
// Plain JavaScript: reporters load before `--import tsx` takes effect.
import { relative } from "node:path";

export default async function* fileDurations(source) {
  const perFile = new Map();
  for await (const event of source) {
    if ((event.type === "test:pass" || event.type === "test:fail") && event.data.nesting === 0 && event.data.file) {
      const file = relative(process.cwd(), event.data.file);
      perFile.set(file, (perFile.get(file) ?? 0) + (event.data.details?.duration_ms ?? 0));
    }
  }
  yield "\nTest duration per file:\n";
  for (const [file, ms] of [...perFile.entries()].sort((a, b) => b[1] - a[1])) {
    yield `  ${(ms / 1000).toFixed(2).padStart(8)} s  ${file}\n`;
  }
}
