import { cpSync, mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { findLegacy, migrateCronJobs, remapModel } from "../../../services/config-init/src/migrate.ts";

const ARTICLE_STATE = fileURLToPath(new URL("../../fixtures/article-state", import.meta.url));

/** A state dir whose OpenClaw store holds the given cron jobs, in 2026.9.6's table layout. */
function stateWithJobs(jobs: { id: string; enabled: boolean; model: string; state: Record<string, unknown> }[]): string {
  const dir = mkdtempSync(join(tmpdir(), "config-init-state-"));
  cpSync(ARTICLE_STATE, dir, { recursive: true });
  mkdirSync(join(dir, "state"));
  const db = new DatabaseSync(join(dir, "state", "openclaw.sqlite"));
  db.exec("CREATE TABLE cron_jobs (store_key TEXT, job_id TEXT PRIMARY KEY, name TEXT, enabled INTEGER, agent_id TEXT, payload_kind TEXT, job_json TEXT, state_json TEXT)");
  const insert = db.prepare("INSERT INTO cron_jobs VALUES ('cron/jobs.json', ?, ?, ?, 'main', 'agentTurn', ?, ?)");
  for (const job of jobs) {
    insert.run(job.id, job.id, job.enabled ? 1 : 0, JSON.stringify({ id: job.id, payload: { kind: "agentTurn", model: job.model } }), JSON.stringify(job.state));
  }
  db.close();
  return dir;
}

function storedJobs(dir: string) {
  const db = new DatabaseSync(join(dir, "state", "openclaw.sqlite"));
  const rows = db.prepare("SELECT job_id, job_json, state_json FROM cron_jobs ORDER BY job_id").all() as { job_id: string; job_json: string; state_json: string }[];
  db.close();
  return rows.map((row) => ({
    id: row.job_id,
    model: (JSON.parse(row.job_json) as { payload: { model: string } }).payload.model,
    state: JSON.parse(row.state_json) as Record<string, unknown>,
  }));
}

describe("findLegacy", () => {
  it("finds every file and key of the article's install that 2026.9.6 refuses or only imports", () => {
    expect(findLegacy(ARTICLE_STATE).sort()).toEqual(
      ["agents/lite/agent/auth-profiles.json", "agents/main/agent/auth-profiles.json", "cron/jobs.json", "openclaw.json: agents.list"].sort(),
    );
    expect(findLegacy(mkdtempSync(join(tmpdir(), "empty-")))).toEqual([]);
  });
});

describe("remapModel", () => {
  it.each([
    ["anthropic/claude-opus-4-6", "max-proxy", "claude-max-proxy/claude-opus-4"],
    ["claude-max-proxy/claude-sonnet-4", "setup-token", "anthropic/claude-sonnet-5"],
    ["claude-max-proxy/claude-haiku-4", "max-proxy", "claude-max-proxy/claude-haiku-4"],
    ["openai/gpt-4o", "max-proxy", undefined],
  ] as const)("%s in %s mode → %s", (model, mode, expected) => {
    expect(remapModel(model, mode)).toBe(expected);
  });
});

describe("migrateCronJobs", () => {
  it("remaps models both ways, clears the error state of enabled jobs only, backs the store up, reports one line per job", () => {
    const dir = stateWithJobs([
      { id: "a-failing", enabled: true, model: "claude-max-proxy/claude-opus-4", state: { consecutiveErrors: 5, lastError: "401", lastStatus: "error", nextRunAtMs: 1 } },
      { id: "b-disabled", enabled: false, model: "claude-max-proxy/claude-haiku-4", state: { consecutiveErrors: 2, lastError: "429" } },
      { id: "c-fine", enabled: true, model: "anthropic/claude-sonnet-5", state: { consecutiveErrors: 0, lastStatus: "ok" } },
    ]);
    const lines = migrateCronJobs(dir, "setup-token", new Date("2026-11-24T03:00:00.000Z"));
    expect(lines).toEqual([
      "state/openclaw.sqlite backed up to state/openclaw.sqlite.bak-2026-11-24T03-00-00-000Z",
      "cron job a-failing (a-failing): model claude-max-proxy/claude-opus-4 → anthropic/claude-opus-5; error state cleared (5 consecutive errors)",
      "cron job b-disabled (b-disabled): model claude-max-proxy/claude-haiku-4 → anthropic/claude-haiku-4-5",
    ]);
    expect(storedJobs(dir)).toEqual([
      { id: "a-failing", model: "anthropic/claude-opus-5", state: { consecutiveErrors: 0, scheduleErrorCount: 0, nextRunAtMs: 1 } },
      { id: "b-disabled", model: "anthropic/claude-haiku-4-5", state: { consecutiveErrors: 2, lastError: "429" } },
      { id: "c-fine", model: "anthropic/claude-sonnet-5", state: { consecutiveErrors: 0, lastStatus: "ok" } },
    ]);
    // the backup holds the store as it was
    const backup = new DatabaseSync(join(dir, "state", "openclaw.sqlite.bak-2026-11-24T03-00-00-000Z"));
    const before = backup.prepare("SELECT job_json FROM cron_jobs WHERE job_id = 'a-failing'").get() as { job_json: string };
    backup.close();
    expect(before.job_json).toContain("claude-max-proxy/claude-opus-4");
  });

  it("changes nothing, and backs nothing up, when every job is already right", () => {
    const dir = stateWithJobs([{ id: "ok", enabled: true, model: "claude-max-proxy/claude-opus-4", state: { consecutiveErrors: 0 } }]);
    expect(migrateCronJobs(dir, "max-proxy")).toEqual([]);
    expect(migrateCronJobs(mkdtempSync(join(tmpdir(), "no-store-")), "max-proxy")).toEqual([]);
  });
});
