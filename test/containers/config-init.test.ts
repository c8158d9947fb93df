// config-init's image (Dockerfile.gateway --target config-init) run against a fresh state volume
// with no network at all; the pinned OpenClaw validates what it renders.
import { execFileSync, spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { docker } from "../support/containers.ts";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const IMAGE = "clawbridge/config-init:test";
const VOLUME = `clawbridge-config-init-test-${randomUUID().slice(0, 8)}`;
const ENV = { OPENCLAW_GATEWAY_TOKEN: "gateway-token-0123456789", PROXY_API_KEY: "proxy-key-0123456789abcdef" };

const SETUP_TOKEN = `sk-ant-oat01-${"k".repeat(96)}`;

interface Run {
  status: number | null;
  output: string;
  lines: { msg?: string; problems?: string[] }[];
}

/** Runs config-init once on the test volume. */
function configInit(env: Record<string, string>, ...args: string[]): Run {
  return configInitOn(VOLUME, env, ...args);
}

function configInitOn(volume: string, env: Record<string, string>, ...args: string[]): Run {
  const envArgs = Object.entries(env).flatMap(([name, value]) => ["-e", `${name}=${value}`]);
  const result = spawnSync("docker", ["run", "--rm", "--network", "none", "-v", `${volume}:/home/node/.openclaw`, ...envArgs, IMAGE, ...args], {
    encoding: "utf8",
  });
  const output = result.stdout + result.stderr;
  const lines = output
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as Run["lines"][number]);
  return { status: result.status, output, lines };
}

/** A shell command in the state volume (the image's own shell, as the node user). */
const inVolume = (command: string) =>
  docker("run", "--rm", "--network", "none", "-v", `${VOLUME}:/s`, "--entrypoint", "sh", IMAGE, "-c", command);

beforeAll(() => {
  execFileSync("docker", ["build", "-q", "-f", "Dockerfile.gateway", "--target", "config-init", "-t", IMAGE, "."], { cwd: ROOT });
  docker("volume", "create", VOLUME);
});

afterAll(() => {
  docker("volume", "rm", "-f", VOLUME, `${VOLUME}-setup-token`, `${VOLUME}-legacy`, `${VOLUME}-channel`);
});

describe("config-init", () => {
  it("writes a config the pinned OpenClaw accepts, holding no secret", () => {
    const run = configInit(ENV);
    expect(run.status).toBe(0);
    expect(run.lines.at(-1)?.msg).toBe("openclaw.json written and valid");
    const config = JSON.parse(inVolume("cat /s/openclaw.json")) as { models: { providers: Record<string, { apiKey: string }> } };
    expect(config.models.providers["claude-max-proxy"]?.apiKey).toBe("${PROXY_API_KEY}");
    const text = inVolume("cat /s/openclaw.json");
    expect(text).not.toContain(ENV.PROXY_API_KEY);
    expect(text).not.toContain(ENV.OPENCLAW_GATEWAY_TOKEN);
    expect(inVolume("stat -c '%a %u' /s/openclaw.json")).toBe("600 1000");
  });

  it("changes nothing on a second run with the same environment, and says so", () => {
    const before = inVolume("ls /s");
    const run = configInit(ENV);
    expect(run.status).toBe(0);
    expect(run.lines.at(-1)?.msg).toBe("openclaw.json already up to date: nothing changed");
    expect(inVolume("ls /s")).toBe(before);
  });

  it("merges into the existing file: keys the templates don't own stay; the old file is backed up", () => {
    inVolume(`node -e 'const f="/s/openclaw.json";const c=JSON.parse(require("fs").readFileSync(f,"utf8"));c.agents.entries.research={model:{primary:"claude-max-proxy/claude-haiku-4"}};require("fs").writeFileSync(f,JSON.stringify(c))'`);
    const run = configInit({ ...ENV, TIMEZONE: "Europe/Berlin" });
    expect(run.status).toBe(0);
    const config = JSON.parse(inVolume("cat /s/openclaw.json")) as { agents: { entries: Record<string, unknown>; defaults: { userTimezone: string } } };
    expect(config.agents.defaults.userTimezone).toBe("Europe/Berlin");
    expect(Object.keys(config.agents.entries).sort()).toEqual(["lite", "main", "research"]);
    expect(inVolume("ls /s | grep -c '^openclaw.json.bak-'")).toBe("1");
  });

  it("--dry-run prints the diff and writes nothing", () => {
    const before = inVolume("md5sum /s/openclaw.json");
    const run = configInit({ ...ENV, TIMEZONE: "Asia/Tokyo" }, "--dry-run");
    expect(run.status).toBe(0);
    expect(run.output).toContain('-      "userTimezone": "Europe/Berlin"');
    expect(run.output).toContain('+      "userTimezone": "Asia/Tokyo"');
    expect(inVolume("md5sum /s/openclaw.json")).toBe(before);
  });

  it("drops a channel once its token is unset, instead of failing on the missing variable", () => {
    const volume = `${VOLUME}-channel`;
    const telegram = { TELEGRAM_BOT_TOKEN: "123456:telegram-test-token-abcdefghij" };
    expect(configInitOn(volume, { ...ENV, ...telegram }).status).toBe(0);
    const run = configInitOn(volume, ENV);
    expect(run.status, run.output).toBe(0);
    expect(run.lines.map((line) => line.msg)).toContain("channels.telegram removed: its token is no longer set");
    const config = docker("run", "--rm", "--network", "none", "-v", `${volume}:/s`, "--entrypoint", "cat", IMAGE, "/s/openclaw.json");
    expect((JSON.parse(config) as { channels?: Record<string, unknown> }).channels ?? {}).not.toHaveProperty("telegram");
  });

  it("refuses a bad environment naming every bad variable, and leaves the file alone", () => {
    const before = inVolume("md5sum /s/openclaw.json");
    const run = configInit({ ...ENV, AUTH_MODE: "oauth", HEARTBEAT_EVERY: "hourly", PROXY_API_KEY: "short" });
    expect(run.status).toBe(1);
    const problems = run.lines.at(-1)?.problems ?? [];
    expect(problems.map((p) => p.split(" ")[0]).sort()).toEqual(["AUTH_MODE", "HEARTBEAT_EVERY", "PROXY_API_KEY"]);
    // for a person: one plain sentence per problem before the JSON line
    expect(run.output).toContain("config-init cannot start:\n  AUTH_MODE is not max-proxy or setup-token: fix it in .env.\n");
    expect(run.output).not.toContain("short\"");
    expect(inVolume("md5sum /s/openclaw.json")).toBe(before);
  });

  it("exits non-zero with OpenClaw's own issues when it rejects the merged config, leaving the file as it was", () => {
    inVolume(`node -e 'const f="/s/openclaw.json";const c=JSON.parse(require("fs").readFileSync(f,"utf8"));c.notAnOpenClawKey=true;require("fs").writeFileSync(f,JSON.stringify(c))'`);
    const before = inVolume("md5sum /s/openclaw.json");
    const run = configInit(ENV);
    expect(run.status).toBe(1);
    expect(run.lines.at(-1)?.msg).toMatch(/OpenClaw rejects the rendered config; .* was left as it was/);
    expect(run.lines.at(-1)?.problems?.join()).toMatch(/notAnOpenClawKey/);
    expect(inVolume("md5sum /s/openclaw.json")).toBe(before);
    expect(inVolume("ls /s | grep -c candidate || true")).toBe("0");
  });
});

describe("config-init with AUTH_MODE=setup-token", () => {
  const volume = `${VOLUME}-setup-token`;
  const env = { AUTH_MODE: "setup-token", CLAUDE_SETUP_TOKEN: SETUP_TOKEN, OPENCLAW_GATEWAY_TOKEN: ENV.OPENCLAW_GATEWAY_TOKEN };
  const authList = (agent: string) =>
    JSON.parse(
      docker("run", "--rm", "--network", "none", "-v", `${volume}:/home/node/.openclaw`, "--entrypoint", "openclaw", IMAGE, "models", "auth", "list", "--agent", agent, "--json"),
    ) as { profiles: { provider: string; type: string }[] };

  it("stores the token in OpenClaw's credential store for every agent, never printing or writing it elsewhere", () => {
    docker("volume", "create", volume);
    const run = configInitOn(volume, env);
    expect(run.status).toBe(0);
    expect(run.lines.map((line) => line.msg)).toContain("setup token stored in OpenClaw's credential store");
    expect(run.output).not.toContain(SETUP_TOKEN.slice(13));
    for (const agent of ["main", "lite"]) {
      expect(authList(agent).profiles).toContainEqual(expect.objectContaining({ provider: "anthropic", type: "token" }));
    }
    const config = docker("run", "--rm", "--network", "none", "-v", `${volume}:/s`, "--entrypoint", "cat", IMAGE, "/s/openclaw.json");
    expect(config).not.toContain(SETUP_TOKEN.slice(13));
    expect(config).toContain('"primary": "anthropic/claude-opus-5"');
  });

  it("does nothing on a second run with the same token, and says so", () => {
    const run = configInitOn(volume, env);
    expect(run.status).toBe(0);
    expect(run.lines.map((line) => line.msg)).toEqual([
      "openclaw.json already up to date: nothing changed",
      "setup token already stored: nothing changed",
    ]);
  });

  it("refuses a malformed token, showing neither it nor more than its rule", () => {
    const run = configInitOn(volume, { ...env, CLAUDE_SETUP_TOKEN: "sk-ant-api03-an-api-key-instead" });
    expect(run.status).toBe(1);
    expect(run.lines.at(-1)?.problems?.[0]).toMatch(/^CLAUDE_SETUP_TOKEN does not start with sk-ant-oat01-/);
    expect(run.output).not.toContain("an-api-key-instead");
  });
});

describe("config-init on the article's hand-made state dir (Option 1, moved to max-proxy)", () => {
  const volume = `${VOLUME}-legacy`;
  const fixture = fileURLToPath(new URL("../fixtures/article-option1", import.meta.url));
  /** A command in the image with the legacy volume as the node user's state dir. */
  const inState = (command: string) =>
    docker("run", "--rm", "--network", "none", "-v", `${volume}:/home/node/.openclaw`, "-w", "/home/node/.openclaw", "--entrypoint", "sh", IMAGE, "-c", command);
  const cronJobs = () =>
    JSON.parse(
      inState(
        `node -e 'const {DatabaseSync}=require("node:sqlite");const db=new DatabaseSync("state/openclaw.sqlite");console.log(JSON.stringify(db.prepare("SELECT job_id, enabled, job_json, state_json FROM cron_jobs ORDER BY job_id").all().map(r=>({id:r.job_id,enabled:r.enabled,model:JSON.parse(r.job_json).payload.model,state:JSON.parse(r.state_json)}))))' 2>/dev/null`,
      ),
    ) as { id: string; enabled: number; model: string; state: { consecutiveErrors?: number; lastError?: string } }[];

  it("imports the legacy files, remaps cron models, clears enabled jobs' errors, keeps the user's settings", () => {
    docker("volume", "create", volume);
    docker("run", "--rm", "--network", "none", "-v", `${volume}:/home/node/.openclaw`, "-v", `${fixture}:/fixture:ro`, "--entrypoint", "sh", IMAGE, "-c", "cp -r /fixture/. /home/node/.openclaw/");
    const run = configInitOn(volume, ENV);
    expect(run.status).toBe(0);
    const messages = run.lines.map((line) => line.msg ?? "");
    for (const legacy of ["agents/main/agent/auth-profiles.json", "agents/lite/agent/auth-profiles.json", "agents/main/sessions/sessions.json", "cron/jobs.json", "openclaw.json: agents.list"]) {
      expect(messages).toContain(`${legacy}: imported by openclaw doctor (the original is kept as a backup or archive)`);
    }
    // the allowlist doctor made of agents.defaults.models (it had turned sonnet-4-5 into 4-6 already)
    expect(messages).toContain(
      "openclaw.json agents.defaults.modelPolicy.allow: anthropic/claude-opus-4-6, anthropic/claude-sonnet-4-6 → claude-max-proxy/claude-opus-4, claude-max-proxy/claude-sonnet-4",
    );
    expect(messages).toContain("openclaw.json agents.defaults.models: anthropic/claude-opus-4-6 → claude-max-proxy/claude-opus-4");
    expect(messages).toContain(
      "cron job Morning brief (morning-brief): model anthropic/claude-opus-4-6 → claude-max-proxy/claude-opus-4; fallbacks anthropic/claude-sonnet-4-5 → claude-max-proxy/claude-sonnet-4; error state cleared (7 consecutive errors)",
    );
    expect(messages).toContain("cron job Hourly check (hourly-check): model anthropic/claude-sonnet-4-6 → claude-max-proxy/claude-sonnet-4");
    expect(messages).toContain("cron job Old report (old-report): model anthropic/claude-sonnet-4-5 → claude-max-proxy/claude-sonnet-4");
    // the chat the user pinned to a model, imported by doctor from sessions.json
    expect(messages).toContain(
      "agents/main/agent/openclaw-agent.sqlite session agent:main:telegram:direct:4242: modelOverride anthropic/claude-sonnet-4-6 → claude-max-proxy/claude-sonnet-4; model anthropic/claude-sonnet-4-6 → claude-max-proxy/claude-sonnet-4",
    );

    // (doctor also adds heartbeat jobs of its own; the fixture's three are what this is about)
    const jobs = cronJobs()
      .filter((job) => ["hourly-check", "morning-brief", "old-report"].includes(job.id))
      .map((job) => ({ id: job.id, enabled: job.enabled, model: job.model, errors: job.state.consecutiveErrors, lastError: job.state.lastError ?? null }));
    expect(jobs).toEqual([
      { id: "hourly-check", enabled: 1, model: "claude-max-proxy/claude-sonnet-4", errors: 0, lastError: null },
      { id: "morning-brief", enabled: 1, model: "claude-max-proxy/claude-opus-4", errors: 0, lastError: null },
      // a disabled job gets the new model but keeps its history
      { id: "old-report", enabled: 0, model: "claude-max-proxy/claude-sonnet-4", errors: 3, lastError: "429 rate_limit_error" },
    ]);

    const config = JSON.parse(inState("cat openclaw.json")) as {
      cron: unknown;
      agents: { list?: unknown; ownership: string; entries: Record<string, unknown>; defaults: { models: object; modelPolicy: { allow: string[] } } };
    };
    expect(config.cron).toEqual({ skipMissedJobs: true });
    // nothing in the config names the old provider any more
    expect(JSON.stringify(config)).not.toMatch(/anthropic\//);
    expect(config.agents.defaults.modelPolicy.allow).toEqual(["claude-max-proxy/claude-opus-4", "claude-max-proxy/claude-sonnet-4"]);
    expect(Object.keys(config.agents.defaults.models)).toEqual(["claude-max-proxy/claude-opus-4", "claude-max-proxy/claude-sonnet-4"]);
    expect(config.agents.list).toBeUndefined();
    expect(config.agents.ownership).toBe("explicit");
    expect(Object.keys(config.agents.entries).sort()).toEqual(["lite", "main"]);
    // no legacy file left for 2026.9.6 to refuse; OpenClaw archived them
    expect(inState("find . -name auth-profiles.json -o -name jobs.json -o -name sessions.json | wc -l")).toBe("0");
  });

  it("changes nothing on a second run", () => {
    const run = configInitOn(volume, ENV);
    expect(run.status).toBe(0);
    expect(run.lines.map((line) => line.msg)).toEqual(["openclaw.json already up to date: nothing changed"]);
  });
});
