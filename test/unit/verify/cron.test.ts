import { describe, expect, it } from "vitest";
import { parseAgentsList } from "../../../services/verify/src/agents.ts";
import { cronRows, formatDuration, heartbeatModels, parseCronList } from "../../../services/verify/src/cron.ts";
import { parseModelsStatus } from "../../../services/verify/src/model-policy.ts";
import { DC, fixture } from "./fixtures.ts";

const HEARTBEATS = heartbeatModels(fixture("max-proxy/health.json"));
const AGENTS = parseAgentsList(fixture("max-proxy/agents-list.json"));

describe("cronRows", () => {
  it("lists every job with its model: the heartbeat's, the agent's, or its own; disabled jobs skip", () => {
    const rows = cronRows(parseCronList(fixture("max-proxy/cron-list.json")), HEARTBEATS, AGENTS, DC);
    expect(rows.map((row) => [row.check, row.status, row.detail])).toEqual([
      ["cron heartbeat-main", "ok", "claude-max-proxy/claude-haiku-4 (heartbeat), every 30m, last run skipped"],
      [
        "cron skill-collection-review-lite",
        "skip",
        "disabled; claude-max-proxy/claude-sonnet-4 (agent lite), every 7d",
      ],
      ["cron skill-collection-review-main", "skip", "disabled; claude-max-proxy/claude-opus-4 (agent main), every 7d"],
    ]);
  });

  it("fails an enabled job with consecutive errors, with the command that retries it", () => {
    const jobs = parseCronList(fixture("provider-401/cron-list.json"));
    const rows = cronRows(jobs, HEARTBEATS, AGENTS, DC);
    const failing = rows.filter((row) => row.status === "FAIL");
    expect(failing).toHaveLength(1);
    expect(failing[0]?.check).toBe("cron daily-report");
    expect(failing[0]?.detail).toBe(
      "1 consecutive error: ⚠️ claude-max-proxy/claude-sonnet-4 request failed (authentication failed, HTTP 401). Re-authenticate the provider and try again.; claude-max-proxy/claude-sonnet-4, every 1h",
    );
    const id = jobs.find((job) => job.name === "daily-report")?.id ?? "";
    expect(failing[0]?.fix).toContain(`docker compose exec gateway openclaw cron run ${id} --wait`);
    // a skipped heartbeat (nothing to deliver to) is not an error
    expect(rows.find((row) => row.check === "cron heartbeat-main")).toMatchObject({
      status: "ok",
      detail: "claude-max-proxy/claude-haiku-4 (heartbeat), every 30m, last run skipped",
    });
  });

  it("fails a job OpenClaw disabled after its errors, but not one disabled by hand", () => {
    const [job] = parseCronList(fixture("provider-401/cron-list.json")).filter((j) => j.name === "daily-report");
    if (!job) throw new Error("fixture without daily-report");
    const auto = { ...job, enabled: false, autoDisabled: true, consecutiveErrors: 10 };
    expect(cronRows([auto], HEARTBEATS, AGENTS, DC)[0]).toMatchObject({ status: "FAIL" });
    expect(cronRows([{ ...job, enabled: false }], HEARTBEATS, AGENTS, DC)[0]).toMatchObject({ status: "skip" });
  });

  it("fails an enabled job whose model its agent's allowlist refuses, with the fix; a disabled one only says so", () => {
    const policies = new Map(
      ["main", "lite"].map((id) => [id, parseModelsStatus(fixture(`allowlist-refuses/models-status-${id}.json`))]),
    );
    const jobs = parseCronList(fixture("allowlist-refuses/cron-list.json"));
    const rows = cronRows(jobs, HEARTBEATS, AGENTS, DC, policies);
    const row = (name: string) => rows.find((r) => r.check === `cron ${name}`);
    expect(row("Hourly check")).toMatchObject({
      status: "FAIL",
      detail:
        "model claude-max-proxy/claude-sonnet-4 is not in agent lite's allowlist [claude-max-proxy/claude-opus-4]: OpenClaw refuses the job before it runs; claude-max-proxy/claude-sonnet-4, every 1h",
    });
    expect(row("Hourly check")?.fix).toContain(`${DC.display} up -d --force-recreate config-init gateway`);
    expect(row("Hourly check")?.fix).toContain(
      `openclaw config set agents.defaults.modelPolicy.allow '["claude-max-proxy/claude-opus-4","claude-max-proxy/claude-sonnet-4"]' --strict-json`,
    );
    expect(row("Hourly check")?.fix).toContain(
      "openclaw cron edit hourly-check --model claude-max-proxy/claude-opus-4",
    );
    expect(row("Old report")).toMatchObject({
      status: "skip",
      detail: expect.stringContaining(
        "disabled; model claude-max-proxy/claude-sonnet-4 is not in agent main's allowlist",
      ) as string,
    });
    // an allowed model: judged by its errors alone (it failed its delivery once)
    expect(row("Morning brief")).toMatchObject({
      status: "FAIL",
      detail: expect.stringMatching(/^1 consecutive error: Channel is required/) as string,
    });
    // without the policies nothing is refused
    expect(cronRows(jobs, HEARTBEATS, AGENTS, DC).find((r) => r.check === "cron Hourly check")?.detail).toMatch(
      /^1 consecutive error/,
    );
  });

  it("says so when there are no jobs", () => {
    expect(cronRows([], HEARTBEATS, AGENTS, DC)).toEqual([
      { check: "cron", status: "skip", detail: "no cron jobs", fix: "" },
    ]);
    expect(() => parseCronList(fixture("max-proxy/agents-list.json"))).toThrow("no jobs");
  });
});

describe("formatDuration", () => {
  it("writes intervals the way they are configured", () => {
    expect(formatDuration(1_800_000)).toBe("30m");
    expect(formatDuration(604_800_000)).toBe("7d");
    expect(formatDuration(90_000)).toBe("1m30s");
    expect(formatDuration(500)).toBe("500ms");
  });
});
