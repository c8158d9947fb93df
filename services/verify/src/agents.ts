// Checks 3 and 5: the gateway lists each agent of AGENTS on the model config-init gives its choice
// (`openclaw agents list --json`), and an agent turn through the gateway answers (`openclaw agent --json`).
import type { Commands } from "./commands.ts";
import { runFailure, type RunResult } from "./compose.ts";
import {
  asArray,
  asNumber,
  asRecord,
  asString,
  clip,
  firstLine,
  isRecord,
  parseJsonOutput,
  stripAnsi,
} from "./json.ts";
import type { ModelPolicy } from "./model-policy.ts";
import { familyChoice, modelRef, openclawId, providerOf } from "@clawbridge/models";
import { fail, ok, type Row } from "./row.ts";
import type { Agent, AuthMode } from "./stack.ts";

export interface ListedAgent {
  id: string;
  model: string;
  isDefault: boolean;
}

/** `openclaw agents list --json`: an array of {id, model, isDefault, ...}. */
export function parseAgentsList(output: string): ListedAgent[] {
  const list = parseJsonOutput(output);
  if (!Array.isArray(list)) throw new Error("openclaw agents list printed no list");
  return list
    .filter(isRecord)
    .map((agent) => ({ id: asString(agent.id), model: asString(agent.model), isDefault: agent.isDefault === true }));
}

const rerender = (dc: Commands) =>
  `${dc.recreate("config-init gateway")} (config-init renders openclaw.json from AGENTS)`;

/**
 * One row per agent of AGENTS, plus one per agent the gateway lists beyond them. `policies`: each
 * agent's `openclaw models status`, where known: a model whose provider has no credential fails.
 */
export function agentRows(
  expected: Agent[] | { error: string },
  mode: AuthMode,
  result: RunResult,
  dc: Commands,
  policies = new Map<string, ModelPolicy>(),
): Row[] {
  if ("error" in expected)
    return [
      fail("agents", expected.error, "correct AGENTS in .env (e.g. main=opus,lite=sonnet), then " + rerender(dc)),
    ];
  let listed: ListedAgent[];
  try {
    if (result.code !== 0 && result.stdout.trim() === "") throw new Error(runFailure(result));
    listed = parseAgentsList(result.stdout);
  } catch (error) {
    return [fail("agents", `openclaw agents list: ${(error as Error).message}`, dc.logs("gateway", 50))];
  }
  const uncredentialed = (agent: ListedAgent): Row | undefined => {
    const policy = policies.get(agent.id);
    const missing = policy?.missingProviders ?? [];
    if (missing.length === 0) return undefined;
    const paused = missing.map((provider) => policy?.cooldowns.find((c) => c.provider === provider));
    if (paused.every(Boolean)) {
      const seconds = Math.ceil(Math.max(...paused.map((c) => c?.remainingMs ?? 0)) / 1000);
      return fail(
        `agent ${agent.id}`,
        `${agent.model}: OpenClaw paused the key of ${missing.join(", ")} after a refused request (${paused[0]?.reason || "auth"}) for another ${seconds} s; its turns fail until then`,
        `fix what the refusal said (the rows above, or ${dc.logs("gateway", 50)}), then run make verify again in ${seconds} s`,
      );
    }
    const fix = mode === "setup-token" ? `set CLAUDE_SETUP_TOKEN in .env, then ${rerender(dc)}` : rerender(dc);
    return fail(
      `agent ${agent.id}`,
      `${agent.model}: no credential for provider ${missing.join(", ")}, so its turns fail`,
      fix,
    );
  };
  const rows = expected.map((agent, index): Row => {
    const check = `agent ${agent.id}`;
    // config-init refuses these settings; say so rather than fail on the reference
    if (openclawId(mode, agent.choice) === undefined)
      return fail(
        check,
        `AGENTS has ${agent.id}=${agent.model}, which AUTH_MODE=${mode} cannot run (not in OpenClaw's anthropic catalogue)`,
        `choose its family (${agent.choice.family}) or use AUTH_MODE=max-proxy, then ${rerender(dc)}`,
      );
    const want = modelRef(mode, agent.choice);
    const seen = listed.find((a) => a.id === agent.id);
    if (!seen) return fail(check, `not listed by the gateway (AGENTS has ${agent.id}=${agent.model})`, rerender(dc));
    if (seen.model !== want)
      return fail(check, `model ${seen.model || "(none)"}, expected ${want} (${agent.model})`, rerender(dc));
    if (index === 0 && !seen.isDefault)
      return fail(check, `${want}, but not the default agent (the first in AGENTS is)`, rerender(dc));
    return uncredentialed(seen) ?? ok(check, `${want}${seen.isDefault ? ", default agent" : ""}`);
  });
  const otherProvider = providerOf(mode === "max-proxy" ? "setup-token" : "max-proxy");
  for (const extra of listed.filter((a) => !expected.some((agent) => agent.id === a.id))) {
    const check = `agent ${extra.id}`;
    if (extra.model.startsWith(`${otherProvider}/`)) {
      rows.push(
        fail(
          check,
          `${extra.model}: a model of ${otherProvider}, which AUTH_MODE=${mode} does not use (not in AGENTS, kept from the existing config)`,
          `${rerender(dc)}; if it stays, give it a model of this mode: ${dc.execIn("gateway")} openclaw config set agents.entries.${extra.id}.model ${modelRef(mode, familyChoice("sonnet"))}`,
        ),
      );
      continue;
    }
    rows.push(
      uncredentialed(extra) ??
        ok(check, `${extra.model || "(no model)"}; not in AGENTS (kept from the existing config)`),
    );
  }
  return rows;
}

/** The fix for a failed model call, by what the error says. */
export function modelCallFix(message: string, mode: AuthMode, dc: Commands): string {
  if (/\b401\b|auth|log ?in|token/i.test(message)) {
    return mode === "setup-token"
      ? `the setup token was refused: make a new one with \`claude setup-token\`, set CLAUDE_SETUP_TOKEN in .env, then ${dc.recreate("config-init gateway")}`
      : `the Claude CLI in maxapi is not logged in: set a fresh CLAUDE_SETUP_TOKEN in .env (\`claude setup-token\`) and ${dc.up()}, or run \`make login\`; see ${dc.logs("maxapi", 50)}`;
  }
  if (/\b429\b|rate.?limit|usage limit/i.test(message))
    return "the subscription's rate or usage limit: wait and run make verify again";
  if (/EAI_AGAIN|ENOTFOUND|ECONNREFUSED|ETIMEDOUT|DNS lookup/i.test(message)) {
    return `the model provider is unreachable: check the Docker host's internet access and DNS; ${dc.logs(mode === "max-proxy" ? "maxapi" : "gateway", 100)}`;
  }
  return dc.logs(`gateway${mode === "max-proxy" ? " normalizer maxapi" : ""}`, 100);
}

export const AGENT_TURN_TIMEOUT_MS = 120_000;
// The turn's own deadline: the openclaw CLI gives up 30 s after it, so it still reports before ours.
export const AGENT_TURN_DEADLINE_S = 75;

/**
 * Why the gateway's run failed, from its log: the last `isError=true ... error=... rawError=...`
 * line of that run (`[agent/embedded] embedded run agent end: runId=... isError=true ...`).
 */
export function runErrorFromLogs(logs: string, runId: string): string {
  if (runId === "") return "";
  let found = "";
  for (const line of stripAnsi(logs).split("\n")) {
    if (!line.includes(`runId=${runId}`) || !line.includes("isError=true")) continue;
    const match = / error=(.*?)(?: rawError=(.*))?$/.exec(line);
    if (match?.[1]) found = match[2] ? `${match[1].trim()} (${match[2].trim()})` : match[1].trim();
  }
  return found;
}

/** The gateway run id of a failed `openclaw agent --json` (its error envelope has `runId`). */
export function agentTurnRunId(result: RunResult): string {
  try {
    return asString(asRecord(parseJsonOutput(result.stdout)).runId);
  } catch {
    return "";
  }
}

/**
 * `openclaw agent --agent <id> --message ... --json` answered with status "ok" and some text.
 * `logged`: the run's error from the gateway's log (runErrorFromLogs), more telling than a timeout.
 */
export function agentTurnRow(agentId: string, mode: AuthMode, result: RunResult, dc: Commands, logged = ""): Row {
  const check = `agent turn (${agentId})`;
  if (result.timedOut)
    return fail(check, `no answer within ${AGENT_TURN_TIMEOUT_MS / 1000} s`, dc.logs("gateway", 100));
  let turn;
  try {
    turn = asRecord(parseJsonOutput(result.stdout));
  } catch (error) {
    return fail(
      check,
      result.code === 0 ? (error as Error).message : runFailure(result, AGENT_TURN_TIMEOUT_MS),
      dc.logs("gateway", 100),
    );
  }
  const error = asString(asRecord(turn.error).message);
  if (turn.ok === false || error !== "") {
    const what = logged ? `${firstLine(error || "failed", 100)}; the gateway logged: ${logged}` : error || "failed";
    return fail(check, clip(what, 300), modelCallFix(`${error} ${logged}`, mode, dc));
  }
  const inner = asRecord(turn.result);
  const text = asArray(inner.payloads)
    .map((payload) => asString(asRecord(payload).text))
    .join("")
    .trim();
  const status = asString(turn.status);
  if (status !== "ok")
    return fail(check, `status ${status || "(none)"}${text ? `: ${clip(text, 200)}` : ""}`, dc.logs("gateway", 100));
  if (text === "") return fail(check, "status ok but an empty answer", dc.logs("gateway", 100));
  const meta = asRecord(inner.meta);
  const agentMeta = asRecord(meta.agentMeta);
  const model = [asString(agentMeta.provider), asString(agentMeta.model)].filter(Boolean).join("/");
  const seconds = asNumber(meta.durationMs);
  return ok(
    check,
    `answered "${clip(text, 60)}"${seconds === undefined ? "" : ` in ${(seconds / 1000).toFixed(1)} s`}${model ? ` (${model})` : ""}`,
  );
}
