// config-init's image (Dockerfile.gateway --target config-init) run against a fresh state volume
// with no network at all; the pinned OpenClaw validates what it renders.
import { execFileSync, spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ACCEPTED_IDS } from "../../lib/models/src/index.ts";
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
  return configInitWith(volume, env, [], ...args);
}

/** config-init on `volume` with more `docker run` options (a mounted secret). */
function configInitWith(volume: string, env: Record<string, string>, dockerArgs: string[], ...args: string[]): Run {
  const envArgs = Object.entries(env).flatMap(([name, value]) => ["-e", `${name}=${value}`]);
  const result = spawnSync(
    "docker",
    [
      "run",
      "--rm",
      "--network",
      "none",
      "-v",
      `${volume}:/home/node/.openclaw`,
      ...envArgs,
      ...dockerArgs,
      IMAGE,
      ...args,
    ],
    {
      encoding: "utf8",
    },
  );
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
  execFileSync("docker", ["build", "-q", "-f", "Dockerfile.gateway", "--target", "config-init", "-t", IMAGE, "."], {
    cwd: ROOT,
  });
  docker("volume", "create", VOLUME);
});

afterAll(() => {
  docker(
    "volume",
    "rm",
    "-f",
    VOLUME,
    `${VOLUME}-setup-token`,
    `${VOLUME}-legacy`,
    `${VOLUME}-channel`,
    `${VOLUME}-api-fallback`,
  );
});

describe("config-init", () => {
  it("writes a config the pinned OpenClaw accepts, holding no secret", () => {
    const run = configInit(ENV);
    expect(run.status).toBe(0);
    expect(run.lines.at(-1)?.msg).toBe("openclaw.json written and valid");
    const config = JSON.parse(inVolume("cat /s/openclaw.json")) as {
      models: { providers: Record<string, { apiKey: string; models: { compat: object }[] }> };
    };
    expect(config.models.providers["claude-max-proxy"]?.apiKey).toBe("${PROXY_API_KEY}");
    // OpenClaw asks the normalizer for usage in its streams (stream_options.include_usage) and sends its thinking levels
    expect(config.models.providers["claude-max-proxy"]?.models.map((row) => row.compat)).toEqual(
      Array(ACCEPTED_IDS.length).fill({
        requiresStringContent: true,
        supportsUsageInStreaming: true,
        supportsReasoningEffort: true,
        supportedReasoningEfforts: ["none", "low", "medium", "high", "xhigh", "max"],
      }),
    );
    expect(Object.keys(config.models.providers)).toEqual(["claude-max-proxy"]); // no metered fallback unless asked for
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
    inVolume(
      `node -e 'const f="/s/openclaw.json";const c=JSON.parse(require("fs").readFileSync(f,"utf8"));c.agents.entries.research={model:{primary:"claude-max-proxy/claude-haiku-4"}};require("fs").writeFileSync(f,JSON.stringify(c))'`,
    );
    const run = configInit({ ...ENV, TIMEZONE: "Europe/Berlin" });
    expect(run.status).toBe(0);
    const config = JSON.parse(inVolume("cat /s/openclaw.json")) as {
      agents: { entries: Record<string, unknown>; defaults: { userTimezone: string } };
    };
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
    const config = docker(
      "run",
      "--rm",
      "--network",
      "none",
      "-v",
      `${volume}:/s`,
      "--entrypoint",
      "cat",
      IMAGE,
      "/s/openclaw.json",
    );
    expect((JSON.parse(config) as { channels?: Record<string, unknown> }).channels ?? {}).not.toHaveProperty(
      "telegram",
    );
  });

  it("with NOTICE_CHANNEL, OpenClaw accepts the rendered failure alerts to that chat (cron.failureAlert)", () => {
    const volume = `${VOLUME}-notices`;
    const run = configInitOn(volume, {
      ...ENV,
      TELEGRAM_BOT_TOKEN: "123456:telegram-test-token-abcdefghij",
      NOTICE_CHANNEL: "telegram",
      NOTICE_TO: "-1001234567890",
    });
    expect(run.status, run.output).toBe(0);
    const config = docker(
      "run",
      "--rm",
      "--network",
      "none",
      "-v",
      `${volume}:/s`,
      "--entrypoint",
      "cat",
      IMAGE,
      "/s/openclaw.json",
    );
    expect((JSON.parse(config) as { cron?: unknown }).cron).toEqual({
      failureAlert: { enabled: true, mode: "announce", channel: "telegram", to: "-1001234567890" },
    });
    expect(config).not.toContain("telegram-test-token");
  });

  it("refuses a bad environment naming every bad variable, and leaves the file alone", () => {
    const before = inVolume("md5sum /s/openclaw.json");
    const run = configInit({ ...ENV, AUTH_MODE: "oauth", HEARTBEAT_EVERY: "hourly", PROXY_API_KEY: "short" });
    expect(run.status).toBe(1);
    const problems = run.lines.at(-1)?.problems ?? [];
    expect(problems.map((p) => p.split(" ")[0]).sort()).toEqual(["AUTH_MODE", "HEARTBEAT_EVERY", "PROXY_API_KEY"]);
    // for a person: one plain sentence per problem before the JSON line
    expect(run.output).toContain(
      "config-init cannot start:\n  AUTH_MODE is not max-proxy or setup-token: fix it in .env.\n",
    );
    expect(run.output).not.toContain('short"');
    expect(inVolume("md5sum /s/openclaw.json")).toBe(before);
  });

  it("exits non-zero with OpenClaw's own issues when it rejects the merged config, leaving the file as it was", () => {
    inVolume(
      `node -e 'const f="/s/openclaw.json";const c=JSON.parse(require("fs").readFileSync(f,"utf8"));c.notAnOpenClawKey=true;require("fs").writeFileSync(f,JSON.stringify(c))'`,
    );
    const before = inVolume("md5sum /s/openclaw.json");
    const run = configInit(ENV);
    expect(run.status).toBe(1);
    expect(run.lines.at(-1)?.msg).toMatch(/OpenClaw rejects the rendered config; .* was left as it was/);
    expect(run.lines.at(-1)?.problems?.join()).toMatch(/notAnOpenClawKey/);
    expect(inVolume("md5sum /s/openclaw.json")).toBe(before);
    expect(inVolume("ls /s | grep -c candidate || true")).toBe("0");
  });
});

describe("config-init with the metered API fallback (FALLBACK_ANTHROPIC_API_KEY)", () => {
  const volume = `${VOLUME}-api-fallback`;
  const key = `sk-ant-api03-${"z".repeat(95)}`;
  const env = { ...ENV, FALLBACK_ANTHROPIC_API_KEY: key };
  const read = () =>
    docker("run", "--rm", "--network", "none", "-v", `${volume}:/s`, "--entrypoint", "cat", IMAGE, "/s/openclaw.json");
  type Rows = { id: string; name: string; headers?: object; compat?: { supportsUsageInStreaming?: boolean } }[];
  const parse = (text: string) =>
    JSON.parse(text) as {
      models: { providers: Record<string, { baseUrl: string; apiKey: string; api: string; models: Rows }> };
      agents: { entries: Record<string, { model: { primary: string; fallbacks: string[] } }> };
    };
  /** The real OpenClaw's verdict on the volume's openclaw.json, with these variables set. */
  const validate = (variables: Record<string, string>) =>
    JSON.parse(
      docker(
        "run",
        "--rm",
        "--network",
        "none",
        "-v",
        `${volume}:/home/node/.openclaw`,
        ...Object.entries(variables).flatMap(([name, value]) => ["-e", `${name}=${value}`]),
        "--entrypoint",
        "openclaw",
        IMAGE,
        "config",
        "validate",
        "--json",
      ),
    ) as { valid: boolean; warnings: unknown[] };

  it("renders the fallback on Anthropic's API after the subscription's models, which the pinned OpenClaw accepts, holding the key as a reference only", () => {
    docker("volume", "create", volume);
    const run = configInitOn(volume, env);
    expect(run.status, run.output).toBe(0);
    expect(run.lines.map((line) => line.msg)).toEqual([
      "openclaw.json written and valid",
      "metered API fallback on: once the subscription's models fail (a spent window, a billing refusal), turns run on anthropic-api/* and are billed to this API key",
    ]);
    expect(run.output).toContain(`"key":"sk-ant-api03-…(${key.length} chars)"`);
    expect(run.output).not.toContain(key.slice(13));
    const text = read();
    expect(text).not.toContain(key.slice(13));
    const config = parse(text);
    expect(config.models.providers["anthropic-api"]).toMatchObject({
      baseUrl: "https://api.anthropic.com",
      apiKey: "${FALLBACK_ANTHROPIC_API_KEY}",
      api: "anthropic-messages",
    });
    expect(config.models.providers).not.toHaveProperty("anthropic");
    expect(config.agents.entries.main?.model.fallbacks).toEqual([
      "claude-max-proxy/sonnet",
      "claude-max-proxy/haiku",
      "anthropic-api/claude-opus-5-5",
      "anthropic-api/claude-sonnet-5",
      "anthropic-api/claude-haiku-4-5",
    ]);
    // OpenClaw's own judgement, apart from config-init's: valid, and no variable missing
    expect(validate({ ...env })).toEqual(expect.objectContaining({ valid: true, warnings: [] }));
  });

  it("reads the key from FALLBACK_ANTHROPIC_API_KEY_FILE (a docker secret) to the same config", () => {
    const dir = mkdtempSync(join(tmpdir(), "config-init-secret-"));
    writeFileSync(join(dir, "fallback_key"), `${key}\n`, { mode: 0o644 });
    const before = read();
    const run = configInitWith(volume, { ...ENV, FALLBACK_ANTHROPIC_API_KEY_FILE: "/run/secrets/fallback_key" }, [
      "-v",
      `${dir}/fallback_key:/run/secrets/fallback_key:ro`,
    ]);
    expect(run.status, run.output).toBe(0);
    expect(run.lines[0]?.msg).toBe("openclaw.json already up to date: nothing changed");
    expect(run.output).not.toContain(key.slice(13));
    expect(read()).toBe(before);
  });

  it("brings an existing install's proxy rows up to date (the usage flag), keeping the rows and keys the user added", () => {
    docker(
      "run",
      "--rm",
      "--network",
      "none",
      "-v",
      `${volume}:/s`,
      "--entrypoint",
      "node",
      IMAGE,
      "-e",
      `const f="/s/openclaw.json";const c=JSON.parse(require("fs").readFileSync(f,"utf8"));const p=c.models.providers["claude-max-proxy"];
       for (const row of p.models) row.compat={requiresStringContent:true};
       p.models[0].headers={"x-team":"ops"};
       p.models.push({id:"claude-opus-4-1m",name:"mine",reasoning:false,input:["text"],cost:{input:0,output:0,cacheRead:0,cacheWrite:0},contextWindow:1000000,maxTokens:32000});
       require("fs").writeFileSync(f,JSON.stringify(c));`,
    );
    const run = configInitOn(volume, env);
    expect(run.status, run.output).toBe(0);
    expect(run.lines[0]?.msg).toBe("openclaw.json written and valid");
    const rows = parse(read()).models.providers["claude-max-proxy"]?.models ?? [];
    expect(rows.map((row) => [row.id, row.compat?.supportsUsageInStreaming ?? null])).toEqual([
      ...ACCEPTED_IDS.map((id) => [id, true]),
      ["claude-opus-4-1m", null],
    ]);
    expect(rows[0]?.headers).toEqual({ "x-team": "ops" });
  });

  it("turned off: the provider and the API models leave the config, which stays valid", () => {
    const run = configInitOn(volume, ENV);
    expect(run.status, run.output).toBe(0);
    expect(run.lines.map((line) => line.msg)).toEqual([
      "models.providers.anthropic-api removed: its token is no longer set",
      "openclaw.json written and valid",
    ]);
    const text = read();
    expect(text).not.toContain("anthropic-api");
    expect(validate(ENV)).toEqual(expect.objectContaining({ valid: true, warnings: [] }));
  });

  it("refuses a setup token given as the API key, never showing it, and leaves the file alone", () => {
    const before = read();
    const run = configInitOn(volume, { ...ENV, FALLBACK_ANTHROPIC_API_KEY: SETUP_TOKEN });
    expect(run.status).toBe(1);
    expect(run.lines.at(-1)?.problems?.[0]).toMatch(
      /^FALLBACK_ANTHROPIC_API_KEY is a setup token \(sk-ant-oat01-…\), not an API key/,
    );
    expect(run.output).not.toContain(SETUP_TOKEN.slice(13));
    expect(read()).toBe(before);
  });
});

describe("config-init with AUTH_MODE=setup-token", () => {
  const volume = `${VOLUME}-setup-token`;
  const env = {
    AUTH_MODE: "setup-token",
    CLAUDE_SETUP_TOKEN: SETUP_TOKEN,
    OPENCLAW_GATEWAY_TOKEN: ENV.OPENCLAW_GATEWAY_TOKEN,
  };
  /** The agent's stored credentials; `variables`: what the config references (as the gateway has them). */
  const authList = (agent: string, variables: Record<string, string> = {}) =>
    JSON.parse(
      docker(
        "run",
        "--rm",
        "--network",
        "none",
        "-v",
        `${volume}:/home/node/.openclaw`,
        ...Object.entries(variables).flatMap(([name, value]) => ["-e", `${name}=${value}`]),
        "--entrypoint",
        "openclaw",
        IMAGE,
        "models",
        "auth",
        "list",
        "--agent",
        agent,
        "--json",
      ),
    ) as { profiles: { provider: string; type: string }[] };

  it("stores the token in OpenClaw's credential store for every agent, never printing or writing it elsewhere", () => {
    docker("volume", "create", volume);
    const run = configInitOn(volume, env);
    expect(run.status).toBe(0);
    expect(run.lines.map((line) => line.msg)).toContain("setup token stored in OpenClaw's credential store");
    expect(run.output).not.toContain(SETUP_TOKEN.slice(13));
    for (const agent of ["main", "lite"]) {
      expect(authList(agent).profiles).toContainEqual(
        expect.objectContaining({ provider: "anthropic", type: "token" }),
      );
    }
    const config = docker(
      "run",
      "--rm",
      "--network",
      "none",
      "-v",
      `${volume}:/s`,
      "--entrypoint",
      "cat",
      IMAGE,
      "/s/openclaw.json",
    );
    expect(config).not.toContain(SETUP_TOKEN.slice(13));
    expect(config).toContain('"primary": "anthropic/claude-opus-5-5"');
  });

  it("does nothing on a second run with the same token, and says so", () => {
    const run = configInitOn(volume, env);
    expect(run.status).toBe(0);
    expect(run.lines.map((line) => line.msg)).toEqual([
      "openclaw.json already up to date: nothing changed",
      "setup token already stored: nothing changed",
    ]);
  });

  it("with the metered API fallback: the token stays the anthropic provider's credential, the key goes to a provider of its own", () => {
    const key = `sk-ant-api03-${"y".repeat(95)}`;
    const run = configInitOn(volume, { ...env, FALLBACK_ANTHROPIC_API_KEY: key });
    expect(run.status, run.output).toBe(0);
    expect(run.lines.map((line) => line.msg)).toEqual([
      "openclaw.json written and valid",
      "metered API fallback on: once the subscription's models fail (a spent window, a billing refusal), turns run on anthropic-api/* and are billed to this API key",
      "setup token already stored: nothing changed",
    ]);
    const config = JSON.parse(
      docker(
        "run",
        "--rm",
        "--network",
        "none",
        "-v",
        `${volume}:/s`,
        "--entrypoint",
        "cat",
        IMAGE,
        "/s/openclaw.json",
      ),
    ) as {
      models: { providers: Record<string, { apiKey?: string }> };
      auth: { profiles: Record<string, { provider: string; mode: string }> };
      agents: { entries: Record<string, { model: { primary: string; fallbacks: string[] } }> };
    };
    expect(config.models.providers["anthropic-api"]?.apiKey).toBe("${FALLBACK_ANTHROPIC_API_KEY}");
    expect(config.models.providers.anthropic?.apiKey).toBeUndefined();
    expect(Object.values(config.auth.profiles)).toEqual([{ provider: "anthropic", mode: "token" }]);
    expect(config.agents.entries.main?.model.primary).toBe("anthropic/claude-opus-5-5");
    expect(config.agents.entries.main?.model.fallbacks.slice(-3)).toEqual([
      "anthropic-api/claude-opus-5-5",
      "anthropic-api/claude-sonnet-5",
      "anthropic-api/claude-haiku-4-5",
    ]);
    // nothing stored for the key: the only credential is still the setup token
    for (const agent of ["main", "lite"]) {
      expect(
        authList(agent, { OPENCLAW_GATEWAY_TOKEN: ENV.OPENCLAW_GATEWAY_TOKEN, FALLBACK_ANTHROPIC_API_KEY: key })
          .profiles,
      ).toEqual([expect.objectContaining({ provider: "anthropic", type: "token" })]);
    }
  });

  it("refuses a malformed token, showing neither it nor more than its rule", () => {
    const run = configInitOn(volume, { ...env, CLAUDE_SETUP_TOKEN: "sk-ant-api03-an-api-key-instead" });
    expect(run.status).toBe(1);
    expect(run.lines.at(-1)?.problems?.[0]).toMatch(/^CLAUDE_SETUP_TOKEN does not start with sk-ant-oat01-/);
    expect(run.output).not.toContain("an-api-key-instead");
  });
});

describe("config-init on a hand-made Option 1 state dir, moved to max-proxy", () => {
  const volume = `${VOLUME}-legacy`;
  const fixture = fileURLToPath(new URL("../fixtures/article-option1", import.meta.url));
  /** A command in the image with the legacy volume as the node user's state dir. */
  const inState = (command: string) =>
    docker(
      "run",
      "--rm",
      "--network",
      "none",
      "-v",
      `${volume}:/home/node/.openclaw`,
      "-w",
      "/home/node/.openclaw",
      "--entrypoint",
      "sh",
      IMAGE,
      "-c",
      command,
    );
  const cronJobs = () =>
    JSON.parse(
      inState(
        `node -e 'const {DatabaseSync}=require("node:sqlite");const db=new DatabaseSync("state/openclaw.sqlite");console.log(JSON.stringify(db.prepare("SELECT job_id, enabled, job_json, state_json FROM cron_jobs ORDER BY job_id").all().map(r=>({id:r.job_id,enabled:r.enabled,model:JSON.parse(r.job_json).payload.model,state:JSON.parse(r.state_json)}))))' 2>/dev/null`,
      ),
    ) as { id: string; enabled: number; model: string; state: { consecutiveErrors?: number; lastError?: string } }[];

  it("imports the legacy files, remaps cron models, clears enabled jobs' errors, keeps the user's settings", () => {
    docker("volume", "create", volume);
    docker(
      "run",
      "--rm",
      "--network",
      "none",
      "-v",
      `${volume}:/home/node/.openclaw`,
      "-v",
      `${fixture}:/fixture:ro`,
      "--entrypoint",
      "sh",
      IMAGE,
      "-c",
      "cp -r /fixture/. /home/node/.openclaw/",
    );
    const run = configInitOn(volume, ENV);
    expect(run.status).toBe(0);
    const messages = run.lines.map((line) => line.msg ?? "");
    for (const legacy of [
      "agents/main/agent/auth-profiles.json",
      "agents/lite/agent/auth-profiles.json",
      "agents/main/sessions/sessions.json",
      "cron/jobs.json",
      "openclaw.json: agents.list",
    ]) {
      expect(messages).toContain(
        `${legacy}: imported by openclaw doctor (the original is kept as a backup or archive)`,
      );
    }
    // the allowlist doctor made of agents.defaults.models (it had turned sonnet-4-5 into 4-6 already);
    // each exact id the subscription's CLI runs stays itself (a pin), on the proxy
    expect(messages).toContain(
      "openclaw.json agents.defaults.modelPolicy.allow: anthropic/claude-opus-4-6, anthropic/claude-sonnet-4-6 → claude-max-proxy/claude-opus-4-6, claude-max-proxy/claude-sonnet-4-6",
    );
    expect(messages).toContain(
      "openclaw.json agents.defaults.models: anthropic/claude-opus-4-6 → claude-max-proxy/claude-opus-4-6",
    );
    expect(messages).toContain(
      "cron job Morning brief (morning-brief): model anthropic/claude-opus-4-6 → claude-max-proxy/claude-opus-4-6; fallbacks anthropic/claude-sonnet-4-5 → claude-max-proxy/claude-sonnet-4-5; error state cleared (7 consecutive errors)",
    );
    expect(messages).toContain(
      "cron job Hourly check (hourly-check): model anthropic/claude-sonnet-4-6 → claude-max-proxy/claude-sonnet-4-6",
    );
    expect(messages).toContain(
      "cron job Old report (old-report): model anthropic/claude-sonnet-4-5 → claude-max-proxy/claude-sonnet-4-5",
    );
    // the chat the user pinned to a model, imported by doctor from sessions.json
    expect(messages).toContain(
      "agents/main/agent/openclaw-agent.sqlite session agent:main:telegram:direct:4242: modelOverride anthropic/claude-sonnet-4-6 → claude-max-proxy/claude-sonnet-4-6; model anthropic/claude-sonnet-4-6 → claude-max-proxy/claude-sonnet-4-6",
    );

    // (doctor also adds heartbeat jobs of its own; the fixture's three are what this is about)
    const jobs = cronJobs()
      .filter((job) => ["hourly-check", "morning-brief", "old-report"].includes(job.id))
      .map((job) => ({
        id: job.id,
        enabled: job.enabled,
        model: job.model,
        errors: job.state.consecutiveErrors,
        lastError: job.state.lastError ?? null,
      }));
    expect(jobs).toEqual([
      { id: "hourly-check", enabled: 1, model: "claude-max-proxy/claude-sonnet-4-6", errors: 0, lastError: null },
      { id: "morning-brief", enabled: 1, model: "claude-max-proxy/claude-opus-4-6", errors: 0, lastError: null },
      // a disabled job gets the new model but keeps its history
      {
        id: "old-report",
        enabled: 0,
        model: "claude-max-proxy/claude-sonnet-4-5",
        errors: 3,
        lastError: "429 rate_limit_error",
      },
    ]);

    const config = JSON.parse(inState("cat openclaw.json")) as {
      cron: unknown;
      agents: {
        list?: unknown;
        ownership: string;
        entries: Record<string, unknown>;
        defaults: { models: object; modelPolicy: { allow: string[] } };
      };
    };
    expect(config.cron).toEqual({ skipMissedJobs: true });
    // nothing in the config names the old provider any more
    expect(JSON.stringify(config)).not.toMatch(/anthropic\//);
    expect(config.agents.defaults.modelPolicy.allow).toEqual([
      "claude-max-proxy/claude-opus-4-6",
      "claude-max-proxy/claude-sonnet-4-6",
    ]);
    expect(Object.keys(config.agents.defaults.models)).toEqual([
      "claude-max-proxy/claude-opus-4-6",
      "claude-max-proxy/claude-sonnet-4-6",
    ]);
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
