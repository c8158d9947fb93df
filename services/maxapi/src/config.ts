// Environment → settings for the launcher, parsed once; every problem reported in one message.
import { readFileSync } from "node:fs";
import { z } from "zod";

const envSchema = z.object({
  PORT: z.coerce.number().int().min(1).max(65535).default(3456),
  HOST: z.string().default("0.0.0.0"),
  // an empty directory the CLI runs in: no project files for it to read
  CLI_WORKDIR: z.string().default("/srv/claude-work"),
  // the normalizer's MAX_BODY_BYTES (Anthropic's 32 MB request limit), so what it passes is parsed here
  MAX_BODY_BYTES: z.coerce.number().int().positive().default(32 * 1024 * 1024),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().nonnegative().default(25_000),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
});

export type Settings = z.infer<typeof envSchema>;

export class ConfigError extends Error {
  readonly problems: string[];

  constructor(problems: string[]) {
    super(`invalid configuration: ${problems.join("; ")}`);
    this.name = "ConfigError";
    this.problems = problems;
  }
}

const SETUP_TOKEN = /^sk-ant-oat01-[\w-]{8,}$/;

/**
 * The setup token (`claude setup-token`, valid a year, never refreshed) from
 * CLAUDE_CODE_OAUTH_TOKEN or the file CLAUDE_CODE_OAUTH_TOKEN_FILE names (a docker secret), or
 * undefined when neither is set (then the login in the config volume is used).
 */
export function resolveOAuthToken(env: NodeJS.ProcessEnv): string | undefined {
  const direct = env.CLAUDE_CODE_OAUTH_TOKEN || undefined;
  const file = env.CLAUDE_CODE_OAUTH_TOKEN_FILE || undefined;
  if (direct && file) throw new ConfigError(["set either CLAUDE_CODE_OAUTH_TOKEN or CLAUDE_CODE_OAUTH_TOKEN_FILE, not both"]);
  let token = direct;
  if (file) {
    try {
      token = readFileSync(file, "utf8").trim();
    } catch (error) {
      throw new ConfigError([`CLAUDE_CODE_OAUTH_TOKEN_FILE: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? "error"})`]);
    }
  }
  if (token !== undefined && !SETUP_TOKEN.test(token)) {
    throw new ConfigError([
      `the setup token is malformed (${token.slice(0, 13)}…, ${token.length} characters): expected sk-ant-oat01-… as printed by \`claude setup-token\``,
    ]);
  }
  return token;
}

/** Parses the launcher's settings; refuses ANTHROPIC_API_KEY, which would bill the API instead of the subscription. */
export function loadSettings(env: NodeJS.ProcessEnv = process.env): Settings & { oauthToken: string | undefined } {
  const problems: string[] = [];
  if (env.ANTHROPIC_API_KEY) {
    problems.push(
      "ANTHROPIC_API_KEY is set: the Claude CLI would use it instead of the subscription and bill the API. Remove it; use CLAUDE_SETUP_TOKEN (or make login)",
    );
  }
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ""));
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) problems.push(...parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`));
  let oauthToken: string | undefined;
  try {
    oauthToken = resolveOAuthToken(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems.push(...error.problems);
  }
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);
  return { ...parsed.data, oauthToken };
}
