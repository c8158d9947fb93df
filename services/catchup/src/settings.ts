// Environment → typed settings, parsed once at start (lib/settings: every problem in one plain
// sentence, all of them on the first start).
import {
  checkNoticeChat,
  common,
  commonHelp,
  describeVariables,
  GATEWAY_URL,
  KEY_EXPECTED,
  NORMALIZER_URL,
  PORTS,
  readSettings,
  SettingsError,
  type Help,
  type ReadOptions,
  type VariableReference,
} from "@clawbridge/settings";
import { z } from "zod";

export { SettingsError };

// What each variable does is in `help` below (its description); comments here say why.
const shape = {
  PORT: common.port(PORTS.catchup),
  HOST: common.host(),
  // its admin-http-rpc plugin (config-init turns it on) takes cron calls over HTTP
  GATEWAY_URL: z.url({ protocol: /^https?$/ }).default(GATEWAY_URL),
  OPENCLAW_GATEWAY_TOKEN: common.key(),
  AUTH_MODE: common.authMode(),
  // the normalizer's OpenAI base URL, as the gateway's provider has it: /limits is below it
  NORMALIZER_URL: z.url({ protocol: /^https?$/ }).default(NORMALIZER_URL),
  PROXY_API_KEY: common.key().optional(),
  CATCHUP_POLL_MS: common.positiveInt(30_000),
  // the clocks of two machines differ a little; a reset read from a refusal's words is already the end of its minute
  CATCHUP_DELAY_MS: common.nonNegativeInt(15_000),
  // so the runs due at one reset do not spend the new window's first minutes at once
  CATCHUP_SPREAD_MS: common.nonNegativeInt(30_000),
  STATE_DIR: z.string().default("/var/lib/clawbridge-catchup"),
  // notices are off until one of these is set
  NOTICE_WEBHOOK_URL: z.url({ protocol: /^https?$/ }).optional(),
  NOTICE_NTFY_TOPIC: z.string().optional(),
  NOTICE_CHANNEL: common.noticeChannel(),
  NOTICE_TO: z.string().optional(),
  LOG_LEVEL: common.logLevel(),
};

const help: Help<typeof shape> = {
  ...commonHelp,
  GATEWAY_URL: {
    description: "The OpenClaw gateway, whose cron jobs it reads and runs again",
    expected: `an http(s) URL such as ${GATEWAY_URL}`,
  },
  OPENCLAW_GATEWAY_TOKEN: {
    description: "The gateway's token (config-init's OPENCLAW_GATEWAY_TOKEN)",
    expected: KEY_EXPECTED,
    fix: "run make setup, or set the gateway's token in .env",
  },
  AUTH_MODE: {
    ...commonHelp.AUTH_MODE,
    description: "setup-token: no normalizer to ask for the limits; a refusal's own words give the reset",
  },
  NORMALIZER_URL: {
    description:
      "The normalizer, whose /limits gives a spent window's exact reset (on a gateway host: the proxy host's)",
    expected: `an http(s) URL such as ${NORMALIZER_URL}`,
  },
  PROXY_API_KEY: {
    description: "Key it presents to the normalizer",
    expected: KEY_EXPECTED,
    fix: "set the proxy host's PROXY_API_KEY in .env",
  },
  CATCHUP_POLL_MS: {
    description: "How often it looks at the cron jobs and the limits (ms)",
    expected: "a number of milliseconds (1 or more)",
  },
  CATCHUP_DELAY_MS: {
    description: "A job that failed on a spent window runs once more this long after the reset (ms)",
    expected: "a number of milliseconds (0 or more)",
  },
  CATCHUP_SPREAD_MS: {
    description: "The jobs due at one reset run this far apart (ms)",
    expected: "a number of milliseconds (0 or more)",
  },
  STATE_DIR: {
    description:
      "Where its ledger of catch-up runs and the notices' keys are kept (a volume: no failed slot runs twice, no notice is sent twice, across restarts)",
    expected: "a directory",
  },
  NOTICE_WEBHOOK_URL: {
    description:
      "A webhook taking JSON for notices (Slack, Discord, or ntfy's root URL with NOTICE_NTFY_TOPIC); empty: none",
    expected: "an http(s) URL (a Slack, Discord or ntfy webhook)",
  },
  NOTICE_NTFY_TOPIC: {
    description: "The ntfy topic, when NOTICE_WEBHOOK_URL is an ntfy server",
    expected: "an ntfy topic",
  },
  NOTICE_CHANNEL: {
    ...commonHelp.NOTICE_CHANNEL,
    description: "OpenClaw channel the notices also go to, through OpenClaw's own delivery; empty: none",
  },
};

export type Settings = z.infer<z.ZodObject<typeof shape>>;

const options: ReadOptions<typeof shape> = {
  fileSecrets: ["OPENCLAW_GATEWAY_TOKEN", "PROXY_API_KEY", "NOTICE_WEBHOOK_URL"],
  check: checkNoticeChat,
};

/** Parses the environment; throws SettingsError naming every bad variable (never its value). */
export function loadSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  return readSettings(shape, help, env, options);
}

/** The catch-up's variables as data (docs/settings.md); made when asked, never at start. */
export const variables = (): VariableReference[] => describeVariables(shape, help, options);
