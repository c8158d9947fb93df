// Every model of the subscription by its real name (issue 25), as a user reaches them: a family
// (fable: the newest Fable the CLI runs) or an exact id (claude-opus-4-8: a pin), chosen in AGENTS
// or in a request, through the real gateway, normalizer, maxapi and Claude Code CLI; only Anthropic's
// API is the mock, which records the model id each request names.
import { fileURLToPath } from "node:url";
import OpenAI from "openai";
import type { StartedDockerComposeEnvironment } from "testcontainers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { docker } from "../support/containers.ts";
import { marker } from "../support/marker.ts";
import { MockAnthropicClient } from "../support/mock-anthropic-client.ts";
import { agentTurn } from "../support/openclaw-agent.ts";
import { composeCommand, run, startStack, stackEnv } from "../support/stack.ts";
import { seedStateDir, type StateDir } from "../support/state-dir.ts";

const AGENTS = "main=fable,lite=claude-opus-4-8";

/** A turn of `agent` that must answer, and the model id its request named at the mock. */
async function turnOn(
  gateway: string,
  mock: MockAnthropicClient,
  agent: string,
): Promise<{ agentMeta: unknown; apiModel: unknown }> {
  const tag = marker(`agent-${agent}`);
  const turn = await agentTurn(gateway, `hello ${tag}`, { agent });
  expect(turn.code, turn.output).toBe(0);
  expect(turn.text).toBe("Hello from mock!");
  return {
    agentMeta: turn.reply?.result.meta.agentMeta,
    apiModel: ((await mock.receivedWith(tag)).body as { model?: unknown }).model,
  };
}

describe(`Option 2 (max-proxy): the whole stack with AGENTS=${AGENTS}`, () => {
  const PROJECT = `clawbridge-models-${process.pid}`;
  let stack: StartedDockerComposeEnvironment;
  let mock: MockAnthropicClient;
  let client: OpenAI;

  beforeAll(async () => {
    stack = await startStack(PROJECT, { env: { AGENTS } });
    mock = new MockAnthropicClient(`http://127.0.0.1:${stack.getContainer("mock-anthropic-1").getMappedPort(8080)}`);
    const normalizer = docker("port", stack.getContainer("normalizer-1").getId(), "3457/tcp").split("\n")[0] ?? "";
    client = new OpenAI({
      baseURL: `http://${normalizer}/v1`,
      apiKey: stackEnv.PROXY_API_KEY ?? "",
      maxRetries: 0,
      timeout: 120_000,
    });
  });

  afterAll(async () => {
    await stack.down({ removeVolumes: true });
  });

  it("GET /v1/models lists each family and exact id, fable's among them", async () => {
    const ids = (await client.models.list()).data.map((model) => model.id);
    expect(ids).toEqual(
      expect.arrayContaining([
        "opus",
        "sonnet",
        "haiku",
        "fable",
        "claude-opus-5-5",
        "claude-opus-4-8",
        "claude-sonnet-5-5",
        "claude-haiku-4-5",
        "claude-fable-5-2",
        "claude-fable-5-1",
      ]),
    );
  });

  it.each([
    // [asked for, what reaches Anthropic]
    ["fable", "claude-fable-5-2"],
    ["anthropic/claude-fable-5-1", "claude-fable-5-1"],
    ["claude-opus-4-8", "claude-opus-4-8"],
    ["claude-opus-4", "claude-opus-5-5"], // claude-max-api's old id: the Opus family, as it always ran
  ])("%s reaches Anthropic as %s; the whole and the streamed answer name that model", async (asked, sent) => {
    const whole = marker("whole");
    const answer = await client.chat.completions.create({
      model: asked,
      messages: [{ role: "user", content: `hello ${whole}` }],
    });
    expect(((await mock.receivedWith(whole)).body as { model?: unknown }).model).toBe(sent);
    expect(answer.model).toBe(sent);
    expect(answer.choices[0]?.message.content).toBe("Hello from mock!");

    const streamed = marker("streamed");
    const models = new Set<string>();
    for await (const chunk of await client.chat.completions.create({
      model: asked,
      stream: true,
      messages: [{ role: "user", content: `hello ${streamed}` }],
    }))
      models.add(chunk.model);
    expect(((await mock.receivedWith(streamed)).body as { model?: unknown }).model).toBe(sent);
    expect([...models]).toEqual([sent]);
  });

  it("an id that names no model is a 400 listing the accepted ones, and nothing reaches Anthropic", async () => {
    const before = (await mock.messages()).length;
    const error = await client.chat.completions
      .create({ model: "claude-opus-9", messages: [{ role: "user", content: "hi" }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as InstanceType<typeof OpenAI.BadRequestError>).code).toBe("model_not_found");
    expect((error as Error).message).toMatch(
      /model "claude-opus-9" is not served here; use a family \(mythos, fable, opus, sonnet, haiku/,
    );
    expect((await mock.messages()).length).toBe(before);
  });

  it("a turn on each agent reaches Anthropic as fable's newest and as the pinned claude-opus-4-8", async () => {
    const gateway = stack.getContainer("gateway-1").getId();
    const main = await turnOn(gateway, mock, "main");
    expect(main).toEqual({
      agentMeta: expect.objectContaining({ provider: "claude-max-proxy", model: "fable" }) as unknown,
      apiModel: "claude-fable-5-2",
    });
    const lite = await turnOn(gateway, mock, "lite");
    expect(lite).toEqual({
      agentMeta: expect.objectContaining({ provider: "claude-max-proxy", model: "claude-opus-4-8" }) as unknown,
      apiModel: "claude-opus-4-8",
    });
  });

  it("a CLI older than Anthropic's floor for fable: make verify shows the Claude Code version and the refusal with both versions and the command; the agent's turn moves to Opus", async () => {
    await mock.setMode("version-too-old", { requiredVersion: "2.1.332", models: "fable" });
    try {
      const verify = await run(
        "make",
        ["--no-print-directory", "verify"],
        { COMPOSE: composeCommand(PROJECT).join(" "), AGENTS },
        300_000,
      );
      expect(verify.code, verify.stdout + verify.stderr).not.toBe(0);
      const row = (check: string) =>
        verify.stdout
          .split("\n")
          .map((line) => line.split(" | ").map((cell) => cell.trim()))
          .find((cells) => cells[0] === check);
      expect(row("Claude Code")?.slice(1, 3)).toEqual(["ok", "2.1.330, the tested version"]);
      expect(row("model fable")?.[1]).toBe("FAIL");
      expect(row("model fable")?.[2]).toMatch(
        /^HTTP 404 claude_code_version_too_old: The Claude Code CLI maxapi runs \(2\.1\.330\) is too old for claude-fable-5-2: Anthropic requires version 2\.1\.332 or newer/,
      );
      expect(row("model fable")?.[3]).toMatch(/^make claude-code VERSION=2\.1\.332 /);
      expect(row("model claude-opus-4-8")?.slice(1, 3)).toEqual([
        "ok",
        expect.stringMatching(/^runs: claude-opus-4-8 answered in \d+ ms$/) as unknown,
      ]);

      const turn = await agentTurn(stack.getContainer("gateway-1").getId(), `hello ${marker("floor")}`, {
        agent: "main",
      });
      expect(turn.code, turn.output).toBe(0);
      expect(
        turn.reply?.result.meta.agentMeta,
        "fable refused as missing: OpenClaw's next model answers",
      ).toMatchObject({ provider: "claude-max-proxy", model: "opus" });
    } finally {
      await mock.setMode("ok");
    }
  });
});

describe(`Option 1 (setup token): the gateway with AGENTS=${AGENTS}`, () => {
  const PROJECT = `clawbridge-models-st-${process.pid}`;
  let state: StateDir;
  let stack: StartedDockerComposeEnvironment;
  let mock: MockAnthropicClient;

  beforeAll(async () => {
    // the gateway calls Anthropic itself in this mode: its anthropic provider points at the mock
    state = seedStateDir(fileURLToPath(new URL("fixtures/seed-setup-token", import.meta.url)));
    stack = await startStack(PROJECT, {
      env: { AUTH_MODE: "setup-token", COMPOSE_PROFILES: "setup-token", AGENTS, OPENCLAW_STATE: state.path },
      healthy: ["mock-anthropic", "gateway"],
    });
    mock = new MockAnthropicClient(`http://127.0.0.1:${stack.getContainer("mock-anthropic-1").getMappedPort(8080)}`);
  });

  afterAll(async () => {
    await stack.down({ removeVolumes: true });
    state.remove();
  });

  it("a turn on each agent reaches Anthropic as OpenClaw's newest Fable and as the pinned claude-opus-4-8", async () => {
    const gateway = stack.getContainer("gateway-1").getId();
    const main = await turnOn(gateway, mock, "main");
    expect(main).toEqual({
      agentMeta: expect.objectContaining({ provider: "anthropic", model: "claude-fable-5-1" }) as unknown,
      apiModel: "claude-fable-5-1",
    });
    const lite = await turnOn(gateway, mock, "lite");
    expect(lite).toEqual({
      agentMeta: expect.objectContaining({ provider: "anthropic", model: "claude-opus-4-8" }) as unknown,
      apiModel: "claude-opus-4-8",
    });
  });
});
