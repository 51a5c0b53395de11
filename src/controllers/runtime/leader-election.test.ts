import assert from "node:assert/strict";
import { test } from "node:test";
import { useInProcessServer } from "../../../test/helpers/in-process.ts";
import { LEASES } from "../../client/client.ts";
import { FakeClock } from "./clock.ts";
import { LeaderElector } from "./leader-election.ts";

const env = useInProcessServer();

/** Lets the electors' pending API calls finish. */
const settle = () => new Promise((r) => setTimeout(r, 30));

test("one of two candidates leads; the other takes over only after the lease expires on its own clock", async () => {
  const clock = new FakeClock();
  const state = { a: false, b: false };
  const elector = (id: "a" | "b") =>
    new LeaderElector({
      client: env.client,
      clock,
      namespace: "kube-system",
      name: "loci-test",
      identity: id,
      onStartedLeading: () => {
        state[id] = true;
      },
      onStoppedLeading: () => {
        state[id] = false;
      },
    });
  const a = elector("a");
  const b = elector("b");
  a.start();
  await settle();
  b.start();
  await settle();
  assert.deepEqual(state, { a: true, b: false });
  const lease = await env.client.get(LEASES, "kube-system", "loci-test");
  assert.equal(lease.spec.holderIdentity, "a");
  assert.equal(lease.spec.leaseDurationSeconds, 15);
  assert.match(lease.spec.renewTime, /\.\d{6}Z$/);
  // a keeps renewing: b never takes over.
  for (let i = 0; i < 20; i++) {
    clock.advance(2_500);
    await settle();
  }
  assert.deepEqual(state, { a: true, b: false });
  // a's process dies (stops renewing without releasing): b waits a full lease duration from when it last saw a
  // change, then takes over.
  (a as unknown as { stopped: boolean }).stopped = true;
  clock.advance(2_500);
  await settle();
  assert.equal(state.b, false);
  for (let i = 0; i < 8; i++) {
    clock.advance(2_500);
    await settle();
  }
  assert.equal(state.b, true);
  const taken = await env.client.get(LEASES, "kube-system", "loci-test");
  assert.equal(taken.spec.holderIdentity, "b");
  assert.equal(taken.spec.leaseTransitions, 1);
  await b.stop();
  assert.equal(state.b, false);
  assert.equal((await env.client.get(LEASES, "kube-system", "loci-test")).spec.holderIdentity, "");
});

test("a released lease is taken at once", async () => {
  const clock = new FakeClock();
  let led = false;
  const c = new LeaderElector({
    client: env.client,
    clock,
    namespace: "kube-system",
    name: "loci-test",
    identity: "c",
    onStartedLeading: () => {
      led = true;
    },
    onStoppedLeading: () => {},
  });
  c.start();
  await settle();
  assert.equal(led, true);
  await c.stop();
});
