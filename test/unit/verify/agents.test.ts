import { describe, expect, it } from "vitest";
import { agentRows, agentTurnRow, agentTurnRunId, runErrorFromLogs } from "../../../services/verify/src/agents.ts";
import { parseModelsStatus } from "../../../services/verify/src/model-policy.ts";
import { parseAgents } from "../../../services/verify/src/stack.ts";
import { DC, fixture, result } from "./fixtures.ts";

const AGENTS = parseAgents("main=opus,lite=sonnet");

/**
 * A recorded `openclaw agents list --json` (the fixtures hold claude-max-api's ids, from an earlier
 * release) with its agents on the given models, as the current config-init renders them.
 */
function listedOn(
  scenario: "max-proxy" | "setup-token",
  models: Record<string, string>,
): { id: string; model: string }[] {
  const listed = JSON.parse(fixture(`${scenario}/agents-list.json`)) as { id: string; model: string }[];
  return listed.map((agent) => ({ ...agent, model: models[agent.id] ?? agent.model }));
}
const PROXY_LIST = result(
  JSON.stringify(listedOn("max-proxy", { main: "claude-max-proxy/opus", lite: "claude-max-proxy/sonnet" })),
);
const TOKEN_LIST = result(
  JSON.stringify(listedOn("setup-token", { main: "anthropic/claude-opus-5-5", lite: "anthropic/claude-sonnet-5" })),
);

describe("agentRows", () => {
  it("fails an agent whose model's provider has no credential, and one kept on the other mode's provider", () => {
    const lite = JSON.parse(fixture("allowlist-refuses/models-status-lite.json")) as {
      auth: { missingProvidersInUse: string[] };
    };
    lite.auth.missingProvidersInUse = ["claude-max-proxy"];
    const policies = new Map([["lite", parseModelsStatus(JSON.stringify(lite))]]);
    const listed = listedOn("max-proxy", { main: "claude-max-proxy/opus", lite: "claude-max-proxy/sonnet" });
    listed.push({ id: "research", model: "anthropic/claude-fable-5" });
    const rows = agentRows(AGENTS, "max-proxy", result(JSON.stringify(listed)), DC, policies);
    expect(rows.map((row) => [row.check, row.status, row.detail])).toEqual([
      ["agent main", "ok", "claude-max-proxy/opus, default agent"],
      ["agent lite", "FAIL", "claude-max-proxy/sonnet: no credential for provider claude-max-proxy, so its turns fail"],
      [
        "agent research",
        "FAIL",
        "anthropic/claude-fable-5: a model of anthropic, which AUTH_MODE=max-proxy does not use (not in AGENTS, kept from the existing config)",
      ],
    ]);
    expect(rows[2]?.fix).toContain(
      `${DC.display} exec gateway openclaw config set agents.entries.research.model claude-max-proxy/sonnet`,
    );
    // in setup-token mode, the proposed model is the family's in OpenClaw's anthropic catalogue
    const kept = [
      ...listedOn("setup-token", { main: "anthropic/claude-opus-5-5", lite: "anthropic/claude-sonnet-5" }),
      { id: "research", model: "claude-max-proxy/claude-opus-4-8" },
    ];
    const tokenRows = agentRows(AGENTS, "setup-token", result(JSON.stringify(kept)), DC);
    expect(tokenRows[2]).toMatchObject({
      check: "agent research",
      status: "FAIL",
      detail: expect.stringMatching(
        /^claude-max-proxy\/claude-opus-4-8: a model of claude-max-proxy, which AUTH_MODE=setup-token/,
      ) as string,
    });
    expect(tokenRows[2]?.fix).toContain("openclaw config set agents.entries.research.model anthropic/claude-sonnet-5");
  });

  it("says an agent's provider is paused by OpenClaw after a 401 (not missing), for how long, and what to do", () => {
    const policies = new Map([["main", parseModelsStatus(fixture("provider-401/models-status-main.json"))]]);
    const [main] = agentRows(AGENTS, "max-proxy", PROXY_LIST, DC, policies);
    expect(main?.status).toBe("FAIL");
    expect(main?.detail).toBe(
      "claude-max-proxy/opus: OpenClaw paused the key of claude-max-proxy after a refused request (auth) for another 28 s; its turns fail until then",
    );
    expect(main?.fix).toMatch(
      /^fix what the refusal said \(the rows above, or .*logs.*gateway.*\), then run make verify again in 28 s$/,
    );
    expect(main?.fix).not.toContain("config-init");
  });

  it("passes each agent of AGENTS on its model (a family or a pin), the first as the default agent", () => {
    const rows = agentRows(AGENTS, "max-proxy", PROXY_LIST, DC);
    expect(rows).toEqual([
      { check: "agent main", status: "ok", detail: "claude-max-proxy/opus, default agent", fix: "" },
      { check: "agent lite", status: "ok", detail: "claude-max-proxy/sonnet", fix: "" },
    ]);
    const setupToken = agentRows(AGENTS, "setup-token", TOKEN_LIST, DC);
    expect(setupToken.map((row) => [row.status, row.detail])).toEqual([
      ["ok", "anthropic/claude-opus-5-5, default agent"],
      ["ok", "anthropic/claude-sonnet-5"],
    ]);
    // Fable and a pin, in both modes
    const chosen = parseAgents("main=fable,lite=claude-opus-4-8");
    const proxy = agentRows(
      chosen,
      "max-proxy",
      result(
        JSON.stringify(
          listedOn("max-proxy", { main: "claude-max-proxy/fable", lite: "claude-max-proxy/claude-opus-4-8" }),
        ),
      ),
      DC,
    );
    expect(proxy.map((row) => [row.status, row.detail])).toEqual([
      ["ok", "claude-max-proxy/fable, default agent"],
      ["ok", "claude-max-proxy/claude-opus-4-8"],
    ]);
    const token = agentRows(
      chosen,
      "setup-token",
      result(
        JSON.stringify(
          listedOn("setup-token", { main: "anthropic/claude-fable-5-1", lite: "anthropic/claude-opus-4-8" }),
        ),
      ),
      DC,
    );
    expect(token.map((row) => [row.status, row.detail])).toEqual([
      ["ok", "anthropic/claude-fable-5-1, default agent"],
      ["ok", "anthropic/claude-opus-4-8"],
    ]);
  });

  it("fails an agent on another model, or missing, with the command that re-renders the config", () => {
    const rows = agentRows(parseAgents("main=opus,lite=haiku,work=sonnet"), "max-proxy", PROXY_LIST, DC);
    expect(rows.map((row) => [row.check, row.status, row.detail])).toEqual([
      ["agent main", "ok", "claude-max-proxy/opus, default agent"],
      ["agent lite", "FAIL", "model claude-max-proxy/sonnet, expected claude-max-proxy/haiku (haiku)"],
      ["agent work", "FAIL", "not listed by the gateway (AGENTS has work=sonnet)"],
    ]);
    expect(rows[1]?.fix).toContain("docker compose up -d --force-recreate config-init gateway");
    // a pin is not its family, and the model is named as AGENTS writes it
    const pinned = agentRows(parseAgents("main=claude-opus-4-8,lite=claude-sonnet-4"), "max-proxy", PROXY_LIST, DC);
    expect(pinned.map((row) => [row.status, row.detail])).toEqual([
      ["FAIL", "model claude-max-proxy/opus, expected claude-max-proxy/claude-opus-4-8 (claude-opus-4-8)"],
      ["ok", "claude-max-proxy/sonnet"],
    ]);
    // a gateway still on an earlier release's config (claude-max-api's ids, as recorded) is re-rendered
    const earlier = agentRows(AGENTS, "max-proxy", result(fixture("max-proxy/agents-list.json")), DC);
    expect(earlier.map((row) => [row.status, row.detail])).toEqual([
      ["FAIL", "model claude-max-proxy/claude-opus-4, expected claude-max-proxy/opus (opus)"],
      ["FAIL", "model claude-max-proxy/claude-sonnet-4, expected claude-max-proxy/sonnet (sonnet)"],
    ]);
    expect(earlier[0]?.fix).toContain("docker compose up -d --force-recreate config-init gateway");
    // the gateway of one mode does not pass for the other
    expect(agentRows(AGENTS, "max-proxy", TOKEN_LIST, DC).every((row) => row.status === "FAIL")).toBe(true);
    expect(agentRows(AGENTS, "setup-token", PROXY_LIST, DC).every((row) => row.status === "FAIL")).toBe(true);
  });

  it("fails an agent pinned to a model setup-token mode cannot run (config-init refuses it) instead of failing the check", () => {
    const rows = agentRows(parseAgents("main=claude-fable-5-2"), "setup-token", TOKEN_LIST, DC);
    expect(rows[0]).toMatchObject({
      check: "agent main",
      status: "FAIL",
      detail:
        "AGENTS has main=claude-fable-5-2, which AUTH_MODE=setup-token cannot run (not in OpenClaw's anthropic catalogue)",
    });
    expect(rows[0]?.fix).toMatch(/^choose its family \(fable\) or use AUTH_MODE=max-proxy, then /);
  });

  it("lists agents beyond AGENTS without failing, and fails when the default agent is another", () => {
    const rows = agentRows(parseAgents("lite=sonnet"), "max-proxy", PROXY_LIST, DC);
    expect(rows.map((row) => [row.check, row.status])).toEqual([
      ["agent lite", "FAIL"],
      ["agent main", "ok"],
    ]);
    expect(rows[0]?.detail).toContain("not the default agent");
    expect(rows[1]?.detail).toBe("claude-max-proxy/opus; not in AGENTS (kept from the existing config)");
  });

  it("fails on an unreadable list or a bad AGENTS", () => {
    expect(agentRows(AGENTS, "max-proxy", result("", 1, 'service "gateway" is not running'), DC)[0]).toMatchObject({
      check: "agents",
      status: "FAIL",
    });
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
    expect(logged).toBe(
      "LLM request failed: DNS lookup for the provider endpoint failed. (getaddrinfo EAI_AGAIN api.anthropic.com)",
    );
    const row = agentTurnRow("main", "setup-token", turn, DC, logged);
    expect(row.detail).toBe(`gateway timeout after 140000ms; the gateway logged: ${logged}`);
    expect(row.fix).toContain("internet access and DNS");
    expect(runErrorFromLogs(fixture("setup-token/gateway-logs.txt"), "another-run")).toBe("");
  });

  it("fails when verify's own timeout hit, or the output is not the CLI's JSON", () => {
    expect(agentTurnRow("main", "max-proxy", { ...result(""), code: null, timedOut: true }, DC).detail).toBe(
      "no answer within 120 s",
    );
    expect(agentTurnRow("main", "max-proxy", result("", 1, 'service "gateway" is not running\n'), DC).detail).toBe(
      'exit 1: service "gateway" is not running',
    );
  });
});
