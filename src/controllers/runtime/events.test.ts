import assert from "node:assert/strict";
import { test } from "node:test";
import { useInProcessServer } from "../../../test/helpers/in-process.ts";
import { EVENTS } from "../../client/client.ts";
import { FakeClock } from "./clock.ts";
import { EventRecorder } from "./events.ts";

const env = useInProcessServer();

const ds = (name: string) => ({
  apiVersion: "apps/v1",
  kind: "DaemonSet",
  metadata: { name, namespace: "default", uid: `uid-${name}`, resourceVersion: "7" },
});

async function eventsOf(name: string) {
  const list = await env.client.list(EVENTS, "default", { fieldSelector: `involvedObject.name=${name}` });
  return list.items;
}

test("an event names its object, source and reason like client-go's recorder", async () => {
  const clock = new FakeClock(Date.parse("2026-03-01T10:00:00Z"));
  const rec = new EventRecorder(env.client, "daemonset-controller", clock);
  rec.event(ds("a"), "Normal", "SuccessfulCreate", "Created pod: a-xyz12");
  await rec.flush();
  const [ev] = await eventsOf("a");
  assert.match(ev.metadata.name!, /^a\.[0-9a-f]+$/);
  assert.deepEqual(ev.involvedObject, {
    kind: "DaemonSet",
    namespace: "default",
    name: "a",
    uid: "uid-a",
    apiVersion: "apps/v1",
    resourceVersion: "7",
  });
  assert.equal(ev.reason, "SuccessfulCreate");
  assert.equal(ev.type, "Normal");
  assert.equal(ev.count, 1);
  assert.deepEqual(ev.source, { component: "daemonset-controller" });
  assert.equal(ev.firstTimestamp, "2026-03-01T10:00:00Z");
});

test("repeats bump count and lastTimestamp on one Event", async () => {
  const clock = new FakeClock(Date.parse("2026-03-01T10:00:00Z"));
  const rec = new EventRecorder(env.client, "daemonset-controller", clock);
  rec.event(ds("b"), "Warning", "FailedCreate", "Error creating: quota");
  clock.advance(5000);
  rec.event(ds("b"), "Warning", "FailedCreate", "Error creating: quota");
  rec.event(ds("b"), "Warning", "FailedCreate", "Error creating: quota");
  await rec.flush();
  const evs = await eventsOf("b");
  assert.equal(evs.length, 1);
  assert.equal(evs[0].count, 3);
  assert.equal(evs[0].lastTimestamp, "2026-03-01T10:00:05Z");
});

test("more than 10 similar messages are combined; the spam filter allows a burst of 25 per object", async () => {
  const clock = new FakeClock(Date.parse("2026-03-01T10:00:00Z"));
  const rec = new EventRecorder(env.client, "daemonset-controller", clock);
  for (let i = 0; i < 40; i++) rec.event(ds("c"), "Normal", "SuccessfulCreate", `Created pod: c-${i}`);
  await rec.flush();
  const evs = await eventsOf("c");
  const combined = evs.filter((e) => e.message.startsWith("(combined from similar events): "));
  assert.equal(evs.length - combined.length, 10, "10 distinct events");
  assert.equal(combined.length, 1);
  assert.equal(combined[0].count, 15, "25 allowed in all: 10 distinct + 15 combined");
  // After 5 minutes one more token.
  clock.advance(5 * 60_000);
  rec.event(ds("c"), "Normal", "SuccessfulCreate", "Created pod: c-late");
  rec.event(ds("c"), "Normal", "SuccessfulCreate", "Created pod: c-dropped");
  await rec.flush();
  const after = await eventsOf("c");
  const combinedAfter = after.find((e) => e.message.startsWith("(combined"))!;
  assert.equal(combinedAfter.count, 16);
  assert.match(combinedAfter.message, /c-late$/);
});
