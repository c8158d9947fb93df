// GET /metrics (Prometheus text), read from the live objects when scraped: the warm pool's hits,
// misses, fallbacks and processes; the subscription's usage windows (used share, reset time, spent or
// not, requests refused here while spent); extra usage (in use, billed answers, refusals by
// EXTRA_USAGE=off); Anthropic's billing refusals.
import { MAXAPI_METRICS as M } from "@clawbridge/limits";
import type { RequestHandler } from "express";
import { Counter, Gauge, Registry } from "prom-client";
import type { Limits } from "./limits/limits.ts";
import type { WindowState } from "./limits/windows.ts";
import type { PoolStats } from "./warm/pool.ts";

export function metricsRoute(stats: () => PoolStats, limits: Limits): RequestHandler {
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
  counter(M.warmHits, "Requests served by a warm CLI process", (s) => s.hits);
  counter(
    M.warmMisses,
    "Requests that started a CLI process of their own (none warm fitted, or the pool is off)",
    (s) => s.misses,
  );
  counter(
    M.warmFallbacks,
    "Warm CLI processes that ended before answering; the request ran on a fresh one",
    (s) => s.fallbacks,
  );
  counter(
    M.warmRecycled,
    "Warm CLI processes ended unused (idle too long, login changed, room needed, no longer wanted)",
    (s) => s.recycled,
  );
  gauge(M.warmIdle, "Warm CLI processes waiting for a request", (s) => s.idle);
  gauge(M.cliBusy, "CLI processes serving a request", (s) => s.busy);
  limitsMetrics(registry, limits);
  return (_req, res, next) => {
    registry.metrics().then((text) => res.type(registry.contentType).send(text), next);
  };
}

type Window = Readonly<WindowState>;

/** One sample per window seen since start, labelled with the CLI's name of it (five_hour, seven_day, ...). */
function limitsMetrics(registry: Registry, limits: Limits): void {
  const windowGauge = (name: string, help: string, read: (w: Window) => number | undefined) =>
    new Gauge({
      name,
      help,
      labelNames: ["window"],
      registers: [registry],
      collect() {
        this.reset();
        for (const [window, state] of limits.windows.snapshot) {
          const value = read(state);
          if (value !== undefined) this.set({ window }, value);
        }
      },
    });
  windowGauge(
    M.windowUtilization,
    "Share of the subscription's usage window used (0-1), as Anthropic last reported it",
    (w) => w.utilization,
  );
  windowGauge(M.windowResetsAt, "When the window resets (epoch seconds)", (w) =>
    w.resetsAt === undefined ? undefined : Math.round(w.resetsAt / 1000),
  );
  windowGauge(
    M.windowSpent,
    "1 while the window is spent: requests it applies to are refused without calling Anthropic",
    (w) => (w.status === "rejected" ? 1 : 0),
  );
  new Counter({
    name: M.windowRefusedLocally,
    help: "Requests maxapi refused while the window was spent (no CLI process, no call to Anthropic)",
    labelNames: ["window"],
    registers: [registry],
    collect() {
      this.reset();
      for (const [window, state] of limits.windows.snapshot) this.inc({ window }, state.refusedLocally);
    },
  });
  const extra = limits.extraUsage;
  new Gauge({
    name: M.extraUsageAllowed,
    help: "1 when EXTRA_USAGE=allowed (answers may be billed to the account's extra usage), 0 for off (the plan only)",
    registers: [registry],
    collect() {
      this.set(extra.setting === "allowed" ? 1 : 0);
    },
  });
  new Gauge({
    name: M.extraUsageInUse,
    help: "1 while a spent usage window is answered on extra usage (until its reset): billed with EXTRA_USAGE=allowed, refused with off",
    registers: [registry],
    collect() {
      this.set(extra.inUse.size > 0 ? 1 : 0);
    },
  });
  new Gauge({
    name: M.extraUsageUntil,
    help: "When the last window answered on extra usage resets (epoch seconds); absent when none is",
    registers: [registry],
    collect() {
      this.reset();
      const resets = [...extra.inUse.values()].map((state) => state.resetsAt);
      if (resets.length > 0) this.set(Math.round(Math.max(...resets) / 1000));
    },
  });
  new Counter({
    name: M.extraUsageAnswers,
    help: "Answers Anthropic billed to the account's extra usage (a spent window, extra usage on)",
    registers: [registry],
    collect() {
      this.reset();
      this.inc(extra.answers);
    },
  });
  new Counter({
    name: M.extraUsageRefused,
    help: "Requests maxapi refused because they would have been billed to extra usage (EXTRA_USAGE=off; no CLI process, no call to Anthropic)",
    registers: [registry],
    collect() {
      this.reset();
      this.inc(extra.refused);
    },
  });
  new Counter({
    name: M.billingRefusals,
    help: "Requests Anthropic refused on billing grounds (extra usage), by code",
    labelNames: ["code"],
    registers: [registry],
    collect() {
      this.reset();
      for (const [code, count] of limits.billing.counts) this.inc({ code }, count);
    },
  });
  new Gauge({
    name: M.billingLastRefusal,
    help: "When Anthropic last refused a request on billing grounds (epoch seconds); absent before the first",
    registers: [registry],
    collect() {
      this.reset();
      if (limits.billing.lastAt !== undefined) this.set(Math.round(limits.billing.lastAt / 1000));
    },
  });
}
