// maxapi's /metrics answers every name of the contract in lib/limits, which make verify, the soak and
// the alert rules read.
import type { Request, Response } from "express";
import { describe, expect, it } from "vitest";
import { MAXAPI_METRICS } from "../../../lib/limits/src/index.ts";
import { createLimits } from "../../../services/maxapi/src/limits/limits.ts";
import { metricsRoute } from "../../../services/maxapi/src/metrics.ts";

const stats = () => ({ hits: 1, misses: 2, fallbacks: 0, recycled: 0, idle: 1, busy: 0 });

function scrape(): Promise<string> {
  const handler = metricsRoute(
    stats,
    createLimits(() => undefined),
  );
  return new Promise((resolve, reject) => {
    const response = { type: () => response, send: resolve };
    void handler({} as unknown as Request, response as unknown as Response, reject);
  });
}

describe("maxapi's /metrics", () => {
  it("declares each name of lib/limits' MAXAPI_METRICS, and no other", async () => {
    const declared = [...(await scrape()).matchAll(/^# TYPE (\S+) /gm)].map(([, name]) => name);
    expect(declared.sort()).toEqual(Object.values(MAXAPI_METRICS).sort());
  });
});
