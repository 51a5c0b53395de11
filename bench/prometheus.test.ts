import assert from "node:assert/strict";
import { test } from "node:test";
import { sumSamples } from "./prometheus.ts";

const TEXT = `# HELP loci_store_commit_batch_size Writes per store commit (group commit).
# TYPE loci_store_commit_batch_size histogram
loci_store_commit_batch_size_bucket{le="1"} 3
loci_store_commit_batch_size_bucket{le="+Inf"} 7
loci_store_commit_batch_size_sum 120
loci_store_commit_batch_size_count 7
apiserver_registered_watchers{group="",resource="pods"} 10000
apiserver_registered_watchers{group="apps",resource="daemonsets"} 2
`;

test("sumSamples reads an unlabelled sample without matching longer names", () => {
  assert.equal(sumSamples(TEXT, "loci_store_commit_batch_size_count"), 7);
  assert.equal(sumSamples(TEXT, "loci_store_commit_batch_size_sum"), 120);
  assert.equal(sumSamples(TEXT, "loci_store_commit_batch_size"), 0);
});

test("sumSamples filters by labels and sums the matching series", () => {
  assert.equal(sumSamples(TEXT, "apiserver_registered_watchers", { resource: "pods" }), 10000);
  assert.equal(sumSamples(TEXT, "apiserver_registered_watchers"), 10002);
  assert.equal(sumSamples(TEXT, "missing_metric"), 0);
});
