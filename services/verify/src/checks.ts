// The checks, in the order of the table: each has a name, whether it sends a model request
// (`live`: skipped with VERIFY_LIVE=0) and a run that returns its rows, fixes included. Checks share
// command results through a Memo (each openclaw command runs once); a check that needs a service
// that is down skips, so a stopped container fails once, in its own row.
import { resolve } from "node:path";
import { NORMALIZER_URL, PORTS } from "@clawbridge/settings";
import {
  AGENT_TURN_DEADLINE_S,
  AGENT_TURN_TIMEOUT_MS,
  agentRows,
  agentTurnRow,
  agentTurnRunId,
  parseAgentsList,
  runErrorFromLogs,
  type ListedAgent,
} from "./agents.ts";
import { channelRows, configuredChannels } from "./channels.ts";
import { CLAUDE_CODE_CHECK, claudeCodeRow, configuredModels, modelRow, testedClaudeCode } from "./claude-code.ts";
import { CHAT_PROBE_SCRIPT, CHAT_TIMEOUT_MS, chatRow } from "./chat.ts";
import { runFailure, type RunResult, type Target } from "./compose.ts";
import { credentialRows } from "./credentials.ts";
import { cronRows, heartbeatModels, parseCronList } from "./cron.ts";
import { FALLBACK_CHECK, fallbackOn, fallbackRow } from "./fallback.ts";
import { parseModelsStatus, type ModelPolicy } from "./model-policy.ts";
import { fail, skip, type Row } from "./row.ts";
import { configInitRow, serviceRows, type Container } from "./services.ts";
import { CONFIG_INIT, envValue, has, type Stack } from "./stack.ts";
import { BILLING_CHECK, EXTRA_USAGE_CHECK, USAGE_CHECK, usageRows } from "./usage.ts";
import { METRICS_SCRIPT, WARM_POOL_CHECK, warmPoolRow } from "./warm-pool.ts";

export interface Context {
  target: Target;
  stack: Stack;
  containers: Container[];
}

export interface Check {
  name: string;
  /** Sends a model request: skipped with VERIFY_LIVE=0. */
  live: boolean;
  /** Runs once the other checks have finished: it reads what their requests did. */
  last?: boolean;
  run(ctx: Context, memo: Memo): Promise<Row[]>;
}

/**
 * Results shared between checks: each command runs once. openclaw CLI commands run one after
 * another (`serial`): each start costs a CPU-second or more, and on a small host several at once
 * would each take long enough to hit their timeout.
 */
export class Memo {
  private readonly results = new Map<string, Promise<unknown>>();
  private queue: Promise<unknown> = Promise.resolve();

  serial<T>(make: () => Promise<T>): Promise<T> {
    const next = this.queue.then(make, make);
    this.queue = next.catch(() => undefined);
    return next;
  }

  once<T>(key: string, make: () => Promise<T>): Promise<T> {
    let result = this.results.get(key) as Promise<T> | undefined;
    if (!result) {
      result = make();
      this.results.set(key, result);
    }
    return result;
  }
}

// The gateway's own port, reached from inside its container.
const GATEWAY_URL = `ws://127.0.0.1:${PORTS.gateway}`;
// the checkout verify runs from (maxapi's package.json names the tested Claude Code)
const ROOT = resolve(import.meta.dirname, "../../..");
export const VERIFY_SESSION = "clawbridge-verify";
export const VERIFY_MESSAGE =
  "This is a connectivity check by clawbridge's make verify. Reply with the single word OK.";

const mine = (ctx: Context, service: string) => ctx.containers.filter((c) => c.service === service && !c.oneOff);
const running = (ctx: Context, service: string) => mine(ctx, service).some((c) => c.state === "running");
const healthy = (ctx: Context, service: string) => {
  const containers = mine(ctx, service);
  return (
    containers.length > 0 &&
    containers.every((c) => c.state === "running" && (c.health === "healthy" || c.health === ""))
  );
};

/** A skip row when the gateway is not here or not running. */
function withoutGateway(ctx: Context, check: string): Row | undefined {
  if (!has(ctx.stack, "gateway")) return skip(check, "no gateway here (COMPOSE_PROFILES)");
  if (!running(ctx, "gateway")) return skip(check, "the gateway is not running (see service gateway)");
  return undefined;
}

/** A skip row when a model request cannot work: maxapi or the normalizer runs here but is unhealthy. */
function withoutModelPath(ctx: Context, check: string): Row | undefined {
  const down = ["maxapi", "normalizer"].filter((service) => has(ctx.stack, service) && !healthy(ctx, service));
  return down.length > 0 ? skip(check, `${down.join(" and ")} not healthy (see above)`) : undefined;
}

const openclaw = (ctx: Context, memo: Memo, ...args: string[]): Promise<RunResult> =>
  memo.once(`openclaw ${args.join(" ")}`, () => memo.serial(() => ctx.target.exec("gateway", ["openclaw", ...args])));

async function listedAgents(ctx: Context, memo: Memo): Promise<ListedAgent[]> {
  try {
    return parseAgentsList((await openclaw(ctx, memo, "agents", "list", "--json")).stdout);
  } catch {
    return [];
  }
}

/** Each agent's allowlist and credentials (`openclaw models status`, once per agent); agents it cannot tell are left out. */
async function modelPolicies(ctx: Context, memo: Memo, agentIds: string[]): Promise<Map<string, ModelPolicy>> {
  const policies = new Map<string, ModelPolicy>();
  for (const id of [...new Set(agentIds)].filter(Boolean).sort()) {
    try {
      policies.set(
        id,
        parseModelsStatus((await openclaw(ctx, memo, "models", "status", "--agent", id, "--json")).stdout),
      );
    } catch {
      // without it the rows show what they can: jobs and agents unjudged by policy
    }
  }
  return policies;
}

/** The chat completion's row; the agent turn waits for it. */
function chat(ctx: Context, memo: Memo): Promise<Row> {
  return memo.once("chat", async () => {
    const check = "chat completion";
    const dc = ctx.target.commands;
    if (ctx.stack.authMode === "setup-token" && !has(ctx.stack, "normalizer"))
      return skip(check, "AUTH_MODE=setup-token: no normalizer");
    const unavailable = withoutModelPath(ctx, check);
    if (unavailable) return unavailable;
    const from = probeFrom(ctx, check);
    if ("status" in from) return from;
    return chatRow(await probe(ctx, from), ctx.stack.authMode, dc);
  });
}

/** Where the chat probe runs: from the gateway, as the gateway sends it; on a proxy-only machine from the normalizer itself. */
function probeFrom(ctx: Context, check: string): { service: string; url: string } | Row {
  if (!has(ctx.stack, "gateway")) return { service: "normalizer", url: `http://127.0.0.1:${PORTS.normalizer}/v1` };
  return (
    withoutGateway(ctx, check) ?? {
      service: "gateway",
      url: envValue(ctx.stack, CONFIG_INIT, "NORMALIZER_URL") || NORMALIZER_URL,
    }
  );
}

/** The chat probe (chat.ts) from `from`, for `model` (the probe's own by default). */
const probe = (ctx: Context, from: { service: string; url: string }, model?: string): Promise<RunResult> =>
  ctx.target.exec(
    from.service,
    ["node", "-e", CHAT_PROBE_SCRIPT, from.url, String(CHAT_TIMEOUT_MS - 5000), ...(model ? [model] : [])],
    { timeoutMs: CHAT_TIMEOUT_MS },
  );

export const CHECKS: Check[] = [
  {
    name: "services",
    live: false,
    run: (ctx) => Promise.resolve(serviceRows(ctx.stack.services, ctx.containers, ctx.target.commands)),
  },
  {
    name: CONFIG_INIT,
    live: false,
    async run(ctx) {
      if (ctx.stack.kind === "swarm")
        return [skip(CONFIG_INIT, "runs first in the gateway's task on Swarm (see service gateway)")];
      if (!ctx.stack.configInit) return [skip(CONFIG_INIT, "not run here (COMPOSE_PROFILES)")];
      const container = mine(ctx, CONFIG_INIT)[0];
      const failed = container !== undefined && container.state === "exited" && container.exitCode !== 0;
      const logs = failed ? (await ctx.target.logs(CONFIG_INIT, { tail: 50 })).stdout : "";
      return [configInitRow(ctx.containers, logs, ctx.target.commands)];
    },
  },
  {
    name: "agents",
    live: false,
    async run(ctx, memo) {
      const unavailable = withoutGateway(ctx, "agents");
      if (unavailable) return [unavailable];
      const list = await openclaw(ctx, memo, "agents", "list", "--json");
      const policies = await modelPolicies(
        ctx,
        memo,
        (await listedAgents(ctx, memo)).map((agent) => agent.id),
      );
      return agentRows(ctx.stack.agents, ctx.stack.authMode, list, ctx.target.commands, policies);
    },
  },
  {
    name: "chat completion",
    live: true,
    run: async (ctx, memo) => [await chat(ctx, memo)],
  },
  {
    name: CLAUDE_CODE_CHECK,
    live: false,
    async run(ctx) {
      if (!has(ctx.stack, "maxapi")) return [];
      if (mine(ctx, "maxapi").every((c) => c.elsewhere))
        return [skip(CLAUDE_CODE_CHECK, "maxapi runs on another node: run make verify there")];
      if (!running(ctx, "maxapi")) return [skip(CLAUDE_CODE_CHECK, "maxapi not running (see above)")];
      const result = await ctx.target.exec("maxapi", ["claude", "--version"]);
      return [claudeCodeRow(result, testedClaudeCode(ROOT), ctx.target.commands)];
    },
  },
  {
    // each model the settings choose, once: one small chat completion each, after the chat probe
    name: "models",
    live: true,
    async run(ctx, memo) {
      if (ctx.stack.authMode !== "max-proxy" || !ctx.stack.configInit) return [];
      const models = configuredModels(
        ctx.stack.agents,
        envValue(ctx.stack, CONFIG_INIT, "DEFAULT_MODEL"),
        envValue(ctx.stack, CONFIG_INIT, "HEARTBEAT_MODEL"),
      );
      const unavailable = withoutModelPath(ctx, "models");
      if (unavailable) return [unavailable];
      if ((await chat(ctx, memo)).status === "FAIL")
        return models.map((model) => skip(`model ${model}`, "the chat completion failed (see above)"));
      const from = probeFrom(ctx, "models");
      if ("status" in from) return [from];
      const rows: Row[] = [];
      for (const model of models) rows.push(modelRow(model, await probe(ctx, from, model), ctx.target.commands));
      return rows;
    },
  },
  {
    name: "agent turn",
    live: true,
    async run(ctx, memo) {
      const agents = ctx.stack.agents;
      const agent = "error" in agents ? "main" : (agents[0]?.id ?? "main");
      const check = `agent turn (${agent})`;
      const unavailable = withoutGateway(ctx, check) ?? withoutModelPath(ctx, check);
      if (unavailable) return [unavailable];
      const chatRow = await chat(ctx, memo);
      if (chatRow.status === "FAIL") return [skip(check, "the chat completion failed (see above)")];
      const since = new Date().toISOString();
      const result = await memo.serial(() =>
        ctx.target.exec(
          "gateway",
          [
            "openclaw",
            "agent",
            "--agent",
            agent,
            "--session-key",
            VERIFY_SESSION,
            "--message",
            VERIFY_MESSAGE,
            "--timeout",
            String(AGENT_TURN_DEADLINE_S),
            "--json",
          ],
          { env: { OPENCLAW_GATEWAY_URL: GATEWAY_URL }, timeoutMs: AGENT_TURN_TIMEOUT_MS },
        ),
      );
      const runId = result.code === 0 ? "" : agentTurnRunId(result);
      const logged = runId ? runErrorFromLogs((await ctx.target.logs("gateway", { since })).stdout, runId) : "";
      return [agentTurnRow(agent, ctx.stack.authMode, result, ctx.target.commands, logged)];
    },
  },
  {
    // one read of maxapi's /metrics: the warm pool, the usage windows, extra usage, the billing refusals
    name: "maxapi metrics",
    live: false,
    last: true,
    async run(ctx) {
      if (!has(ctx.stack, "maxapi")) return [];
      const without = (why: string) =>
        [WARM_POOL_CHECK, USAGE_CHECK, EXTRA_USAGE_CHECK, BILLING_CHECK].map((check) => skip(check, why));
      if (mine(ctx, "maxapi").every((c) => c.elsewhere))
        return without("maxapi runs on another node: run make verify there");
      if (!healthy(ctx, "maxapi")) return without("maxapi not healthy (see above)");
      const result = await ctx.target.exec("maxapi", ["node", "-e", METRICS_SCRIPT]);
      const dc = ctx.target.commands;
      return [
        warmPoolRow(envValue(ctx.stack, "maxapi", "WARM_POOL_SIZE"), result, dc),
        ...usageRows(result, Date.now(), dc, fallbackOn(ctx.stack)),
      ];
    },
  },
  {
    name: FALLBACK_CHECK,
    live: false,
    run: (ctx) => Promise.resolve([fallbackRow(ctx.stack, ctx.target.commands)]),
  },
  {
    name: "credentials",
    live: false,
    async run(ctx) {
      const auth =
        ctx.stack.authMode === "max-proxy" && running(ctx, "maxapi")
          ? await ctx.target.exec("maxapi", ["claude", "auth", "status"])
          : undefined;
      return credentialRows(ctx.stack, auth, ctx.target.commands);
    },
  },
  {
    name: "cron",
    live: false,
    async run(ctx, memo) {
      const unavailable = withoutGateway(ctx, "cron");
      if (unavailable) return [unavailable];
      const [list, health, agents] = await Promise.all([
        openclaw(ctx, memo, "cron", "list", "--all", "--json"),
        openclaw(ctx, memo, "health", "--json"),
        listedAgents(ctx, memo),
      ]);
      let jobs;
      try {
        jobs = parseCronList(list.stdout);
      } catch (error) {
        return [
          fail(
            "cron",
            `openclaw cron list: ${list.code === 0 ? (error as Error).message : runFailure(list)}`,
            ctx.target.commands.logs("gateway", 50),
          ),
        ];
      }
      let heartbeats = new Map<string, string>();
      try {
        heartbeats = heartbeatModels(health.stdout);
      } catch {
        // heartbeat jobs then show no model name
      }
      const policies = await modelPolicies(
        ctx,
        memo,
        jobs.filter((job) => job.model !== "").map((job) => job.agentId),
      );
      return cronRows(jobs, heartbeats, agents, ctx.target.commands, policies);
    },
  },
  {
    name: "channels",
    live: false,
    async run(ctx, memo) {
      const configured = configuredChannels(ctx.stack);
      if (configured.length === 0) return channelRows([], "", ctx.target.commands);
      const unavailable = withoutGateway(ctx, "channels");
      if (unavailable) return [unavailable];
      const result = await openclaw(ctx, memo, "channels", "status", "--json");
      try {
        return channelRows(configured, result.stdout, ctx.target.commands);
      } catch (error) {
        return [
          fail(
            "channels",
            `openclaw channels status: ${result.code === 0 ? (error as Error).message : runFailure(result)}`,
            ctx.target.commands.logs("gateway", 50),
          ),
        ];
      }
    },
  },
];
