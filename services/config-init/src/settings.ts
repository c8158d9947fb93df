// clawbridge's environment → the settings config-init renders from, parsed once (lib/settings:
// every problem in one plain sentence, naming the variable, never its value).
import {
  API_KEY_PREFIX,
  checkNoticeChat,
  common,
  commonHelp,
  DEFAULTS,
  describeVariables,
  KEY_EXPECTED,
  MAKE_SETUP,
  MIN_API_KEY_LENGTH,
  MIN_SETUP_TOKEN_LENGTH,
  NORMALIZER_URL,
  readSettings,
  SettingsError,
  SETUP_TOKEN_PREFIX,
  type Help,
  type ReadOptions,
  type VariableReference,
} from "@clawbridge/settings";
import { z } from "zod";
import { acceptedInWords, agentEntries, choiceId, isValidAgent, parseChoice } from "@clawbridge/models";
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
const duration = z.string().regex(/^\d+[smhd]$/, 'a duration such as "30m", "2h" or "0m" (off)');

/** `main=opus,lite=claude-opus-4-8` → [{id: "main", model: {family: "opus"}}, ...]; the first is the default agent. */
const agentList = z.string().transform((spec, ctx) => {
  const agents = agentEntries(spec);
  const bad = agents.find((agent) => !isValidAgent(agent));
  if (bad) {
    ctx.addIssue({
      code: "custom",
      message: `"${bad.id}=${bad.model}": expected id=model, the model a family or an exact id`,
    });
    return z.NEVER;
  }
  if (agents.length === 0) ctx.addIssue({ code: "custom", message: "at least one agent" });
  if (new Set(agents.map((a) => a.id)).size !== agents.length)
    ctx.addIssue({ code: "custom", message: "an agent id appears twice" });
  return agents.filter(isValidAgent).map(({ id, choice }) => ({ id, model: choice }));
});

// defaults are written as .env writes them (prefault: parsed like a set value)
const shape = {
  AUTH_MODE: common.authMode(),
  AGENTS: agentList.prefault(DEFAULTS.AGENTS),
  DEFAULT_MODEL: modelChoice.prefault(DEFAULTS.DEFAULT_MODEL),
  HEARTBEAT_EVERY: duration.default("30m"),
  HEARTBEAT_MODEL: modelChoice.prefault(DEFAULTS.HEARTBEAT_MODEL),
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
  NORMALIZER_URL: z.url({ protocol: /^https?$/ }).default(NORMALIZER_URL),
  IMAGE_POLICY: common.imagePolicy(),
  PROXY_API_KEY: common.key().optional(),
  // checked below, and only in setup-token mode: in max-proxy mode it is maxapi's, not ours
  CLAUDE_SETUP_TOKEN: z.string().optional(),
  OPENCLAW_GATEWAY_TOKEN: common.key(),
  TELEGRAM_BOT_TOKEN: z
    .string()
    .regex(/^\d+:[\w-]{20,}$/)
    .optional(),
  DISCORD_BOT_TOKEN: z.string().min(20).optional(),
  // the channel and chat notices go to (the catch-up service's, and OpenClaw's alerts of failing cron jobs)
  NOTICE_CHANNEL: common.noticeChannel(),
  NOTICE_TO: z.string().optional(),
  // checked below: the metered fallback's key, off when unset
  FALLBACK_ANTHROPIC_API_KEY: z.string().optional(),
  FALLBACK_ANTHROPIC_BASE_URL: z.url({ protocol: /^https?$/ }).default(API_FALLBACK_BASE_URL),
  OPENCLAW_STATE_DIR: z.string().default("/home/node/.openclaw"),
};

const MODEL_WORDS = acceptedInWords();

const help: Help<typeof shape> = {
  AUTH_MODE: commonHelp.AUTH_MODE,
  AGENTS: {
    description:
      "Agents and their model, comma-separated id=model; the first is the default agent. A model is a family (the newest of it) or an exact id to pin",
    expected: `a list such as main=opus,lite=sonnet,stable=claude-opus-4-8 (ids of lower-case letters, digits and dashes; each model ${MODEL_WORDS})`,
  },
  DEFAULT_MODEL: {
    description: "Model of agents.defaults; its fallbacks go down the tiers (mythos, fable, opus, sonnet, haiku)",
    expected: MODEL_WORDS,
  },
  HEARTBEAT_EVERY: {
    description: "How often the default agent's heartbeat runs (0m: off)",
    expected: 'a duration such as "30m", "2h" or "0m" (off)',
  },
  HEARTBEAT_MODEL: { description: "Model of the heartbeat", expected: MODEL_WORDS },
  TIMEZONE: { description: "IANA time zone of the agents", expected: "an IANA time zone such as Europe/Berlin" },
  NORMALIZER_URL: {
    description: "The normalizer as the gateway reaches it (a proxy host's address when it runs on another machine)",
    expected: `an http(s) URL such as ${NORMALIZER_URL}`,
  },
  IMAGE_POLICY: {
    ...commonHelp.IMAGE_POLICY,
    description: "Whether the proxy's models take images: they do only under send (the normalizer's IMAGE_POLICY)",
  },
  PROXY_API_KEY: {
    description: "Key the gateway presents to the normalizer (Authorization: Bearer); AUTH_MODE=max-proxy needs it",
    expected: KEY_EXPECTED,
    fix: `${MAKE_SETUP} (the same on the proxy host)`,
  },
  CLAUDE_SETUP_TOKEN: {
    description: `The subscription's setup token (what \`claude setup-token\` prints, ${SETUP_TOKEN_PREFIX}…, valid a year): the gateway's credential under AUTH_MODE=setup-token, maxapi's otherwise`,
    expected: "a setup token",
  },
  OPENCLAW_GATEWAY_TOKEN: {
    description: "Token the clients of the OpenClaw gateway (its CLI, the control UI, the catch-up) present",
    expected: KEY_EXPECTED,
    fix: MAKE_SETUP,
  },
  TELEGRAM_BOT_TOKEN: {
    description: "Telegram bot token (from @BotFather); set, the Telegram channel is on",
    expected: "a Telegram bot token (123456:ABC..., from @BotFather)",
  },
  DISCORD_BOT_TOKEN: {
    description: "Discord bot token; set, the Discord channel is on",
    expected: "a Discord bot token (20 or more characters)",
  },
  NOTICE_CHANNEL: {
    ...commonHelp.NOTICE_CHANNEL,
    description:
      "Channel where OpenClaw announces cron jobs that keep failing, and the catch-up's notices go (its bot token set)",
  },
  NOTICE_TO: commonHelp.NOTICE_TO,
  FALLBACK_ANTHROPIC_API_KEY: {
    description: `An Anthropic API key (${API_KEY_PREFIX}03-…): a turn the subscription refuses runs on the metered API instead (costs money); empty: no fallback. A setup token here is refused`,
    expected: "an Anthropic API key",
  },
  FALLBACK_ANTHROPIC_BASE_URL: {
    description: "Where the metered fallback's requests go",
    expected: `an http(s) URL such as ${API_FALLBACK_BASE_URL}`,
  },
  OPENCLAW_STATE_DIR: {
    description: "OpenClaw's state directory inside the container (openclaw.json, credentials, cron jobs)",
    expected: "a directory",
  },
};

export type Settings = z.infer<z.ZodObject<typeof shape>>;

const options: ReadOptions<typeof shape> = {
  // secrets may come as files (docker secrets): NAME_FILE names the file holding NAME
  fileSecrets: [
    "PROXY_API_KEY",
    "CLAUDE_SETUP_TOKEN",
    "OPENCLAW_GATEWAY_TOKEN",
    "TELEGRAM_BOT_TOKEN",
    "DISCORD_BOT_TOKEN",
    "FALLBACK_ANTHROPIC_API_KEY",
  ],
  check: (settings, report) => {
    if (settings.AUTH_MODE === "max-proxy" && !settings.PROXY_API_KEY) {
      report(
        "PROXY_API_KEY",
        "is not set, and AUTH_MODE=max-proxy needs it (the gateway's key to the normalizer)",
        help.PROXY_API_KEY.fix,
      );
    }
    const channel = settings.NOTICE_CHANNEL;
    if (channel !== undefined) {
      const token = channel === "telegram" ? "TELEGRAM_BOT_TOKEN" : "DISCORD_BOT_TOKEN";
      if (!settings[token])
        report(
          "NOTICE_CHANNEL",
          `is ${channel}, and ${token} is not set`,
          `set ${token}, or leave NOTICE_CHANNEL empty`,
        );
      checkNoticeChat(settings, report);
    }
    const apiKey = settings.FALLBACK_ANTHROPIC_API_KEY;
    const getKey =
      "create an API key at console.anthropic.com (it is billed per token), or leave the variable empty to turn the fallback off";
    if (apiKey?.startsWith(SETUP_TOKEN_PREFIX)) {
      report(
        "FALLBACK_ANTHROPIC_API_KEY",
        `is a setup token (${SETUP_TOKEN_PREFIX}…), not an API key`,
        `put it in CLAUDE_SETUP_TOKEN; ${getKey}`,
      );
    } else if (apiKey !== undefined && !apiKey.startsWith(API_KEY_PREFIX)) {
      report("FALLBACK_ANTHROPIC_API_KEY", `does not start with ${API_KEY_PREFIX} (an Anthropic API key)`, getKey);
    } else if (apiKey !== undefined && apiKey.length < MIN_API_KEY_LENGTH) {
      report(
        "FALLBACK_ANTHROPIC_API_KEY",
        `is too short (${apiKey.length} characters; an Anthropic API key has over 100)`,
        getKey,
      );
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
    else if (!token.startsWith(SETUP_TOKEN_PREFIX))
      report("CLAUDE_SETUP_TOKEN", `does not start with ${SETUP_TOKEN_PREFIX}`, getOne);
    else if (token.length < MIN_SETUP_TOKEN_LENGTH) {
      report(
        "CLAUDE_SETUP_TOKEN",
        `is too short (${token.length} characters; OpenClaw needs ${MIN_SETUP_TOKEN_LENGTH} or more)`,
        getOne,
      );
    }
  },
};

export function loadSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  return readSettings(shape, help, env, options);
}

/** config-init's variables as data (docs/settings.md); made when asked, never at start. */
export const variables = (): VariableReference[] => describeVariables(shape, help, options);
