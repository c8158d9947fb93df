import { describe, expect, it } from "vitest";
import { agentRows, agentTurnRow, agentTurnRunId, runErrorFromLogs } from "../../../services/verify/src/agents.ts";
import { parseModelsStatus } from "../../../services/verify/src/model-policy.ts";
import { parseAgents } from "../../../services/verify/src/stack.ts";
import { DC, fixture, result } from "./fixtures.ts";

const AGENTS = parseAgents("main=opus,lite=sonnet");

describe("agentRows", () => {
  it("fails an agent whose model's provider has no credential, and one kept on the other mode's provider", () => {
    const lite = JSON.parse(fixture("allowlist-refuses/models-status-lite.json")) as { auth: { missingProvidersInUse: string[] } };
    lite.auth.missingProvidersInUse = ["claude-max-proxy"];
    const policies = new Map([["lite", parseModelsStatus(JSON.stringify(lite))]]);
    const listed = JSON.parse(fixture("max-proxy/agents-list.json")) as { id: string; model: string }[];
    listed.push({ id: "research", model: "anthropic/claude-fable-5" });
    const rows = agentRows(AGENTS, "max-proxy", result(JSON.stringify(listed)), DC, policies);
    expect(rows.map((row) => [row.check, row.status, row.detail])).toEqual([
      ["agent main", "ok", "claude-max-proxy/claude-opus-4, default agent"],
      ["agent lite", "FAIL", "claude-max-proxy/claude-sonnet-4: no credential for provider claude-max-proxy, so its turns fail"],
      ["agent research", "FAIL", "anthropic/claude-fable-5: a model of anthropic, which AUTH_MODE=max-proxy does not use (not in AGENTS, kept from the existing config)"],
    ]);
    expect(rows[2]?.fix).toContain(`${DC.display} exec gateway openclaw config set agents.entries.research.model claude-max-proxy/claude-sonnet-4`);
  });

  it("says an agent's provider is paused by OpenClaw after a 401 (not missing), for how long, and what to do", () => {
    const policies = new Map([["main", parseModelsStatus(fixture("provider-401/models-status-main.json"))]]);
    const [main] = agentRows(AGENTS, "max-proxy", result(fixture("max-proxy/agents-list.json")), DC, policies);
    expect(main?.status).toBe("FAIL");
    expect(main?.detail).toBe("claude-max-proxy/claude-opus-4: OpenClaw paused the key of claude-max-proxy after a refused request (auth) for another 28 s; its turns fail until then");
    expect(main?.fix).toMatch(/^fix what the refusal said \(the rows above, or .*logs.*gateway.*\), then run make verify again in 28 s$/);
    expect(main?.fix).not.toContain("config-init");
  });

  it("passes each agent of AGENTS on its family's model, the first as the default agent", () => {
    const rows = agentRows(AGENTS, "max-proxy", result(fixture("max-proxy/agents-list.json")), DC);
    expect(rows).toEqual([
      { check: "agent main", status: "ok", detail: "claude-max-proxy/claude-opus-4, default agent", fix: "" },
      { check: "agent lite", status: "ok", detail: "claude-max-proxy/claude-sonnet-4", fix: "" },
    ]);
    const setupToken = agentRows(AGENTS, "setup-token", result(fixture("setup-token/agents-list.json")), DC);
    expect(setupToken.map((row) => [row.status, row.detail])).toEqual([
      ["ok", "anthropic/claude-opus-5, default agent"],
      ["ok", "anthropic/claude-sonnet-5"],
    ]);
  });

  it("fails an agent on another model, or missing, with the command that re-renders the config", () => {
    const rows = agentRows(parseAgents("main=opus,lite=haiku,work=sonnet"), "max-proxy", result(fixture("max-proxy/agents-list.json")), DC);
    expect(rows.map((row) => [row.check, row.status, row.detail])).toEqual([
      ["agent main", "ok", "claude-max-proxy/claude-opus-4, default agent"],
      ["agent lite", "FAIL", "model claude-max-proxy/claude-sonnet-4, expected claude-max-proxy/claude-haiku-4 (haiku)"],
      ["agent work", "FAIL", "not listed by the gateway (AGENTS has work=sonnet)"],
    ]);
    expect(rows[1]?.fix).toContain("docker compose up -d --force-recreate config-init gateway");
    // the gateway of one mode does not pass for the other
    expect(agentRows(AGENTS, "max-proxy", result(fixture("setup-token/agents-list.json")), DC).every((row) => row.status === "FAIL")).toBe(true);
  });

  it("lists agents beyond AGENTS without failing, and fails when the default agent is another", () => {
    const rows = agentRows(parseAgents("lite=sonnet"), "max-proxy", result(fixture("max-proxy/agents-list.json")), DC);
    expect(rows.map((row) => [row.check, row.status])).toEqual([
      ["agent lite", "FAIL"],
      ["agent main", "ok"],
    ]);
    expect(rows[0]?.detail).toContain("not the default agent");
  });

  it("fails on an unreadable list or a bad AGENTS", () => {
    expect(agentRows(AGENTS, "max-proxy", result("", 1, 'service "gateway" is not running'), DC)[0]).toMatchObject({ check: "agents", status: "FAIL" });
    expect(agentRows(parseAgents("main=gpt4"), "max-proxy", result(""), DC)[0]?.detail).toContain("main=gpt4");
  });
});

describe("agentTurnRow", () => {
  it("passes a turn with status ok and text", () => {
    expect(agentTurnRow("main", "max-proxy", result(fixture("max-proxy/agent-turn.json")), DC)).toEqual({
      check: "agent turn (main)",
      status: "ok",
      detail: 'answered "Hello from mock!" in 3.2 s (claude-max-proxy/claude-opus-4)',
      fix: "",
    });
  });

  it("fails a turn every model refused, pointing at the Claude login", () => {
    const row = agentTurnRow("main", "max-proxy", result(fixture("provider-401/agent-turn.json"), 1), DC);
    expect(row.status).toBe("FAIL");
    expect(row.detail).toMatch(/^All models failed \(3\): claude-max-proxy\/claude-opus-4: 401 Not logged in/);
    expect(row.fix).toContain("make login");
  });

  it("explains a gateway timeout with the run's error from the gateway's log", () => {
    const turn = result(fixture("setup-token/agent-turn.json"), 1);
    const runId = agentTurnRunId(turn);
    expect(runId).toBe("2dc8a391-61c3-4cf8-bbbb-a00e1b3879dd");
    const logged = runErrorFromLogs(fixture("setup-token/gateway-logs.txt"), runId);
    expect(logged).toBe("LLM request failed: DNS lookup for the provider endpoint failed. (getaddrinfo EAI_AGAIN api.anthropic.com)");
    const row = agentTurnRow("main", "setup-token", turn, DC, logged);
    expect(row.detail).toBe(`gateway timeout after 140000ms; the gateway logged: ${logged}`);
    expect(row.fix).toContain("internet access and DNS");
    expect(runErrorFromLogs(fixture("setup-token/gateway-logs.txt"), "another-run")).toBe("");
  });

  it("fails when verify's own timeout hit, or the output is not the CLI's JSON", () => {
    expect(agentTurnRow("main", "max-proxy", { ...result(""), code: null, timedOut: true }, DC).detail).toBe("no answer within 120 s");
    expect(agentTurnRow("main", "max-proxy", result("", 1, "service \"gateway\" is not running\n"), DC).detail).toBe('exit 1: service "gateway" is not running');
  });
});
