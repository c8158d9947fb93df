// GET /v1/limits: the subscription's limits as maxapi knows them, as JSON, for the services that act
// on them (the catch-up service re-runs cron jobs a spent window failed once it resets; on a gateway
// host it asks the proxy host through the normalizer, behind PROXY_API_KEY). /metrics says the same
// for Prometheus.
import type { LimitsReport } from "@clawbridge/limits";
import type { RequestHandler } from "express";
import type { Limits } from "./limits.ts";

const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());

export function limitsReport(limits: Limits): LimitsReport {
  return {
    windows: [...limits.windows.snapshot].map(([window, state]) => ({
      window,
      status: state.status,
      utilization: state.utilization ?? null,
      resetsAt: iso(state.resetsAt),
      refusedLocally: state.refusedLocally,
    })),
    extraUsage: {
      setting: limits.extraUsage.setting,
      inUse: [...limits.extraUsage.inUse].map(([window, state]) => ({
        window,
        resetsAt: new Date(state.resetsAt).toISOString(),
      })),
      answers: limits.extraUsage.answers,
      refused: limits.extraUsage.refused,
    },
    billing: { refusals: Object.fromEntries(limits.billing.counts), lastAt: iso(limits.billing.lastAt) },
  };
}

export const limitsRoute =
  (limits: Limits): RequestHandler =>
  (_req, res) => {
    res.json(limitsReport(limits));
  };
