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
  const app = express().get(
    "/metrics",
    metricsRoute(() => STATS, limits),
  );
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
      ["extra usage", "ok", "not used since maxapi started (EXTRA_USAGE=off: the plan's limits only)"],
      ["billing refusals", "ok", "none since maxapi started"],
    ]);
  });

  it("a spent 5-hour window with refusals, a weekly one nearly spent, billing refusals by code", async () => {
    const limits = createLimits(quiet, () => NOW);
    limits.windows.record({
      status: "rejected",
      resetsAt: 1796290292,
      rateLimitType: "five_hour",
      unifiedWindows: {
        five_hour: { status: "rejected", utilization: 1, resetsAt: 1796290292 },
        seven_day: { status: "allowed_warning", utilization: 0.91, resetsAt: 1796635892 },
      },
    });
    const spent = limits.windows.spentFor("opus");
    if (!spent) throw new Error("the 5-hour window should be spent");
    for (let i = 0; i < 3; i++) limits.windows.refuse(spent);
    limits.billing.check(
      'API Error: 400 {"type":"error","error":{"type":"invalid_request_error","message":"Third-party apps now draw from your extra usage, not your plan limits."}}',
    );
    const text = await probe(limits);
    limits.windows.close();
    expect(usageRows(result(text), NOW, DC, false).map((r) => [r.check, r.status, r.detail])).toEqual([
      [
        "5-hour window",
        "FAIL",
        "spent: requests are refused until 09:31 UTC (in 2 h 3 min); 3 refused so far without calling Anthropic",
      ],
      ["weekly window", "ok", "91 % used: nearly spent; resets 09:31 UTC on 2026-12-07 (in 4 d 2 h 3 min)"],
      ["extra usage", "ok", "not used since maxapi started (EXTRA_USAGE=off: the plan's limits only)"],
      ["billing refusals", "FAIL", "1 refused by Anthropic since maxapi started (extra_usage_required: 1)"],
    ]);
  });

  // the 5-hour window spent, answered on extra usage (test/fixtures/cli/overage-in-use.jsonl's event)
  const billed = {
    status: "rejected",
    resetsAt: 1796290292,
    rateLimitType: "five_hour",
    isUsingOverage: true,
    overageInUse: true,
    unifiedWindows: {
      five_hour: { status: "rejected", utilization: 1, resetsAt: 1796290292 },
      seven_day: { status: "allowed", utilization: 0.42, resetsAt: 1796635892 },
    },
  } as const;
  const rowsAfter = async (limits: Limits) => {
    const text = await probe(limits);
    limits.windows.close();
    limits.extraUsage.close();
    return usageRows(result(text), NOW, DC, false).map((r) => [r.check, r.status, r.detail]);
  };

  it("EXTRA_USAGE=off: a spent window answered on extra usage fails the extra usage row with the refusals; the window row is not a spent one", async () => {
    const limits = createLimits(quiet, () => NOW, "off");
    limits.windows.record(billed);
    limits.extraUsage.record(billed);
    for (let i = 0; i < 2; i++) limits.extraUsage.refuse("opus");
    expect(await rowsAfter(limits)).toEqual([
      ["5-hour window", "ok", "100 % used: nearly spent; resets 09:31 UTC (in 2 h 3 min)"],
      ["weekly window", "ok", "42 % used, resets 09:31 UTC on 2026-12-07"],
      [
        "extra usage",
        "FAIL",
        "refused until 09:31 UTC (in 2 h 3 min): a spent window would be answered on the account's extra usage, which EXTRA_USAGE=off does not allow; 1 answer billed to it since maxapi started, 2 requests refused without calling Anthropic",
      ],
      ["billing refusals", "ok", "none since maxapi started"],
    ]);
  });

  it("EXTRA_USAGE=allowed: ok, in use and counted", async () => {
    const limits = createLimits(quiet, () => NOW, "allowed");
    for (let i = 0; i < 2; i++) limits.extraUsage.record(billed);
    expect((await rowsAfter(limits)).find(([check]) => check === "extra usage")).toEqual([
      "extra usage",
      "ok",
      "allowed (EXTRA_USAGE=allowed); in use until 09:31 UTC (in 2 h 3 min): a spent window is answered on the account's extra usage (paid); 2 answers billed to it since maxapi started",
    ]);
  });
});
