// The kubelet's image rules on an injected clock, with an image store the test controls.
import assert from "node:assert/strict";
import { test } from "node:test";
import { FakeClock } from "../controllers/runtime/clock.ts";
import { goDuration, ImagePuller } from "./image-pull.ts";
import type { ImageStore } from "./runtime/runtime.ts";

class FakeImages implements ImageStore {
  readonly local = new Map<string, { id: string; size: number }>();
  pulls = 0;
  failWith?: string;
  async present(image: string) {
    return this.local.get(image);
  }
  async pull(image: string) {
    this.pulls++;
    if (this.failWith) throw new Error(this.failWith);
    this.local.set(image, { id: "sha256:abc", size: 1234 });
  }
}

function recorder() {
  const events: string[] = [];
  return {
    events,
    sink: { event: (type: string, reason: string, message: string) => events.push(`${type} ${reason} ${message}`) },
  };
}

test("IfNotPresent uses a local image; Always pulls it again, with Pulling and Pulled events", async () => {
  const images = new FakeImages();
  images.local.set("busybox", { id: "sha256:1", size: 10 });
  const puller = new ImagePuller(images, new FakeClock());
  const r = recorder();
  assert.deepEqual(await puller.ensure({ image: "busybox", imagePullPolicy: "IfNotPresent" }, r.sink), { ok: true });
  assert.deepEqual(r.events, ['Normal Pulled Container image "busybox" already present on machine']);
  assert.equal(images.pulls, 0);
  const a = recorder();
  assert.deepEqual(await puller.ensure({ image: "busybox", imagePullPolicy: "Always" }, a.sink), { ok: true });
  assert.equal(images.pulls, 1);
  assert.equal(a.events[0], 'Normal Pulling Pulling image "busybox"');
  assert.match(
    a.events[1],
    /^Normal Pulled Successfully pulled image "busybox" in \S+ \(\S+ including waiting\)\. Image size: 1234 bytes\.$/,
  );
});

test("a failing pull: ErrImagePull, then ImagePullBackOff until 10, 20, 40 … 300 s have passed", async () => {
  const images = new FakeImages();
  images.failWith = "Error response from daemon: manifest unknown";
  const clock = new FakeClock();
  const puller = new ImagePuller(images, clock);
  const c = { image: "nginx:1.27", imagePullPolicy: "IfNotPresent" };
  const first = recorder();
  const r1 = await puller.ensure(c, first.sink);
  assert.deepEqual(r1, {
    ok: false,
    reason: "ErrImagePull",
    message: "Error response from daemon: manifest unknown",
    retryAt: clock.now() + 10_000,
  });
  assert.deepEqual(first.events, [
    'Normal Pulling Pulling image "nginx:1.27"',
    'Warning Failed Failed to pull image "nginx:1.27": Error response from daemon: manifest unknown',
    "Warning Failed Error: ErrImagePull",
  ]);
  const waiting = recorder();
  const r2 = await puller.ensure(c, waiting.sink);
  assert.equal(r2.ok, false);
  assert.equal(!r2.ok && r2.reason, "ImagePullBackOff");
  assert.equal(
    !r2.ok && r2.message,
    'Back-off pulling image "nginx:1.27": ErrImagePull: Error response from daemon: manifest unknown',
  );
  assert.deepEqual(waiting.events, [
    'Normal BackOff Back-off pulling image "nginx:1.27"',
    "Warning Failed Error: ImagePullBackOff",
  ]);
  assert.equal(images.pulls, 1);
  // Each failure doubles the wait, up to 5 minutes.
  const delays: number[] = [];
  for (let i = 0; i < 7; i++) {
    const r = await puller.ensure(c, recorder().sink);
    assert.equal(r.ok, false);
    if (r.ok) return;
    clock.advance(r.retryAt - clock.now());
    const again = await puller.ensure(c, recorder().sink);
    assert.equal(!again.ok && again.reason, "ErrImagePull");
    if (!again.ok) delays.push(again.retryAt - clock.now());
  }
  assert.deepEqual(delays, [20_000, 40_000, 80_000, 160_000, 300_000, 300_000, 300_000]);
  // Once the registry answers, the image is pulled and the back-off forgotten.
  images.failWith = undefined;
  clock.advance(300_000);
  assert.deepEqual(await puller.ensure(c, recorder().sink), { ok: true });
});

test("Never with no local image is ErrImageNeverPull, and nothing is pulled", async () => {
  const images = new FakeImages();
  const puller = new ImagePuller(images, new FakeClock());
  const r = recorder();
  const res = await puller.ensure({ image: "app:v2", imagePullPolicy: "Never" }, r.sink);
  assert.equal(!res.ok && res.reason, "ErrImageNeverPull");
  assert.equal(!res.ok && res.message, 'Container image "app:v2" is not present with pull policy of Never');
  assert.deepEqual(r.events, [
    'Warning ErrImageNeverPull Container image "app:v2" is not present with pull policy of Never',
  ]);
  assert.equal(images.pulls, 0);
});

test("pull times print as Go durations", () => {
  assert.equal(goDuration(250), "250ms");
  assert.equal(goDuration(1500), "1.5s");
  assert.equal(goDuration(123_456), "2m3.456s");
  assert.equal(goDuration(0.5), "500µs");
});
