// GET /metrics (Prometheus text): the warm pool's hits, misses, fallbacks and processes, read
// from the pool when scraped.
import type { RequestHandler } from "express";
import { Counter, Gauge, Registry } from "prom-client";
import type { PoolStats } from "./pool.ts";

export function metricsRoute(stats: () => PoolStats): RequestHandler {
  const registry = new Registry();
  const counter = (name: string, help: string, read: (s: PoolStats) => number) =>
    new Counter({
      name,
      help,
      registers: [registry],
      collect() {
        this.reset();
        this.inc(read(stats()));
      },
    });
  const gauge = (name: string, help: string, read: (s: PoolStats) => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        this.set(read(stats()));
      },
    });
  counter("maxapi_warm_hits_total", "Requests served by a warm CLI process", (s) => s.hits);
  counter("maxapi_warm_misses_total", "Requests that started a CLI process of their own (none warm fitted, or the pool is off)", (s) => s.misses);
  counter("maxapi_warm_fallbacks_total", "Warm CLI processes that ended before answering; the request ran on a fresh one", (s) => s.fallbacks);
  counter("maxapi_warm_recycled_total", "Warm CLI processes ended unused (idle too long, login changed, room needed, no longer wanted)", (s) => s.recycled);
  gauge("maxapi_warm_idle", "Warm CLI processes waiting for a request", (s) => s.idle);
  gauge("maxapi_cli_busy", "CLI processes serving a request", (s) => s.busy);
  return (_req, res, next) => {
    registry.metrics().then((text) => res.type(registry.contentType).send(text), next);
  };
}
