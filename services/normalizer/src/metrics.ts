// Prometheus metrics (prom-client) on a registry of the app's own, so several apps can live in
// one process (tests) without sharing counters.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

export interface QueueState {
  readonly waiting: number;
  readonly running: number;
}

export function createMetrics(queue: QueueState) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    requests: new Counter({
      name: "normalizer_requests_total",
      help: "Requests answered, by route and HTTP status",
      labelNames: ["route", "status"] as const,
      registers: [registry],
    }),
    normalizations: new Counter({
      name: "normalizer_normalizations_total",
      help: "Changes made to chat requests before they went upstream, by kind",
      labelNames: ["kind"] as const,
      registers: [registry],
    }),
    queueDepth: new Gauge({
      name: "normalizer_queue_depth",
      help: "Chat requests waiting for an upstream slot",
      registers: [registry],
      collect() {
        this.set(queue.waiting);
      },
    }),
    inFlight: new Gauge({
      name: "normalizer_upstream_in_flight",
      help: "Chat requests holding an upstream slot",
      registers: [registry],
      collect() {
        this.set(queue.running);
      },
    }),
    upstreamDuration: new Histogram({
      name: "normalizer_upstream_duration_seconds",
      help: "Time from sending a request upstream to the end of its response, by upstream status",
      labelNames: ["status"] as const,
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
