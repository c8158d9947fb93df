// config-init, then the real gateway on what it wrote: the hand-made Option 1 install
// (test/fixtures/article-option1/, in OpenClaw's legacy layout) in max-proxy mode, and an empty
// volume in setup-token mode, where the token must reach the (mock) Anthropic API as the gateway's
// credential.
import { fileURLToPath } from "node:url";
import type { StartedDockerComposeEnvironment } from "testcontainers";
import { afterAll, describe, expect, it } from "vitest";
import type { RecordedRequest } from "../support/mock-anthropic-api.ts";
import { agentTurn } from "../support/openclaw-agent.ts";
import { openclawJson } from "../support/openclaw-cli.ts";
import { startCompose } from "../support/stack.ts";

const GATEWAY_TOKEN = "gateway-token-0123456789abcdef";
const SETUP_TOKEN = `sk-ant-oat01-${"s".repeat(96)}`;
const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

const stacks: StartedDockerComposeEnvironment[] = [];
afterAll(async () => {
  for (const stack of stacks) await stack.down({ removeVolumes: true });
});

async function up(env: Record<string, string>): Promise<StartedDockerComposeEnvironment> {
  const stack = await startCompose("openclaw.compose.yml", {
    env: { OPENCLAW_GATEWAY_TOKEN: GATEWAY_TOKEN, ...env },
    healthy: ["mock-anthropic", "gateway"],
    services: ["gateway"],
  });
  stacks.push(stack);
  return stack;
}

/** An openclaw command inside the gateway container, its JSON output parsed. */
function openclaw(stack: StartedDockerComposeEnvironment, ...args: string[]): unknown {
  return openclawJson(stack.getContainer("gateway-1").getId(), args);
}

interface Health {
  defaultAgentId: string;
  agents: { agentId: string; heartbeat: { every: string } }[];
}

describe("the gateway on a migrated legacy install (max-proxy)", () => {
  it("starts healthy and lists every agent and job on the expected models, with clean error state", async () => {
    const stack = await up({
      AUTH_MODE: "max-proxy",
      PROXY_API_KEY: "proxy-key-0123456789abcdef",
      SEED_DIR: here("../fixtures/article-option1"),
    });
    const health = openclaw(stack, "health", "--json") as Health;
    expect(health.defaultAgentId).toBe("main");
    expect(health.agents.map((a) => a.agentId).sort()).toEqual(["lite", "main"]);

    const { jobs } = openclaw(stack, "cron", "list", "--all", "--json") as {
      jobs: { id: string; enabled: boolean; payload: { model: string }; state: { consecutiveErrors?: number } }[];
    };
    const ours = jobs
      .filter((job) => ["hourly-check", "morning-brief", "old-report"].includes(job.id))
      .sort((a, b) => a.id.localeCompare(b.id));
    expect(
      ours.map((job) => [job.id, job.payload.model, job.enabled ? (job.state.consecutiveErrors ?? 0) : "disabled"]),
    ).toEqual([
      // the hand-made install's exact ids are pins the subscription's CLI runs as themselves
      ["hourly-check", "claude-max-proxy/claude-sonnet-4-6", 0],
      ["morning-brief", "claude-max-proxy/claude-opus-4-6", 0],
      ["old-report", "claude-max-proxy/claude-sonnet-4-5", "disabled"],
    ]);
  });
});

describe("the gateway in setup-token mode", () => {
  it("uses the setup token as its Anthropic credential: an agent turn reaches the mock with it", async () => {
    const stack = await up({
      AUTH_MODE: "setup-token",
      CLAUDE_SETUP_TOKEN: SETUP_TOKEN,
      SEED_DIR: here("fixtures/seed-setup-token"),
    });
    const gateway = stack.getContainer("gateway-1").getId();
    const mockUrl = `http://127.0.0.1:${stack.getContainer("mock-anthropic-1").getMappedPort(8080)}`;
    const marker = `setup-token-turn-${Date.now()}`;
    const turn = await agentTurn(gateway, marker);
    expect(turn.code, turn.output).toBe(0);
    expect(turn.reply?.status).toBe("ok");
    expect(turn.text).toContain("Hello from mock!");
    expect(turn.reply?.result.meta.agentMeta).toMatchObject({ provider: "anthropic", model: "claude-opus-5-5" });

    const requests = (await (await fetch(`${mockUrl}/__mock/requests`)).json()) as RecordedRequest[];
    const request = requests.find((r) => r.text.includes(marker));
    expect(request?.headers.authorization).toBe(`Bearer sk-ant-oat01-…(${SETUP_TOKEN.length})`);
  });
});
