import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { CONFIG_MAPS } from "../client/client.ts";
import type { ControllerFactory } from "../controllers/manager.ts";
import { ControlPlane } from "./control-plane.ts";

/** A real (if tiny) controller: copies every ConfigMap's data into a `<name>-copy` ConfigMap. */
const copier: ControllerFactory = {
  name: "copier",
  create(ctx) {
    const inf = ctx.informers.informer(CONFIG_MAPS);
    return {
      name: "copier",
      start() {
        inf.addHandlers({
          onAdd: (cm) => {
            if (cm.metadata.name!.endsWith("-copy")) return;
            void ctx.client
              .create(CONFIG_MAPS, cm.metadata.namespace!, {
                apiVersion: "v1",
                kind: "ConfigMap",
                metadata: { name: `${cm.metadata.name}-copy` },
                data: cm.data,
              })
              .catch(() => {});
          },
        });
      },
      async stop() {},
    };
  },
};

test("controllers run under the server's Lease and act through the in-process client; a restart resumes at once", async () => {
  const dir = mkdtempSync(join(tmpdir(), "loci-plane-"));
  try {
    let plane = await ControlPlane.start({ dataDir: dir, listen: "127.0.0.1:0", controllers: [copier] });
    await plane.manager.waitUntilRunning();
    assert.deepEqual(plane.manager.runningControllers, ["copier"]);
    await plane.client.create(CONFIG_MAPS, "default", {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "a" },
      data: { k: "v" },
    });
    const end = Date.now() + 3000;
    let copy: Awaited<ReturnType<typeof plane.client.get>> | undefined;
    while (!copy && Date.now() < end) {
      copy = await plane.client.get(CONFIG_MAPS, "default", "a-copy").catch(() => undefined);
      if (!copy) await new Promise((r) => setTimeout(r, 10));
    }
    assert.equal(copy?.data.k, "v");
    await plane.close();
    const started = Date.now();
    plane = await ControlPlane.start({ dataDir: dir, listen: "127.0.0.1:0", controllers: [copier] });
    await plane.manager.waitUntilRunning(5000);
    assert.ok(Date.now() - started < 5000, "no wait for the old lease to expire");
    await plane.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
