import assert from "node:assert/strict";
import { test } from "node:test";
import { imageRepository, PAUSE_COMMAND, parseImageMap, resolveCommand } from "./image-map.ts";

test("image references match without registry, library/, tag or digest", () => {
  const cases: [string, string][] = [
    ["nginx", "nginx"],
    ["nginx:1.27", "nginx"],
    ["docker.io/library/nginx:1.27", "nginx"],
    ["library/nginx", "nginx"],
    ["registry.local:5000/team/agent:v2@sha256:abc", "team/agent"],
    ["prom/node-exporter:v1.8.0", "prom/node-exporter"],
    ["localhost/x", "x"],
    ["quay.io/fluentd_elasticsearch/fluentd:v2.5.2", "fluentd_elasticsearch/fluentd"],
  ];
  for (const [ref, repo] of cases) assert.equal(imageRepository(ref), repo, ref);
});

test("the kubelet's command rule over the image map", () => {
  const images = parseImageMap(`images:
  docker.io/library/nginx:latest: {command: [nginx, -g, "daemon off;"]}
  tool: {command: [tool], args: [--default]}
`);
  assert.deepEqual(resolveCommand({ image: "nginx:1.27" }, images), {
    words: ["nginx", "-g", "daemon off;"],
    standIn: false,
  });
  assert.deepEqual(resolveCommand({ image: "tool" }, images).words, ["tool", "--default"]);
  assert.deepEqual(resolveCommand({ image: "tool", args: ["--x"] }, images).words, ["tool", "--x"]);
  // command replaces the entrypoint and the image's args
  assert.deepEqual(resolveCommand({ image: "tool", command: ["sh"], args: ["-c", "true"] }, images).words, [
    "sh",
    "-c",
    "true",
  ]);
  // an unmapped image with args runs them as the command line; with nothing, the pause stand-in
  assert.deepEqual(resolveCommand({ image: "busybox", args: ["sleep", "1"] }, images), {
    words: ["sleep", "1"],
    standIn: false,
  });
  assert.deepEqual(resolveCommand({ image: "busybox" }, images), { words: PAUSE_COMMAND, standIn: true });
});

test("a malformed image map names the entry", () => {
  assert.throws(
    () => parseImageMap("images:\n  x: {command: sh}\n", "m.yaml"),
    /m\.yaml: images\.x\.command must be a list/,
  );
  assert.throws(() => parseImageMap("- a\n", "m.yaml"), /expected a mapping/);
  assert.equal(parseImageMap("").size, 0);
});
