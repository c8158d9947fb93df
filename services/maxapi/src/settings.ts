// Environment → maxapi's settings, parsed once (lib/settings: every problem in one plain sentence,
// all of them at once).
import { CLI_TIMEOUT_DEFAULT_MS, common, commonHelp, readSettings, SettingsError, type Help } from "@clawbridge/settings";
import { z } from "zod";
import { EXTRA_USAGE_VALUES } from "./limits/overage.ts";

export { SettingsError };

const SETUP_TOKEN = /^sk-ant-oat01-[\w-]{8,}$/;

const shape = {
  PORT: common.port(3456),
  HOST: z.string().default("0.0.0.0"),
  // an empty directory the CLI runs in: no project files for it to read
  CLI_WORKDIR: z.string().default("/srv/claude-work"),
  // a CLI run still going after this long is stopped: 504, or an error event mid-stream
  CLI_TIMEOUT_MS: common.positiveInt(CLI_TIMEOUT_DEFAULT_MS),
  // Retry-After on a 429 from the subscription
  RATE_LIMIT_RETRY_AFTER_SECONDS: common.positiveInt(30),
  // the normalizer's MAX_BODY_BYTES (Anthropic's 32 MB request limit), so what it passes is parsed here
  MAX_BODY_BYTES: common.positiveInt(32 * 1024 * 1024),
  SHUTDOWN_TIMEOUT_MS: common.nonNegativeInt(25_000),
  // warm CLI processes (warm/pool.ts): how many at most (0: off), and how long one may wait
  WARM_POOL_SIZE: common.nonNegativeInt(2),
  WARM_IDLE_MS: z.coerce.number().int().min(10_000).default(300_000), // each replacement costs a CLI start
  // the normalizer's cap on requests at once: busy and warm CLI processes together stay within it
  MAX_CONCURRENCY: common.positiveInt(4),
  // where a request's system messages go (cli/input.ts): the CLI's system prompt, or the user message
  SYSTEM_PROMPT: z.enum(["system-prompt", "in-user-message"]).default("system-prompt"),
  // answers billed to the account's extra usage once a usage window is spent (limits/overage.ts):
  // off keeps to the plan (refused until the reset), allowed lets them be billed
  EXTRA_USAGE: z.enum(EXTRA_USAGE_VALUES).default("off"),
  LOG_LEVEL: common.logLevel(),
  /**
   * The setup token (`claude setup-token`, valid a year, never refreshed), from
   * CLAUDE_CODE_OAUTH_TOKEN or the file CLAUDE_CODE_OAUTH_TOKEN_FILE names (a docker secret);
   * unset: the login in the config volume is used.
   */
  CLAUDE_CODE_OAUTH_TOKEN: z
    .string()
    .superRefine((token, context) => {
      // its kind and size, never the secret part
      if (!SETUP_TOKEN.test(token)) context.addIssue({ code: "custom", message: `it is ${token.slice(0, 13)}…, ${token.length} characters` });
    })
    .optional(),
};

const help: Help<typeof shape> = {
  ...commonHelp,
  CLI_WORKDIR: { expected: "a directory" },
  CLI_TIMEOUT_MS: { expected: "a number of milliseconds (1 or more); the normalizer's UPSTREAM_TIMEOUT_MS should be longer" },
  RATE_LIMIT_RETRY_AFTER_SECONDS: { expected: "a number of seconds (1 or more)" },
  WARM_POOL_SIZE: { expected: "a number of processes (0 or more; 0 turns warm processes off)" },
  WARM_IDLE_MS: { expected: "a number of milliseconds, 10000 or more" },
  MAX_CONCURRENCY: { expected: "a number of requests (1 or more), the same as the normalizer's" },
  SYSTEM_PROMPT: { expected: "system-prompt (the request's system messages are the model's system prompt) or in-user-message (inside the user message, as claude-max-api did)" },
  EXTRA_USAGE: {
    expected:
      "off (the plan only: once an answer is billed to extra usage, requests are refused until the usage window resets) or allowed (answers may be billed to the account's extra usage, which is paid)",
  },
  CLAUDE_CODE_OAUTH_TOKEN: {
    expected: "a setup token (sk-ant-oat01-…, as `claude setup-token` prints it)",
    fix: "set CLAUDE_SETUP_TOKEN in .env to what `claude setup-token` prints (compose passes it on as CLAUDE_CODE_OAUTH_TOKEN), or leave it empty and run make login",
  },
};

export type Settings = z.infer<z.ZodObject<typeof shape>>;

/** Parses maxapi's settings; refuses ANTHROPIC_API_KEY, which would bill the API instead of the subscription. */
export function loadSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  return readSettings(shape, help, env, {
    fileSecrets: ["CLAUDE_CODE_OAUTH_TOKEN"],
    forbidden: {
      ANTHROPIC_API_KEY: {
        what: "is set: the Claude CLI would use it instead of the subscription and bill the API",
        fix: "remove it from the environment; use CLAUDE_SETUP_TOKEN (or make login)",
      },
    },
  });
}
