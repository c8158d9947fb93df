import { spentSentence } from "@clawbridge/limits";
import { describe, expect, it } from "vitest";
import type { Job } from "../../../services/catchup/src/jobs.ts";
import type { Entry } from "../../../services/catchup/src/ledger.ts";
import { decide, entryFor, failedOnSpentWindow, runEnd } from "../../../services/catchup/src/plan.ts";

const M = Date.parse("2026-12-07T09:00:00Z");
const RESET = M + 9 * 60_000 + 17_000; // 09:09:17
const TIMING = { delayMs: 60_000, spreadMs: 30_000 };
const refusal = (failedAt: number) =>
  `FailoverError: ${spentSentence("five_hour", RESET, failedAt)} maxapi refuses requests it applies to until then, without calling Anthropic.`;

const defined = <T>(value: T | undefined): T => {
  expect(value).toBeDefined();
  return value as T;
};

const job = (change: Partial<Job> = {}): Job => ({
  id: "job-1",
  name: "hourly report",
  kind: "cron",
  enabled: true,
  autoDisabled: false,
  lastRunStatus: "error",
  lastRunAtMs: M + 6 * 60_000,
  lastError: refusal(M + 6 * 60_000),
  runningAtMs: undefined,
  nextRunAtMs: M + 3600_000,
  ...change,
});

describe("which failures get a catch-up run", () => {
  it("a run refused on a spent window: its window and the end of the reset's minute", () => {
    expect(failedOnSpentWindow(job())).toEqual({ window: "five_hour", resetsAt: Date.parse("2026-12-07T09:10:00Z") });
  });

  it("not a run that failed otherwise, nor one that succeeded, nor a job the user switched off", () => {
    expect(failedOnSpentWindow(job({ lastError: "429 rate_limit_error: Rate limited; retry in 7 s" }))).toBeUndefined();
    expect(
      failedOnSpentWindow(job({ lastError: "Anthropic refused this request on billing grounds" })),
    ).toBeUndefined();
    expect(failedOnSpentWindow(job({ lastRunStatus: "ok" }))).toBeUndefined();
    expect(failedOnSpentWindow(job({ enabled: false }))).toBeUndefined();
  });

  it("a job OpenClaw switched off (a one-shot after its retries, a recurring one after 10 failures) does", () => {
    expect(failedOnSpentWindow(job({ enabled: false, kind: "at", nextRunAtMs: undefined }))).toBeDefined();
    expect(failedOnSpentWindow(job({ enabled: false, autoDisabled: true }))).toBeDefined();
  });
});

describe("entries", () => {
  it("the exact reset maxapi knows, when it agrees with the refusal's minute; due after the delay, the jobs at one reset spread out", () => {
    const first = defined(entryFor(job(), [], new Map([["five_hour", RESET]]), TIMING));
    expect(first).toMatchObject({
      jobId: "job-1",
      window: "five_hour",
      resetsAt: RESET,
      openAt: RESET + 60_000,
      dueAt: RESET + 60_000,
      state: "waiting",
      failedAt: M + 6 * 60_000,
    });
    const second = defined(entryFor(job({ id: "job-2" }), [first], new Map(), TIMING));
    expect(second.resetsAt, "the refusal's minute: the same reset").toBe(Date.parse("2026-12-07T09:10:00Z"));
    expect(second.dueAt).toBe(Date.parse("2026-12-07T09:10:00Z") + 60_000 + 30_000);
    const third = defined(entryFor(job({ id: "job-3" }), [first, second], new Map([["five_hour", RESET]]), TIMING));
    expect(third.dueAt).toBe(RESET + 60_000 + 2 * 30_000);
  });

  it("one entry per job and reset: OpenClaw's retries that fail on the same window add none", () => {
    const first = defined(entryFor(job({ lastRunAtMs: M, lastError: refusal(M) }), [], new Map(), TIMING));
    expect(entryFor(job(), [first], new Map([["five_hour", RESET]]), TIMING)).toBeUndefined();
  });

  it("an exact reset far from the refusal's (a later window) is not taken for it", () => {
    expect(entryFor(job(), [], new Map([["five_hour", RESET + 3600_000]]), TIMING)?.resetsAt).toBe(
      Date.parse("2026-12-07T09:10:00Z"),
    );
  });
});

describe("when a waiting entry acts", () => {
  const entry: Entry = {
    jobId: "job-1",
    jobName: "hourly report",
    window: "five_hour",
    resetsAt: RESET,
    failedAt: M,
    openAt: RESET + 60_000,
    dueAt: RESET + 90_000,
    state: "waiting",
  };
  const restored: Entry = { ...entry, restored: true };
  const after = RESET + 61_000;

  it("waits for the reset and the delay, and while the job runs", () => {
    expect(decide(entry, job(), RESET)).toEqual({ action: "wait" });
    expect(decide(entry, job({ runningAtMs: RESET + 50_000 }), after)).toEqual({ action: "wait" });
  });

  it("a recurring job first gets its schedule back, a switched-off one too; then runs at its time, before its next slot", () => {
    expect(decide(entry, job(), after)).toEqual({ action: "restore" });
    expect(decide(entry, job({ enabled: false, autoDisabled: true }), after)).toEqual({ action: "restore" });
    expect(decide(restored, job(), after), "spread: its time is 30 s later").toEqual({ action: "wait" });
    expect(decide(restored, job(), RESET + 91_000)).toEqual({ action: "run" });
  });

  it("a job whose own slot comes within 2 minutes once restored: that run is the catch-up's", () => {
    expect(decide(restored, job({ nextRunAtMs: RESET + 120_000 }), after)).toEqual({
      action: "own-run",
      at: RESET + 120_000,
    });
  });

  it("a one-shot job: OpenClaw's plan cleared too, then it runs at its time", () => {
    const oneShot = job({ enabled: false, kind: "at", nextRunAtMs: undefined });
    expect(decide(entry, oneShot, after)).toEqual({ action: "restore" });
    expect(decide(restored, oneShot, after)).toEqual({ action: "wait" });
    expect(decide(restored, oneShot, RESET + 91_000)).toEqual({ action: "run" });
  });

  it("skips it when the job ran since the reset, was switched off by the user or removed", () => {
    expect(decide(entry, job({ lastRunAtMs: RESET + 5_000, lastRunStatus: "ok" }), after)).toMatchObject({
      action: "skip",
      why: "it ran on its own after the reset (ok)",
    });
    expect(
      decide(entry, job({ lastRunAtMs: RESET - 5_000, lastRunStatus: "ok" }), after),
      "OpenClaw's retry began 5 s before the reset and its request came after it",
    ).toMatchObject({ action: "skip", why: "its own retry succeeded across the reset" });
    expect(
      decide(entry, job({ lastRunAtMs: RESET - 5_000, lastRunStatus: "error" }), after),
      "a retry that failed before the reset",
    ).toEqual({ action: "restore" });
    expect(decide(entry, job({ enabled: false }), after)).toMatchObject({ action: "skip", why: "it was switched off" });
    expect(decide(entry, undefined, after)).toMatchObject({ action: "skip", why: "the job was removed" });
  });
});

describe("how a started run ended", () => {
  const started: Entry = {
    jobId: "job-1",
    jobName: "hourly report",
    window: "five_hour",
    resetsAt: RESET,
    failedAt: M,
    openAt: RESET + 60_000,
    dueAt: RESET + 60_000,
    state: "started",
    startedAt: RESET + 61_000,
  };

  it("from the job's last run once it started after the ask", () => {
    expect(runEnd(started, job({ runningAtMs: RESET + 61_500 }), RESET + 70_000)).toBeUndefined();
    expect(runEnd(started, job(), RESET + 70_000), "the failure before the ask is not this run's").toBeUndefined();
    expect(runEnd(started, job({ lastRunAtMs: RESET + 61_500, lastRunStatus: "ok" }), RESET + 70_000)).toEqual({
      state: "done",
      outcome: "ok",
    });
    expect(runEnd(started, job({ lastRunAtMs: RESET + 61_500, lastError: "boom" }), RESET + 70_000)).toEqual({
      state: "failed",
      outcome: "boom",
    });
  });

  it("a run a gateway restart cut short is asked again, up to three times in all", () => {
    const cut = job({ lastRunAtMs: RESET + 61_500, lastError: "cron: job interrupted by gateway restart" });
    expect(runEnd(started, cut, RESET + 70_000)).toMatchObject({ state: "interrupted" });
    expect(runEnd({ ...started, attempts: 3 }, cut, RESET + 70_000)).toMatchObject({ state: "failed" });
  });

  it("failed when no end is seen within 30 minutes", () => {
    expect(runEnd(started, job(), RESET + 61_000 + 31 * 60_000)).toMatchObject({ state: "failed" });
  });
});
