// verify's reading of maxapi's /metrics against maxapi's own route (services/maxapi/src/metrics.ts),
// in process: the names, labels and number formats verify expects are the ones maxapi prints.
import express from "express";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { createLimits, type Limits } from "../../../services/maxapi/src/limits/limits.ts";
import { metricsRoute } from "../../../services/maxapi/src/metrics.ts";
import { usageRows } from "../../../services/verify/src/usage.ts";
import { poolFigures, warmPoolRow } from "../../../services/verify/src/warm-pool.ts";
import { DC, result } from "./fixtures.ts";

const NOW = Date.parse("2026-12-03T07:28:32Z");
const STATS = { hits: 4, misses: 2, fallbacks: 0, recycled: 0, idle: 2, busy: 0 };

/** GET /metrics of maxapi's route for these limits, printed as verify's probe prints it (status line first). */
async function probe(limits: Limits): Promise<string> {
  const app = express().get("/metrics", metricsRoute(() => STATS, limits));
  const server = app.listen(0, "127.0.0.1");
  try {
    await new Promise((resolve) => server.once("listening", resolve));
    const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`);
    return `${response.status}\n${await response.text()}`;
  } finally {
    server.close();
  }
}

const quiet = () => undefined;

describe("verify reads maxapi's /metrics", () => {
  it("before any answer: the pool's figures, no window yet, no billing refusal", async () => {
    const text = await probe(createLimits(quiet, () => NOW));
    expect(poolFigures(text)).toEqual(STATS);
    expect(warmPoolRow("2", result(text), DC).status).toBe("ok");
    expect(usageRows(result(text), NOW, DC, false).map((r) => [r.check, r.status, r.detail])).toEqual([
      ["usage windows", "skip", "no usage reported since maxapi started (it learns it from the first answer)"],
      ["billing refusals", "ok", "none since maxapi started"],
    ]);
  });

  it("a spent 5-hour window with refusals, a weekly one nearly spent, billing refusals by code", async () => {
    const limits = createLimits(quiet, () => NOW);
    limits.windows.record({
      status: "rejected",
      resetsAt: 1796290292,
      rateLimitType: "five_hour",
      unifiedWindows: { five_hour: { status: "rejected", utilization: 1, resetsAt: 1796290292 }, seven_day: { status: "allowed_warning", utilization: 0.91, resetsAt: 1796635892 } },
    });
    const spent = limits.windows.spentFor("opus");
    if (!spent) throw new Error("the 5-hour window should be spent");
    for (let i = 0; i < 3; i++) limits.windows.refuse(spent);
    limits.billing.check('API Error: 400 {"type":"error","error":{"type":"invalid_request_error","message":"Third-party apps now draw from your extra usage, not your plan limits."}}');
    const text = await probe(limits);
    limits.windows.close();
    expect(usageRows(result(text), NOW, DC, false).map((r) => [r.check, r.status, r.detail])).toEqual([
      ["5-hour window", "FAIL", "spent: requests are refused until 09:31 UTC (in 2 h 3 min); 3 refused so far without calling Anthropic"],
      ["weekly window", "ok", "91 % used: nearly spent; resets 09:31 UTC on 2026-12-07 (in 4 d 2 h 3 min)"],
      ["billing refusals", "FAIL", "1 refused by Anthropic since maxapi started (extra_usage_required: 1)"],
    ]);
  });
});
