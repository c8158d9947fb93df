// clawbridge's environment → the settings config-init renders from, parsed once (lib/settings:
// every problem in one plain sentence, naming the variable, never its value).
import { readSettings, SettingsError, type Help } from "@clawbridge/settings";
import { z } from "zod";
import { acceptedInWords, choiceId, parseChoice } from "@clawbridge/models";
import { API_FALLBACK_BASE_URL, OPENCLAW_IDS, runsIn, type ModelChoice } from "./models.ts";

export { SettingsError };

/** A family (follows the newest model of it) or an exact id (a pin): lib/models parseChoice. */
const modelChoice = z.string().transform((text, ctx) => {
  const choice = parseChoice(text);
  if (!choice) {
    ctx.addIssue({ code: "custom", message: `"${text}" is no model` });
    return z.NEVER;
  }
  return choice;
});
const agentId = z.string().regex(/^[a-z][a-z0-9-]{0,31}$/, "agent ids are lower-case letters, digits and dashes");
const duration = z.string().regex(/^\d+[smhd]$/, 'a duration such as "30m", "2h" or "0m" (off)');

/** `main=opus,lite=claude-opus-4-8` → [{id: "main", model: {family: "opus"}}, ...]; the first is the default agent. */
const agentList = z
  .string()
  .transform((spec, ctx) => {
    const agents = spec
      .split(",")
      .map((entry) => entry.trim())
      .filter(Boolean)
      .map((entry) => {
        const [id = "", model = ""] = entry.split("=").map((part) => part.trim());
        return { id, model, choice: parseChoice(model) };
      });
    for (const agent of agents) {
      if (!agentId.safeParse(agent.id).success || !agent.choice) {
        ctx.addIssue({ code: "custom", message: `"${agent.id}=${agent.model}": expected id=model, the model a family or an exact id` });
        return z.NEVER;
      }
    }
    if (agents.length === 0) ctx.addIssue({ code: "custom", message: "at least one agent" });
    if (new Set(agents.map((a) => a.id)).size !== agents.length) ctx.addIssue({ code: "custom", message: "an agent id appears twice" });
    return agents.map(({ id, choice }) => ({ id, model: choice as ModelChoice }));
  });

const SETUP_TOKEN_PREFIX = "sk-ant-oat01-";

const shape = {
  AUTH_MODE: z.enum(["max-proxy", "setup-token"]).default("max-proxy"),
  AGENTS: agentList.default([
    { id: "main", model: { family: "opus", pin: undefined } },
    { id: "lite", model: { family: "sonnet", pin: undefined } },
  ]),
  DEFAULT_MODEL: modelChoice.default({ family: "sonnet", pin: undefined }),
  HEARTBEAT_EVERY: duration.default("30m"),
  HEARTBEAT_MODEL: modelChoice.default({ family: "haiku", pin: undefined }),
  TIMEZONE: z
    .string()
    .refine((zone) => {
      try {
        new Intl.DateTimeFormat("en", { timeZone: zone });
        return true;
      } catch {
        return false;
      }
    })
    .default("UTC"),
  NORMALIZER_URL: z.url({ protocol: /^https?$/ }).default("http://normalizer:3457/v1"),
  IMAGE_POLICY: z.enum(["send", "placeholder", "reject"]).default("send"),
  PROXY_API_KEY: z.string().min(16).optional(),
  // checked below, and only in setup-token mode: in max-proxy mode it is maxapi's, not ours
  CLAUDE_SETUP_TOKEN: z.string().optional(),
  OPENCLAW_GATEWAY_TOKEN: z.string().min(16),
  TELEGRAM_BOT_TOKEN: z.string().regex(/^\d+:[\w-]{20,}$/).optional(),
  DISCORD_BOT_TOKEN: z.string().min(20).optional(),
  // the channel and chat notices go to (the catch-up service's, and OpenClaw's alerts of failing cron jobs)
  NOTICE_CHANNEL: z.enum(["telegram", "discord"]).optional(),
  NOTICE_TO: z.string().optional(),
  // checked below: the metered fallback's key, off when unset
  FALLBACK_ANTHROPIC_API_KEY: z.string().optional(),
  FALLBACK_ANTHROPIC_BASE_URL: z.url({ protocol: /^https?$/ }).default(API_FALLBACK_BASE_URL),
  OPENCLAW_STATE_DIR: z.string().default("/home/node/.openclaw"),
};

const MAKE_SETUP = "run make setup, or set 16 or more random characters in .env";
const MODEL_WORDS = acceptedInWords();

const help: Help<typeof shape> = {
  AUTH_MODE: { expected: "max-proxy or setup-token" },
  AGENTS: { expected: `a list such as main=opus,lite=sonnet,stable=claude-opus-4-8 (ids of lower-case letters, digits and dashes; each model ${MODEL_WORDS})` },
  DEFAULT_MODEL: { expected: MODEL_WORDS },
  HEARTBEAT_EVERY: { expected: 'a duration such as "30m", "2h" or "0m" (off)' },
  HEARTBEAT_MODEL: { expected: MODEL_WORDS },
  TIMEZONE: { expected: "an IANA time zone such as Europe/Berlin" },
  NORMALIZER_URL: { expected: "an http(s) URL such as http://normalizer:3457/v1" },
  IMAGE_POLICY: { expected: "send, placeholder or reject" },
  PROXY_API_KEY: { expected: "16 or more characters", fix: `${MAKE_SETUP} (the same on the proxy host)` },
  CLAUDE_SETUP_TOKEN: { expected: "a setup token" },
  OPENCLAW_GATEWAY_TOKEN: { expected: "16 or more characters", fix: MAKE_SETUP },
  TELEGRAM_BOT_TOKEN: { expected: "a Telegram bot token (123456:ABC..., from @BotFather)" },
  DISCORD_BOT_TOKEN: { expected: "a Discord bot token (20 or more characters)" },
  NOTICE_CHANNEL: { expected: "telegram or discord" },
  NOTICE_TO: { expected: "a chat: a Telegram chat id, or a Discord channel id" },
  FALLBACK_ANTHROPIC_API_KEY: { expected: "an Anthropic API key" },
  FALLBACK_ANTHROPIC_BASE_URL: { expected: `an http(s) URL such as ${API_FALLBACK_BASE_URL}` },
  OPENCLAW_STATE_DIR: { expected: "a directory" },
};

export type Settings = z.infer<z.ZodObject<typeof shape>>;

// Secrets may come as files (docker secrets): NAME_FILE names the file holding NAME.
const FILE_SECRETS = [
  "PROXY_API_KEY",
  "CLAUDE_SETUP_TOKEN",
  "OPENCLAW_GATEWAY_TOKEN",
  "TELEGRAM_BOT_TOKEN",
  "DISCORD_BOT_TOKEN",
  "FALLBACK_ANTHROPIC_API_KEY",
] as const;

const API_KEY_PREFIX = "sk-ant-api";

export function loadSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  return readSettings(shape, help, env, {
    fileSecrets: FILE_SECRETS,
    check: (settings, report) => {
      if (settings.AUTH_MODE === "max-proxy" && !settings.PROXY_API_KEY) {
        report("PROXY_API_KEY", "is not set, and AUTH_MODE=max-proxy needs it (the gateway's key to the normalizer)", help.PROXY_API_KEY.fix);
      }
      const channel = settings.NOTICE_CHANNEL;
      if (channel !== undefined) {
        const token = channel === "telegram" ? "TELEGRAM_BOT_TOKEN" : "DISCORD_BOT_TOKEN";
        if (!settings[token]) report("NOTICE_CHANNEL", `is ${channel}, and ${token} is not set`, `set ${token}, or leave NOTICE_CHANNEL empty`);
        if (settings.NOTICE_TO === undefined) report("NOTICE_TO", `is not set, and NOTICE_CHANNEL is ${channel}`, "set the chat notices go to, or leave NOTICE_CHANNEL empty");
      }
      const apiKey = settings.FALLBACK_ANTHROPIC_API_KEY;
      const getKey = "create an API key at console.anthropic.com (it is billed per token), or leave the variable empty to turn the fallback off";
      if (apiKey?.startsWith(SETUP_TOKEN_PREFIX)) {
        report("FALLBACK_ANTHROPIC_API_KEY", `is a setup token (${SETUP_TOKEN_PREFIX}…), not an API key`, `put it in CLAUDE_SETUP_TOKEN; ${getKey}`);
      } else if (apiKey !== undefined && !apiKey.startsWith(API_KEY_PREFIX)) {
        report("FALLBACK_ANTHROPIC_API_KEY", `does not start with ${API_KEY_PREFIX} (an Anthropic API key)`, getKey);
      } else if (apiKey !== undefined && apiKey.length < 40) {
        report("FALLBACK_ANTHROPIC_API_KEY", `is too short (${apiKey.length} characters; an Anthropic API key has over 100)`, getKey);
      }
      if (settings.AUTH_MODE !== "setup-token") return;
      // Option 1 runs OpenClaw's own anthropic catalogue: a pin must be in it
      const chosen: [string, ModelChoice][] = [
        ...settings.AGENTS.map((agent): [string, ModelChoice] => ["AGENTS", agent.model]),
        ["DEFAULT_MODEL", settings.DEFAULT_MODEL],
        ["HEARTBEAT_MODEL", settings.HEARTBEAT_MODEL],
      ];
      for (const [variable, choice] of chosen.filter(([, choice]) => !runsIn("setup-token", choice))) {
        report(
          variable,
          `names ${choiceId(choice)}, which AUTH_MODE=setup-token cannot run (OpenClaw 2026.9.6's anthropic catalogue has ${OPENCLAW_IDS.join(", ")})`,
          `choose the family (${choice.family}) or one of those ids, or use AUTH_MODE=max-proxy, which runs every model of the subscription`,
        );
      }
      const token = settings.CLAUDE_SETUP_TOKEN;
      const getOne = "run `claude setup-token` and put what it prints in .env (or run make setup)";
      if (!token) report("CLAUDE_SETUP_TOKEN", "is not set, and AUTH_MODE=setup-token needs it", getOne);
      else if (!token.startsWith(SETUP_TOKEN_PREFIX)) report("CLAUDE_SETUP_TOKEN", `does not start with ${SETUP_TOKEN_PREFIX}`, getOne);
      else if (token.length < 80) report("CLAUDE_SETUP_TOKEN", `is too short (${token.length} characters; OpenClaw needs 80 or more)`, getOne);
    },
  });
}
