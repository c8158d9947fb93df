// Environment → typed settings, parsed once at start (lib/settings: every problem in one plain
// sentence, all of them on the first start).
import { CLI_TIMEOUT_DEFAULT_MS, common, commonHelp, readSettings, SettingsError, type Help, UPSTREAM_TIMEOUT_MARGIN_MS } from "@clawbridge/settings";
import { z } from "zod";
import { parseModelAliases, type ModelAliases } from "./models.ts";
import type { ImagePolicy } from "./normalize.ts";

export { SettingsError };

const MIB = 1024 * 1024;

const shape = {
  PORT: common.port(3457),
  HOST: z.string().default("0.0.0.0"),
  UPSTREAM_URL: z.url({ protocol: /^https?$/ }).default("http://maxapi:3456"),
  PROXY_API_KEY: z.string().min(16).optional(),
  // where compose publishes this port beyond the machine (NORMALIZER_BIND:NORMALIZER_PORT), if it does
  PUBLISHED_ON: z.string().optional(),
  // Anthropic's own limit on a request: room for a few images at their 5 MB each
  MAX_BODY_BYTES: common.positiveInt(32 * MIB),
  IMAGE_POLICY: z.enum(["send", "placeholder", "reject"]).default("send"),
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
  MAX_CONCURRENCY: common.positiveInt(4),
  MAX_QUEUE: common.nonNegativeInt(64),
  QUEUE_TIMEOUT_MS: common.positiveInt(60_000),
  // maxapi stops a CLI run after CLI_TIMEOUT_MS; a silent upstream is cut a little after that, so
  // maxapi's own 504 gets through (unset: CLI_TIMEOUT_MS + 10 s)
  CLI_TIMEOUT_MS: common.positiveInt(CLI_TIMEOUT_DEFAULT_MS),
  UPSTREAM_TIMEOUT_MS: z.coerce.number().int().positive().optional(),
  SHUTDOWN_TIMEOUT_MS: common.nonNegativeInt(25_000),
  LOG_LEVEL: common.logLevel(),
};

const help: Help<typeof shape> = {
  ...commonHelp,
  UPSTREAM_URL: { expected: "an http(s) URL such as http://maxapi:3456" },
  PROXY_API_KEY: { expected: "16 or more characters", fix: "run make setup, or set 16 or more random characters in .env (the same on every gateway host)" },
  PUBLISHED_ON: { expected: "an address" },
  IMAGE_POLICY: { expected: "send, placeholder or reject" },
  MODEL_ALIASES: { expected: "a list such as gpt-4o=sonnet,fast=haiku,stable=claude-opus-4-8" },
  MAX_CONCURRENCY: { expected: "a whole number of 1 or more" },
  MAX_QUEUE: { expected: "a whole number of 0 or more" },
  QUEUE_TIMEOUT_MS: { expected: "a number of milliseconds (1 or more)" },
  CLI_TIMEOUT_MS: { expected: "a number of milliseconds (1 or more), the same as maxapi's" },
  UPSTREAM_TIMEOUT_MS: { expected: "a number of milliseconds (1 or more), or empty for CLI_TIMEOUT_MS + 10000" },
};

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
  const e = readSettings(shape, help, env, {
    fileSecrets: ["PROXY_API_KEY"],
    check: (settings, report) => {
      // an open proxy on a network spends the subscription of whoever runs it
      if (settings.PUBLISHED_ON !== undefined && settings.PROXY_API_KEY === undefined) {
        report("PROXY_API_KEY", `is not set, and the normalizer is published (on ${settings.PUBLISHED_ON})`, help.PROXY_API_KEY.fix);
      }
    },
  });
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
