// A real ApiServer in this test process (temporary data directory, free port) with an InProcessClient, started
// before the file's tests and stopped after them.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before } from "node:test";
import { ApiServer } from "../../src/apiserver/server.ts";
import { InProcessClient } from "../../src/client/in-process-client.ts";

export interface InProcessServer {
  server: ApiServer;
  client: InProcessClient;
  dir: string;
}

/** Registers before/after hooks; the returned object is filled in by the time tests run. */
export function useInProcessServer(): InProcessServer {
  const ctx = {} as InProcessServer;
  before(async () => {
    ctx.dir = mkdtempSync(join(tmpdir(), "loci-inproc-"));
    ctx.server = await ApiServer.start({ dataDir: ctx.dir, listen: "127.0.0.1:0" });
    ctx.client = new InProcessClient(ctx.server);
  });
  after(async () => {
    await ctx.client?.close();
    await ctx.server?.close();
    if (ctx.dir) rmSync(ctx.dir, { recursive: true, force: true });
  });
  return ctx;
}
