// clawbridge's environment → the settings config-init renders from, parsed once (lib/settings:
// every problem in one plain sentence, naming the variable, never its value).
import { readSettings, SettingsError, type Help } from "@clawbridge/settings";
import { z } from "zod";
import { API_FALLBACK_BASE_URL, FAMILIES, type Family } from "./models.ts";

export { SettingsError };

const family = z.enum(FAMILIES);
const agentId = z.string().regex(/^[a-z][a-z0-9-]{0,31}$/, "agent ids are lower-case letters, digits and dashes");
const duration = z.string().regex(/^\d+[smhd]$/, 'a duration such as "30m", "2h" or "0m" (off)');

/** `main=opus,lite=sonnet` → [{id: "main", family: "opus"}, ...]; the first is the default agent. */
const agentList = z
  .string()
  .transform((spec, ctx) => {
    const agents = spec
      .split(",")
      .map((entry) => entry.trim())
      .filter(Boolean)
      .map((entry) => {
        const [id = "", model = ""] = entry.split("=").map((part) => part.trim());
        return { id, family: model };
      });
    for (const agent of agents) {
      if (!agentId.safeParse(agent.id).success || !family.safeParse(agent.family).success) {
        ctx.addIssue({ code: "custom", message: `"${agent.id}=${agent.family}": expected id=opus|sonnet|haiku` });
        return z.NEVER;
      }
    }
    if (agents.length === 0) ctx.addIssue({ code: "custom", message: "at least one agent" });
    if (new Set(agents.map((a) => a.id)).size !== agents.length) ctx.addIssue({ code: "custom", message: "an agent id appears twice" });
    return agents as { id: string; family: Family }[];
  });

const SETUP_TOKEN_PREFIX = "sk-ant-oat01-";

const shape = {
  AUTH_MODE: z.enum(["max-proxy", "setup-token"]).default("max-proxy"),
  AGENTS: agentList.default([
    { id: "main", family: "opus" },
    { id: "lite", family: "sonnet" },
  ]),
  DEFAULT_MODEL: family.default("sonnet"),
  HEARTBEAT_EVERY: duration.default("30m"),
  HEARTBEAT_MODEL: family.default("haiku"),
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
  // checked below: the metered fallback's key, off when unset
  FALLBACK_ANTHROPIC_API_KEY: z.string().optional(),
  FALLBACK_ANTHROPIC_BASE_URL: z.url({ protocol: /^https?$/ }).default(API_FALLBACK_BASE_URL),
  OPENCLAW_STATE_DIR: z.string().default("/home/node/.openclaw"),
};

const MAKE_SETUP = "run make setup, or set 16 or more random characters in .env";
const FAMILY_WORDS = "opus, sonnet or haiku";

const help: Help<typeof shape> = {
  AUTH_MODE: { expected: "max-proxy or setup-token" },
  AGENTS: { expected: "a list such as main=opus,lite=sonnet (ids of lower-case letters, digits and dashes)" },
  DEFAULT_MODEL: { expected: FAMILY_WORDS },
  HEARTBEAT_EVERY: { expected: 'a duration such as "30m", "2h" or "0m" (off)' },
  HEARTBEAT_MODEL: { expected: FAMILY_WORDS },
  TIMEZONE: { expected: "an IANA time zone such as Europe/Berlin" },
  NORMALIZER_URL: { expected: "an http(s) URL such as http://normalizer:3457/v1" },
  IMAGE_POLICY: { expected: "send, placeholder or reject" },
  PROXY_API_KEY: { expected: "16 or more characters", fix: `${MAKE_SETUP} (the same on the proxy host)` },
  CLAUDE_SETUP_TOKEN: { expected: "a setup token" },
  OPENCLAW_GATEWAY_TOKEN: { expected: "16 or more characters", fix: MAKE_SETUP },
  TELEGRAM_BOT_TOKEN: { expected: "a Telegram bot token (123456:ABC..., from @BotFather)" },
  DISCORD_BOT_TOKEN: { expected: "a Discord bot token (20 or more characters)" },
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
      const token = settings.CLAUDE_SETUP_TOKEN;
      const getOne = "run `claude setup-token` and put what it prints in .env (or run make setup)";
      if (!token) report("CLAUDE_SETUP_TOKEN", "is not set, and AUTH_MODE=setup-token needs it", getOne);
      else if (!token.startsWith(SETUP_TOKEN_PREFIX)) report("CLAUDE_SETUP_TOKEN", `does not start with ${SETUP_TOKEN_PREFIX}`, getOne);
      else if (token.length < 80) report("CLAUDE_SETUP_TOKEN", `is too short (${token.length} characters; OpenClaw needs 80 or more)`, getOne);
    },
  });
}
