// Builds Dockerfile.gateway (OpenClaw from npm) and runs it with a minimal config, the gateway token
// coming from a docker secret file; reached only through its port published on 127.0.0.1.
import type { StartedDockerComposeEnvironment } from "testcontainers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ApiError } from "@clawbridge/openai";
import { resultError } from "../../services/maxapi/src/cli/errors.ts";
import { createLimits } from "../../services/maxapi/src/limits/limits.ts";
import { docker, environOf, pidsIn } from "../support/containers.ts";
import { openclawReads, type ProviderError } from "../support/openclaw-classifier.ts";
import { startCompose } from "../support/stack.ts";
import { until } from "../support/until.ts";

const TOKEN = "gateway-test-token-0123456789abcdef";

let stack: StartedDockerComposeEnvironment;
let url: string;
let id: string;

beforeAll(async () => {
  stack = await startCompose("gateway.compose.yml", { env: { GATEWAY_TEST_TOKEN: TOKEN }, healthy: ["gateway"] });
  const gateway = stack.getContainer("gateway-1");
  url = `http://127.0.0.1:${gateway.getMappedPort(18789)}`;
  id = gateway.getId();
});

afterAll(async () => {
  await stack.down({ removeVolumes: true });
});

describe("gateway image", () => {
  it("runs the pinned OpenClaw as uid 1000 under tini, with respawn off", () => {
    expect(docker("exec", id, "openclaw", "--version")).toMatch(/^OpenClaw 2026\.9\.6 /);
    expect(docker("exec", id, "id", "-u")).toBe("1000");
    expect(docker("exec", id, "cat", "/proc/1/comm")).toBe("tini");
    expect(docker("exec", id, "printenv", "OPENCLAW_NO_RESPAWN")).toBe("1");
  });

  it("is healthy and ready, with its probes answering without auth", async () => {
    expect(docker("inspect", "--format", "{{.State.Health.Status}}", id)).toBe("healthy");
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    // ready follows live by a few seconds (channels and sidecars start after the HTTP server)
    const ready = await until(
      "the gateway ready",
      async () => ((await (await fetch(`${url}/readyz`)).json()) as { ready: boolean }).ready || undefined,
      60,
      500,
    );
    expect(ready).toBe(true);
  });

  it("takes its gateway token from the secret file: the entrypoint exports it for OpenClaw", () => {
    // the gateway: the oldest "openclaw" process (it renames its title; children come later).
    // PID 1 is tini, started before the entrypoint exported the token.
    const [pid] = pidsIn(id, "openclaw");
    const environ = environOf(id, pid ?? 1);
    expect(environ).toContain(`OPENCLAW_GATEWAY_TOKEN=${TOKEN}`);
    expect(environ).not.toContain("OPENCLAW_GATEWAY_TOKEN_FILE=");
  });

  it("refuses a token set both directly and as a file, naming the variable", () => {
    let output = "";
    try {
      docker(
        "run",
        "--rm",
        "--network",
        "none",
        "-e",
        "OPENCLAW_GATEWAY_TOKEN=x",
        "-e",
        "OPENCLAW_GATEWAY_TOKEN_FILE=/etc/hostname",
        "clawbridge/gateway:test",
      );
    } catch (error) {
      output = (error as { stderr: string }).stderr;
    }
    expect(output).toContain("OPENCLAW_GATEWAY_TOKEN and OPENCLAW_GATEWAY_TOKEN_FILE are both set: keep one of them.");
  });

  it("an openclaw command run with docker exec, no variables added, reaches the gateway with the token from the file", () => {
    expect(docker("exec", id, "printenv", "OPENCLAW_GATEWAY_TOKEN_FILE")).not.toBe(""); // docker exec's environment: the file only
    const { jobs } = JSON.parse(docker("exec", id, "openclaw", "cron", "list", "--all", "--json")) as { jobs: unknown };
    expect(Array.isArray(jobs)).toBe(true); // the gateway's answer (OpenClaw adds jobs of its own)
    // the same command without the file is refused: the token is what makes it work
    let refused = "";
    try {
      docker("exec", "-e", "OPENCLAW_GATEWAY_TOKEN_FILE=", id, "openclaw", "cron", "list", "--all", "--json");
    } catch (error) {
      refused = (error as { stderr: string }).stderr;
    }
    expect(refused).not.toBe("");
  });
});

describe("OpenClaw's own reading of maxapi's errors (its classifier, run in the gateway)", () => {
  const now = Date.parse("2026-12-03T07:28:32Z");
  const limits = createLimits(
    () => undefined,
    () => now,
  );
  const asSent = (error: ApiError): ProviderError => ({
    status: error.status,
    type: error.type,
    code: error.code,
    message: error.message,
    ...(error.headers["Retry-After"] ? { retryAfterSeconds: Number(error.headers["Retry-After"]) } : {}),
  });
  const run = { rateLimit: undefined, limits, retryAfterSeconds: 30 };
  const fiveHours = { status: "rejected", rateLimitType: "five_hour", resetsAt: 1796290292 } as const;

  it("a spent window, as the CLI ended it and as refused ahead: a long-window limit, shown in maxapi's words; the CLI's own wording is not", () => {
    const cliText = "You've hit your 5-hour limit · resets 9:31am (UTC)";
    const ended = resultError(
      { is_error: true, api_error_status: 429, result: cliText },
      { ...run, rateLimit: fiveHours },
    );
    limits.windows.record(fiveHours);
    const spent = limits.windows.spentFor("opus");
    expect(spent).toBeDefined();
    const refused = limits.windows.refuse(spent as NonNullable<typeof spent>);
    const weekly = limits.windows.spentError(
      { status: "rejected", rateLimitType: "seven_day", resetsAt: 1796683092 },
      "You've hit your weekly limit · resets Dec 7, 10:38pm (UTC)",
    );
    const errors = [ended, refused, weekly as ApiError].map(asSent);
    const readings = openclawReads(id, [
      ...errors,
      { status: 429, type: "rate_limit_error", code: "rate_limited", message: cliText, retryAfterSeconds: 30 },
    ]);
    for (const [index, reading] of readings.slice(0, 3).entries()) {
      expect(reading, errors[index]?.message).toMatchObject({ reason: "rate_limit", longWindow: true });
      expect(reading.userText).toContain(errors[index]?.message);
    }
    expect(
      readings[3],
      "the CLI's sentence alone reads as a short limit: OpenClaw would retry it 9 times",
    ).toMatchObject({ reason: "rate_limit", longWindow: false });
  });

  it("EXTRA_USAGE=off refusing a window answered on extra usage: a long-window limit (no same-model retries), shown in maxapi's words naming extra usage and the setting", () => {
    const offLimits = createLimits(
      () => undefined,
      () => now,
      "off",
    );
    const week = {
      status: "rejected",
      rateLimitType: "seven_day_sonnet",
      resetsAt: 1796683092,
      isUsingOverage: true,
      overageInUse: true,
    } as const;
    offLimits.extraUsage.record({ ...fiveHours, isUsingOverage: true, overageInUse: true });
    offLimits.extraUsage.record(week);
    // the longest wording (a weekly per-model window, a reset with its date): OpenClaw hides long texts behind its own sentence
    const errors = [offLimits.extraUsage.refuse("opus"), offLimits.extraUsage.refuse("sonnet")].map((error) =>
      asSent(error as ApiError),
    );
    offLimits.extraUsage.close();
    for (const [index, reading] of openclawReads(id, errors).entries()) {
      expect(reading, errors[index]?.message).toMatchObject({ reason: "rate_limit", longWindow: true });
      expect(reading.userText).toContain(errors[index]?.message);
      expect(reading.userText).toMatch(/extra usage.*EXTRA_USAGE=off/);
    }
  });

  it("billing refusals: billing (no retries, no rate-limit cool-down), never a long-window limit", () => {
    const texts = [
      'API Error: 400 {"type":"error","error":{"type":"invalid_request_error","message":"Third-party apps now draw from your extra usage, not your plan limits. We\'ve added a $200 credit to get you started. Claim it at claude.ai/settings/usage and keep going."}}',
      "You're out of extra usage · add more at claude.ai/settings/usage",
      "Usage credits required for 1M context · turn on extra usage at claude.ai/settings/usage",
    ];
    const errors = texts.map((text) => resultError({ is_error: true, api_error_status: 400, result: text }, run));
    expect(errors.map((error) => error.status)).toEqual([402, 402, 402]);
    for (const reading of openclawReads(id, errors.map(asSent))) {
      expect(reading).toMatchObject({ reason: "billing", longWindow: false });
      expect(reading.userText).toMatch(/billing error/);
    }
  });

  it("a model this CLI is too old for, and one the account may not use: a missing model (OpenClaw moves the turn to the agent's next model)", () => {
    const floor =
      "API Error: 400 Claude Code 2.1.330 does not support this model; version 2.1.332 or newer is required. Run 'claude update', or update the Claude desktop app, then try again.";
    const barred =
      "There's an issue with the selected model (claude-mythos-5). It may not exist or you may not have access to it. Run --model to pick a different model.";
    const errors = [
      resultError(
        { is_error: true, api_error_status: 400, result: floor },
        { ...run, model: "claude-fable-5-2", cliVersion: "2.1.330" },
      ),
      resultError({ is_error: true, api_error_status: 404, result: barred }, { ...run, model: "claude-mythos-5" }),
    ];
    expect(errors.map((error) => [error.status, error.code])).toEqual([
      [404, "claude_code_version_too_old"],
      [404, "model_not_found"],
    ]);
    for (const reading of openclawReads(id, errors.map(asSent)))
      expect(reading).toMatchObject({ reason: "model_not_found", longWindow: false });
  });

  it("a conversation over the context window: an overflow, with the CLI's token count", () => {
    const error = resultError(
      {
        is_error: true,
        terminal_reason: "prompt_too_long",
        result: "Prompt is too long · the request is ~215000 tokens (limit 200000) · run /compact",
      },
      run,
    );
    const [reading] = openclawReads(id, [asSent(error)]);
    expect(reading).toMatchObject({ reason: "context_overflow", overflowTokens: 215000 });
  });
});
