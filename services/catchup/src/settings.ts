// Environment → typed settings, parsed once at start (lib/settings: every problem in one plain
// sentence, all of them on the first start).
import { common, commonHelp, readSettings, SettingsError, type Help } from "@clawbridge/settings";
import { z } from "zod";

export { SettingsError };

const shape = {
  PORT: common.port(3458),
  HOST: z.string().default("0.0.0.0"),
  // the OpenClaw gateway; its admin-http-rpc plugin (config-init turns it on) takes cron calls over HTTP
  GATEWAY_URL: z.url({ protocol: /^https?$/ }).default("http://gateway:18789"),
  OPENCLAW_GATEWAY_TOKEN: z.string().min(16),
  // setup-token: no normalizer to ask; the refusals' own words give the resets
  AUTH_MODE: z.enum(["max-proxy", "setup-token"]).default("max-proxy"),
  // the normalizer's OpenAI base URL, as the gateway's provider has it: /limits below it tells the
  // exact reset of a spent window (from a gateway host: the proxy host's)
  NORMALIZER_URL: z.url({ protocol: /^https?$/ }).default("http://normalizer:3457/v1"),
  PROXY_API_KEY: z.string().min(16).optional(),
  // how often OpenClaw's cron jobs are looked at
  CATCHUP_POLL_MS: common.positiveInt(30_000),
  // a catch-up starts this long after the window's reset (the clocks of two machines differ a little;
  // a reset read from a refusal's words is already the end of its minute) ...
  CATCHUP_DELAY_MS: common.nonNegativeInt(15_000),
  // ... and the runs due at one reset this far apart, so they do not spend the new window's first minutes at once
  CATCHUP_SPREAD_MS: common.nonNegativeInt(30_000),
  // where the record of catch-up runs is kept (a volume: a failed slot is never run twice, across restarts)
  STATE_DIR: z.string().default("/var/lib/clawbridge-catchup"),
  // notices (off until set): a webhook taking a JSON body (Slack, Discord, ntfy: its root URL with
  // NOTICE_NTFY_TOPIC), and/or the user's OpenClaw channel, through OpenClaw's own delivery
  NOTICE_WEBHOOK_URL: z.url({ protocol: /^https?$/ }).optional(),
  NOTICE_NTFY_TOPIC: z.string().optional(),
  NOTICE_CHANNEL: z.enum(["telegram", "discord"]).optional(),
  NOTICE_TO: z.string().optional(),
  LOG_LEVEL: common.logLevel(),
};

const help: Help<typeof shape> = {
  ...commonHelp,
  GATEWAY_URL: { expected: "an http(s) URL such as http://gateway:18789" },
  OPENCLAW_GATEWAY_TOKEN: { expected: "16 or more characters", fix: "run make setup, or set the gateway's token in .env" },
  AUTH_MODE: { expected: "max-proxy or setup-token" },
  NORMALIZER_URL: { expected: "an http(s) URL such as http://normalizer:3457/v1" },
  PROXY_API_KEY: { expected: "16 or more characters", fix: "set the proxy host's PROXY_API_KEY in .env" },
  CATCHUP_POLL_MS: { expected: "a number of milliseconds (1 or more)" },
  CATCHUP_DELAY_MS: { expected: "a number of milliseconds (0 or more)" },
  CATCHUP_SPREAD_MS: { expected: "a number of milliseconds (0 or more)" },
  STATE_DIR: { expected: "a directory" },
  NOTICE_WEBHOOK_URL: { expected: "an http(s) URL (a Slack, Discord or ntfy webhook)" },
  NOTICE_NTFY_TOPIC: { expected: "an ntfy topic" },
  NOTICE_CHANNEL: { expected: "telegram or discord" },
  NOTICE_TO: { expected: "a chat: a Telegram chat id, or a Discord channel id" },
};

export type Settings = z.infer<z.ZodObject<typeof shape>>;

/** Parses the environment; throws SettingsError naming every bad variable (never its value). */
export function loadSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  return readSettings(shape, help, env, {
    fileSecrets: ["OPENCLAW_GATEWAY_TOKEN", "PROXY_API_KEY", "NOTICE_WEBHOOK_URL"],
    check: (settings, report) => {
      if (settings.NOTICE_CHANNEL !== undefined && settings.NOTICE_TO === undefined) report("NOTICE_TO", `is not set, and NOTICE_CHANNEL is ${settings.NOTICE_CHANNEL}`, "set the chat notices go to, or leave NOTICE_CHANNEL empty");
    },
  });
}
