import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { prefixEnd, SqliteStore, STORE_SCHEMA_VERSION } from "./sqlite-store.ts";
import { CompactedError, KeyExistsError, KeyNotFoundError, RevisionMismatchError, type WatchEvent } from "./store.ts";

interface Ctx {
  after(fn: () => unknown): void;
}

/** A fresh temp dir removed after the test, plus an opener that closes every store it opened. */
function tempStore(t: Ctx, opts: Parameters<typeof SqliteStore.open>[1] = {}) {
  const dir = mkdtempSync(join(tmpdir(), "loci-store-"));
  const path = join(dir, "store.db");
  const opened: SqliteStore[] = [];
  const open = (o = opts) => {
    const s = SqliteStore.open(path, o);
    opened.push(s);
    return s;
  };
  t.after(async () => {
    for (const s of opened) await s.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return { dir, path, open, store: open() };
}

/** Records watch batches; `events` is the flat list. */
function recorder() {
  const batches: WatchEvent[][] = [];
  const errors: Error[] = [];
  return {
    batches,
    errors,
    get events() {
      return batches.flat();
    },
    handlers: { onEvents: (b: WatchEvent[]) => batches.push(b), onError: (e: Error) => errors.push(e) },
  };
}

async function until(cond: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 5));
  }
}

const tick = () => new Promise((r) => setImmediate(r));

test("create, get, CAS update, CAS delete, errors, one revision per write", async (t) => {
  const { store } = tempStore(t);
  const start = await store.revision();
  assert.equal(start, 1);

  const a = await store.create("/r/a", '{"v":1}');
  assert.deepEqual(a, { key: "/r/a", value: '{"v":1}', createRevision: 2, modRevision: 2 });
  assert.deepEqual(await store.get("/r/a"), a);
  assert.equal(await store.get("/r/missing"), undefined);
  await assert.rejects(store.create("/r/a", "{}"), KeyExistsError);

  const a2 = await store.update("/r/a", '{"v":2}', 2);
  assert.deepEqual(a2, { key: "/r/a", value: '{"v":2}', createRevision: 2, modRevision: 3 });
  await assert.rejects(store.update("/r/a", "{}", 2), (err: unknown) => {
    assert.ok(err instanceof RevisionMismatchError);
    assert.deepEqual(err.current, a2);
    return true;
  });
  await assert.rejects(store.update("/r/nope", "{}", 1), KeyNotFoundError);

  await assert.rejects(store.delete("/r/a", 2), RevisionMismatchError);
  await assert.rejects(store.delete("/r/nope"), KeyNotFoundError);
  const del = await store.delete("/r/a", 3);
  assert.deepEqual(del, { prev: a2, revision: 4 });
  assert.equal(await store.get("/r/a"), undefined);
  assert.equal(await store.revision(), 4);

  // Unconditional delete, and re-create gets a new createRevision.
  const b = await store.create("/r/a", "x");
  assert.equal(b.createRevision, 5);
  assert.equal((await store.delete("/r/a")).revision, 6);
  assert.equal(await store.revision(), 6);
});

test("range: prefix bounds, ascending order, limit/after/more, revision", async (t) => {
  const { store } = tempStore(t);
  for (const k of ["/p/c", "/p/a", "/p/b", "/p/d", "/p0", "/o/z", "/p"]) await store.create(k, k);
  const all = await store.range("/p/");
  assert.deepEqual(
    all.kvs.map((kv) => kv.key),
    ["/p/a", "/p/b", "/p/c", "/p/d"],
  );
  assert.equal(all.more, false);
  assert.equal(all.revision, await store.revision());

  const page1 = await store.range("/p/", { limit: 2 });
  assert.deepEqual(
    page1.kvs.map((kv) => kv.key),
    ["/p/a", "/p/b"],
  );
  assert.equal(page1.more, true);
  const page2 = await store.range("/p/", { limit: 2, after: "/p/b" });
  assert.deepEqual(
    page2.kvs.map((kv) => kv.key),
    ["/p/c", "/p/d"],
  );
  assert.equal(page2.more, false);
  const exact = await store.range("/p/", { limit: 4 });
  assert.equal(exact.kvs.length, 4);
  assert.equal(exact.more, false);

  assert.equal((await store.range("")).kvs.length, 7);
  assert.deepEqual(
    (await store.range("/p")).kvs.map((kv) => kv.key),
    ["/p", "/p/a", "/p/b", "/p/c", "/p/d", "/p0"],
  );
  assert.equal(prefixEnd("/p/"), "/p0");
  assert.equal(prefixEnd(""), undefined);
});

test("group commit: 200 writes in one tick share few transactions; a failed precondition fails only itself", async (t) => {
  const commits: number[] = [];
  const { store } = tempStore(t, { onCommit: (info) => commits.push(info.batchSize) });
  await store.create("/g/existing", "x");
  const before = store.stats();
  const startRev = await store.revision();

  const writes = Array.from({ length: 200 }, (_, i) => store.create(`/g/k${i}`, String(i)));
  const dup = store.create("/g/existing", "y");
  const badCas = store.update("/g/existing", "y", 999);
  const results = await Promise.all(writes);
  await assert.rejects(dup, KeyExistsError);
  await assert.rejects(badCas, RevisionMismatchError);

  const after = store.stats();
  assert.equal(after.writes - before.writes, 200);
  assert.ok(after.commits - before.commits <= 2, `commits: ${after.commits - before.commits}`);
  assert.equal(commits.at(-1), 202);
  // One revision per successful write, contiguous, in queue order.
  assert.deepEqual(
    results.map((kv) => kv.modRevision),
    Array.from({ length: 200 }, (_, i) => startRev + 1 + i),
  );
  assert.equal(await store.revision(), startRev + 200);
  assert.equal((await store.get("/g/existing"))!.value, "x");
  assert.equal((await store.range("/g/k")).kvs.length, 200);
});

test("writes in one batch see each other in queue order", async (t) => {
  const { store } = tempStore(t);
  const c = store.create("/s/k", "1");
  const u = store.update("/s/k", "2", 2);
  const d = store.delete("/s/k", 3);
  const c2 = store.create("/s/k", "3");
  assert.equal((await c).modRevision, 2);
  assert.equal((await u).modRevision, 3);
  assert.equal((await d).revision, 4);
  assert.deepEqual(await c2, { key: "/s/k", value: "3", createRevision: 5, modRevision: 5 });
});

test("watch: replay from an old revision then live, prefix filtering, prevKv, no duplicates", async (t) => {
  const { store } = tempStore(t);
  const a = await store.create("/w/a", "a1"); // 2
  await store.create("/x/other", "o"); // 3
  const a2 = await store.update("/w/a", "a2", a.modRevision); // 4
  await store.create("/w/b", "b1"); // 5

  const rec = recorder();
  store.watch("/w/", 3, rec.handlers);
  // Writes issued in the same tick as the watch: they must arrive once, live, after the replay.
  const live1 = store.delete("/w/a", a2.modRevision); // 6
  const live2 = store.create("/x/other2", "o"); // 7, filtered out
  await Promise.all([live1, live2]);
  // An awaited write has already been delivered to the watcher.
  assert.deepEqual(
    rec.events.map((e) => e.revision),
    [4, 5, 6],
  );
  await store.create("/w/c", "c1"); // 8
  assert.deepEqual(
    rec.events.map((e) => [e.type, e.key, e.revision]),
    [
      ["put", "/w/a", 4],
      ["put", "/w/b", 5],
      ["delete", "/w/a", 6],
      ["put", "/w/c", 8],
    ],
  );
  const [upd, firstPut, del] = [rec.events[0], rec.events[1], rec.events[2]];
  assert.deepEqual(upd.kv, { key: "/w/a", value: "a2", createRevision: 2, modRevision: 4 });
  assert.deepEqual(upd.prevKv, { key: "/w/a", value: "a1", createRevision: 2, modRevision: 2 });
  assert.equal(firstPut.prevKv, undefined);
  assert.equal(del.kv, undefined);
  assert.deepEqual(del.prevKv, { key: "/w/a", value: "a2", createRevision: 2, modRevision: 4 });
  // Live events carry prevKv too.
  assert.equal(rec.events[3].prevKv, undefined);
  const u = await store.update("/w/c", "c2", 8);
  assert.deepEqual(rec.events.at(-1)!.prevKv, { key: "/w/c", value: "c1", createRevision: 8, modRevision: 8 });
  assert.equal(rec.events.at(-1)!.revision, u.modRevision);
  assert.equal(rec.errors.length, 0);
});

test("watch from now (0 or current+1) gets only live events, one batch per commit", async (t) => {
  const { store } = tempStore(t);
  await store.create("/n/old", "x");
  const fromZero = recorder();
  const fromNext = recorder();
  store.watch("/n/", 0, fromZero.handlers);
  store.watch("/n/", (await store.revision()) + 1, fromNext.handlers);
  await tick();
  assert.equal(fromZero.events.length, 0);
  await Promise.all([store.create("/n/a", "1"), store.create("/n/b", "2")]);
  for (const rec of [fromZero, fromNext]) {
    assert.equal(rec.batches.length, 1);
    assert.deepEqual(
      rec.events.map((e) => e.key),
      ["/n/a", "/n/b"],
    );
  }
});

test("watch: exact-key, root and non-slash prefixes each get an event exactly once", async (t) => {
  const { store } = tempStore(t);
  const root = recorder();
  const exact = recorder();
  const partial = recorder();
  const ns = recorder();
  const other = recorder();
  store.watch("", 0, root.handlers);
  store.watch("/registry/pods/ns1/web", 0, exact.handlers);
  store.watch("/registry/po", 0, partial.handlers);
  store.watch("/registry/pods/ns1/", 0, ns.handlers);
  store.watch("/registry/pods/ns2/", 0, other.handlers);
  await store.create("/registry/pods/ns1/web", "{}");
  await store.create("/registry/pods/ns1/web-2", "{}");
  await store.create("/registry/services/ns1/web", "{}");
  assert.equal(root.events.length, 3);
  assert.deepEqual(
    exact.events.map((e) => e.key),
    ["/registry/pods/ns1/web", "/registry/pods/ns1/web-2"],
  );
  assert.equal(partial.events.length, 2);
  assert.equal(ns.events.length, 2);
  assert.equal(other.events.length, 0);
});

test("watch: CompactedError after compact, cancel stops delivery", async (t) => {
  const { store } = tempStore(t);
  for (let i = 0; i < 5; i++) await store.create(`/c/k${i}`, "v"); // revisions 2..6
  await store.compact(4);
  assert.equal(store.compactedRevision(), 4);
  assert.throws(
    () => store.watch("/c/", 4, recorder().handlers),
    (err: unknown) => err instanceof CompactedError && err.requested === 4 && err.compactRevision === 4,
  );
  assert.throws(() => store.watch("/c/", 2, recorder().handlers), CompactedError);
  await assert.rejects(store.compact(100), /newer than the current revision/);

  const rec = recorder();
  const w = store.watch("/c/", 5, rec.handlers);
  await tick();
  assert.deepEqual(
    rec.events.map((e) => e.revision),
    [5, 6],
  );
  await store.create("/c/k5", "v"); // 7
  w.cancel();
  w.cancel();
  await store.create("/c/k6", "v"); // 8
  assert.deepEqual(
    rec.events.map((e) => e.revision),
    [5, 6, 7],
  );

  // Cancel before the replay microtask: nothing is delivered.
  const early = recorder();
  store.watch("/c/", 5, early.handlers).cancel();
  await tick();
  assert.equal(early.events.length, 0);
});

test("TTL: expiry deletes keys with DELETE events; a rewrite without TTL makes the key permanent", async (t) => {
  let now = 1_000_000;
  const { store } = tempStore(t, { now: () => now });
  await store.create("/ttl/a", "a", { ttlSeconds: 10 });
  const b = await store.create("/ttl/b", "b", { ttlSeconds: 10 });
  await store.update("/ttl/b", "b2", b.modRevision); // no TTL: permanent
  await store.create("/ttl/c", "c", { ttlSeconds: 60 });
  const rec = recorder();
  store.watch("/ttl/", 0, rec.handlers);

  now += 9_000;
  assert.equal(await store.expire(), 0);
  now += 2_000;
  assert.equal(await store.expire(), 1);
  assert.equal(await store.get("/ttl/a"), undefined);
  assert.ok(await store.get("/ttl/b"));
  assert.ok(await store.get("/ttl/c"));
  assert.equal(rec.events.length, 1);
  assert.equal(rec.events[0].type, "delete");
  assert.equal(rec.events[0].key, "/ttl/a");
  assert.equal(rec.events[0].prevKv!.value, "a");
  now += 60_000;
  assert.equal(await store.expire(), 1);
  assert.deepEqual(
    (await store.range("/ttl/")).kvs.map((kv) => kv.key),
    ["/ttl/b"],
  );
});

test("maintenance compacts to the previous interval's revision and sweeps TTL", async (t) => {
  let now = 0;
  const { store } = tempStore(t, { now: () => now });
  await store.create("/m/ttl", "x", { ttlSeconds: 1 });
  for (let i = 0; i < 3; i++) await store.create(`/m/k${i}`, "v");
  const seen = await store.revision();
  now = 5_000;
  store.startMaintenance({ compactionIntervalMs: 15, checkpointIntervalMs: 15, ttlSweepIntervalMs: 15 });
  await until(() => store.compactedRevision() >= seen);
  await until(() => store.stats().writes === 5);
  assert.equal(await store.get("/m/ttl"), undefined);
});

test("reopen: state, revision and compacted revision persist; a newer schema version is refused", async (t) => {
  const { path, open, store } = tempStore(t);
  await store.create("/p/a", "1");
  const b = await store.create("/p/b", "2");
  await store.update("/p/b", "3", b.modRevision);
  await store.compact(3);
  const rev = await store.revision();
  // A write queued but not yet flushed is committed by close().
  const pending = store.create("/p/c", "4");
  await store.close();
  assert.equal((await pending).modRevision, rev + 1);
  await assert.rejects(store.create("/p/d", "x"), /store closed/);

  const again = open();
  assert.equal(await again.revision(), rev + 1);
  assert.equal(again.compactedRevision(), 3);
  assert.deepEqual(await again.get("/p/b"), { key: "/p/b", value: "3", createRevision: 3, modRevision: 4 });
  assert.throws(() => again.watch("/p/", 3, recorder().handlers), CompactedError);
  const rec = recorder();
  again.watch("/p/", 4, rec.handlers);
  await tick();
  assert.deepEqual(
    rec.events.map((e) => [e.key, e.revision]),
    [
      ["/p/b", 4],
      ["/p/c", 5],
    ],
  );
  assert.equal((await again.create("/p/e", "5")).modRevision, rev + 2);
  await again.close();
  assert.equal(rec.errors.length, 1, "close ends watches with onError");

  const raw = new Database(path);
  raw.prepare("UPDATE meta SET value = ? WHERE name = 'schema_version'").run(STORE_SCHEMA_VERSION + 1);
  raw.close();
  assert.throws(() => open(), {
    message: `store schema version ${STORE_SCHEMA_VERSION + 1} is not supported by this loci (supports 1)`,
  });
});

test("durability: every acknowledged write survives kill -9", async (t) => {
  const { path, open } = tempStore(t);
  const script = fileURLToPath(new URL("./testdata/durability-writer.ts", import.meta.url));
  const child = spawn(process.execPath, ["--import", "tsx", script, path], { stdio: ["ignore", "pipe", "pipe"] });
  t.after(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  });
  const acked = new Map<string, number>();
  let buffered = "";
  let stderr = "";
  child.stderr.on("data", (d) => {
    stderr += d;
  });
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on("exit", (_code, signal) => resolve(signal)));
  child.stdout.on("data", (chunk: Buffer) => {
    buffered += chunk.toString();
    const lines = buffered.split("\n");
    buffered = lines.pop()!; // an unterminated line is not an acknowledgement
    for (const line of lines) {
      const [key, rev] = line.split(" ");
      acked.set(key, Number(rev));
    }
    if (acked.size >= 100 && child.signalCode === null) child.kill("SIGKILL");
  });
  let stall: NodeJS.Timeout | undefined;
  const signal = await Promise.race([
    exited,
    new Promise((_, reject) => {
      stall = setTimeout(() => reject(new Error(`child stalled: ${stderr}`)), 20_000);
    }),
  ]).finally(() => clearTimeout(stall));
  assert.equal(signal, "SIGKILL", stderr);
  assert.ok(acked.size >= 100);

  const store = open();
  for (const [key, rev] of acked) {
    const kv = await store.get(key);
    assert.ok(kv, `acknowledged key ${key} lost`);
    assert.equal(kv.modRevision, rev);
  }
  assert.ok((await store.revision()) >= Math.max(...acked.values()));
});
