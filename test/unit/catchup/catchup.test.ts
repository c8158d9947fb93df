// One catch-up pass after another against a stand-in for the gateway's cron methods (the real gateway:
// test/containers/catchup.test.ts): a failed slot runs once, even when the service restarts between
// asking for the run and hearing how it ended.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spentSentence } from "@clawbridge/limits";
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { CatchUp, type CatchUpEvent } from "../../../services/catchup/src/catchup.ts";
import { GatewayError, type Call } from "../../../services/catchup/src/gateway-rpc.ts";
import { Ledger } from "../../../services/catchup/src/ledger.ts";

const M = Date.parse("2026-12-07T09:00:00Z");
const RESET = M + 9 * 60_000;

/** The gateway's cron.list / cron.run / cron.update as far as the catch-up uses them. */
class Gateway {
  jobs: Record<string, unknown>[] = [];
  runs: string[] = [];
  updates: unknown[] = [];
  refuseRuns = false;
  /** A job's next slot once its schedule is restored. */
  nextSlot = M + 3600_000;
  call: Call = (method, params) => {
    if (method === "cron.list") return Promise.resolve({ jobs: this.jobs, hasMore: false, nextOffset: null });
    if (method === "cron.run") {
      if (this.refuseRuns) return Promise.reject(new GatewayError("cron.run: HTTP 503 UNAVAILABLE", true));
      this.runs.push(String(params.id));
      return Promise.resolve({ ok: true, enqueued: true, runId: `manual:${String(params.id)}:1` });
    }
    if (method === "cron.update") {
      this.updates.push(params);
      return Promise.resolve({ ok: true });
    }
    if (method === "cron.get") {
      const job = this.jobs.find((j) => j.id === params.id);
      return job
        ? Promise.resolve({ ...job, state: { ...(job.state as object), nextRunAtMs: this.nextSlot } })
        : Promise.reject(new GatewayError("cron.get: not found", true));
    }
    return Promise.reject(new Error(`unexpected ${method}`));
  };
}

const failedJob = (id: string, state: Record<string, unknown> = {}, job: Record<string, unknown> = {}) => ({
  id,
  name: `job ${id}`,
  enabled: true,
  schedule: { kind: "cron", expr: "0 * * * *" },
  state: {
    lastRunStatus: "error",
    lastRunAtMs: M,
    lastError: `429 ${spentSentence("five_hour", RESET, M)} maxapi refuses requests.`,
    nextRunAtMs: M + 3600_000,
    ...state,
  },
  ...job,
});

let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function catchUp(gateway: Gateway, clock: { now: number }, events: CatchUpEvent[] = []) {
  const service = new CatchUp({
    call: gateway.call,
    dispatch: gateway.call,
    ledger: new Ledger(dir),
    readLimits: () =>
      Promise.resolve({
        windows: [
          {
            window: "five_hour",
            status: "rejected",
            utilization: 1,
            resetsAt: new Date(RESET).toISOString(),
            refusedLocally: 0,
          },
        ],
        extraUsage: { setting: "off", inUse: [], answers: 0, refused: 0 },
        billing: { refusals: {}, lastAt: null },
      }),
    timing: { delayMs: 60_000, spreadMs: 30_000 },
    logger: pino({ level: "silent" }),
    now: () => clock.now,
  });
  service.on((event) => events.push(event));
  return service;
}

describe("the catch-up", () => {
  it("runs each failed job once after the reset, spread out; a restart between the ask and the end runs nothing twice", async () => {
    dir = mkdtempSync(join(tmpdir(), "catchup-"));
    const gateway = new Gateway();
    gateway.jobs = [failedJob("a"), failedJob("b")];
    const clock = { now: M + 60_000 };
    const events: CatchUpEvent[] = [];
    await catchUp(gateway, clock, events).pass();
    expect(events.map((e) => `${e.kind} ${e.entry.jobId}`)).toEqual(["noted a", "noted b"]);
    expect(gateway.runs).toEqual([]);

    clock.now = RESET + 61_000;
    await catchUp(gateway, clock, events).pass();
    expect(gateway.runs, "a at reset + 1 min; b 30 s later").toEqual(["a"]);

    // restarted while a runs: the ledger on disk says it was asked for
    const again = catchUp(gateway, clock, events);
    await again.pass();
    expect(gateway.runs).toEqual(["a"]);
    clock.now = RESET + 91_000;
    await again.pass();
    expect(gateway.runs).toEqual(["a", "b"]);

    gateway.jobs = [
      failedJob("a", { lastRunStatus: "ok", lastRunAtMs: RESET + 62_000 }),
      failedJob("b", { lastRunAtMs: RESET + 92_000, lastError: "still broken" }),
    ];
    clock.now = RESET + 120_000;
    await catchUp(gateway, clock, events).pass();
    expect(events.slice(-2).map((e) => `${e.kind} ${e.entry.jobId}`)).toEqual(["done a", "failed b"]);
    const offOn = (id: string) => [
      { id, patch: { enabled: false } },
      { id, patch: { enabled: true } },
    ];
    expect(
      gateway.updates,
      "each job switched off and on first: its natural schedule back, OpenClaw's retry gone",
    ).toEqual([...offOn("a"), ...offOn("b")]);
    for (let i = 0; i < 3; i++) await catchUp(gateway, clock, events).pass();
    expect(gateway.runs, "never again for the same failed slot").toEqual(["a", "b"]);
    const ledger = JSON.parse(readFileSync(join(dir, "catchup.json"), "utf8")) as { entries: { state: string }[] };
    expect(ledger.entries.map((e) => e.state)).toEqual(["done", "failed"]);
  });

  it("a job every minute gets its schedule back, and its own next run is the catch-up's", async () => {
    dir = mkdtempSync(join(tmpdir(), "catchup-"));
    const gateway = new Gateway();
    gateway.jobs = [
      failedJob("e", { nextRunAtMs: M + 15 * 60_000 }, { schedule: { kind: "cron", expr: "* * * * *" } }),
    ];
    const clock = { now: M + 60_000 };
    const events: CatchUpEvent[] = [];
    const service = catchUp(gateway, clock, events);
    await service.pass();
    clock.now = RESET + 61_000;
    gateway.nextSlot = RESET + 120_000;
    await service.pass();
    expect(gateway.updates).toEqual([
      { id: "e", patch: { enabled: false } },
      { id: "e", patch: { enabled: true } },
    ]);
    expect(gateway.runs, "no run of its own: the schedule runs it within 2 minutes").toEqual([]);
    gateway.jobs = [
      failedJob(
        "e",
        { lastRunStatus: "ok", lastRunAtMs: RESET + 120_000 },
        { schedule: { kind: "cron", expr: "* * * * *" } },
      ),
    ];
    clock.now = RESET + 130_000;
    await service.pass();
    expect(events.map((e) => e.kind)).toEqual(["noted", "started", "done"]);
  });

  it("a one-shot job with OpenClaw's retry still pending is switched off first, then runs once", async () => {
    dir = mkdtempSync(join(tmpdir(), "catchup-"));
    const gateway = new Gateway();
    gateway.jobs = [
      failedJob("f", { nextRunAtMs: RESET + 4 * 60_000 }, { schedule: { kind: "at", at: new Date(M).toISOString() } }),
    ];
    const clock = { now: M + 60_000 };
    const service = catchUp(gateway, clock);
    await service.pass();
    clock.now = RESET + 61_000;
    await service.pass();
    expect(gateway.updates, "its retry at reset + 4 min would run the slot again").toEqual([
      { id: "f", patch: { enabled: false } },
    ]);
    expect(gateway.runs).toEqual(["f"]);
  });

  it("a job OpenClaw switched off is switched back on, and runs; a refused ask is made again", async () => {
    dir = mkdtempSync(join(tmpdir(), "catchup-"));
    const gateway = new Gateway();
    gateway.jobs = [failedJob("c", { autoDisabled: { reason: "consecutive-failures" } }, { enabled: false })];
    const clock = { now: M + 60_000 };
    const service = catchUp(gateway, clock);
    await service.pass();
    clock.now = RESET + 61_000;
    gateway.refuseRuns = true;
    await service.pass();
    expect(gateway.runs).toEqual([]);
    gateway.refuseRuns = false;
    await service.pass();
    expect(gateway.runs).toEqual(["c"]);
    expect(gateway.updates, "switched on once; the refused run asked again").toEqual([
      { id: "c", patch: { enabled: true } },
    ]);
    gateway.jobs = [failedJob("c", { lastRunStatus: "ok", lastRunAtMs: RESET + 62_000 })];
    await service.pass();
    expect(service.open).toEqual([]);
  });

  it("a failure for another cause gets nothing", async () => {
    dir = mkdtempSync(join(tmpdir(), "catchup-"));
    const gateway = new Gateway();
    gateway.jobs = [failedJob("d", { lastError: "context overflow" })];
    const clock = { now: RESET + 3600_000 };
    const service = catchUp(gateway, clock);
    await service.pass();
    expect(service.open).toEqual([]);
    expect(gateway.runs).toEqual([]);
  });
});
