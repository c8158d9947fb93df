// Notices on the product stack: the catch-up service (NOTICE_WEBHOOK_URL) tells a webhook receiver on
// the test network (the mock's POST /notices) of each limits event maxapi meets, once: a window past
// its warning threshold, spent, open again; extra usage refused (EXTRA_USAGE=off); a billing refusal.
// Each carries the window and its reset where it has one, and no secret. The events come from real
// answers of the real CLI to requests sent with the OpenAI client library through the normalizer.
// (Catch-up runs done: test/containers/long/catchup.test.ts.)
import OpenAI from "openai";
import type { StartedDockerComposeEnvironment } from "testcontainers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { docker } from "../support/containers.ts";
import { MockAnthropicClient } from "../support/mock-anthropic-client.ts";
import { stackEnv, startStack } from "../support/stack.ts";
import { until } from "../support/until.ts";

const PROJECT = `clawbridge-notices-${process.pid}`;

interface NoticeBody {
  text: string;
  content: string;
  event: string;
  window?: string;
  resetsAt?: string;
}

let stack: StartedDockerComposeEnvironment;
let mock: MockAnthropicClient;
let client: OpenAI;

beforeAll(async () => {
  stack = await startStack(PROJECT, { NOTICE_WEBHOOK_URL: "http://mock-anthropic:8080/notices", CATCHUP_POLL_MS: "2000" });
  mock = new MockAnthropicClient(`http://127.0.0.1:${stack.getContainer("mock-anthropic-1").getMappedPort(8080)}`);
  const normalizer = docker("port", stack.getContainer("normalizer-1").getId(), "3457/tcp").split("\n")[0] ?? "";
  client = new OpenAI({ baseURL: `http://${normalizer}/v1`, apiKey: stackEnv.PROXY_API_KEY ?? "", maxRetries: 0, timeout: 120_000 });
});

afterAll(async () => {
  await stack.down({ removeVolumes: true });
});

const notices = async () => (await mock.received()).filter((r) => r.path === "/notices").map((r) => r.body as NoticeBody);
const noticesOf = async (event: string) => (await notices()).filter((n) => n.event === event);
const ask = () => client.chat.completions.create({ model: "sonnet", messages: [{ role: "user", content: "hello" }] }).then(() => 200, (error: unknown) => (error instanceof OpenAI.APIError ? Number(error.status) : 0));
/** When the catch-up's last pass read OpenClaw's jobs and maxapi's limits (epoch seconds), from its /metrics. */
const lastPass = () => {
  const metrics = docker("exec", stack.getContainer("catchup-1").getId(), "node", "-e", "fetch('http://127.0.0.1:3458/metrics').then(r => r.text()).then(t => process.stdout.write(t))");
  return Number(/^catchup_last_pass_seconds (\d+)$/m.exec(metrics)?.[1] ?? 0);
};
const told = (event: string) => until(`a ${event} notice`, async () => (await noticesOf(event)).length > 0 || undefined, 60, 1000);

describe("notices to a webhook", () => {
  it("one per event, with the window and reset, and no secret", async () => {
    // past the warning threshold
    await mock.setMode("ok", { windows: { five_hour: 0.95 } });
    expect(await ask()).toBe(200);
    await told("window-warning");

    // spent, then open again at the reset
    const reset = Math.ceil(Date.now() / 1000) + 30;
    await mock.spendWindow("five_hour", reset);
    expect(await ask()).toBe(429);
    expect(await ask(), "refused by maxapi at once").toBe(429);
    await told("window-spent");
    await mock.untilReset(60, 1000);
    await told("window-reopened");

    // extra usage: one answer billed, then requests refused (EXTRA_USAGE=off)
    const overageReset = Math.ceil(Date.now() / 1000) + 20;
    await mock.setMode("overage-in-use", { window: "five_hour", resetsAt: overageReset });
    expect(await ask(), "the billed answer is delivered").toBe(200);
    expect(await ask(), "the next is refused").toBe(429);
    await told("extra-usage-refused");
    await mock.untilReset(60, 1000);

    // a billing refusal
    await mock.setMode("billing-out-of-extra-usage");
    expect(await ask()).toBe(402);
    await told("billing-refusal");
    await mock.setMode("ok");

    // three passes more (one every 2 s), each of which would have told an event again: nothing is told twice
    const after = lastPass();
    await until("three catch-up passes more", () => lastPass() >= after + 6 || undefined, 60, 1000);
    const all = await notices();
    const count = (event: string) => all.filter((n) => n.event === event).length;
    expect(Object.fromEntries(["window-warning", "window-spent", "window-reopened", "extra-usage-refused", "billing-refusal"].map((e) => [e, count(e)]))).toEqual({
      "window-warning": 1,
      "window-spent": 1,
      "window-reopened": 1,
      "extra-usage-refused": 1,
      "billing-refusal": 1,
    });
    const spent = all.find((n) => n.event === "window-spent");
    expect(spent).toMatchObject({ window: "five_hour", resetsAt: new Date(reset * 1000).toISOString() });
    expect(spent?.text).toBe(spent?.content);
    expect(spent?.text).toMatch(/^Claude subscription: the 5-hour window is spent until \d\d:\d\d UTC\./);
    expect(all.find((n) => n.event === "window-reopened")).toMatchObject({ window: "five_hour", resetsAt: new Date(reset * 1000).toISOString() });
    expect(all.find((n) => n.event === "extra-usage-refused")).toMatchObject({ window: "five_hour", resetsAt: new Date(overageReset * 1000).toISOString() });
    const text = JSON.stringify(all);
    for (const secret of [stackEnv.PROXY_API_KEY, stackEnv.OPENCLAW_GATEWAY_TOKEN, stackEnv.CLAUDE_SETUP_TOKEN]) expect(text).not.toContain(secret);
  });
});
