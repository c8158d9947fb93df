// A hand-made OpenClaw install moved to clawbridge, as a user does it: its ~/.openclaw (a fixture,
// test/fixtures/article-option1 or article-option2) bind-mounted with OPENCLAW_STATE, `docker
// compose up -d` of the product stack, and then what the user really runs: each enabled migrated
// cron job, `openclaw cron run <id> --wait`. Only the Anthropic API is the mock. A job must run on
// its own model (it reaches the mock, not a refusal by the allowlist).
// The install's morning brief announces to the last channel; with no channel here its delivery
// fails ("Channel is required") after a successful turn, which the test tells apart from a failed
// run. The others deliver nothing and must succeed outright.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { StartedDockerComposeEnvironment } from "testcontainers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { docker } from "../support/containers.ts";
import type { RecordedRequest } from "../support/mock-anthropic-api.ts";
import { MockAnthropicClient } from "../support/mock-anthropic-client.ts";
import { agentTurn } from "../support/openclaw-agent.ts";
import { openclawJson } from "../support/openclaw-cli.ts";
import { cronRun, type CronRunResult } from "../support/openclaw-cron.ts";
import { compose, composeCommand, run, startStack, stackEnv } from "../support/stack.ts";
import { seedStateDir, type StateDir } from "../support/state-dir.ts";

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));

interface Expected {
  message: string;
  /** provider/model of the run, as OpenClaw reports it */
  model: string;
  /** the model id that reached the (mock) Anthropic API */
  apiModel: RegExp;
  /** the job announces to the last channel, and there is none */
  announces: boolean;
}

/** Enabled jobs of the fixture, as `openclaw cron list` shows them after the migration. */
function enabledFixtureJobs(gateway: string, ids: string[]): string[] {
  const { jobs } = openclawJson(gateway, ["cron", "list", "--all", "--json"]) as {
    jobs: { id: string; enabled: boolean }[];
  };
  return jobs
    .filter((job) => ids.includes(job.id) && job.enabled)
    .map((job) => job.id)
    .sort();
}

/** Runs the job and returns its run and the request that reached the mock for it. */
async function runJob(
  gateway: string,
  mock: MockAnthropicClient,
  id: string,
  message: string,
): Promise<{ result: CronRunResult; request: RecordedRequest | undefined }> {
  const before = (await mock.messages()).length;
  const result = await cronRun(gateway, id);
  const request = (await mock.messages()).slice(before).find((r) => r.text.includes(message));
  return { result, request };
}

/** What each job's run must show: its model, a real answer, and (announcing) a delivery failure that is only that. */
function expectRanOnItsModel(
  { result, request }: { result: CronRunResult; request: RecordedRequest | undefined },
  expected: Expected,
): void {
  expect(request, `no request with "${expected.message}" reached the mock: ${result.output}`).toBeDefined();
  expect((request?.body as { model: string }).model).toMatch(expected.apiModel);
  const run = result.run;
  expect(run, result.output).toBeDefined();
  expect(`${run?.provider}/${run?.model}`).toBe(expected.model);
  expect(run?.summary).toBe("Hello from mock!");
  expect(run?.error ?? "").not.toMatch(/automation model override/);
  if (expected.announces) {
    // the turn ran; only its delivery failed
    expect(result.code).not.toBe(0);
    expect(run).toMatchObject({ status: "error", deliveryStatus: "not-delivered" });
    expect(run?.error).toMatch(/^Channel is required/);
    expect(run?.diagnostics?.entries.map((entry) => entry.source)).toEqual(["delivery"]);
  } else {
    expect(result.code, result.output).toBe(0);
    expect(run).toMatchObject({ status: "ok", completionStatus: "succeeded", deliveryStatus: "not-requested" });
  }
}

/** The product stack on an install seeded by `seed`, up before the describe's tests and removed after them. */
function onSeededStack(project: string, seed: () => StateDir, env: Record<string, string> = {}, services?: string[]) {
  const its = {} as {
    state: StateDir;
    stack: StartedDockerComposeEnvironment;
    mock: MockAnthropicClient;
    gateway: string;
  };
  beforeAll(async () => {
    its.state = seed();
    its.stack = await startStack(project, { env: { ...env, OPENCLAW_STATE: its.state.path }, healthy: services });
    its.mock = new MockAnthropicClient(
      `http://127.0.0.1:${its.stack.getContainer("mock-anthropic-1").getMappedPort(8080)}`,
    );
    its.gateway = its.stack.getContainer("gateway-1").getId();
  });
  afterAll(async () => {
    await its.stack.down({ removeVolumes: true });
    its.state.remove();
  });
  return its;
}

describe("the hand-made Option 1 install (setup token) moved to max-proxy, on the whole stack", () => {
  const PROJECT = `clawbridge-migrated-${process.pid}`;
  const JOBS: Record<string, Expected> = {
    // the install's exact ids are pins: the subscription's CLI runs each as itself
    "hourly-check": {
      message: "Anything urgent?",
      model: "claude-max-proxy/claude-sonnet-4-6",
      apiModel: /^claude-sonnet-4-6$/,
      announces: false,
    },
    "morning-brief": {
      message: "Summarize my inbox.",
      model: "claude-max-proxy/claude-opus-4-6",
      apiModel: /^claude-opus-4-6$/,
      announces: true,
    },
  };
  const its = onSeededStack(PROJECT, () => seedStateDir(fixture("article-option1")));
  const verify = () =>
    run(
      "make",
      ["--no-print-directory", "verify"],
      { COMPOSE: composeCommand(PROJECT).join(" "), OPENCLAW_STATE: its.state.path, VERIFY_LIVE: "0" },
      300_000,
    );

  it("config-init moved the allowlist with the jobs, and make verify finds every job allowed", async () => {
    const logs = await compose(PROJECT, ["logs", "--no-log-prefix", "--no-color", "config-init"], {
      OPENCLAW_STATE: its.state.path,
    });
    expect(logs.stdout).toContain(
      "openclaw.json agents.defaults.modelPolicy.allow: anthropic/claude-opus-4-6, anthropic/claude-sonnet-4-6 → claude-max-proxy/claude-opus-4-6, claude-max-proxy/claude-sonnet-4-6",
    );
    const result = await verify();
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toMatch(/cron Hourly check\s*\|\s*ok\s*\|\s*claude-max-proxy\/claude-sonnet-4-6, every 1h/);
    expect(result.stdout).toMatch(/cron Morning brief\s*\|\s*ok\s*\|\s*claude-max-proxy\/claude-opus-4-6/);
  });

  it("runs each enabled migrated job on its own model through the proxy", async () => {
    expect(enabledFixtureJobs(its.gateway, ["hourly-check", "morning-brief", "old-report"])).toEqual(
      Object.keys(JOBS).sort(),
    );
    for (const [id, expected] of Object.entries(JOBS))
      expectRanOnItsModel(await runJob(its.gateway, its.mock, id, expected.message), expected);
  });

  it("a chat the user pinned to a model stays on it: the stored session's pin moved to the proxy", async () => {
    // the fixture's legacy sessions.json pins this Telegram chat to anthropic/claude-sonnet-4-6; the
    // agent's own model is opus. Left on anthropic, the pin is dropped and the chat answers on opus.
    const turn = await agentTurn(its.gateway, "pinned-chat-check", { sessionKey: "agent:main:telegram:direct:4242" });
    expect(turn.code, turn.output).toBe(0);
    expect(turn.reply?.result.meta.agentMeta).toMatchObject({
      provider: "claude-max-proxy",
      model: "claude-sonnet-4-6",
    });
    expect((await its.mock.receivedWith("pinned-chat-check")).body).toMatchObject({ model: "claude-sonnet-4-6" });
  });

  it("an allowlist that leaves a job's model out: OpenClaw refuses the run before the model, and make verify says which job and how to fix it", async () => {
    docker(
      "exec",
      its.gateway,
      "openclaw",
      "config",
      "set",
      "agents.defaults.modelPolicy.allow",
      '["claude-max-proxy/claude-opus-4-6"]',
      "--strict-json",
    );
    const { result, request } = await runJob(its.gateway, its.mock, "hourly-check", "Anything urgent?");
    expect(result.code).not.toBe(0);
    expect(result.run?.error).toBe(
      "automation model override 'claude-max-proxy/claude-sonnet-4-6' rejected by agents.defaults.modelPolicy.allow: claude-max-proxy/claude-sonnet-4-6 is not in [claude-max-proxy/claude-opus-4-6]",
    );
    expect(request).toBeUndefined();

    const verified = await verify();
    expect(verified.code).not.toBe(0);
    const row = verified.stdout.split("\n").find((line) => line.includes("cron Hourly check")) ?? "";
    expect(row).toMatch(
      /FAIL\s*\|\s*model claude-max-proxy\/claude-sonnet-4-6 is not in agent lite's allowlist \[claude-max-proxy\/claude-opus-4-6\]/,
    );
    expect(row).toContain("up -d --force-recreate config-init gateway");
  });
});

describe("an earlier Option 2 install (claude-max-api's ids) staying on max-proxy, on the whole stack", () => {
  // claude-opus-4 and claude-sonnet-4 ran the CLI's opus and sonnet: the newest of each family. They
  // become the family, so each job keeps the model it had (Opus 5.5 and Sonnet 5.5 on the CLI 2.1.330).
  const PROJECT = `clawbridge-migrated-mp-${process.pid}`;
  const JOBS: Record<string, Expected> = {
    "hourly-check": {
      message: "Anything urgent?",
      model: "claude-max-proxy/sonnet",
      apiModel: /^claude-sonnet-5-5$/,
      announces: false,
    },
    "morning-brief": {
      message: "Summarize my inbox.",
      model: "claude-max-proxy/opus",
      apiModel: /^claude-opus-5-5$/,
      announces: true,
    },
  };
  const its = onSeededStack(PROJECT, () => seedStateDir(fixture("article-option2")));

  it("moves claude-opus-4 to the Opus family and runs each enabled job on the model it had", async () => {
    const logs = await compose(PROJECT, ["logs", "--no-log-prefix", "--no-color", "config-init"], {
      OPENCLAW_STATE: its.state.path,
    });
    expect(logs.stdout).toMatch(
      /cron job Morning brief \(morning-brief\): model claude-max-proxy\/claude-opus-4 → claude-max-proxy\/opus/,
    );
    expect(enabledFixtureJobs(its.gateway, ["hourly-check", "morning-brief", "old-report"])).toEqual(
      Object.keys(JOBS).sort(),
    );
    for (const [id, expected] of Object.entries(JOBS))
      expectRanOnItsModel(await runJob(its.gateway, its.mock, id, expected.message), expected);
  });
});

describe("an Option 2 install (claude-max-api) moved to setup-token mode, against the mock", () => {
  const PROJECT = `clawbridge-migrated-st-${process.pid}`;
  const JOBS: Record<string, Expected> = {
    "hourly-check": {
      message: "Anything urgent?",
      model: "anthropic/claude-sonnet-5",
      apiModel: /^claude-sonnet-5$/,
      announces: false,
    },
    "morning-brief": {
      message: "Summarize my inbox.",
      model: "anthropic/claude-opus-5-5",
      apiModel: /^claude-opus-5-5$/,
      announces: true,
    },
  };
  // the gateway calls Anthropic itself in this mode: point its anthropic provider at the mock
  const its = onSeededStack(
    PROJECT,
    () =>
      seedStateDir(fixture("article-option2"), (dir) => {
        const file = join(dir, "openclaw.json");
        const text = readFileSync(file, "utf8");
        const edited = text.replace(
          "providers: {",
          'providers: {\n      anthropic: { baseUrl: "http://mock-anthropic:8080" },',
        );
        expect(edited).not.toBe(text);
        writeFileSync(file, edited);
      }),
    { AUTH_MODE: "setup-token", COMPOSE_PROFILES: "setup-token" },
    ["mock-anthropic", "gateway"],
  );

  it("runs each enabled migrated job on its anthropic model, with the setup token", async () => {
    expect(enabledFixtureJobs(its.gateway, ["hourly-check", "morning-brief", "old-report"])).toEqual(
      Object.keys(JOBS).sort(),
    );
    const token = stackEnv.CLAUDE_SETUP_TOKEN ?? "";
    for (const [id, expected] of Object.entries(JOBS)) {
      const ran = await runJob(its.gateway, its.mock, id, expected.message);
      expectRanOnItsModel(ran, expected);
      expect(ran.request?.headers.authorization).toBe(`Bearer ${token.slice(0, 13)}…(${token.length})`);
    }
  });
});
