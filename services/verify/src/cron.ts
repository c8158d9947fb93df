// Check 7: every cron job with its model, schedule and error state (`openclaw cron list --all
// --json`). An enabled job with consecutive errors fails, as does one OpenClaw disabled itself, and
// one whose model its agent's allowlist refuses (model-policy.ts): such a job fails at every run.
// Heartbeat jobs run on the agent's heartbeat model (`openclaw health --json`), agent turns without
// a model of their own on the agent's model (`openclaw agents list --json`).
import type { Commands } from "./commands.ts";
import type { ListedAgent } from "./agents.ts";
import { asArray, asNumber, asRecord, asString, clip, isRecord, parseJsonOutput } from "./json.ts";
import { allows, type ModelPolicy } from "./model-policy.ts";
import { fail, ok, skip, type Row } from "./row.ts";

export interface CronJob {
  id: string;
  name: string;
  agentId: string;
  enabled: boolean;
  payloadKind: string;
  model: string;
  schedule: string;
  lastRunStatus: string;
  lastError: string;
  consecutiveErrors: number;
  autoDisabled: boolean;
}

/** 1800000 → "30m", 90000 → "1m30s". */
export function formatDuration(ms: number): string {
  const units: [string, number][] = [
    ["d", 86_400_000],
    ["h", 3_600_000],
    ["m", 60_000],
    ["s", 1000],
  ];
  let rest = ms;
  let out = "";
  for (const [unit, size] of units) {
    if (rest >= size) {
      out += `${Math.floor(rest / size)}${unit}`;
      rest %= size;
    }
  }
  return out || `${ms}ms`;
}

function schedule(value: unknown): string {
  const s = asRecord(value);
  const kind = asString(s.kind);
  if (kind === "every") return `every ${formatDuration(asNumber(s.everyMs) ?? 0)}`;
  if (kind === "cron") return `cron "${asString(s.expr)}"${asString(s.tz) ? ` ${asString(s.tz)}` : ""}`;
  if (kind === "at") return `at ${asString(s.at) || String(asNumber(s.atMs) ?? "?")}`;
  return kind || "no schedule";
}

export function parseCronList(output: string): CronJob[] {
  const list = asRecord(parseJsonOutput(output));
  if (!Array.isArray(list.jobs)) throw new Error("openclaw cron list printed no jobs");
  return asArray(list.jobs)
    .filter(isRecord)
    .map((job) => {
      const payload = asRecord(job.payload);
      const state = asRecord(job.state);
      return {
        id: asString(job.id),
        name: asString(job.name) || asString(job.displayName) || asString(job.id),
        agentId: asString(job.agentId) || asString(job.effectiveAgentId),
        enabled: job.enabled === true,
        payloadKind: asString(payload.kind),
        model: asString(payload.model),
        schedule: schedule(job.schedule),
        lastRunStatus: asString(state.lastRunStatus) || asString(state.lastStatus),
        lastError: asString(state.lastError),
        consecutiveErrors: asNumber(state.consecutiveErrors) ?? 0,
        autoDisabled: state.autoDisabled === true,
      };
    });
}

/** Each agent's heartbeat model from `openclaw health --json` (agents[].heartbeat.model). */
export function heartbeatModels(output: string): Map<string, string> {
  const health = asRecord(parseJsonOutput(output));
  return new Map(
    asArray(health.agents)
      .filter(isRecord)
      .map((agent) => [asString(agent.agentId), asString(asRecord(agent.heartbeat).model)]),
  );
}

function modelOf(job: CronJob, heartbeats: Map<string, string>, agents: ListedAgent[]): string {
  if (job.model) return job.model;
  if (job.payloadKind === "heartbeat") return `${heartbeats.get(job.agentId) || "the heartbeat model"} (heartbeat)`;
  if (job.payloadKind === "agentTurn")
    return `${agents.find((a) => a.id === job.agentId)?.model ?? "the agent's model"} (agent ${job.agentId})`;
  return `no model (${job.payloadKind || "unknown"} job)`;
}

/** The row of a job whose own model the agent's allowlist refuses; undefined when it is allowed. */
function refusedRow(job: CronJob, policy: ModelPolicy | undefined, what: string, dc: Commands): Row | undefined {
  if (!job.model || !policy || allows(policy, job.model)) return undefined;
  const check = `cron ${job.name}`;
  const refused = `model ${job.model} is not in agent ${job.agentId}'s allowlist [${policy.allowed.join(", ")}]`;
  if (!job.enabled) return skip(check, `disabled; ${refused}; ${what}`);
  const allowlist = JSON.stringify([...policy.allowed, job.model]);
  return fail(
    check,
    `${refused}: OpenClaw refuses the job before it runs; ${what}`,
    `${dc.recreate("config-init gateway")} (config-init moves allowlists and job models to AUTH_MODE); if it stays, allow the model: ${dc.execIn("gateway")} openclaw config set agents.defaults.modelPolicy.allow '${allowlist}' --strict-json (or the agent's own agents.entries.${job.agentId}.modelPolicy.allow), or give the job an allowed one: ${dc.execIn("gateway")} openclaw cron edit ${job.id} --model ${policy.allowed[0] ?? "<model>"}`,
  );
}

/** One row per job; a single skip row when there are none. `policies`: each agent's allowlist, where known. */
export function cronRows(
  jobs: CronJob[],
  heartbeats: Map<string, string>,
  agents: ListedAgent[],
  dc: Commands,
  policies = new Map<string, ModelPolicy>(),
): Row[] {
  if (jobs.length === 0) return [skip("cron", "no cron jobs")];
  const openclaw = `${dc.execIn("gateway")} openclaw cron`;
  return jobs.map((job) => {
    const check = `cron ${job.name}`;
    const what = `${modelOf(job, heartbeats, agents)}, ${job.schedule}`;
    const error = job.lastError ? `: ${clip(job.lastError, 200)}` : "";
    const refused = refusedRow(job, policies.get(job.agentId), what, dc);
    if (refused) return refused;
    if (job.autoDisabled) {
      return fail(
        check,
        `disabled by OpenClaw after ${job.consecutiveErrors} consecutive errors${error}; ${what}`,
        `fix the cause (${dc.logs("gateway", 100)}), then ${openclaw} enable ${job.id}`,
      );
    }
    if (!job.enabled) return skip(check, `disabled; ${what}`);
    if (job.consecutiveErrors > 0) {
      return fail(
        check,
        `${job.consecutiveErrors} consecutive error${job.consecutiveErrors > 1 ? "s" : ""}${error}; ${what}`,
        `fix the cause, then try it: ${openclaw} run ${job.id} --wait (${openclaw} enable ${job.id} resets the error count)`,
      );
    }
    return ok(check, `${what}, last run ${job.lastRunStatus || "none yet"}`);
  });
}
