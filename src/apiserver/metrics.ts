// Prometheus metrics of one API server (its own registry, so several servers can live in one test process).
import { Counter, Gauge, Histogram, Registry } from "prom-client";

export class ApiMetrics {
  readonly registry = new Registry();
  readonly requests = new Counter({
    name: "apiserver_request_total",
    help: "Requests by verb, resource and HTTP code.",
    labelNames: ["verb", "group", "resource", "subresource", "code"] as const,
    registers: [this.registry],
  });
  readonly latency = new Histogram({
    name: "apiserver_request_duration_seconds",
    help: "Request latency by verb and resource (watches excluded).",
    labelNames: ["verb", "group", "resource", "subresource"] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  readonly watchers = new Gauge({
    name: "apiserver_registered_watchers",
    help: "Open watches by resource.",
    labelNames: ["group", "resource"] as const,
    registers: [this.registry],
  });
  readonly watchEvaluations = new Counter({
    name: "loci_watch_filter_evaluations_total",
    help: "Watcher filter evaluations by the index that selected the watcher (all, namespace, name, nodeName).",
    labelNames: ["resource", "index"] as const,
    registers: [this.registry],
  });
  readonly commitLatency = new Histogram({
    name: "loci_store_commit_duration_seconds",
    help: "Duration of one store commit (one fsync'd transaction).",
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [this.registry],
  });
  readonly commitBatch = new Histogram({
    name: "loci_store_commit_batch_size",
    help: "Writes per store commit (group commit).",
    buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024],
    registers: [this.registry],
  });
}
