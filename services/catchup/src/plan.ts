// What the catch-up does with each job, decided from what OpenClaw and maxapi report (no I/O here):
// - a job whose last run failed on a spent usage window (maxapi's refusal, lib/limits/spent.ts) gets
//   one entry per window reset, due a little after it, the jobs due at one reset spread out;
// - a little after the reset OpenClaw's own plan for the job is cleared, so that its retry cannot run
//   the slot a second time: a recurring job gets its natural schedule back (switched on again if
//   OpenClaw had switched it off, its back-off and pending retry gone), a one-shot job is switched off
//   until its catch-up run; when a recurring job's next slot then comes within 2 minutes (a job every
//   few minutes), that run is the catch-up's;
// - else, at its time (the runs due at one reset spread out), the entry runs the job once, unless the
//   job ran since the reset on its own (or its retry, begun just before the reset, succeeded), or it is
//   running, or the user switched it off;
// - the run's end decides: done or failed (never tried again: one catch-up per failed slot).
import { readSpent } from "@clawbridge/limits";
import type { Job } from "./jobs.ts";
import { atReset, type Entry } from "./ledger.ts";

export interface Timing {
  /** After the reset, before the first catch-up run. */
  delayMs: number;
  /** Between the runs due at one reset. */
  spreadMs: number;
}

/** A job's own slot this close after the catch-up's time makes the catch-up unneeded. */
export const OWN_SLOT_SOON_MS = 2 * 60_000;
/** A run asked for and not seen ending within this long counts as failed. */
export const RUN_GIVE_UP_MS = 30 * 60_000;

/** The spent window and reset a job's last run failed on; undefined for any other state or cause. */
export function failedOnSpentWindow(job: Job): { window: string; resetsAt: number } | undefined {
  if (job.lastRunStatus !== "error" || job.lastError === undefined || job.lastRunAtMs === undefined) return undefined;
  // a job the user switched off stays off; OpenClaw's own switching off (one-shot after its retries,
  // recurring after 10 failures) is undone
  if (!job.enabled && !job.autoDisabled && job.kind !== "at") return undefined;
  return readSpent(job.lastError, job.lastRunAtMs);
}

/**
 * The new entry for a job's failure, or undefined when one is kept already. `exactResets`: the
 * windows' resets as maxapi knows them to the second (its /limits), preferred when they agree with
 * the refusal's minute.
 */
export function entryFor(
  job: Job,
  kept: readonly Entry[],
  exactResets: ReadonlyMap<string, number>,
  timing: Timing,
): Entry | undefined {
  const spent = failedOnSpentWindow(job);
  if (!spent) return undefined;
  const exact = exactResets.get(spent.window);
  const resetsAt = exact !== undefined && Math.abs(exact - spent.resetsAt) <= 2 * 60_000 ? exact : spent.resetsAt;
  const sameReset = kept.filter((e) => atReset(e, spent.window, resetsAt));
  if (sameReset.some((e) => e.jobId === job.id)) return undefined;
  return {
    jobId: job.id,
    jobName: job.name,
    window: spent.window,
    resetsAt,
    failedAt: job.lastRunAtMs ?? resetsAt,
    openAt: resetsAt + timing.delayMs,
    dueAt: resetsAt + timing.delayMs + sameReset.length * timing.spreadMs,
    state: "waiting",
  };
}

export type Decision =
  | { action: "wait" }
  | { action: "skip"; why: string }
  /** OpenClaw's pending retry cleared: a recurring job on its natural schedule (switched on, back-off cleared), a one-shot job off until its run. */
  | { action: "restore" }
  /** Its own next slot comes soon: that run is the catch-up's. */
  | { action: "own-run"; at: number }
  | { action: "run" };

/** What a waiting entry does now. */
export function decide(entry: Entry, job: Job | undefined, now: number): Decision {
  if (now < entry.openAt) return { action: "wait" };
  if (!job) return { action: "skip", why: "the job was removed" };
  if (job.runningAtMs !== undefined) return { action: "wait" };
  if ((job.lastRunAtMs ?? 0) >= entry.resetsAt)
    return { action: "skip", why: `it ran on its own after the reset (${job.lastRunStatus ?? "unknown"})` };
  // OpenClaw's retry that began just before the reset and asked after it: the slot has run
  if (job.lastRunStatus === "ok" && (job.lastRunAtMs ?? 0) > entry.failedAt)
    return { action: "skip", why: "its own retry succeeded across the reset" };
  if (!job.enabled && !job.autoDisabled && job.kind !== "at" && entry.restored !== true)
    return { action: "skip", why: "it was switched off" };
  if (entry.restored !== true) return { action: "restore" };
  if (job.enabled && job.nextRunAtMs !== undefined && job.nextRunAtMs <= now + OWN_SLOT_SOON_MS)
    return { action: "own-run", at: job.nextRunAtMs };
  if (now < entry.dueAt) return { action: "wait" };
  return { action: "run" };
}

/** A run OpenClaw cut short by its own restart: it did not run the slot, so it may be asked again. */
export const INTERRUPTED = /interrupted by gateway restart/;
/** Catch-up runs a restart may cut short before the entry counts as failed. */
export const MAX_ATTEMPTS = 3;

/** How a started entry ended, once OpenClaw shows the run over: done, failed, or interrupted (asked again); else undefined. */
export function runEnd(
  entry: Entry,
  job: Job | undefined,
  now: number,
): { state: "done" | "failed" | "interrupted"; outcome: string } | undefined {
  const startedAt = entry.startedAt ?? now;
  if (job && job.runningAtMs === undefined && (job.lastRunAtMs ?? 0) >= startedAt - 5_000) {
    if (job.lastRunStatus === "ok") return { state: "done", outcome: "ok" };
    const outcome = job.lastError ?? job.lastRunStatus ?? "unknown";
    return {
      state: INTERRUPTED.test(outcome) && (entry.attempts ?? 1) < MAX_ATTEMPTS ? "interrupted" : "failed",
      outcome,
    };
  }
  if (now - startedAt > RUN_GIVE_UP_MS)
    return { state: "failed", outcome: `no end seen within ${RUN_GIVE_UP_MS / 60_000} min` };
  return undefined;
}
