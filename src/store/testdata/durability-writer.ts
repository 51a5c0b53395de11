// Child process for the kill -9 durability test: creates keys forever, keeping a few writes in flight, and
// prints "<key> <modRevision>" for each write only after its promise resolved (i.e. after COMMIT).

import { SqliteStore } from "../sqlite-store.ts";

const path = process.argv[2];
if (!path) throw new Error("usage: durability-writer.ts <db path>");

const store = SqliteStore.open(path);
const inFlight = 16;
let next = 0;

// Safety net: never outlive a test that forgot to kill us.
setTimeout(() => process.exit(2), 30_000).unref();

async function writer(): Promise<void> {
  for (;;) {
    const key = `/registry/durability/k${String(next++).padStart(6, "0")}`;
    const kv = await store.create(key, JSON.stringify({ n: next }));
    process.stdout.write(`${kv.key} ${kv.modRevision}\n`);
  }
}

for (let i = 0; i < inFlight; i++) void writer();
