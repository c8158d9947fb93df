import { describe, expect, it } from "vitest";
import {
  claudeCodeRow,
  configuredModels,
  modelRow,
  testedClaudeCode,
} from "../../../services/verify/src/claude-code.ts";
import { parseAgents } from "../../../services/verify/src/stack.ts";
import { DC, result } from "./fixtures.ts";

const ROOT = new URL("../../..", import.meta.url).pathname;
const probe = (fields: Record<string, unknown>) =>
  result(
    JSON.stringify({
      url: "http://normalizer:3457/v1",
      status: 0,
      model: "",
      text: "",
      errorType: "",
      errorCode: "",
      error: "",
      toolCalls: 0,
      ms: 812,
      ...fields,
    }),
  );

describe("the Claude Code row", () => {
  it("names the CLI's version, and says whether it is the tested one (maxapi's package.json pin)", () => {
    const tested = testedClaudeCode(ROOT);
    expect(tested).toMatch(/^\d+\.\d+\.\d+$/);
    expect(claudeCodeRow(result(`${tested} (Claude Code)\n`), tested, DC)).toMatchObject({
      status: "ok",
      detail: `${tested}, the tested version`,
    });
    expect(claudeCodeRow(result("2.1.999 (Claude Code)\n"), "2.1.330", DC)).toMatchObject({
      status: "ok",
      detail:
        "2.1.999 (CLAUDE_CODE_VERSION; tested: 2.1.330; make claude-code VERSION=2.1.999 checks it against maxapi)",
    });
    expect(claudeCodeRow({ ...result(""), code: 1, stderr: "exec failed" }, "2.1.330", DC).status).toBe("FAIL");
  });
});

describe("the model rows", () => {
  it("probe each model the settings choose once: AGENTS, then DEFAULT_MODEL and HEARTBEAT_MODEL (their defaults when unset)", () => {
    expect(configuredModels(parseAgents("main=fable,lite=claude-opus-4-8,ops=claude-opus-4"), "", "")).toEqual([
      "fable",
      "claude-opus-4-8",
      "opus",
      "sonnet",
      "haiku",
    ]);
    expect(configuredModels(parseAgents("main=opus,lite=sonnet"), "sonnet", "sonnet")).toEqual(["opus", "sonnet"]);
    expect(configuredModels({ error: "AGENTS: bad" }, "opus", "")).toEqual(["opus", "haiku"]);
  });

  it("a model that answers: ok, naming the model that ran", () => {
    expect(modelRow("fable", probe({ status: 200, model: "claude-fable-5-2", text: "OK" }), DC)).toMatchObject({
      check: "model fable",
      status: "ok",
      detail: "runs: claude-fable-5-2 answered in 812 ms",
    });
  });

  it("a CLI too old for the model: maxapi's words with both versions, and the make command as the fix", () => {
    const error =
      'The Claude Code CLI maxapi runs (2.1.330) is too old for claude-fable-5-2: Anthropic requires version 2.1.332 or newer for it ("Claude Code 2.1.330 does not support this model; version 2.1.332 or newer is required."). Move the stack to a newer Claude Code with `make claude-code VERSION=2.1.332` (or a later version), or choose another model.';
    const row = modelRow(
      "fable",
      probe({ status: 404, errorType: "not_found_error", errorCode: "claude_code_version_too_old", error }),
      DC,
    );
    expect(row).toMatchObject({ check: "model fable", status: "FAIL" });
    expect(row.detail).toMatch(
      /^HTTP 404 claude_code_version_too_old: The Claude Code CLI maxapi runs \(2\.1\.330\) is too old for claude-fable-5-2: Anthropic requires version 2\.1\.332/,
    );
    expect(row.fix).toMatch(/^make claude-code VERSION=2\.1\.332 /);
  });

  it("a model the account may not use, a spent window, anything else: each with its own fix", () => {
    expect(
      modelRow(
        "mythos",
        probe({ status: 404, errorCode: "model_not_found", error: "Anthropic refused the model claude-mythos-5-2" }),
        DC,
      ).fix,
    ).toMatch(/^choose another model in \.env/);
    expect(modelRow("opus", probe({ status: 429, errorCode: "usage_limit_reached", error: "spent" }), DC).fix).toMatch(
      /usage limit/,
    );
    expect(modelRow("opus", probe({ status: 502, errorCode: "cli_exited", error: "ended" }), DC).fix).toContain("logs");
    expect(modelRow("opus", result("not json"), DC).status).toBe("FAIL");
  });
});
