import { chmodSync, cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { fileURLToPath } from "node:url";
import type { RefReport } from "../../../../services/config-init/src/migrate/model-refs.ts";
import { describe, expect, it } from "vitest";
import {
  cronJobsMissingProvider,
  findLegacy,
  migrateCronJobs,
  runDoctor,
} from "../../../../services/config-init/src/migrate/migrate.ts";

/** What a migration reported, in the order config-init logs it. */
const reported = (report: RefReport): string[] => [...report.changes, ...report.unmappable];

const OPTION2_STATE = fileURLToPath(new URL("../../../fixtures/article-option2", import.meta.url));

/** A state dir whose OpenClaw store holds the given cron jobs, in 2026.9.6's table layout. */
function stateWithJobs(
  jobs: { id: string; enabled: boolean; model: string; fallbacks?: string[]; state: Record<string, unknown> }[],
): string {
  const dir = mkdtempSync(join(tmpdir(), "config-init-state-"));
  cpSync(OPTION2_STATE, dir, { recursive: true });
  mkdirSync(join(dir, "state"));
  const db = new DatabaseSync(join(dir, "state", "openclaw.sqlite"));
  db.exec(
    "CREATE TABLE cron_jobs (store_key TEXT, job_id TEXT PRIMARY KEY, name TEXT, enabled INTEGER, agent_id TEXT, payload_kind TEXT, job_json TEXT, grant_definition_revision TEXT, grant_definition_generation INTEGER, grant_definition_updated_at INTEGER, state_json TEXT)",
  );
  const insert = db.prepare(
    "INSERT INTO cron_jobs VALUES ('cron/jobs.json', ?, ?, ?, 'main', 'agentTurn', ?, 'rev-1', 1, 1790000000000, ?)",
  );
  for (const job of jobs) {
    const payload = { kind: "agentTurn", model: job.model, ...(job.fallbacks ? { fallbacks: job.fallbacks } : {}) };
    insert.run(job.id, job.id, job.enabled ? 1 : 0, JSON.stringify({ id: job.id, payload }), JSON.stringify(job.state));
  }
  db.close();
  return dir;
}

function storedJobs(dir: string) {
  const db = new DatabaseSync(join(dir, "state", "openclaw.sqlite"));
  const rows = db
    .prepare(
      "SELECT job_id, job_json, state_json, grant_definition_revision, grant_definition_generation FROM cron_jobs ORDER BY job_id",
    )
    .all() as {
    job_id: string;
    job_json: string;
    state_json: string;
    grant_definition_revision: string | null;
    grant_definition_generation: number;
  }[];
  db.close();
  return rows.map((row) => ({
    id: row.job_id,
    model: (JSON.parse(row.job_json) as { payload: { model: string } }).payload.model,
    state: JSON.parse(row.state_json) as Record<string, unknown>,
    grant: [row.grant_definition_revision, row.grant_definition_generation],
  }));
}

describe("findLegacy", () => {
  it("finds every file and key of the hand-made Option 2 install that 2026.9.6 refuses or only imports", () => {
    expect(findLegacy(OPTION2_STATE).sort()).toEqual(
      [
        "agents/lite/agent/auth-profiles.json",
        "agents/main/agent/auth-profiles.json",
        "cron/jobs.json",
        "openclaw.json: agents.list",
      ].sort(),
    );
    expect(findLegacy(fileURLToPath(new URL("../../../fixtures/article-option1", import.meta.url))).sort()).toEqual(
      [
        "agents/lite/agent/auth-profiles.json",
        "agents/main/agent/auth-profiles.json",
        "agents/main/sessions/sessions.json",
        "cron/jobs.json",
        "openclaw.json: agents.list",
      ].sort(),
    );
    expect(findLegacy(mkdtempSync(join(tmpdir(), "empty-")))).toEqual([]);
  });
});

describe("migrateCronJobs", () => {
  it("remaps models both ways, clears the error state of enabled jobs only, backs the store up, reports one line per job", () => {
    const dir = stateWithJobs([
      {
        id: "a-failing",
        enabled: true,
        model: "claude-max-proxy/claude-opus-4",
        state: { consecutiveErrors: 5, lastError: "401", lastStatus: "error", nextRunAtMs: 1 },
      },
      {
        id: "b-disabled",
        enabled: false,
        model: "claude-max-proxy/claude-haiku-4",
        state: { consecutiveErrors: 2, lastError: "429" },
      },
      {
        id: "c-fine",
        enabled: true,
        model: "anthropic/claude-sonnet-5",
        state: { consecutiveErrors: 0, lastStatus: "ok" },
      },
      {
        id: "d-fallbacks",
        enabled: true,
        model: "openai/gpt-5.4",
        fallbacks: ["claude-max-proxy/claude-sonnet-4", "openai/gpt-5.4-mini"],
        state: {},
      },
      { id: "e-unknown", enabled: true, model: "claude-max-proxy/gpt-4o", state: {} },
      {
        id: "f-pinned",
        enabled: true,
        model: "claude-max-proxy/claude-opus-4-8",
        fallbacks: ["claude-max-proxy/sonnet"],
        state: {},
      },
      { id: "g-fable", enabled: true, model: "claude-max-proxy/claude-fable-5-2", state: {} },
    ]);
    const lines = reported(migrateCronJobs(dir, "setup-token", new Date("2026-11-24T03:00:00.000Z")));
    expect(lines).toEqual([
      "state/openclaw.sqlite backed up to state/openclaw.sqlite.bak-2026-11-24T03-00-00-000Z",
      // claude-max-api's old ids: their family, the newest of it in OpenClaw's anthropic catalogue
      "cron job a-failing (a-failing): model claude-max-proxy/claude-opus-4 → anthropic/claude-opus-5-5; error state cleared (5 consecutive errors)",
      "cron job b-disabled (b-disabled): model claude-max-proxy/claude-haiku-4 → anthropic/claude-haiku-4-5",
      // another provider's model stays; only the Claude fallback moves
      "cron job d-fallbacks (d-fallbacks): fallbacks claude-max-proxy/claude-sonnet-4, openai/gpt-5.4-mini → anthropic/claude-sonnet-5, openai/gpt-5.4-mini",
      // a pin the catalogue has stays itself; one it lacks becomes its family's newest there
      "cron job f-pinned (f-pinned): model claude-max-proxy/claude-opus-4-8 → anthropic/claude-opus-4-8; fallbacks claude-max-proxy/sonnet → anthropic/claude-sonnet-5",
      "cron job g-fable (g-fable): model claude-max-proxy/claude-fable-5-2 → anthropic/claude-fable-5-1",
      "cron job e-unknown (e-unknown) model: claude-max-proxy/gpt-4o names no Claude model clawbridge can map (mythos, fable, opus, sonnet, haiku); kept as it is: change it by hand if this mode cannot serve it",
    ]);
    // a changed definition loses its grant revision (as OpenClaw's own out-of-band edits do); state-only changes keep it
    expect(storedJobs(dir)).toEqual([
      {
        id: "a-failing",
        model: "anthropic/claude-opus-5-5",
        state: { consecutiveErrors: 0, scheduleErrorCount: 0, nextRunAtMs: 1 },
        grant: [null, 2],
      },
      {
        id: "b-disabled",
        model: "anthropic/claude-haiku-4-5",
        state: { consecutiveErrors: 2, lastError: "429" },
        grant: [null, 2],
      },
      {
        id: "c-fine",
        model: "anthropic/claude-sonnet-5",
        state: { consecutiveErrors: 0, lastStatus: "ok" },
        grant: ["rev-1", 1],
      },
      { id: "d-fallbacks", model: "openai/gpt-5.4", state: {}, grant: [null, 2] },
      { id: "e-unknown", model: "claude-max-proxy/gpt-4o", state: {}, grant: ["rev-1", 1] },
      { id: "f-pinned", model: "anthropic/claude-opus-4-8", state: {}, grant: [null, 2] },
      { id: "g-fable", model: "anthropic/claude-fable-5-1", state: {}, grant: [null, 2] },
    ]);
    // the backup holds the store as it was
    const backup = new DatabaseSync(join(dir, "state", "openclaw.sqlite.bak-2026-11-24T03-00-00-000Z"));
    const before = backup.prepare("SELECT job_json FROM cron_jobs WHERE job_id = 'a-failing'").get() as {
      job_json: string;
    };
    backup.close();
    expect(before.job_json).toContain("claude-max-proxy/claude-opus-4");
  });

  it("in max-proxy mode moves claude-max-api's old ids to the family they ran, and keeps pins and families", () => {
    const dir = stateWithJobs([
      {
        id: "a-old",
        enabled: true,
        model: "claude-max-proxy/claude-opus-4",
        fallbacks: ["claude-max-proxy/claude-sonnet-4", "claude-max-proxy/claude-haiku-4"],
        state: {},
      },
      {
        id: "b-pinned",
        enabled: true,
        model: "claude-max-proxy/claude-opus-4-8",
        fallbacks: ["claude-max-proxy/sonnet"],
        state: {},
      },
      { id: "c-option1", enabled: true, model: "anthropic/claude-opus-4-6", state: {} },
      { id: "d-fable", enabled: true, model: "anthropic/claude-fable-5-1", state: {} },
    ]);
    expect(reported(migrateCronJobs(dir, "max-proxy", new Date("2026-11-24T03:00:00.000Z"))).slice(1)).toEqual([
      "cron job a-old (a-old): model claude-max-proxy/claude-opus-4 → claude-max-proxy/opus; fallbacks claude-max-proxy/claude-sonnet-4, claude-max-proxy/claude-haiku-4 → claude-max-proxy/sonnet, claude-max-proxy/haiku",
      // the proxy runs every exact id as itself
      "cron job c-option1 (c-option1): model anthropic/claude-opus-4-6 → claude-max-proxy/claude-opus-4-6",
      "cron job d-fable (d-fable): model anthropic/claude-fable-5-1 → claude-max-proxy/claude-fable-5-1",
    ]);
    expect(storedJobs(dir).map((job) => [job.id, job.model, job.grant[0]])).toEqual([
      ["a-old", "claude-max-proxy/opus", null],
      ["b-pinned", "claude-max-proxy/claude-opus-4-8", "rev-1"],
      ["c-option1", "claude-max-proxy/claude-opus-4-6", null],
      ["d-fable", "claude-max-proxy/claude-fable-5-1", null],
    ]);
  });

  it("clears the error state of a job whose model is right, keeping its definition and grant", () => {
    const dir = stateWithJobs([
      {
        id: "failing",
        enabled: true,
        model: "claude-max-proxy/opus",
        state: { consecutiveErrors: 2, lastStatus: "error" },
      },
      {
        id: "pinned",
        enabled: true,
        model: "claude-max-proxy/claude-opus-4-8",
        state: { consecutiveErrors: 3, lastStatus: "error" },
      },
    ]);
    expect(reported(migrateCronJobs(dir, "max-proxy", new Date("2026-11-24T03:00:00.000Z"))).slice(1)).toEqual([
      "cron job failing (failing): error state cleared (2 consecutive errors)",
      "cron job pinned (pinned): error state cleared (3 consecutive errors)",
    ]);
    expect(storedJobs(dir)).toEqual([
      {
        id: "failing",
        model: "claude-max-proxy/opus",
        state: { consecutiveErrors: 0, scheduleErrorCount: 0 },
        grant: ["rev-1", 1],
      },
      {
        id: "pinned",
        model: "claude-max-proxy/claude-opus-4-8",
        state: { consecutiveErrors: 0, scheduleErrorCount: 0 },
        grant: ["rev-1", 1],
      },
    ]);
  });

  it("changes nothing, and backs nothing up, when every job is already right", () => {
    const dir = stateWithJobs([
      {
        id: "ok",
        enabled: true,
        model: "claude-max-proxy/opus",
        fallbacks: ["claude-max-proxy/sonnet", "claude-max-proxy/haiku"],
        state: { consecutiveErrors: 0 },
      },
      { id: "pinned", enabled: true, model: "claude-max-proxy/claude-opus-4-8", state: { consecutiveErrors: 0 } },
      { id: "fable", enabled: true, model: "claude-max-proxy/fable", state: { consecutiveErrors: 0 } },
    ]);
    expect(reported(migrateCronJobs(dir, "max-proxy"))).toEqual([]);
    const setupToken = stateWithJobs([
      {
        id: "ok",
        enabled: true,
        model: "anthropic/claude-opus-5-5",
        fallbacks: ["anthropic/claude-sonnet-5", "anthropic-api/claude-opus-5-5"],
        state: { consecutiveErrors: 0 },
      },
      { id: "pinned", enabled: true, model: "anthropic/claude-opus-4-8", state: { consecutiveErrors: 0 } },
    ]);
    expect(reported(migrateCronJobs(setupToken, "setup-token"))).toEqual([]);
    expect(reported(migrateCronJobs(mkdtempSync(join(tmpdir(), "no-store-")), "max-proxy"))).toEqual([]);
  });
});

describe("cronJobsMissingProvider", () => {
  it("names the enabled jobs whose own fallbacks list leaves the metered API out (OpenClaw then never uses the agent's), and changes nothing", () => {
    const dir = stateWithJobs([
      { id: "a-own", enabled: true, model: "claude-max-proxy/opus", fallbacks: ["claude-max-proxy/sonnet"], state: {} },
      { id: "b-strict", enabled: true, model: "claude-max-proxy/opus", fallbacks: [], state: {} },
      { id: "c-agents", enabled: true, model: "claude-max-proxy/opus", state: {} },
      {
        id: "d-with-api",
        enabled: true,
        model: "claude-max-proxy/opus",
        fallbacks: ["claude-max-proxy/sonnet", "anthropic-api/claude-sonnet-5"],
        state: {},
      },
      {
        id: "e-disabled",
        enabled: false,
        model: "claude-max-proxy/opus",
        fallbacks: ["claude-max-proxy/sonnet"],
        state: {},
      },
    ]);
    const before = storedJobs(dir);
    expect(cronJobsMissingProvider(dir, "anthropic-api")).toEqual([
      { id: "a-own", name: "a-own", fallbacks: ["claude-max-proxy/sonnet"] },
      { id: "b-strict", name: "b-strict", fallbacks: [] },
    ]);
    expect(storedJobs(dir)).toEqual(before);
    expect(cronJobsMissingProvider(mkdtempSync(join(tmpdir(), "no-store-")), "anthropic-api")).toEqual([]);
  });
});

describe("runDoctor", () => {
  it("keeps the metered fallback's key from doctor, which would copy it into its store in clear; passes everything else", async () => {
    // a stand-in `openclaw` first on PATH that writes down the environment it got
    const bin = mkdtempSync(join(tmpdir(), "fake-openclaw-"));
    writeFileSync(join(bin, "openclaw"), `#!/bin/sh\nenv > "${bin}/env"\n`);
    chmodSync(join(bin, "openclaw"), 0o755);
    const key = `sk-ant-api03-${"d".repeat(95)}`;
    await runDoctor("/state", {
      PATH: `${bin}:${process.env.PATH ?? ""}`,
      PROXY_API_KEY: "proxy-key-0123456789abcdef",
      FALLBACK_ANTHROPIC_API_KEY: key,
      FALLBACK_ANTHROPIC_API_KEY_FILE: "/run/secrets/fallback",
    });
    const seen = readFileSync(join(bin, "env"), "utf8");
    expect(seen).toContain("OPENCLAW_STATE_DIR=/state\n");
    expect(seen).toContain("PROXY_API_KEY=proxy-key-0123456789abcdef\n");
    expect(seen).not.toContain("FALLBACK_ANTHROPIC_API_KEY");
    expect(seen).not.toContain(key);
  });
});
