// clawbridge's environment → the settings config-init renders from, parsed once with zod. Every
// bad variable is reported in one message, by name, never with its value.
import { readFileSync } from "node:fs";
import { z } from "zod";
import { FAMILIES, type Family } from "./models.ts";

export class SettingsError extends Error {
  readonly problems: string[];

  constructor(problems: string[]) {
    super(`invalid configuration: ${problems.join("; ")}`);
    this.name = "SettingsError";
    this.problems = problems;
  }
}

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

const secret = (minimum: number, what: string) => z.string().min(minimum, `${what} must be at least ${minimum} characters`);

const envSchema = z.object({
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
    }, "an IANA time zone such as Europe/Berlin")
    .default("UTC"),
  NORMALIZER_URL: z.url({ protocol: /^https?$/ }).default("http://normalizer:3457/v1"),
  IMAGE_POLICY: z.enum(["send", "placeholder", "reject"]).default("send"),
  PROXY_API_KEY: secret(16, "the proxy key").optional(),
  // checked below, and only in setup-token mode: in max-proxy mode it is maxapi's, not ours
  CLAUDE_SETUP_TOKEN: z.string().optional(),
  OPENCLAW_GATEWAY_TOKEN: secret(16, "the gateway token"),
  TELEGRAM_BOT_TOKEN: z.string().regex(/^\d+:[\w-]{20,}$/, "a Telegram bot token looks like 123456:ABC...").optional(),
  DISCORD_BOT_TOKEN: secret(20, "the Discord bot token").optional(),
  OPENCLAW_STATE_DIR: z.string().default("/home/node/.openclaw"),
});

export type Settings = z.infer<typeof envSchema>;

// Secrets may come as files (docker secrets): NAME_FILE names the file holding NAME.
const FILE_SECRETS = ["PROXY_API_KEY", "CLAUDE_SETUP_TOKEN", "OPENCLAW_GATEWAY_TOKEN", "TELEGRAM_BOT_TOKEN", "DISCORD_BOT_TOKEN"] as const;

function readFileSecrets(env: Record<string, string>, problems: string[]): Record<string, string> {
  const resolved = { ...env };
  for (const name of FILE_SECRETS) {
    const file = env[`${name}_FILE`];
    if (file === undefined) continue;
    if (env[name] !== undefined) {
      problems.push(`${name}_FILE: set either ${name} or ${name}_FILE, not both`);
      continue;
    }
    try {
      resolved[name] = readFileSync(file, "utf8").trim();
    } catch (error) {
      problems.push(`${name}_FILE: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? "error"})`);
    }
  }
  return resolved;
}

export function loadSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  // compose passes unset variables as "": treat those as absent so defaults apply
  const present = Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== ""));
  const problems: string[] = [];
  const parsed = envSchema.safeParse(readFileSecrets(present, problems));
  if (!parsed.success) problems.push(...parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`));
  if (parsed.success) {
    const settings = parsed.data;
    if (settings.AUTH_MODE === "max-proxy" && !settings.PROXY_API_KEY) {
      problems.push("PROXY_API_KEY: required with AUTH_MODE=max-proxy (the key the gateway sends to the normalizer)");
    }
    const token = settings.CLAUDE_SETUP_TOKEN;
    if (settings.AUTH_MODE === "setup-token") {
      if (!token) problems.push("CLAUDE_SETUP_TOKEN: required with AUTH_MODE=setup-token (run `claude setup-token`)");
      else if (!token.startsWith("sk-ant-oat01-")) problems.push("CLAUDE_SETUP_TOKEN: must start with sk-ant-oat01- (the output of `claude setup-token`)");
      else if (token.length < 80) problems.push("CLAUDE_SETUP_TOKEN: looks too short for a setup token (OpenClaw wants 80+ characters)");
    }
  }
  if (!parsed.success || problems.length > 0) throw new SettingsError(problems);
  return parsed.data;
}
