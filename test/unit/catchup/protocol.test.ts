// What the catch-up sends the gateway is what OpenClaw's protocol accepts: each call's params pass
// the validators of @openclaw/gateway-protocol (the gateway checks the same schemas, and refuses
// the rest with INVALID_REQUEST). The calls are recorded from the catch-up's own code paths.
import {
  validateCronAddParams,
  validateCronGetParams,
  validateCronListParams,
  validateCronRunParams,
  validateCronRunsParams,
  validateCronUpdateParams,
} from "@openclaw/gateway-protocol";
import { spentSentence } from "@clawbridge/limits";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { CatchUp } from "../../../services/catchup/src/catchup.ts";
import type { Call } from "../../../services/catchup/src/gateway-rpc.ts";
import { Ledger } from "../../../services/catchup/src/ledger.ts";
import { channelSink } from "../../../services/catchup/src/notices/sinks.ts";

type Validator = ((params: unknown) => boolean) & { errors?: unknown };
const VALIDATORS: Record<string, Validator> = {
  "cron.list": validateCronListParams,
  "cron.get": validateCronGetParams,
  "cron.run": validateCronRunParams,
  "cron.runs": validateCronRunsParams,
  "cron.update": validateCronUpdateParams,
  "cron.add": validateCronAddParams,
};

const M = Date.parse("2026-12-07T09:00:00Z");
const RESET = M + 9 * 60_000;

describe("the catch-up's calls, checked against OpenClaw's protocol schemas", () => {
  it("cron.list, cron.update, cron.get, cron.run and cron.runs of a catch-up; cron.add of a channel notice", async () => {
    const sent: [string, Record<string, unknown>][] = [];
    const job = (state: Record<string, unknown>, schedule: Record<string, unknown>) => ({
      id: "job-1",
      name: "report",
      enabled: true,
      schedule,
      state: {
        lastRunStatus: "error",
        lastRunAtMs: M,
        lastError: spentSentence("five_hour", RESET, M),
        nextRunAtMs: M + 3600_000,
        ...state,
      },
    });
    let jobs = [job({}, { kind: "cron", expr: "0 * * * *" })];
    const call: Call = (method, params) => {
      sent.push([method, params]);
      if (method === "cron.list") return Promise.resolve({ jobs, hasMore: false, nextOffset: null });
      if (method === "cron.get") return Promise.resolve(jobs[0]);
      if (method === "cron.run") return Promise.resolve({ ok: true, enqueued: true, runId: "manual:job-1:1:1" });
      if (method === "cron.runs") return Promise.resolve({ entries: [] });
      return Promise.resolve({ ok: true });
    };
    const dir = mkdtempSync(join(tmpdir(), "catchup-protocol-"));
    try {
      const clock = { now: M + 60_000 };
      const catchUp = new CatchUp({
        call,
        dispatch: call,
        ledger: new Ledger(dir),
        readLimits: () => Promise.resolve(undefined),
        timing: { delayMs: 15_000, spreadMs: 30_000 },
        logger: pino({ level: "silent" }),
        now: () => clock.now,
      });
      await catchUp.pass();
      clock.now = RESET + 90_000; // the refusal gives 09:09, so the reset is taken as 09:10
      await catchUp.pass();
      jobs = []; // gone after its run: the history tells
      await catchUp.pass();
      await channelSink(call, "telegram", "-1001234567890").send({
        event: "window-spent",
        key: "k",
        text: "Claude subscription: the 5-hour window is spent until 09:09 UTC.",
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(new Set(sent.map(([method]) => method))).toEqual(new Set(Object.keys(VALIDATORS)));
    for (const [method, params] of sent) {
      const validate = VALIDATORS[method];
      expect(validate, method).toBeDefined();
      expect(validate?.(params), `${method} ${JSON.stringify(params)}: ${JSON.stringify(validate?.errors)}`).toBe(true);
    }
  });
});
