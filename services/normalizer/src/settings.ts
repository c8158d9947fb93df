// Environment → typed settings, parsed once at start (lib/settings: every problem in one plain
// sentence, all of them on the first start).
import {
  common,
  commonHelp,
  describeVariables,
  KEY_EXPECTED,
  MAKE_SETUP,
  MAXAPI_URL,
  PORTS,
  readSettings,
  SettingsError,
  type Help,
  type ImagePolicy,
  type ReadOptions,
  type VariableReference,
  UPSTREAM_TIMEOUT_MARGIN_MS,
} from "@clawbridge/settings";
import { z } from "zod";
import { parseModelAliases, type ModelAliases } from "./models.ts";

export { SettingsError };

// What each variable does is in `help` below (its description); comments here say why.
const shape = {
  PORT: common.port(PORTS.normalizer),
  HOST: common.host(),
  UPSTREAM_URL: z.url({ protocol: /^https?$/ }).default(MAXAPI_URL),
  PROXY_API_KEY: common.key().optional(),
  // compose sets it where it publishes this port (NORMALIZER_BIND:NORMALIZER_PORT)
  PUBLISHED_ON: z.string().optional(),
  MAX_BODY_BYTES: common.maxBodyBytes(),
  IMAGE_POLICY: common.imagePolicy(),
  MODEL_ALIASES: z
    .string()
    .default("")
    .transform((spec, context) => {
      try {
        return parseModelAliases(spec);
      } catch (error) {
        context.addIssue({ code: "custom", message: (error as Error).message });
        return z.NEVER;
      }
    }),
  MAX_CONCURRENCY: common.maxConcurrency(),
  MAX_QUEUE: common.nonNegativeInt(64),
  QUEUE_TIMEOUT_MS: common.positiveInt(60_000),
  // maxapi's, so that a silent upstream is cut a little after maxapi stops the CLI run, and
  // maxapi's own 504 gets through
  CLI_TIMEOUT_MS: common.cliTimeoutMs(),
  UPSTREAM_TIMEOUT_MS: z.coerce.number().int().positive().optional(),
  SHUTDOWN_TIMEOUT_MS: common.shutdownTimeoutMs(),
  LOG_LEVEL: common.logLevel(),
};

const help: Help<typeof shape> = {
  ...commonHelp,
  UPSTREAM_URL: { description: "maxapi, where chat requests go", expected: `an http(s) URL such as ${MAXAPI_URL}` },
  PROXY_API_KEY: {
    description:
      "Key clients (the gateway) must send as Authorization: Bearer; empty leaves the proxy open (a warning is logged), refused when published",
    expected: KEY_EXPECTED,
    fix: `${MAKE_SETUP} (the same on every gateway host)`,
  },
  PUBLISHED_ON: {
    description: "Where compose publishes this port beyond the machine; set, PROXY_API_KEY is required",
    expected: "an address",
  },
  MAX_BODY_BYTES: {
    ...commonHelp.MAX_BODY_BYTES,
    description: "Largest request body accepted (bytes); a larger one gets 413. 32 MiB is Anthropic's own limit",
  },
  IMAGE_POLICY: {
    ...commonHelp.IMAGE_POLICY,
    description:
      "Images: send (to the model; remote URLs are refused, never fetched), placeholder (a short note instead) or reject (400)",
  },
  MODEL_ALIASES: {
    description: "Extra model ids, comma-separated alias=target; a target is a family or an exact id",
    expected: "a list such as gpt-4o=sonnet,fast=haiku,stable=claude-opus-4-8",
  },
  MAX_CONCURRENCY: {
    description: "Chat requests run upstream at once (each a Claude Code CLI process of ~200 MB)",
    expected: "a whole number of 1 or more",
  },
  MAX_QUEUE: {
    description: "Requests that may wait for a slot; beyond that clients get 429 with Retry-After",
    expected: "a whole number of 0 or more",
  },
  QUEUE_TIMEOUT_MS: {
    description: "How long a request may wait for a slot before it gets 429 (ms)",
    expected: "a number of milliseconds (1 or more)",
  },
  CLI_TIMEOUT_MS: {
    description: "maxapi's CLI_TIMEOUT_MS, from which UPSTREAM_TIMEOUT_MS follows when that is empty (ms)",
    expected: "a number of milliseconds (1 or more), the same as maxapi's",
  },
  UPSTREAM_TIMEOUT_MS: {
    description: `How long maxapi may stay silent before the request fails with 504 (ms); empty: CLI_TIMEOUT_MS + ${UPSTREAM_TIMEOUT_MARGIN_MS}, so maxapi's own 504 reaches the caller first`,
    expected: `a number of milliseconds (1 or more), or empty for CLI_TIMEOUT_MS + ${UPSTREAM_TIMEOUT_MARGIN_MS}`,
  },
};

const options: ReadOptions<typeof shape> = {
  fileSecrets: ["PROXY_API_KEY"],
  check: (settings, report) => {
    // an open proxy on a network spends the subscription of whoever runs it
    if (settings.PUBLISHED_ON !== undefined && settings.PROXY_API_KEY === undefined) {
      report(
        "PROXY_API_KEY",
        `is not set, and the normalizer is published (on ${settings.PUBLISHED_ON})`,
        help.PROXY_API_KEY.fix,
      );
    }
  },
};

/** The normalizer's variables as data (docs/settings.md); made when asked, never at start. */
export const variables = (): VariableReference[] => describeVariables(shape, help, options);

export interface Settings {
  port: number;
  host: string;
  upstreamUrl: string;
  /** Bearer key clients must present; undefined leaves the proxy open (a warning is logged). */
  apiKey: string | undefined;
  maxBodyBytes: number;
  imagePolicy: ImagePolicy;
  modelAliases: ModelAliases;
  maxConcurrency: number;
  maxQueue: number;
  queueTimeoutMs: number;
  upstreamTimeoutMs: number;
  shutdownTimeoutMs: number;
  logLevel: z.infer<typeof shape.LOG_LEVEL>;
}

/** Parses the environment; throws SettingsError naming every bad variable (never its value). */
export function loadSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  const e = readSettings(shape, help, env, options);
  return {
    port: e.PORT,
    host: e.HOST,
    upstreamUrl: e.UPSTREAM_URL.replace(/\/+$/, ""),
    apiKey: e.PROXY_API_KEY,
    maxBodyBytes: e.MAX_BODY_BYTES,
    imagePolicy: e.IMAGE_POLICY,
    modelAliases: e.MODEL_ALIASES,
    maxConcurrency: e.MAX_CONCURRENCY,
    maxQueue: e.MAX_QUEUE,
    queueTimeoutMs: e.QUEUE_TIMEOUT_MS,
    upstreamTimeoutMs: e.UPSTREAM_TIMEOUT_MS ?? e.CLI_TIMEOUT_MS + UPSTREAM_TIMEOUT_MARGIN_MS,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    logLevel: e.LOG_LEVEL,
  };
}
