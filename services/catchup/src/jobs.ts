// OpenClaw's cron jobs as the catch-up sees them: `cron.list` (all of them, disabled ones too, page by
// page) read into what it decides on. OpenClaw keeps a failed run's error text (`lastError`), its
// classified reason and when the run started; it switches a one-shot job off after its retries and a
// recurring one after 10 failures in a row (`autoDisabled`).
import type { Call } from "./gateway-rpc.ts";

export interface Job {
  id: string;
  name: string;
  /** "cron", "every" or "at" (one-shot). */
  kind: string;
  enabled: boolean;
  /** OpenClaw switched it off after failures in a row. */
  autoDisabled: boolean;
  lastRunStatus: string | undefined;
  lastRunAtMs: number | undefined;
  lastError: string | undefined;
  runningAtMs: number | undefined;
  nextRunAtMs: number | undefined;
}

const PAGE = 200;

type Json = Record<string, unknown>;
const isRecord = (value: unknown): value is Json =>
  typeof value === "object" && value !== null && !Array.isArray(value);
const text = (value: unknown) => (typeof value === "string" ? value : undefined);
const number = (value: unknown) => (typeof value === "number" && Number.isFinite(value) ? value : undefined);

export function readJob(raw: Json): Job {
  const state = isRecord(raw.state) ? raw.state : {};
  const schedule = isRecord(raw.schedule) ? raw.schedule : {};
  return {
    id: String(raw.id),
    name: text(raw.name) ?? String(raw.id),
    kind: text(schedule.kind) ?? "unknown",
    enabled: raw.enabled === true,
    autoDisabled: isRecord(state.autoDisabled),
    lastRunStatus: text(state.lastRunStatus) ?? text(raw.lastRunStatus),
    lastRunAtMs: number(state.lastRunAtMs) ?? number(raw.lastRunAtMs),
    lastError: text(state.lastError) ?? text(raw.lastRunError),
    runningAtMs: number(state.runningAtMs),
    nextRunAtMs: number(state.nextRunAtMs) ?? number(raw.nextRunAtMs),
  };
}

/** Every job, enabled or not. */
export async function listJobs(call: Call): Promise<Job[]> {
  const jobs: Job[] = [];
  for (let offset = 0; ;) {
    const page = await call("cron.list", {
      includeDisabled: true,
      limit: PAGE,
      offset,
      includeDeliveryPreviews: false,
    });
    if (!isRecord(page) || !Array.isArray(page.jobs)) throw new Error("cron.list answered without jobs");
    jobs.push(...page.jobs.filter(isRecord).map(readJob));
    const next = number(page.nextOffset);
    if (page.hasMore !== true || next === undefined || next <= offset) return jobs;
    offset = next;
  }
}
