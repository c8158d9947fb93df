// The catch-up's HTTP side, without a port (tests mount it in-process, main.ts listens):
// GET /healthz (the last pass reached the gateway), GET /metrics (catch-up runs by outcome, entries
// waiting), GET /v1/catchup (the ledger's entries, newest first).
import express from "express";
import { Counter, Gauge, Registry } from "prom-client";
import type { CatchUp } from "./catchup.ts";
import type { Ledger } from "./ledger.ts";

/** What main.ts reports of its passes. */
export interface PassStatus {
  /** The last pass that reached the gateway (epoch ms). */
  lastOkAt: number | undefined;
  lastError: string | undefined;
}

export function createApp(
  catchUp: CatchUp,
  ledger: Ledger,
  status: PassStatus,
  pollMs: number,
  now: () => number = Date.now,
) {
  const registry = new Registry();
  const outcomes = new Counter({
    name: "catchup_runs_total",
    help: "Catch-up runs of cron jobs a spent usage window failed, by outcome (done, failed, skipped)",
    labelNames: ["outcome"],
    registers: [registry],
  });
  for (const outcome of ["done", "failed", "skipped"]) outcomes.inc({ outcome }, 0);
  const switchedOn = new Counter({
    name: "catchup_jobs_switched_on_total",
    help: "Jobs OpenClaw had switched off over a spent window, switched back on after their catch-up run",
    registers: [registry],
  });
  catchUp.on(({ kind }) => {
    if (kind === "done" || kind === "failed" || kind === "skipped") outcomes.inc({ outcome: kind });
    if (kind === "switched-on") switchedOn.inc();
  });
  new Gauge({
    name: "catchup_waiting",
    help: "Catch-up runs waiting for their window's reset or for their end",
    registers: [registry],
    collect() {
      this.set(catchUp.open.length);
    },
  });
  new Gauge({
    name: "catchup_last_pass_seconds",
    help: "When the catch-up last read OpenClaw's cron jobs (epoch seconds); absent before the first",
    registers: [registry],
    collect() {
      this.reset();
      if (status.lastOkAt !== undefined) this.set(Math.round(status.lastOkAt / 1000));
    },
  });

  const app = express();
  app.disable("x-powered-by");
  // healthy while passes reach the gateway: after the first, and for three missed passes more
  app.get("/healthz", (_req, res) => {
    if (status.lastOkAt !== undefined && now() - status.lastOkAt <= 3 * pollMs + 10_000)
      res.json({ status: "ok", lastPassAt: new Date(status.lastOkAt).toISOString() });
    else res.status(503).json({ status: "failing", reason: status.lastError ?? "no pass has reached the gateway yet" });
  });
  app.get("/metrics", async (_req, res) => {
    res.type(registry.contentType).send(await registry.metrics());
  });
  app.get("/v1/catchup", (_req, res) => {
    res.json({ entries: [...ledger.entries].reverse() });
  });
  return app;
}
