// Migrating a hand-made install (a ~/.openclaw someone set up by hand, Option 1 or 2) so that OpenClaw 2026.9.6 starts on it:
//  1. legacy files (per-agent auth-profiles.json and sessions.json, cron/jobs.json, agents.list in openclaw.json) are
//     imported by OpenClaw's own `doctor --fix`, which archives them; run only when one exists,
//     since doctor rewrites openclaw.json even on a clean install;
//  2. cron jobs in OpenClaw's store get models of the chosen mode, and enabled jobs a clean error
//     state (old failures would keep them in backoff). The store is backed up first. (openclaw.json's
//     references: model-refs.ts; stored sessions' pins: session-pins.ts.)
// Every change is reported as one line.
import { execFile } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { promisify } from "node:util";
import JSON5 from "json5";
import { isPlainObject } from "../json.ts";
import type { AuthMode } from "../models.ts";
import { RefMapper, type RefReport } from "./model-refs.ts";

/** Legacy files and keys that 2026.9.6 refuses or only imports, as paths relative to the state dir. */
export function findLegacy(stateDir: string): string[] {
  const found: string[] = [];
  const agentsDir = join(stateDir, "agents");
  if (existsSync(agentsDir)) {
    for (const agent of readdirSync(agentsDir)) {
      // per-agent session stores: 2026.9.6 refuses readiness until doctor imports them into SQLite
      for (const file of ["agent/auth-profiles.json", "sessions/sessions.json"]) {
        if (existsSync(join(agentsDir, agent, file))) found.push(`agents/${agent}/${file}`);
      }
    }
  }
  for (const file of ["cron/jobs.json", "sessions/sessions.json", "auth-state.json", "credentials/oauth.json"]) {
    if (existsSync(join(stateDir, file))) found.push(file);
  }
  try {
    const config: unknown = JSON5.parse(readFileSync(join(stateDir, "openclaw.json"), "utf8"));
    if (isPlainObject(config) && isPlainObject(config.agents) && "list" in config.agents)
      found.push("openclaw.json: agents.list");
  } catch {
    // no config, or one readConfig will refuse with a clear message
  }
  return found;
}

/**
 * Variables doctor does not get: it copies every provider key it can resolve from openclaw.json into
 * its SQLite store, in clear (measured: a second doctor run on a config with the metered fallback
 * wrote the API key there). Unresolved, the reference stays a reference.
 */
export const DOCTOR_WITHHELD = ["FALLBACK_ANTHROPIC_API_KEY", "FALLBACK_ANTHROPIC_API_KEY_FILE"] as const;

/** `openclaw doctor --fix` imports and archives the legacy files (7-9 s). */
export async function runDoctor(stateDir: string, env: NodeJS.ProcessEnv): Promise<void> {
  const withheld = new Set<string>(DOCTOR_WITHHELD);
  await promisify(execFile)("openclaw", ["doctor", "--fix", "--yes", "--non-interactive"], {
    env: {
      ...Object.fromEntries(Object.entries(env).filter(([name]) => !withheld.has(name))),
      OPENCLAW_STATE_DIR: stateDir,
    },
    timeout: 120_000,
  });
}

const ERROR_STATE = ["lastError", "lastErrorReason", "lastStatus", "lastRunStatus", "lastDiagnostics"] as const;

/**
 * Remaps models (payload.model, payload.fallbacks) and clears the error state of enabled jobs in
 * OpenClaw's cron store; one line per job changed, and one per model it cannot map. No store (no
 * jobs yet): nothing to do.
 */
export function migrateCronJobs(stateDir: string, mode: AuthMode, now = new Date()): RefReport {
  const mapper = new RefMapper(mode);
  const storePath = join(stateDir, "state", "openclaw.sqlite");
  if (!existsSync(storePath)) return { changes: [], unmappable: [] };
  const db = new DatabaseSync(storePath);
  try {
    const hasJobs = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'cron_jobs'").get();
    if (!hasJobs) return { changes: [], unmappable: [] };
    const rows = db.prepare("SELECT job_id, name, enabled, job_json, state_json FROM cron_jobs").all() as {
      job_id: string;
      name: string | null;
      enabled: number;
      job_json: string;
      state_json: string | null;
    }[];
    const updates: { id: string; job: string | undefined; state: string | null; line: string }[] = [];
    for (const row of rows) {
      const job = JSON.parse(row.job_json) as { payload?: { model?: unknown; fallbacks?: unknown } };
      const state = row.state_json ? (JSON.parse(row.state_json) as Record<string, unknown>) : null;
      const label = `cron job ${row.name ?? row.job_id} (${row.job_id})`;
      const changes: string[] = [];
      const payload = job.payload;
      if (payload && typeof payload.model === "string") {
        const model = mapper.ref(payload.model, `${label} model`);
        if (model !== payload.model) {
          changes.push(`model ${payload.model} → ${model}`);
          payload.model = model;
        }
      }
      if (payload && Array.isArray(payload.fallbacks)) {
        const before: unknown[] = payload.fallbacks;
        const fallbacks = before.map((f) => (typeof f === "string" ? mapper.ref(f, `${label} fallbacks`) : f));
        if (JSON.stringify(fallbacks) !== JSON.stringify(before)) {
          changes.push(`fallbacks ${before.join(", ")} → ${fallbacks.join(", ")}`);
          payload.fallbacks = fallbacks;
        }
      }
      const definitionChanged = changes.length > 0;
      const errors = Number(state?.consecutiveErrors ?? 0);
      const failed =
        state !== null &&
        (errors > 0 || "lastError" in state || state.lastStatus === "error" || state.lastRunStatus === "error");
      if (row.enabled && state && failed) {
        changes.push(`error state cleared (${errors} consecutive errors)`);
        state.consecutiveErrors = 0;
        state.scheduleErrorCount = 0;
        for (const key of ERROR_STATE) Reflect.deleteProperty(state, key);
      }
      if (changes.length > 0) {
        updates.push({
          id: row.job_id,
          job: definitionChanged ? JSON.stringify(job) : undefined,
          state: state ? JSON.stringify(state) : null,
          line: `${label}: ${changes.join("; ")}`,
        });
      }
    }
    if (updates.length === 0) return { changes: [], unmappable: mapper.unmappable };
    const backup = backUp(db, storePath, now);
    // A changed definition gets OpenClaw's own treatment of an edit outside its store API
    // (materializeCronRowAgentOwners): no grant revision, next generation, so standing exec grants
    // given for the old definition are asked for again instead of matching a job they never saw.
    const updateDefinition = db.prepare(
      "UPDATE cron_jobs SET job_json = ?, grant_definition_revision = NULL, grant_definition_generation = COALESCE(grant_definition_generation, 0) + 1, grant_definition_updated_at = NULL WHERE job_id = ?",
    );
    const updateState = db.prepare("UPDATE cron_jobs SET state_json = ? WHERE job_id = ?");
    db.exec("BEGIN");
    for (const u of updates) {
      if (u.job !== undefined) updateDefinition.run(u.job, u.id);
      updateState.run(u.state, u.id);
    }
    db.exec("COMMIT");
    return {
      changes: [`state/openclaw.sqlite backed up to ${relative(stateDir, backup)}`, ...updates.map((u) => u.line)],
      unmappable: mapper.unmappable,
    };
  } finally {
    db.close();
  }
}

/**
 * Enabled cron jobs with a fallbacks list of their own (`payload.fallbacks`) that names no model of
 * `provider`: OpenClaw runs such a job on its own list only, never on the agent's fallbacks. Read
 * only; no store or no jobs: none.
 */
export function cronJobsMissingProvider(
  stateDir: string,
  provider: string,
): { id: string; name: string; fallbacks: string[] }[] {
  const storePath = join(stateDir, "state", "openclaw.sqlite");
  if (!existsSync(storePath)) return [];
  const db = new DatabaseSync(storePath, { readOnly: true });
  try {
    if (!db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'cron_jobs'").get()) return [];
    const rows = db.prepare("SELECT job_id, name, job_json FROM cron_jobs WHERE enabled = 1 ORDER BY job_id").all() as {
      job_id: string;
      name: string | null;
      job_json: string;
    }[];
    return rows.flatMap((row) => {
      const fallbacks = (JSON.parse(row.job_json) as { payload?: { fallbacks?: unknown } }).payload?.fallbacks;
      if (!Array.isArray(fallbacks)) return [];
      const refs = fallbacks.filter((f): f is string => typeof f === "string");
      return refs.some((ref) => ref.startsWith(`${provider}/`))
        ? []
        : [{ id: row.job_id, name: row.name ?? row.job_id, fallbacks: refs }];
    });
  } finally {
    db.close();
  }
}

/** A consistent copy of an open SQLite store (WAL included) beside it; returns its path. */
export function backUp(db: DatabaseSync, storePath: string, now: Date): string {
  const backup = `${storePath}.bak-${now.toISOString().replace(/[:.]/g, "-")}`;
  db.exec(`VACUUM INTO '${backup.replace(/'/g, "''")}'`);
  return backup;
}
