// Environment → typed settings, parsed once at start. Every bad variable is reported in one
// message, so a misconfigured container says everything that is wrong on its first start.
import { readFileSync } from "node:fs";
import { z } from "zod";
import { parseModelAliases, type ModelAliases } from "./models.ts";
import type { ImagePolicy } from "./normalize.ts";

const MIB = 1024 * 1024;

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);
const nonNegativeInt = (fallback: number) => z.coerce.number().int().nonnegative().default(fallback);

const envSchema = z.object({
  PORT: z.coerce.number().int().min(1).max(65535).default(3457),
  HOST: z.string().default("0.0.0.0"),
  UPSTREAM_URL: z.url({ protocol: /^https?$/ }).default("http://maxapi:3456"),
  PROXY_API_KEY: z.string().min(16, "must be at least 16 characters").optional(),
  PROXY_API_KEY_FILE: z.string().optional(),
  // where compose publishes this port beyond the machine (NORMALIZER_BIND:NORMALIZER_PORT), if it does
  PUBLISHED_ON: z.string().optional(),
  // Anthropic's own limit on a request: room for a few images at their 5 MB each
  MAX_BODY_BYTES: positiveInt(32 * MIB),
  IMAGE_POLICY: z.enum(["send", "placeholder", "reject"]).default("send"),
  MODEL_ALIASES: z.string().default(""),
  MAX_CONCURRENCY: positiveInt(4),
  MAX_QUEUE: nonNegativeInt(64),
  QUEUE_TIMEOUT_MS: positiveInt(60_000),
  // claude-max-api gives each CLI run 5 minutes; a silent upstream is cut a little after that.
  UPSTREAM_TIMEOUT_MS: positiveInt(310_000),
  SHUTDOWN_TIMEOUT_MS: nonNegativeInt(25_000),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
});

export interface Config {
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
  logLevel: z.infer<typeof envSchema>["LOG_LEVEL"];
}

export class ConfigError extends Error {
  readonly problems: string[];

  constructor(problems: string[]) {
    super(`invalid configuration: ${problems.join("; ")}`);
    this.name = "ConfigError";
    this.problems = problems;
  }
}

/** Parses the environment; throws ConfigError naming every bad variable (never its value). */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // compose passes unset variables as "" (`${VAR:-}`): treat those as absent so defaults apply
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ""));
  const parsed = envSchema.safeParse(present);
  const problems = parsed.success
    ? []
    : parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);

  let modelAliases: ModelAliases = new Map();
  try {
    modelAliases = parseModelAliases(present.MODEL_ALIASES ?? "");
  } catch (error) {
    problems.push(`MODEL_ALIASES: ${(error as Error).message}`);
  }

  let apiKey = present.PROXY_API_KEY;
  if (present.PROXY_API_KEY_FILE !== undefined) {
    if (apiKey !== undefined) {
      problems.push("PROXY_API_KEY_FILE: set either PROXY_API_KEY or PROXY_API_KEY_FILE, not both");
    } else {
      try {
        apiKey = readFileSync(present.PROXY_API_KEY_FILE, "utf8").trim();
        if (apiKey.length < 16) problems.push("PROXY_API_KEY_FILE: the key in the file must be at least 16 characters");
      } catch (error) {
        problems.push(`PROXY_API_KEY_FILE: cannot read ${present.PROXY_API_KEY_FILE} (${(error as NodeJS.ErrnoException).code ?? "error"})`);
      }
    }
  }

  if (present.PUBLISHED_ON !== undefined && apiKey === undefined) {
    // an open proxy on a network spends the subscription of whoever runs it
    problems.push(`PROXY_API_KEY: required when the normalizer is published (on ${present.PUBLISHED_ON}); set it here and on every gateway host`);
  }

  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    upstreamUrl: e.UPSTREAM_URL.replace(/\/+$/, ""),
    apiKey,
    maxBodyBytes: e.MAX_BODY_BYTES,
    imagePolicy: e.IMAGE_POLICY,
    modelAliases,
    maxConcurrency: e.MAX_CONCURRENCY,
    maxQueue: e.MAX_QUEUE,
    queueTimeoutMs: e.QUEUE_TIMEOUT_MS,
    upstreamTimeoutMs: e.UPSTREAM_TIMEOUT_MS,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    logLevel: e.LOG_LEVEL,
  };
}
