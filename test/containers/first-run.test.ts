// A single machine whose user has not added a Claude login yet (no setup token, no `make login`):
// the product stack comes up as far as it can and says what is missing where the user looks, in
// `docker compose ps`, maxapi's health log, the agent's answer and `make verify`.
import { Wait, type StartedDockerComposeEnvironment } from "testcontainers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { docker } from "../support/containers.ts";
import { agentTurn } from "../support/openclaw-agent.ts";
import { composeCommand, run, startStack } from "../support/stack.ts";
import { until } from "../support/until.ts";

const PROJECT = `clawbridge-nologin-${process.pid}`;
const LOGIN_MISSING = /The Claude login is missing: set CLAUDE_SETUP_TOKEN in \.env/;

let stack: StartedDockerComposeEnvironment;

beforeAll(async () => {
  // maxapi never becomes healthy without a login: wait for its start-up line saying so instead
  // (its checks every 2 s after a 5 s start: unhealthy within about 11 s)
  stack = await startStack(PROJECT, {
    env: { CLAUDE_SETUP_TOKEN: "", HEALTHCHECK_START_PERIOD: "5s", HEALTHCHECK_INTERVAL: "2s" },
    healthy: ["mock-anthropic", "normalizer", "gateway"],
    waits: { maxapi: Wait.forLogMessage(/no credentials/) },
  });
});

afterAll(async () => {
  await stack.down({ removeVolumes: true });
});

const id = (service: string) => stack.getContainer(`${service}-1`).getId();

describe("a single machine without a Claude login", () => {
  it("comes up: the gateway and the normalizer healthy, maxapi running but unhealthy, its health log saying how to add the login", async () => {
    for (const service of ["normalizer", "gateway"])
      expect(docker("inspect", "--format", "{{.State.Health.Status}}", id(service)), service).toBe("healthy");
    await until(
      "maxapi unhealthy",
      () =>
        docker("inspect", "--format", "{{.State.Health.Status}}", id("maxapi")) === "unhealthy" ? true : undefined,
      120,
    );
    expect(docker("inspect", "--format", "{{.State.Status}}", id("maxapi"))).toBe("running");
    const healthLog = docker("inspect", "--format", "{{range .State.Health.Log}}{{.Output}}{{end}}", id("maxapi"));
    expect(healthLog).toMatch(/no credentials: set CLAUDE_SETUP_TOKEN in \.env .* or run make login once/);
  });

  it("an agent's turn answers that the Claude login is missing and how to add it", async () => {
    const turn = await agentTurn(id("gateway"), "hello without a login");
    expect(turn.reply?.status === "ok" && turn.code === 0, turn.output).toBe(false);
    expect(turn.output).toMatch(LOGIN_MISSING);
  });

  it("make verify fails on maxapi and the login, with the fix", async () => {
    const result = await run(
      "make",
      ["--no-print-directory", "verify"],
      { COMPOSE: composeCommand(PROJECT).join(" "), VERIFY_LIVE: "0" },
      300_000,
    );
    expect(result.code).not.toBe(0);
    const row = (check: string) => result.stdout.split("\n").find((line) => line.startsWith(`${check} `)) ?? "";
    expect(row("service maxapi"), result.stdout).toMatch(
      /\| FAIL .*no Claude login: set CLAUDE_SETUP_TOKEN in \.env or run `make login`/,
    );
    expect(row("service gateway")).toMatch(/\| ok /);
    expect(row("CLAUDE_SETUP_TOKEN")).toMatch(/\| FAIL .*make login/);
  });
});
