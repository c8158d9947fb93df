// The Claude Code CLI maxapi runs, and whether each model the settings choose runs on it: a row with
// the CLI's version (the tested one, or CLAUDE_CODE_VERSION's), and a row per model of AGENTS,
// DEFAULT_MODEL and HEARTBEAT_MODEL from one small chat completion each (the chat probe, chat.ts).
// Anthropic refuses a model to a CLI older than its floor for it, and some models to some accounts:
// the row then says so in maxapi's words, with the command that moves on.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Commands } from "./commands.ts";
import { runFailure, type RunResult } from "./compose.ts";
import { clip } from "./json.ts";
import { choiceId, parseChoice } from "@clawbridge/models";
import { DEFAULTS } from "@clawbridge/settings";
import { fail, ok, type Row } from "./row.ts";
import type { Agent } from "./stack.ts";
import { parseProbe } from "./chat.ts";

export const CLAUDE_CODE_CHECK = "Claude Code";

/** The tested Claude Code: the version maxapi's package.json pins (what CLAUDE_CODE_VERSION empty builds). */
export function testedClaudeCode(root: string): string {
  const manifest = JSON.parse(readFileSync(join(root, "services/maxapi/package.json"), "utf8")) as {
    dependencies?: Record<string, string>;
  };
  return manifest.dependencies?.["@anthropic-ai/claude-code"] ?? "";
}

/** `claude --version` in maxapi ("2.1.330 (Claude Code)") against the tested version. */
export function claudeCodeRow(result: RunResult, tested: string, dc: Commands): Row {
  const version = /^(\d+\.\d+\.\d+)/.exec(result.stdout.trim())?.[1];
  if (result.code !== 0 || !version)
    return fail(CLAUDE_CODE_CHECK, `claude --version in maxapi: ${runFailure(result)}`, dc.logs("maxapi", 50));
  if (version === tested) return ok(CLAUDE_CODE_CHECK, `${version}, the tested version`);
  return ok(
    CLAUDE_CODE_CHECK,
    `${version} (CLAUDE_CODE_VERSION; tested: ${tested}; make claude-code VERSION=${version} checks it against maxapi)`,
  );
}

/** The models the settings choose, each once, in the order AGENTS, DEFAULT_MODEL, HEARTBEAT_MODEL. */
export function configuredModels(
  agents: Agent[] | { error: string },
  defaultModel: string,
  heartbeatModel: string,
): string[] {
  const chosen = [
    ...("error" in agents ? [] : agents.map((agent) => agent.choice)),
    parseChoice(defaultModel || DEFAULTS.DEFAULT_MODEL),
    parseChoice(heartbeatModel || DEFAULTS.HEARTBEAT_MODEL),
  ];
  return [...new Set(chosen.filter((choice) => choice !== undefined).map(choiceId))];
}

/** One model's probe: it answered (and which model ran), or why not and what to do. */
export function modelRow(model: string, result: RunResult, dc: Commands): Row {
  const check = `model ${model}`;
  let probe;
  try {
    probe = parseProbe(result.stdout);
  } catch {
    return fail(check, runFailure(result), dc.logs("gateway", 50));
  }
  if (probe.status === 200) return ok(check, `runs: ${probe.model || model} answered in ${probe.ms} ms`);
  const detail = `HTTP ${probe.status}${probe.errorCode ? ` ${probe.errorCode}` : ""}: ${clip(probe.error, 400)}`;
  if (probe.errorCode === "claude_code_version_too_old") {
    const needed = /make claude-code VERSION=([\w.<> -]+?)`/.exec(probe.error)?.[1] ?? "<newer version>";
    return fail(
      check,
      detail,
      `make claude-code VERSION=${needed} (moves the stack to that Claude Code after its contract check), or choose another model in .env`,
    );
  }
  if (probe.errorCode === "model_not_found")
    return fail(
      check,
      detail,
      'choose another model in .env (docs/operations.md, "Choosing a model"), or ask Anthropic for access to this one; then docker compose up -d',
    );
  if (probe.status === 429)
    return fail(check, detail, "the subscription's usage limit: see the usage rows, then run make verify again");
  return fail(check, detail, dc.logs("normalizer maxapi", 50));
}
