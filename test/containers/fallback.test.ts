// The optional metered fallback, end to end: the product stack (test/support/stack.ts) with
// FALLBACK_ANTHROPIC_API_KEY set and its base URL pointed at the mock, which stands for Anthropic's
// API as well (a request with an API key has no subscription window there). While the
// subscription's 5-hour window is spent, an agent turn and a cron job run on the metered
// `anthropic-api` provider after one refused call through the subscription; after the reset, turns
// are back on the subscription.
import type { StartedDockerComposeEnvironment } from "testcontainers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { maxapiMetrics } from "../support/maxapi-metrics.ts";
import { MockAnthropicClient } from "../support/mock-anthropic-client.ts";
import type { RecordedRequest } from "../support/mock-anthropic-api.ts";
import { agentTurn } from "../support/openclaw-agent.ts";
import { GATEWAY_URL, openclawJson } from "../support/openclaw-cli.ts";
import { cronAddArgs, cronRun } from "../support/openclaw-cron.ts";
import { startStack } from "../support/stack.ts";
import { until } from "../support/until.ts";
import { marker } from "../support/marker.ts";

const PROJECT = `clawbridge-fallback-${process.pid}`;
const FALLBACK_KEY = `sk-ant-api03-fallback-test-${"k".repeat(48)}`;

let stack: StartedDockerComposeEnvironment;
let mock: MockAnthropicClient;

beforeAll(async () => {
  stack = await startStack(PROJECT, {
    env: { FALLBACK_ANTHROPIC_API_KEY: FALLBACK_KEY, FALLBACK_ANTHROPIC_BASE_URL: "http://mock-anthropic:8080" },
  });
  mock = new MockAnthropicClient(`http://127.0.0.1:${stack.getContainer("mock-anthropic-1").getMappedPort(8080)}`);
});

afterAll(async () => {
  await stack.down({ removeVolumes: true });
});

const id = (service: string) => stack.getContainer(`${service}-1`).getId();

/** How a request reached "Anthropic": through the subscription (the CLI's OAuth login) or the metered API (an API key). */
const via = (request: RecordedRequest) =>
  typeof request.headers["x-api-key"] === "string" ? "api-key" : "subscription";
const requestsWith = async (tag: string) => (await mock.messages()).filter((request) => request.text.includes(tag));

describe("the metered fallback (FALLBACK_ANTHROPIC_API_KEY)", () => {
  it("while the 5-hour window is spent, a turn answers on anthropic-api after one refused call through the subscription; after the reset it is back on the subscription", async () => {
    await mock.spendWindow("five_hour", Math.ceil(Date.now() / 1000) + 60);
    const tag = marker("spent");
    const turn = await agentTurn(id("gateway"), `hello ${tag}`);
    expect(turn.code, turn.output).toBe(0);
    expect(turn.text).toBe("Hello from mock!");
    expect(turn.reply?.result.meta.agentMeta).toMatchObject({ provider: "anthropic-api", model: "claude-opus-5-5" });
    const requests = await requestsWith(tag);
    expect(requests.map(via), "one call through the subscription (refused), then the API").toEqual([
      "subscription",
      "api-key",
    ]);
    expect(requests[1]?.headers["x-api-key"]).toMatch(/^sk-ant-api03-…\(\d+\)$/); // the mock records it redacted

    const next = marker("still-spent");
    expect((await agentTurn(id("gateway"), `hello ${next}`)).code).toBe(0);
    expect((await requestsWith(next)).map(via), "maxapi refuses at once while spent: only the API is called").toEqual([
      "api-key",
    ]);

    await mock.untilReset(120, 1000);
    await until(
      "maxapi to see the reset",
      () => /^maxapi_usage_window_spent\{window="five_hour"\} 0$/m.test(maxapiMetrics(id("maxapi"))) || undefined,
      60,
    );
    const after = marker("reset");
    const back = await agentTurn(id("gateway"), `hello ${after}`);
    expect(back.code, back.output).toBe(0);
    expect(back.reply?.result.meta.agentMeta).toMatchObject({ provider: "claude-max-proxy", model: "opus" });
    expect((await requestsWith(after)).map(via)).toEqual(["subscription"]);
  });

  it("a cron job runs on the fallback while the window is spent", async () => {
    await mock.spendWindow("five_hour", Math.ceil(Date.now() / 1000) + 45);
    const tag = marker("cron");
    const job = openclawJson(id("gateway"), cronAddArgs(tag, "main", ["--cron", "0 0 1 1 *"], `cron check ${tag}`), [
      GATEWAY_URL,
    ]) as { id: string };
    const run = await cronRun(id("gateway"), job.id);
    expect(run.code, run.output).toBe(0);
    expect(run.run).toMatchObject({ status: "ok", provider: "anthropic-api" });
    expect((await requestsWith(tag)).map(via)).toContain("api-key");
    await mock.untilReset(120, 1000);
  });
});
