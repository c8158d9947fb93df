// Environment → maxapi's settings, parsed once (lib/settings: every problem in one plain sentence,
// all of them at once).
import {
  common,
  commonHelp,
  DEFAULTS,
  describeVariables,
  PORTS,
  readSettings,
  SettingsError,
  SETUP_TOKEN_PREFIX,
  type Help,
  type ReadOptions,
  type VariableReference,
} from "@clawbridge/settings";
import { z } from "zod";
import { EXTRA_USAGE_VALUES } from "./limits/overage.ts";

export { SettingsError };

const SETUP_TOKEN = new RegExp(`^${SETUP_TOKEN_PREFIX}[\\w-]{8,}$`);

// What each variable does is in `help` below (its description); comments here say why.
const shape = {
  PORT: common.port(PORTS.maxapi),
  HOST: common.host(),
  CLI_WORKDIR: z.string().default("/srv/claude-work"),
  CLI_TIMEOUT_MS: common.cliTimeoutMs(),
  RATE_LIMIT_RETRY_AFTER_SECONDS: common.positiveInt(30),
  MAX_BODY_BYTES: common.maxBodyBytes(),
  SHUTDOWN_TIMEOUT_MS: common.shutdownTimeoutMs(),
  // warm/pool.ts
  WARM_POOL_SIZE: common.nonNegativeInt(DEFAULTS.WARM_POOL_SIZE),
  WARM_IDLE_MS: z.coerce.number().int().min(10_000).default(300_000), // each replacement costs a CLI start
  MAX_CONCURRENCY: common.maxConcurrency(),
  // cli/input.ts
  SYSTEM_PROMPT: z.enum(["system-prompt", "in-user-message"]).default("system-prompt"),
  // limits/overage.ts
  EXTRA_USAGE: z.enum(EXTRA_USAGE_VALUES).default("off"),
  // main.ts hands it to every CLI process
  CLAUDE_CODE_MAX_RETRIES: common.nonNegativeInt(2),
  LOG_LEVEL: common.logLevel(),
  // `claude setup-token`'s token is valid a year and never refreshed; it may come as a file (a docker secret)
  CLAUDE_CODE_OAUTH_TOKEN: z
    .string()
    .superRefine((token, context) => {
      // its kind and size, never the secret part
      if (!SETUP_TOKEN.test(token))
        context.addIssue({
          code: "custom",
          message: `it is ${token.slice(0, SETUP_TOKEN_PREFIX.length)}…, ${token.length} characters`,
        });
    })
    .optional(),
};

const help: Help<typeof shape> = {
  ...commonHelp,
  MAX_BODY_BYTES: {
    ...commonHelp.MAX_BODY_BYTES,
    description:
      "Largest request body accepted (bytes): the normalizer's MAX_BODY_BYTES, so what it passes is parsed here",
  },
  CLI_WORKDIR: {
    description: "An empty directory the CLI runs in: no project files for it to read",
    expected: "a directory",
  },
  CLI_TIMEOUT_MS: {
    description: "A CLI run still going after this long is stopped: 504, or an error event mid-stream (ms)",
    expected: "a number of milliseconds (1 or more); the normalizer's UPSTREAM_TIMEOUT_MS should be longer",
  },
  RATE_LIMIT_RETRY_AFTER_SECONDS: {
    description:
      "Retry-After (seconds) on Anthropic's short rate limit (a spent window's 429 gives the time to its reset)",
    expected: "a number of seconds (1 or more)",
  },
  WARM_POOL_SIZE: {
    description:
      "CLI processes started ahead, each waiting for one request (~130-150 MB each); busy and warm ones stay within MAX_CONCURRENCY; 0: off",
    expected: "a number of processes (0 or more; 0 turns warm processes off)",
  },
  WARM_IDLE_MS: {
    description: "After this long unused, a warm process is replaced by a fresh one (ms)",
    expected: "a number of milliseconds, 10000 or more",
  },
  MAX_CONCURRENCY: {
    description: "The normalizer's cap on requests at once: busy and warm CLI processes together stay within it",
    expected: "a number of requests (1 or more), the same as the normalizer's",
  },
  SYSTEM_PROMPT: {
    description:
      "Where a request's system messages go: the model's system prompt (system-prompt), or the user message in `<system>` tags (in-user-message)",
    expected:
      "system-prompt (the request's system messages are the model's system prompt) or in-user-message (inside the user message, as claude-max-api did)",
  },
  EXTRA_USAGE: {
    description:
      "A spent usage window answered on the account's extra usage (paid): off refuses requests until the reset, allowed lets them be billed",
    expected:
      "off (the plan only: once an answer is billed to extra usage, requests are refused until the usage window resets) or allowed (answers may be billed to the account's extra usage, which is paid)",
  },
  CLAUDE_CODE_MAX_RETRIES: {
    description: "Retries the Claude CLI makes itself before it reports an error (a 429 then surfaces within seconds)",
    expected: "a number of retries (0 or more)",
  },
  CLAUDE_CODE_OAUTH_TOKEN: {
    description:
      "The setup token; compose gives it CLAUDE_SETUP_TOKEN. Empty: the login in the config volume (make login)",
    expected: `a setup token (${SETUP_TOKEN_PREFIX}…, as \`claude setup-token\` prints it)`,
    fix: "set CLAUDE_SETUP_TOKEN in .env to what `claude setup-token` prints (compose passes it on as CLAUDE_CODE_OAUTH_TOKEN), or leave it empty and run make login",
  },
};

export type Settings = z.infer<z.ZodObject<typeof shape>>;

const options: ReadOptions<typeof shape> = {
  fileSecrets: ["CLAUDE_CODE_OAUTH_TOKEN"],
  forbidden: {
    ANTHROPIC_API_KEY: {
      what: "is set: the Claude CLI would use it instead of the subscription and bill the API",
      fix: "remove it from the environment; use CLAUDE_SETUP_TOKEN (or make login)",
    },
  },
};

/** Parses maxapi's settings; refuses ANTHROPIC_API_KEY, which would bill the API instead of the subscription. */
export function loadSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  return readSettings(shape, help, env, options);
}

/** maxapi's variables as data (docs/settings.md); made when asked, never at start. */
export const variables = (): VariableReference[] => describeVariables(shape, help, options);
