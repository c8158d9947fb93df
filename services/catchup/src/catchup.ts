// One pass of the catch-up: read OpenClaw's jobs, note each failure on a spent window (plan.ts), run
// the entries that are due (the ledger written first), and see how the runs started earlier ended.
import type { Logger } from "pino";
import { GatewayError, type Call } from "./gateway-rpc.ts";
import { listJobs, readJob, type Job } from "./jobs.ts";
import type { Entry, Ledger } from "./ledger.ts";
import { resetsOf, type ReadLimits } from "./limits.ts";
import { decide, entryFor, failedOnSpentWindow, runEnd, type Timing } from "./plan.ts";

/** What happened to an entry, for the log, /metrics and notices. */
export type CatchUpEvent = { kind: "noted" | "started" | "done" | "failed" | "skipped" | "switched-on"; entry: Entry };

export interface CatchUpDeps {
  /** Reads and changes (cron.list, cron.runs, cron.update): the admin HTTP RPC. */
  call: Call;
  /** cron.run, whose work goes on after its answer: the WebSocket (gateway-ws.ts). */
  dispatch: Call;
  ledger: Ledger;
  readLimits: ReadLimits;
  timing: Timing;
  logger: Logger;
  now?: () => number;
}

export class CatchUp {
  private readonly deps: CatchUpDeps;
  private readonly now: () => number;
  private readonly listeners: ((event: CatchUpEvent) => void)[] = [];

  constructor(deps: CatchUpDeps) {
    this.deps = deps;
    this.now = deps.now ?? Date.now;
  }

  on(listener: (event: CatchUpEvent) => void): void {
    this.listeners.push(listener);
  }

  /** The entries still to run or to hear back from. */
  get open(): Entry[] {
    return this.deps.ledger.entries.filter((e) => e.state === "waiting" || e.state === "started");
  }

  /** When the next waiting entry is due (epoch ms), if any. */
  get nextDue(): number | undefined {
    const due = this.open.filter((e) => e.state === "waiting").map((e) => (e.restored === true ? e.dueAt : e.openAt));
    return due.length > 0 ? Math.min(...due) : undefined;
  }

  async pass(): Promise<void> {
    const { ledger } = this.deps;
    let jobs = await listJobs(this.deps.call);
    await this.note(jobs);
    let ran = false;
    for (const entry of ledger.entries.filter((e) => e.state === "waiting")) {
      const job = jobs.find((j) => j.id === entry.jobId);
      let decision = decide(entry, job, this.now());
      if (decision.action === "restore" && job) {
        if (!(await this.restore(entry, job))) continue;
        const fresh = readJob((await this.deps.call("cron.get", { id: entry.jobId })) as Record<string, unknown>);
        decision = decide(entry, fresh, this.now());
      }
      if (decision.action === "skip") this.end(entry, "skipped", decision.why);
      else if (decision.action === "own-run") this.ownRun(entry, decision.at);
      else if (decision.action === "run") ran = (await this.start(entry)) || ran;
    }
    if (ran) jobs = await listJobs(this.deps.call);
    for (const entry of ledger.entries.filter((e) => e.state === "started"))
      await this.follow(
        entry,
        jobs.find((j) => j.id === entry.jobId),
      );
    ledger.prune(this.now());
  }

  /** New failures on a spent window get their entry; maxapi's exact resets are read only then. */
  private async note(jobs: Job[]): Promise<void> {
    const { ledger, timing, logger } = this.deps;
    const failed = jobs.filter((job) => {
      const spent = failedOnSpentWindow(job);
      return spent !== undefined && !ledger.find(job.id, spent.window, spent.resetsAt);
    });
    if (failed.length === 0) return;
    let resets = new Map<string, number>();
    try {
      resets = resetsOf(await this.deps.readLimits());
    } catch (error) {
      logger.warn(
        { err: (error as Error).message },
        "the proxy's limits could not be read; resets are taken from the refusals' words (to the minute)",
      );
    }
    for (const job of failed) {
      const entry = entryFor(job, ledger.entries, resets, timing);
      if (!entry) continue;
      ledger.add(entry);
      this.emit("noted", entry);
    }
  }

  /**
   * Clears OpenClaw's own plan for the job, so that the slot runs once: its pending retry (up to 5
   * min after the last failure) or back-off (up to 60 min) would run it again after the catch-up (a
   * manual run keeps the job's next run). A recurring job is switched off and on: OpenClaw then
   * recomputes its next natural slot and clears its failures (on alone changes nothing when it is on).
   * A one-shot job is switched off; the catch-up run is forced. False when the gateway did not take
   * it (tried again next pass).
   */
  private async restore(entry: Entry, job: Job): Promise<boolean> {
    const update = (enabled: boolean) => this.deps.call("cron.update", { id: entry.jobId, patch: { enabled } });
    try {
      if (job.enabled) await update(false);
      if (job.kind !== "at") await update(true);
    } catch (error) {
      this.deps.logger.warn(
        { job: entry.jobName, err: (error as Error).message },
        "the job's schedule could not be restored; trying again",
      );
      return false;
    }
    this.deps.ledger.update(entry, { restored: true });
    if (job.autoDisabled) this.emit("switched-on", entry);
    return true;
  }

  /** The job's own next run, within 2 minutes, is the catch-up's: followed like one. */
  private ownRun(entry: Entry, at: number): void {
    this.deps.ledger.update(entry, {
      state: "started",
      startedAt: this.now(),
      outcome: `its own run at ${new Date(at).toISOString()}`,
    });
    this.emit("started", entry);
  }

  /** Asks OpenClaw to run the job now; false when nothing was started (tried again next pass). */
  private async start(entry: Entry): Promise<boolean> {
    const { ledger, dispatch } = this.deps;
    ledger.update(entry, { state: "started", startedAt: this.now() });
    try {
      const answer = (await dispatch("cron.run", { id: entry.jobId, mode: "force" })) as {
        ran?: boolean;
        reason?: string;
        runId?: string;
      };
      if (answer.ran === false) {
        if (answer.reason === "already-running") {
          ledger.update(entry, { state: "waiting", startedAt: undefined });
          return false;
        }
        this.end(entry, "skipped", `OpenClaw did not run it (${answer.reason ?? "no reason"})`);
        return false;
      }
      ledger.update(entry, { runId: answer.runId });
      this.emit("started", entry);
      return true;
    } catch (error) {
      // refused by the gateway: nothing ran, so the entry waits; a lost answer: it may have run, so it
      // counts as started and the job's state tells how it ended
      const refused = error instanceof GatewayError && error.refused;
      this.deps.logger.warn(
        { job: entry.jobName, err: (error as Error).message },
        refused
          ? "the catch-up run was not taken; trying again"
          : "the catch-up run's answer was lost; its end is read from the job",
      );
      if (refused) {
        ledger.update(entry, { state: "waiting", startedAt: undefined });
        return false;
      }
      this.emit("started", entry);
      return true;
    }
  }

  private async follow(entry: Entry, job: Job | undefined): Promise<void> {
    const end = job ? runEnd(entry, job, this.now()) : await this.endFromHistory(entry);
    if (!end) return;
    if (end.state === "interrupted") {
      // the gateway restarted during the run: it did not run the slot, so it is asked again
      this.deps.logger.warn(
        { job: entry.jobName },
        "the catch-up run was cut short by a gateway restart; asking again",
      );
      this.deps.ledger.update(entry, {
        state: "waiting",
        startedAt: undefined,
        dueAt: this.now(),
        attempts: (entry.attempts ?? 1) + 1,
      });
      return;
    }
    this.end(entry, end.state, end.outcome);
  }

  /** A job gone since its run (a one-shot job deleted after success): its run history says how the run ended. */
  private async endFromHistory(
    entry: Entry,
  ): Promise<{ state: "done" | "failed" | "interrupted"; outcome: string } | undefined> {
    const page = (await this.deps.call("cron.runs", { id: entry.jobId, limit: 20, sortDir: "desc" })) as {
      entries?: { runId?: string; status?: string; error?: string; runAtMs?: number }[];
    };
    const run = page.entries?.find(
      (r) =>
        (entry.runId !== undefined && r.runId === entry.runId) || (r.runAtMs ?? 0) >= (entry.startedAt ?? 0) - 5_000,
    );
    if (run?.status === "ok") return { state: "done", outcome: "ok" };
    if (run?.status === "error") return { state: "failed", outcome: run.error ?? "error" };
    return runEnd(entry, undefined, this.now());
  }

  private end(entry: Entry, state: "done" | "failed" | "skipped", outcome: string): void {
    this.deps.ledger.update(entry, { state, outcome, endedAt: this.now() });
    this.emit(state, entry);
  }

  private emit(kind: CatchUpEvent["kind"], entry: Entry): void {
    for (const listener of this.listeners) listener({ kind, entry });
  }
}
