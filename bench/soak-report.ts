// The soak's arithmetic (bench/soak.ts runs the stack and collects; this file only counts): the
// fault schedule for a run of N minutes, each job's minute slots against OpenClaw's run records,
// maxapi's CLI processes against the spent window, the table and the JSON summary. No I/O here.

export const MINUTE = 60_000;

/** The faults; one letter each in the timeline. */
export const FAULTS = {
  burst: { letter: "R", label: "a burst of 429s (Anthropic's short rate limit)" },
  spent: { letter: "S", label: "the 5-hour window spent" },
  kill: { letter: "K", label: "maxapi killed while answering (SIGKILL to its server; back by its restart policy)" },
  restart: { letter: "G", label: "the gateway restarted (docker restart)" },
} as const;
export type FaultKind = keyof typeof FAULTS;

/** When each fault starts and when it is planned to stop, in ms after slot 0 (kill: when the mock is slowed; the kill follows the slot's first request). */
export interface PlannedFault {
  kind: FaultKind;
  at: number;
  /** burst: mode back to ok; spent: the window's reset. */
  until?: number;
}

/**
 * The faults of a run of `minutes` (slots 0..minutes, a minute apart), one after the other. For 10
 * minutes: maxapi killed while it answers slot 1's runs (the mock slowed from 0:50 so that they
 * take seconds); 429s from 1:55 to 2:25; the 5-hour window spent from 2:30 to its reset at 5:30;
 * the gateway restarted at 6:20; slots 7 to 10 without a fault. The kill comes first because it
 * needs requests in flight: a restart before it can cost the next slots (OpenClaw runs the jobs it
 * missed while down 2 minutes after its start), and the jobs the spent window fails are held back by
 * OpenClaw's error backoff for minutes. The restart comes last, while they are. Shorter runs have a
 * shorter window (at least 1 minute, so at least 6 minutes in all); longer ones a longer tail.
 */
export function faultPlan(minutes: number): PlannedFault[] {
  if (!Number.isInteger(minutes) || minutes < 6)
    throw new Error(`SOAK_MINUTES must be a whole number of at least 6, not ${String(minutes)}`);
  const spentMinutes = Math.min(3, minutes - 5);
  const s = (minute: number, seconds: number) => minute * MINUTE + seconds * 1000;
  return [
    { kind: "kill", at: s(1, -10) },
    { kind: "burst", at: s(2, -5), until: s(2, 25) },
    { kind: "spent", at: s(2, 30), until: s(2 + spentMinutes, 30) },
    { kind: "restart", at: s(3 + spentMinutes, 20) },
  ];
}

/** One finished run, as `openclaw cron runs --json` lists it (the fields the soak reads). */
export interface CronRunEntry {
  ts: number;
  jobId: string;
  action: string;
  status?: string;
  completionStatus?: string;
  error?: string;
  runAtMs?: number;
  durationMs?: number;
}

/** A job's state as `openclaw cron list --json` gives it at the end. */
export interface CronJobState {
  lastRunStatus?: string;
  lastStatus?: string;
  lastError?: string;
  consecutiveErrors?: number;
  nextRunAtMs?: number;
  lastRunAtMs?: number;
}

/** A fault as it happened: epoch ms from its start to the stack being whole again. */
export interface FaultSpan {
  kind: FaultKind;
  from: number;
  to: number;
}

export type SlotOutcome = "ok" | "error" | "skipped" | "none";
const SLOT_LETTER: Record<SlotOutcome, string> = { ok: "o", error: "x", skipped: "s", none: "." };

export const succeeded = (run: CronRunEntry) =>
  run.status === "ok" && (run.completionStatus === undefined || run.completionStatus === "succeeded");

/** The outcome of each slot: runs that started in its minute [slot, slot + 1 min), a retry included; ok if one of them succeeded. */
export function slotOutcomes(slots: number[], runs: CronRunEntry[]): SlotOutcome[] {
  return slots.map((slot) => {
    const inMinute = runs.filter(
      (run) => run.runAtMs !== undefined && run.runAtMs >= slot && run.runAtMs < slot + MINUTE,
    );
    if (inMinute.some(succeeded)) return "ok";
    if (inMinute.some((run) => run.status === "error")) return "error";
    return inMinute.length > 0 ? "skipped" : "none";
  });
}

export interface JobFigures {
  name: string;
  agent: string;
  /** Minute slots of the run (slot 0 to slot N). */
  due: number;
  /** Slots with a successful run. */
  done: number;
  /** Slots without a successful run before the last fault was over (the stack whole again). */
  failedBeforeFaultsOver: number;
  /** Slots without a successful run after the last fault was over. */
  lost: number;
  /** Runs OpenClaw recorded in the slots' time (retries included), and how many ended in error. */
  runs: number;
  errors: number;
  /** Seconds from the window's reset to the start and to the end of this job's first successful run after it. */
  resetToOk: { startedS: number; finishedS: number } | undefined;
  /** The job's state at the end, as OpenClaw gives it. */
  end: { status: string; consecutiveErrors: number; error: string | undefined };
  /** The job's state at the end is ok: its last run succeeded and no errors are counted against it. */
  endOk: boolean;
  timeline: string;
  /** Each slot without a successful run (minute after slot 0): lost or not, why as far as the records tell, and when the job ran next (seconds after the slot). */
  notOkSlots: { minute: number; lost: boolean; reason: string; nextRunAfterS: number | undefined }[];
}

/** OpenClaw 2026.9.6's backoff of a recurring job after 1, 2, 3, 4, 5+ errors in a row, from the last run's end (docs/cli/cron.md). */
export const OPENCLAW_ERROR_BACKOFF_MS = [30_000, 60_000, 300_000, 900_000, 3_600_000];

/** Why a slot had no successful run, from the job's runs and the faults. */
function notOkReason(slot: number, runs: CronRunEntry[], faults: FaultSpan[]): string {
  const inMinute = runs.filter(
    (run) => run.runAtMs !== undefined && run.runAtMs >= slot && run.runAtMs < slot + MINUTE,
  );
  const failed = inMinute.find((run) => run.status === "error");
  if (failed) return `its run failed: ${(failed.error ?? "no error text").replace(/\s+/g, " ").slice(0, 120)}`;
  const before = runs.filter((run) => (run.runAtMs ?? 0) < slot).sort((a, b) => (a.runAtMs ?? 0) - (b.runAtMs ?? 0));
  let errorsInARow = 0;
  for (let i = before.length - 1; i >= 0 && before[i]?.status === "error"; i--) errorsInARow++;
  const last = before.at(-1);
  if (last && errorsInARow > 0) {
    const until =
      (last.runAtMs ?? 0) +
      (last.durationMs ?? 0) +
      (OPENCLAW_ERROR_BACKOFF_MS[Math.min(errorsInARow, OPENCLAW_ERROR_BACKOFF_MS.length) - 1] ?? 0);
    if (until > slot)
      return `no run: OpenClaw's error backoff after ${errorsInARow} error(s) in a row, until ${Math.round((until - slot) / 1000)} s after the slot`;
  }
  const running = before.find((run) => (run.runAtMs ?? 0) + (run.durationMs ?? 0) > slot);
  if (running)
    return `no run: its run started ${Math.round((slot - (running.runAtMs ?? 0)) / 1000)} s before was still going (OpenClaw skips a slot that comes while the job runs)`;
  const restart = faults.find((f) => f.kind === "restart" && f.from <= slot + MINUTE && f.to > slot - 3 * MINUTE);
  if (restart) return "no run: the gateway restarted (a slot it was down for is run 2 minutes after its start)";
  return "no run";
}

/** A job's figures over the run's slots; the faults as they happened (the last one's end: the stack whole again). */
export function jobFigures(
  job: { name: string; agent: string },
  slots: number[],
  runs: CronRunEntry[],
  state: CronJobState | undefined,
  faults: FaultSpan[],
  resetAt: number,
): JobFigures {
  const faultsEnd = Math.max(...faults.map((f) => f.to));
  const outcomes = slotOutcomes(slots, runs);
  const first = slots[0] ?? 0;
  const inRun = runs.filter(
    (run) => run.runAtMs !== undefined && run.runAtMs >= first && run.runAtMs < (slots.at(-1) ?? first) + MINUTE,
  );
  const afterReset = runs
    .filter((run) => succeeded(run) && (run.runAtMs ?? 0) >= resetAt)
    .sort((a, b) => (a.runAtMs ?? 0) - (b.runAtMs ?? 0))[0];
  const status = state?.lastRunStatus ?? state?.lastStatus ?? "never ran";
  const consecutiveErrors = state?.consecutiveErrors ?? 0;
  return {
    ...job,
    due: slots.length,
    done: outcomes.filter((o) => o === "ok").length,
    failedBeforeFaultsOver: outcomes.filter((o, i) => o !== "ok" && (slots[i] ?? 0) < faultsEnd).length,
    lost: outcomes.filter((o, i) => o !== "ok" && (slots[i] ?? 0) >= faultsEnd).length,
    runs: inRun.length,
    errors: inRun.filter((run) => run.status === "error").length,
    resetToOk: afterReset && {
      startedS: ((afterReset.runAtMs ?? 0) - resetAt) / 1000,
      finishedS: (afterReset.ts - resetAt) / 1000,
    },
    end: { status, consecutiveErrors, error: state?.lastError },
    endOk: status === "ok" && consecutiveErrors === 0,
    timeline: outcomes.map((o) => SLOT_LETTER[o]).join(" "),
    notOkSlots: slots.flatMap((slot, minute) => {
      if (outcomes[minute] === "ok") return [];
      const next = runs
        .map((run) => run.runAtMs ?? 0)
        .filter((at) => at >= slot + MINUTE)
        .sort((a, b) => a - b)[0];
      const nextRunAfterS = next === undefined ? undefined : Math.round((next - slot) / 1000);
      return [{ minute, lost: slot >= faultsEnd, reason: notOkReason(slot, runs, faults), nextRunAfterS }];
    }),
  };
}

/** A job with one slot in the run (an hourly job at a fixed minute, a one-shot job), the slot in the spent window. */
export interface OnceFigures {
  name: string;
  kind: "hourly" | "one-shot";
  /** Its slot, in minutes after slot 0. */
  slotMinute: number;
  runs: number;
  errors: number;
  /** Successful runs from its slot on: 1 is the target; 0 is a lost slot, 2 a slot run twice. */
  successes: number;
  /** Seconds from the reset to the start of its first successful run. */
  resetToOkS: number | undefined;
  end: { status: string; consecutiveErrors: number; enabled: boolean };
  endOk: boolean;
}

export function onceFigures(
  job: { name: string; kind: "hourly" | "one-shot" },
  slotAt: number,
  slot0: number,
  runs: CronRunEntry[],
  state: (CronJobState & { enabled?: boolean }) | undefined,
  resetAt: number,
): OnceFigures {
  const inRun = runs.filter((run) => (run.runAtMs ?? 0) >= slotAt);
  const ok = inRun.filter(succeeded).sort((a, b) => (a.runAtMs ?? 0) - (b.runAtMs ?? 0));
  const status = state?.lastRunStatus ?? state?.lastStatus ?? "never ran";
  const consecutiveErrors = state?.consecutiveErrors ?? 0;
  return {
    ...job,
    slotMinute: Math.round((slotAt - slot0) / MINUTE),
    runs: inRun.length,
    errors: inRun.filter((run) => run.status === "error").length,
    successes: ok.length,
    resetToOkS: ok[0] && ((ok[0].runAtMs ?? 0) - resetAt) / 1000,
    end: { status, consecutiveErrors, enabled: state?.enabled ?? false },
    endOk: status === "ok" && consecutiveErrors === 0,
  };
}

/** Which faults were on during each slot's minute, as letters ("-" for none). */
export function faultTimeline(slots: number[], faults: FaultSpan[]): string {
  return slots
    .map((slot) => {
      const on = faults.filter((f) => f.from < slot + MINUTE && f.to > slot).map((f) => FAULTS[f.kind].letter);
      return on.length === 0 ? "-" : on.join("");
    })
    .join(" ");
}

/** A pino line of maxapi's log (the fields the soak reads). */
export interface LogLine {
  time: number;
  msg: string;
  status?: number;
  error?: string;
  reqId?: string;
  pid?: number;
  warm?: boolean;
  window?: string;
}

export interface SpentFigures {
  /** When the mock's window was set spent, when maxapi first logged it spent, and its reset (epoch ms). */
  spentAt: number;
  maxapiKnewAt: number | undefined;
  resetAt: number;
  /** CLI processes for a request started from the mock's window spent until maxapi knew: the requests that learnt it. */
  cliBeforeKnown: number;
  /** CLI processes for a request started while maxapi knew the window was spent, up to the reset. The target is 0. */
  cliWhileSpent: number;
  /** Requests maxapi answered 429 by itself (no CLI) while spent, from its log. */
  refusedLocally: number;
  /** Requests to the mock's Messages API from the window spent to its reset. */
  anthropicCalls: number | undefined;
}

const isCliStart = (line: LogLine) =>
  line.msg === "CLI process for a request" || line.msg.startsWith("warm CLI process was gone when handed over");

export function spentFigures(
  log: LogLine[],
  spentAt: number,
  resetAt: number,
  anthropicCalls: number | undefined,
): SpentFigures {
  const knew = log.find(
    (line) => line.time >= spentAt && line.time < resetAt && /^Claude subscription: the .* is spent/.test(line.msg),
  );
  const maxapiKnewAt = knew?.time;
  const known = maxapiKnewAt ?? resetAt;
  return {
    spentAt,
    maxapiKnewAt,
    resetAt,
    cliBeforeKnown: log.filter((line) => isCliStart(line) && line.time >= spentAt && line.time < known).length,
    cliWhileSpent: log.filter((line) => isCliStart(line) && line.time >= known && line.time < resetAt).length,
    refusedLocally: log.filter(
      (line) =>
        line.msg === "request completed" &&
        line.status === 429 &&
        line.time >= known &&
        line.time < resetAt &&
        /without calling Anthropic/.test(line.error ?? ""),
    ).length,
    anthropicCalls,
  };
}

export interface Summary {
  minutes: number;
  slot0: string;
  faults: { kind: FaultKind; from: string; to: string }[];
  faultsOverAt: string;
  jobs: JobFigures[];
  /** The hourly and one-shot jobs whose slot met the spent window. */
  once: OnceFigures[];
  spent: SpentFigures;
  /** Seconds from the reset to the first successful run of the slowest job; undefined when a job had none. */
  resetToFirstOkS: number | undefined;
  targets: {
    noRunsLostAfterFaults: boolean;
    noSlotRunTwice: boolean;
    noCliWhileSpent: boolean;
    everyJobOkAtEnd: boolean;
  };
  pass: boolean;
  notes: string[];
}

export function summarize(
  minutes: number,
  slots: number[],
  faults: FaultSpan[],
  jobs: JobFigures[],
  once: OnceFigures[],
  spent: SpentFigures,
  notes: string[],
): Summary {
  const iso = (ms: number) => new Date(ms).toISOString();
  const faultsOver = Math.max(...faults.map((f) => f.to));
  const backAfter = jobs.map((job) => job.resetToOk?.finishedS);
  const targets = {
    noRunsLostAfterFaults: jobs.every((job) => job.lost === 0) && once.every((job) => job.successes > 0),
    noSlotRunTwice: once.every((job) => job.successes <= 1),
    noCliWhileSpent: spent.cliWhileSpent === 0,
    everyJobOkAtEnd: jobs.every((job) => job.endOk) && once.every((job) => job.endOk),
  };
  return {
    minutes,
    slot0: iso(slots[0] ?? 0),
    faults: faults.map((f) => ({ kind: f.kind, from: iso(f.from), to: iso(f.to) })),
    faultsOverAt: iso(faultsOver),
    jobs,
    once,
    spent,
    resetToFirstOkS: backAfter.some((s) => s === undefined) ? undefined : Math.max(...backAfter.map((s) => s ?? 0)),
    targets,
    pass: Object.values(targets).every(Boolean),
    notes,
  };
}

/** Each job's runs from slot 0 on, one line each: start after slot 0, how long, status, model, the error's start. */
export function formatRuns(jobs: { name: string; runs: CronRunEntry[] }[], slot0: number): string {
  const rel = (ms: number) => {
    const s = Math.round((ms - slot0) / 1000);
    return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
  };
  const lines = ["runs OpenClaw recorded (start after slot 0, duration, status, error):"];
  for (const job of jobs) {
    lines.push(`  ${job.name}`);
    for (const run of [...job.runs]
      .filter((r) => (r.runAtMs ?? 0) >= slot0)
      .sort((a, b) => (a.runAtMs ?? 0) - (b.runAtMs ?? 0))) {
      const error = run.error ? `  ${run.error.replace(/\s+/g, " ").slice(0, 150)}` : "";
      lines.push(
        `    ${rel(run.runAtMs ?? 0).padStart(5)}  ${((run.durationMs ?? 0) / 1000).toFixed(1).padStart(5)} s  ${run.status ?? "?"}${error}`,
      );
    }
  }
  return lines.join("\n");
}

/** The summary as the soak prints it: timeline, one row per job, the spent window's figures, the targets. */
export function formatSummary(summary: Summary, slots: number[], faults: FaultSpan[]): string {
  const t0 = slots[0] ?? 0;
  const rel = (ms: number) => {
    const s = Math.round((ms - t0) / 1000);
    return `${s < 0 ? "-" : ""}${Math.floor(Math.abs(s) / 60)}:${String(Math.abs(s) % 60).padStart(2, "0")}`;
  };
  const lines: string[] = [];
  const width = Math.max(8, ...summary.jobs.map((job) => job.name.length));
  lines.push(`slots (minute after slot 0; o ok, x error, s skipped, . no run):`);
  lines.push(`  ${"minute".padEnd(width)}  ${slots.map((_, i) => String(i % 10)).join(" ")}`);
  lines.push(`  ${"faults".padEnd(width)}  ${faultTimeline(slots, faults)}`);
  for (const job of summary.jobs) lines.push(`  ${job.name.padEnd(width)}  ${job.timeline}`);
  lines.push("");
  lines.push("faults (time after slot 0, until the stack was whole again):");
  for (const f of faults)
    lines.push(`  ${FAULTS[f.kind].letter}  ${rel(f.from)} → ${rel(f.to)}  ${FAULTS[f.kind].label}`);
  lines.push(`  all faults over at ${rel(Math.max(...faults.map((f) => f.to)))}`);
  lines.push("");
  const header = [
    "job",
    "agent",
    "due",
    "done",
    "not ok before faults over",
    "lost after",
    "runs",
    "errors",
    "reset → first ok (start/end)",
    "at the end",
  ];
  const rows = summary.jobs.map((job) => [
    job.name,
    job.agent,
    String(job.due),
    String(job.done),
    String(job.failedBeforeFaultsOver),
    String(job.lost),
    String(job.runs),
    String(job.errors),
    job.resetToOk ? `${job.resetToOk.startedS.toFixed(0)} s / ${job.resetToOk.finishedS.toFixed(0)} s` : "none",
    `${job.end.status}${job.end.consecutiveErrors > 0 ? ` (${job.end.consecutiveErrors} errors in a row)` : ""}`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]?.length ?? 0)));
  const row = (cells: string[]) => `  | ${cells.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join(" | ")} |`;
  lines.push(row(header));
  lines.push(`  |${widths.map((w) => "-".repeat(w + 2)).join("|")}|`);
  for (const cells of rows) lines.push(row(cells));
  if (summary.once.length > 0) {
    lines.push("");
    lines.push("jobs with one slot, in the spent window (target: exactly one successful run from the slot on):");
    for (const job of summary.once) {
      const back =
        job.resetToOkS === undefined ? "no successful run" : `first ok ${job.resetToOkS.toFixed(0)} s after the reset`;
      lines.push(
        `  ${job.name} (${job.kind}, minute ${job.slotMinute}): ${job.runs} runs, ${job.errors} errors, ${job.successes} ok; ${back}; at the end ${job.end.status}${job.end.enabled ? "" : ", switched off"}`,
      );
    }
  }
  lines.push("");
  lines.push("slots without a successful run, and why (LOST: once the faults were over):");
  for (const job of summary.jobs) {
    for (const slot of job.notOkSlots) {
      const next =
        slot.nextRunAfterS === undefined ? "no later run recorded" : `next run ${slot.nextRunAfterS} s after the slot`;
      lines.push(`  ${slot.lost ? "LOST " : "     "}${job.name} minute ${slot.minute}: ${slot.reason} (${next})`);
    }
  }
  lines.push("");
  const s = summary.spent;
  lines.push(`the 5-hour window, spent at ${rel(s.spentAt)}, reset at ${rel(s.resetAt)}:`);
  lines.push(`  maxapi knew it at ${s.maxapiKnewAt === undefined ? "never (no log line)" : rel(s.maxapiKnewAt)}`);
  lines.push(`  CLI processes that learnt it (started before maxapi knew): ${s.cliBeforeKnown}`);
  lines.push(`  CLI processes started while maxapi knew it spent:         ${s.cliWhileSpent}`);
  lines.push(`  requests maxapi refused by itself meanwhile:              ${s.refusedLocally}`);
  lines.push(`  calls to Anthropic (the mock) from spent to reset:        ${s.anthropicCalls ?? "unknown"}`);
  lines.push(
    `  reset → first successful run, slowest job:                ${summary.resetToFirstOkS === undefined ? "a job had none" : `${summary.resetToFirstOkS.toFixed(0)} s`}`,
  );
  lines.push("");
  const mark = (ok: boolean) => (ok ? "PASS" : "FAIL");
  lines.push("targets:");
  const onceLost = summary.once.filter((job) => job.successes === 0).length;
  lines.push(
    `  ${mark(summary.targets.noRunsLostAfterFaults)}  0 runs lost once the faults stopped (${summary.jobs.reduce((n, job) => n + job.lost, 0) + onceLost} lost)`,
  );
  lines.push(
    `  ${mark(summary.targets.noSlotRunTwice)}  no slot run twice (${summary.once.filter((job) => job.successes > 1).length} twice)`,
  );
  lines.push(
    `  ${mark(summary.targets.noCliWhileSpent)}  0 CLI processes while the window was spent (${s.cliWhileSpent})`,
  );
  lines.push(
    `  ${mark(summary.targets.everyJobOkAtEnd)}  every job ok at the end (${[...summary.jobs, ...summary.once].filter((job) => !job.endOk).length} not ok)`,
  );
  for (const note of summary.notes) lines.push(`note: ${note}`);
  return lines.join("\n");
}
