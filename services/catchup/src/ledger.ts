// The catch-up's own record, one entry per job and spent window: written before a run is asked for,
// so a failed slot is never run twice, even when this service (or the machine) restarts between the
// ask and the answer. A JSON file in the state volume, replaced whole (write, then rename).
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export type EntryState = "waiting" | "started" | "done" | "failed" | "skipped";

export interface Entry {
  jobId: string;
  jobName: string;
  /** The spent window, by the CLI's name (five_hour, seven_day, ...). */
  window: string;
  /** When the window resets (epoch ms). */
  resetsAt: number;
  /** When the run the window failed started (OpenClaw's lastRunAtMs). */
  failedAt: number;
  /** When a recurring job gets its schedule back: a little after the reset. */
  openAt: number;
  /** When the catch-up run is due: after the reset, spread out among the jobs due at it. */
  dueAt: number;
  /** OpenClaw's own plan for the job is cleared (plan.ts). */
  restored?: boolean;
  /** Catch-up runs asked for: more than one only when a gateway restart cut one short. */
  attempts?: number;
  state: EntryState;
  /** When the catch-up run was asked for, and OpenClaw's id for it. */
  startedAt?: number | undefined;
  runId?: string | undefined;
  /** When it ended (done, failed or skipped), and why or how. */
  endedAt?: number;
  outcome?: string;
}

/** How long finished entries are kept: past any window (the weekly one is 7 days). */
const KEEP_MS = 8 * 24 * 3600_000;
/** Two resets this close are one: the minute a refusal gives, or the second maxapi knows. */
const SAME_RESET_MS = 10 * 60_000;

/** Whether an entry is for this window's reset. */
export const atReset = (entry: Entry, window: string, resetsAt: number): boolean =>
  entry.window === window && Math.abs(entry.resetsAt - resetsAt) < SAME_RESET_MS;

export class Ledger {
  readonly entries: Entry[];
  private readonly file: string;

  constructor(dir: string) {
    mkdirSync(dir, { recursive: true });
    this.file = join(dir, "catchup.json");
    this.entries = Ledger.load(this.file);
  }

  /** The entry of this job for this window's reset, if one is kept. */
  find(jobId: string, window: string, resetsAt: number): Entry | undefined {
    return this.entries.find((e) => e.jobId === jobId && atReset(e, window, resetsAt));
  }

  add(entry: Entry): void {
    this.entries.push(entry);
    this.save();
  }

  update(entry: Entry, change: Partial<Entry>): void {
    Object.assign(entry, change);
    this.save();
  }

  /** Forgets entries that ended long ago. */
  prune(now: number): void {
    const kept = this.entries.filter((e) => e.endedAt === undefined || now - e.endedAt < KEEP_MS);
    if (kept.length === this.entries.length) return;
    this.entries.splice(0, this.entries.length, ...kept);
    this.save();
  }

  private save(): void {
    const temporary = `${this.file}.tmp`;
    writeFileSync(temporary, `${JSON.stringify({ entries: this.entries }, null, 2)}\n`);
    renameSync(temporary, this.file);
  }

  private static load(file: string): Entry[] {
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
      throw error;
    }
    const parsed = JSON.parse(text) as { entries?: Entry[] };
    if (!Array.isArray(parsed.entries)) throw new Error(`${file} holds no entries list; move it away to start afresh`);
    return parsed.entries;
  }
}
