// Preloaded into the server child (NODE_OPTIONS=--import) by `npm run bench -- --cpu-prof DIR`, since Node refuses
// `--cpu-prof` in NODE_OPTIONS: profiles the whole process and writes DIR/server-<pid>.cpuprofile when it exits.
import { mkdirSync, writeFileSync } from "node:fs";
import { Session } from "node:inspector";
import { join } from "node:path";

const dir = process.env.LOCI_BENCH_CPU_PROF_DIR;
if (dir) {
  const session = new Session();
  session.connect();
  session.post("Profiler.enable");
  session.post("Profiler.setSamplingInterval", { interval: 200 });
  session.post("Profiler.start");
  // A same-thread inspector session answers synchronously, so this works inside the exit handler.
  process.on("exit", () => {
    session.post("Profiler.stop", (err, res) => {
      if (err) return;
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, `server-${process.pid}.cpuprofile`), JSON.stringify(res.profile));
    });
  });
}
