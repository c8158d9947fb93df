// End to end: the product's docker-compose.yml with every real component (config-init, the OpenClaw
// gateway, the normalizer, maxapi with the real Claude Code CLI); only Anthropic's Messages API is
// the mock (test/support/stack.ts). The tests reach the stack through ports on 127.0.0.1 only.
import { execFileSync } from "node:child_process";
import OpenAI from "openai";
import type { StartedDockerComposeEnvironment } from "testcontainers";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { parseCronList } from "../../services/verify/src/cron.ts";
import { poolFigures } from "../../services/verify/src/warm-pool.ts";
import { docker, killIn, pidsIn, untilHealthy } from "../support/containers.ts";
import { fingerprint, fixtureImage } from "../support/images.ts";
import { cachePrefixShares, requestBytes } from "../support/cache-prefix.ts";
import { maxapiMetrics } from "../support/maxapi-metrics.ts";
import { MockAnthropicClient } from "../support/mock-anthropic-client.ts";
import { agentTurn, type AgentReply } from "../support/openclaw-agent.ts";
import { cronRun } from "../support/openclaw-cron.ts";
import { compose, composeCommand, run, startStack, stackEnv } from "../support/stack.ts";
import { until } from "../support/until.ts";
import { marker } from "../support/marker.ts";

const PROJECT = `clawbridge-e2e-${process.pid}`;
const PROXY_API_KEY = stackEnv.PROXY_API_KEY ?? "";
const SECRETS = {
  PROXY_API_KEY,
  CLAUDE_SETUP_TOKEN: stackEnv.CLAUDE_SETUP_TOKEN ?? "",
  OPENCLAW_GATEWAY_TOKEN: stackEnv.OPENCLAW_GATEWAY_TOKEN ?? "",
};

let stack: StartedDockerComposeEnvironment;
let mock: MockAnthropicClient;

beforeAll(async () => {
  stack = await startStack(PROJECT);
  mock = new MockAnthropicClient(`http://127.0.0.1:${stack.getContainer("mock-anthropic-1").getMappedPort(8080)}`);
});

afterAll(async () => {
  await stack.down({ removeVolumes: true });
});

beforeEach(async () => {
  await mock.setMode("ok");
});

/** Containers a test recreated (`up -d` with other settings), by service: their ids replace the stack's. */
const recreated: Record<string, string> = {};
const id = (service: string) => recreated[service] ?? stack.getContainer(`${service}-1`).getId();

/** The normalizer's URL on this machine; read each time, since a restarted container gets a new port. */
const normalizerUrl = () => `http://${docker("port", id("normalizer"), "3457/tcp").split("\n")[0] ?? ""}/v1`;

const client = (apiKey = PROXY_API_KEY) =>
  new OpenAI({ baseURL: normalizerUrl(), apiKey, maxRetries: 0, timeout: 120_000 });

const waitHealthy = (service: string) => untilHealthy(id(service));

/** An agent turn on the stack's gateway that must succeed. */
async function turnOk(message: string): Promise<AgentReply & { text: string }> {
  const turn = await agentTurn(id("gateway"), message);
  expect(turn.code, turn.output).toBe(0);
  expect(turn.reply?.status).toBe("ok");
  return { ...(turn.reply as AgentReply), text: turn.text };
}

describe("an OpenClaw agent turn", () => {
  it("goes gateway → normalizer → maxapi → Claude Code CLI and back; Anthropic sees the user's text, never [object Object]", async () => {
    const text = marker("agent-turn");
    const turn = await turnOk(`Please echo ${text}`);
    expect(turn.text).toBe("Hello from mock!");
    expect(turn.result.meta.agentMeta).toMatchObject({ provider: "claude-max-proxy", model: "opus" });

    const request = await mock.receivedWith(text);
    expect(request.headers["user-agent"]).toMatch(/^claude-cli\//); // the real CLI sent it
    expect(request.text).not.toContain("[object Object]");
    expect(JSON.stringify(request.body)).not.toContain("[object Object]");
  });
});

describe("an OpenClaw agent turn with a tool call", () => {
  it("the model calls exec, OpenClaw runs it, the next model request carries its output, the answer holds it", async () => {
    // turn 1: the model calls exec with a command whose output its text does not give away;
    // turn 2: it answers with what the tool returned (the mock echoes RESULT=<n> from the request)
    await mock.setMode("ok", {
      answer: "The command printed $1.",
      echo: "RESULT=(\\d+)",
      next: [{ answer: "", toolCalls: [{ name: "exec", input: { command: "echo RESULT=$((6*7))" } }] }],
    });
    const tag = marker("tool-turn");
    const turn = await turnOk(`Run the command for ${tag}`);
    expect(turn.text).toBe("The command printed 42.");
    const requests = (await mock.messages()).filter((r) => r.text.includes(tag));
    expect(requests).toHaveLength(2); // one model request per turn: the call, then the answer
    expect(requests[0]?.tools).toContain("mcp__c__exec");
    expect(requests[0]?.text).not.toContain("RESULT=42");
    expect(requests[1]?.text).toContain("RESULT=42");
    expect(requests[1]?.text).toMatch(
      /I called the tool exec \(call [^)]+\) with the arguments \{"command":"echo RESULT=\$\(\(6\*7\)\)"/,
    );
  });
});

/** The main agent's workspace in the gateway container (its SOUL.md goes into OpenClaw's system prompt). */
function mainWorkspace(): string {
  const agents = JSON.parse(docker("exec", id("gateway"), "openclaw", "agents", "list", "--json")) as {
    id: string;
    workspace: string;
  }[];
  return agents.find((agent) => agent.id === "main")?.workspace ?? "";
}

/** The exec tool turn of "an OpenClaw agent turn with a tool call", as a check any setting must pass. */
async function toolTurnWorks(): Promise<void> {
  await mock.setMode("ok", {
    answer: "The command printed $1.",
    echo: "RESULT=(\\d+)",
    next: [{ answer: "", toolCalls: [{ name: "exec", input: { command: "echo RESULT=$((6*7))" } }] }],
  });
  const tag = marker("tool-turn");
  const turn = await turnOk(`Run the command for ${tag}`);
  expect(turn.text).toBe("The command printed 42.");
  expect((await mock.messages()).filter((r) => r.text.includes(tag))).toHaveLength(2);
}

describe("what the model sees on an OpenClaw agent turn", () => {
  it("the agent's persona (its workspace's SOUL.md) reaches the model as its system prompt; the CLI's agent prompt is not sent", async () => {
    const persona = `You are Pip, ${marker("persona")}, who answers in rhymes.`;
    const workspace = mainWorkspace();
    docker(
      "exec",
      id("gateway"),
      "sh",
      "-c",
      `mkdir -p "${workspace}" && printf '%s\\n' "${persona}" > "${workspace}/SOUL.md"`,
    );
    try {
      const tag = marker("persona-turn");
      await turnOk(`Introduce yourself for ${tag}`);
      const [request] = (await mock.messages()).filter((r) => r.text.includes(tag));
      expect(request?.prompt?.system).toContain(persona);
      expect(request?.prompt?.cliAgentPrompt).toBe(false);
      // OpenClaw's whole prompt is the system prompt: the user message does not carry it
      const user = JSON.stringify((request?.body as { messages: unknown[] }).messages[0]);
      expect(user).not.toContain(persona);
    } finally {
      docker("exec", id("gateway"), "rm", "-f", `${workspace}/SOUL.md`);
    }
  });

  it("--thinking high reaches the model as effort high, and the model's thinking is in OpenClaw's transcript", async () => {
    const thought = `Weighing it up, ${marker("thought")}.`;
    await mock.setMode("ok", { answer: "Decided.", thinking: thought });
    const sessionKey = `agent:main:thinking-${marker("s")}`;
    const tag = marker("thinking-turn");
    const turn = await agentTurn(id("gateway"), `Think hard about ${tag}`, { sessionKey, thinking: "high" });
    expect(turn.code, turn.output).toBe(0);
    expect(turn.text).toContain("Decided.");
    const [request] = (await mock.messages()).filter((r) => r.text.includes(tag));
    expect(request?.prompt?.effort).toBe("high");
    expect(request?.prompt?.thinking).toMatchObject({ type: "adaptive" });
    const history = docker(
      "exec",
      "-e",
      "OPENCLAW_GATEWAY_URL=ws://127.0.0.1:18789",
      id("gateway"),
      "openclaw",
      "gateway",
      "call",
      "chat.history",
      "--params",
      JSON.stringify({ sessionKey }),
      "--json",
    );
    expect(history).toContain(thought);
    expect(history).toMatch(/"type":\s*"thinking"/);
  });

  it("three turns of one session with tool calls: each request lies 95 % or more in the previous one's cached prefix", async () => {
    const sessionKey = `agent:main:cache-${marker("s")}`;
    const tag = marker("cache-session");
    const step = (n: number) => ({ answer: "", toolCalls: [{ name: "exec", input: { command: `echo step ${n}` } }] });
    await mock.setMode("ok", {
      answer: "Done.",
      next: [step(1), { answer: "Done." }, step(2), { answer: "Done." }, step(3), { answer: "Done." }],
    });
    for (const turn of [`Start ${tag}: run echo.`, "Again, please.", "Once more."])
      expect((await agentTurn(id("gateway"), turn, { sessionKey })).code).toBe(0);
    const prompts = await mock.prompts(tag);
    expect(prompts).toHaveLength(6);
    const shares = cachePrefixShares(prompts);
    console.log(
      `OpenClaw turns through maxapi: bytes per request ${requestBytes(prompts).join(", ")}; cached prefix ${shares.map((share) => `${(share * 100).toFixed(1)} %`).join(", ")}`,
    );
    for (const share of shares) expect(share).toBeGreaterThanOrEqual(0.95);
  });

  it("SYSTEM_PROMPT=in-user-message: an agent turn with a tool call still works, OpenClaw's prompt in the user message", async () => {
    const recreate = async (env: Record<string, string>) => {
      const up = await compose(PROJECT, ["up", "-d", "--no-deps", "maxapi"], env);
      expect(up.code, up.stderr).toBe(0);
      recreated.maxapi = (await compose(PROJECT, ["ps", "-q", "maxapi"])).stdout.trim();
      await waitHealthy("maxapi");
    };
    await recreate({ SYSTEM_PROMPT: "in-user-message" });
    try {
      await toolTurnWorks();
      const [request] = (await mock.messages()).slice(-1);
      expect(request?.prompt?.cliAgentPrompt).toBe(true);
      expect(JSON.stringify((request?.body as { messages: unknown[] }).messages[0])).toContain("<system>");
    } finally {
      await recreate({});
    }
    await toolTurnWorks(); // and back on the default
  });
});

describe("an OpenClaw agent turn that reads a picture", () => {
  it("the model calls read on a PNG in the agent's workspace; the next model request carries that image", async () => {
    const picture = fixtureImage("png");
    const name = `${marker("picture")}.png`;
    const workspace = mainWorkspace();
    execFileSync(
      "docker",
      ["exec", "-i", id("gateway"), "sh", "-c", `mkdir -p "${workspace}" && cat > "${workspace}/${name}"`],
      { input: picture },
    );
    await mock.setMode("ok", {
      answer: "A red-to-blue gradient.",
      next: [{ answer: "", toolCalls: [{ name: "read", input: { path: name } }] }],
    });
    const tag = marker("image-turn");
    const turn = await turnOk(`Describe the picture ${name} for ${tag}`);
    expect(turn.text).toBe("A red-to-blue gradient.");
    const requests = (await mock.messages()).filter((r) => r.text.includes(tag));
    const readTool = (requests[0]?.body as { tools?: { name: string; input_schema: unknown }[] }).tools?.find(
      (t) => t.name === "mcp__c__read",
    );
    expect(requests, JSON.stringify(readTool?.input_schema)).toHaveLength(2);
    expect(requests[0]?.images).toEqual([]);
    expect(requests[1]?.images).toEqual([
      {
        mediaType: "image/png",
        length: picture.toString("base64").length,
        fingerprint: fingerprint(picture.toString("base64")),
      },
    ]);
    expect(requests[1]?.text).toMatch(/The tool read \(call [^)]+\) returned:/);
  });
});

describe("an OpenAI SDK client through the normalizer", () => {
  it("gets a whole answer; content given as parts reaches Anthropic as text", async () => {
    const text = marker("sdk");
    const completion = await client().chat.completions.create({
      model: "claude-sonnet-4",
      messages: [
        {
          role: "user",
          content: [
            { type: "text", text: "Say hi to " },
            { type: "text", text },
          ],
        },
      ],
    });
    expect(completion.choices[0]?.message.content).toBe("Hello from mock!");
    const request = await mock.receivedWith(text);
    expect(request.text).toMatch(new RegExp(`Say hi to\\s+${text}`)); // the parts, flattened in order
    expect(request.text).not.toContain("[object Object]");
  });

  it("streams an answer", async () => {
    const stream = await client().chat.completions.create({
      model: "claude-sonnet-4",
      stream: true,
      messages: [{ role: "user", content: marker("sdk-stream") }],
    });
    let answer = "";
    let chunks = 0;
    for await (const chunk of stream) {
      answer += chunk.choices[0]?.delta.content ?? "";
      chunks++;
    }
    expect(answer).toBe("Hello from mock!");
    expect(chunks).toBeGreaterThan(1);
  });

  it("streams with the client's x-request-id, which comes back and is in both services' log line for the request; usage and the model that ran arrive", async () => {
    const requestId = marker("trace");
    const { data: stream, response } = await client()
      .chat.completions.create(
        {
          model: "claude-opus-4",
          stream: true,
          stream_options: { include_usage: true },
          messages: [{ role: "user", content: marker("traced") }],
        },
        { headers: { "x-request-id": requestId } },
      )
      .withResponse();
    expect(response.headers.get("x-request-id")).toBe(requestId);
    const models = new Set<string>();
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      models.add(chunk.model);
      usage = chunk.usage ?? usage;
    }
    expect([...models], "claude-opus-4 chose the Opus family; every chunk names the model that ran").toEqual([
      "claude-opus-5-5",
    ]);
    expect(usage?.completion_tokens).toBeGreaterThan(0);
    expect(usage?.total_tokens).toBe((usage?.prompt_tokens ?? 0) + (usage?.completion_tokens ?? 0));
    const requestLine = (service: string) =>
      docker("logs", id(service))
        .split("\n")
        .filter((line) => line.startsWith("{"))
        .map((line) => JSON.parse(line) as Record<string, unknown>)
        .find((line) => line.reqId === requestId && line.msg === "request completed");
    for (const service of ["normalizer", "maxapi"]) {
      const line = await until(`${service}'s log line for ${requestId}`, () => requestLine(service), 25);
      expect(line, service).toMatchObject({ status: 200, path: "/v1/chat/completions" });
    }
  });

  it("is refused with 401 with a wrong key, or without one", async () => {
    const error: unknown = await client("wrong-key-0123456789abcdef")
      .chat.completions.create({ model: "claude-sonnet-4", messages: [{ role: "user", content: "hi" }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.AuthenticationError);

    const keyless = await fetch(`${normalizerUrl()}/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "claude-sonnet-4", messages: [{ role: "user", content: "hi" }] }),
    });
    expect(keyless.status).toBe(401);
    expect(((await keyless.json()) as { error: { type: string } }).error.type).toBe("authentication_error");
  });
});

describe("load", () => {
  it("50 concurrent requests with MAX_CONCURRENCY=4: each answered or refused with 429 + Retry-After, none lost or hung", async () => {
    expect(stackEnv).toMatchObject({ MAX_CONCURRENCY: "4", MAX_QUEUE: "20" });
    await mock.setMode("slow", { chunks: 4, chunkDelayMs: 100 }); // each answer holds its slot ~0.5 s longer
    const markers = Array.from({ length: 50 }, (_, i) => marker(`load-${i}`));
    const outcomes = await Promise.all(
      markers.map(async (text) => {
        const response = await fetch(`${normalizerUrl()}/chat/completions`, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${PROXY_API_KEY}` },
          body: JSON.stringify({ model: "claude-haiku-4", messages: [{ role: "user", content: text }] }),
          signal: AbortSignal.timeout(170_000), // a hung request fails the test instead of stalling it
        });
        const body = (await response.json()) as { choices?: { message: { content: string } }[] };
        return {
          text,
          status: response.status,
          retryAfter: response.headers.get("retry-after"),
          answer: body.choices?.[0]?.message.content,
        };
      }),
    );
    const answered = outcomes.filter((o) => o.status === 200);
    const refused = outcomes.filter((o) => o.status === 429);
    expect(answered.length + refused.length).toBe(50);
    expect(answered.every((o) => o.answer === "Hello from mock!")).toBe(true);
    expect(refused.every((o) => Number(o.retryAfter) >= 1)).toBe(true);
    // 4 running + 20 waiting are accepted; the rest are refused at once
    expect(answered).toHaveLength(24);

    // what reached Anthropic is exactly what was answered: nothing lost, nothing sent twice
    const reached = (await mock.messages()).flatMap((r) => markers.filter((text) => r.text.includes(text)));
    expect(reached.sort()).toEqual(answered.map((o) => o.text).sort());
  });
});

describe("faults", () => {
  it("an expired OAuth token: the caller gets 401 with Anthropic's message", async () => {
    await mock.setMode("expired");
    const error: unknown = await client()
      .chat.completions.create({ model: "claude-sonnet-4", messages: [{ role: "user", content: marker("expired") }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
    expect((error as InstanceType<typeof OpenAI.APIError>).message).toContain("OAuth token has expired");
  });

  it("Anthropic's rate limit: the caller gets 429 with Retry-After", async () => {
    await mock.setMode("rate-limited");
    const error: unknown = await client()
      .chat.completions.create({
        model: "claude-sonnet-4",
        messages: [{ role: "user", content: marker("rate-limited") }],
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect(Number((error as InstanceType<typeof OpenAI.APIError>).headers?.get("retry-after"))).toBeGreaterThanOrEqual(
      1,
    );
  });

  it("maxapi killed mid-stream: the stream ends with an error; maxapi comes back by its restart policy and answers", async () => {
    await mock.setMode("slow", { chunks: 40, chunkDelayMs: 250, answer: "word ".repeat(80) });
    const restarts = () => Number(docker("inspect", "--format", "{{.RestartCount}}", id("maxapi")));
    const before = restarts();
    const response = await fetch(`${normalizerUrl()}/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${PROXY_API_KEY}` },
      body: JSON.stringify({
        model: "claude-sonnet-4",
        stream: true,
        messages: [{ role: "user", content: marker("kill") }],
      }),
      signal: AbortSignal.timeout(120_000),
    });
    expect(response.status).toBe(200);
    if (!response.body) throw new Error("no response body");
    let text = "";
    let killed = false;
    for await (const piece of response.body.pipeThrough(new TextDecoderStream())) {
      text += piece;
      if (!killed && text.includes("word")) {
        killed = true;
        killIn(id("maxapi"), pidsIn(id("maxapi"), "services/maxapi/dist/main.js"), { containerMayExit: true });
      }
    }
    expect(killed).toBe(true);
    expect(text).toContain('"code":"upstream_lost"');
    expect(text.trimEnd().endsWith("data: [DONE]")).toBe(true);

    await until("maxapi restarted", () => restarts() > before, 150);
    await waitHealthy("maxapi");
    await mock.setMode("ok");
    const completion = await client().chat.completions.create({
      model: "claude-sonnet-4",
      messages: [{ role: "user", content: marker("after-restart") }],
    });
    expect(completion.choices[0]?.message.content).toBe("Hello from mock!");
  });

  it("the gateway killed: back by its restart policy at once (no stale lease on its state), and the next turn answers", async () => {
    const restarts = () => Number(docker("inspect", "--format", "{{.RestartCount}}", id("gateway")));
    const before = restarts();
    killIn(id("gateway"), pidsIn(id("gateway"), "openclaw-gateway"), { containerMayExit: true });
    await until("the gateway restarted", () => restarts() > before, 150);
    await waitHealthy("gateway");
    expect((await turnOk(marker("after-gateway-kill"))).text).toBe("Hello from mock!");
  });

  it("the normalizer restarted: the next gateway turn succeeds", async () => {
    docker("restart", id("normalizer"));
    await waitHealthy("normalizer");
    expect((await turnOk(marker("after-normalizer-restart"))).text).toBe("Hello from mock!");
  });
});

describe("the subscription's limits, through OpenClaw", () => {
  const calls = async () => (await mock.messages()).length;
  /** Waits until the mock and maxapi both see the window open again, so the tests after run on an open subscription. */
  async function untilReset(window: string) {
    await mock.untilReset(120, 1000);
    await until(
      `maxapi to see the ${window} window reset`,
      () =>
        new RegExp(`^maxapi_usage_window_spent\\{window="${window}"\\} 0$`, "m").test(maxapiMetrics(id("maxapi"))) ||
        undefined,
      60,
    );
  }

  it("after an agent turn, OpenClaw's session holds the token counts Anthropic reported (cache reads and writes included)", async () => {
    await mock.setMode("ok", {
      usage: {
        input_tokens: 1200,
        cache_creation_input_tokens: 3000,
        cache_read_input_tokens: 45000,
        output_tokens: 7,
      },
    });
    const sessionKey = `agent:main:usage-${marker("s")}`;
    const turn = await agentTurn(id("gateway"), `count my tokens ${marker("usage")}`, { sessionKey });
    expect(turn.code, turn.output).toBe(0);
    const meta = turn.reply?.result.meta.agentMeta as unknown as { usage?: Record<string, number> };
    expect(meta.usage).toMatchObject({ input: 1200, output: 7, cacheRead: 45000, cacheWrite: 3000 });
    const listed = JSON.parse(
      docker(
        "exec",
        "-e",
        "OPENCLAW_GATEWAY_URL=ws://127.0.0.1:18789",
        id("gateway"),
        "openclaw",
        "sessions",
        "--agent",
        "main",
        "--json",
      ),
    ) as { sessions: Record<string, unknown>[] };
    const session = listed.sessions.find((row) => row.key === sessionKey);
    // the session's size is the last call's prompt: input and both cache counts (so compaction thresholds see them)
    expect(session, JSON.stringify(session)).toMatchObject({ inputTokens: 1200, outputTokens: 7, totalTokens: 49200 });
  });

  it("a spent 5-hour window ends a turn after one call to Anthropic, saying so; the next turn makes none", async () => {
    await mock.spendWindow("five_hour", Math.ceil(Date.now() / 1000) + 75);
    const before = await calls();
    const turn = await agentTurn(id("gateway"), `spent ${marker("window")}`);
    expect(turn.reply?.status).not.toBe("ok");
    expect(turn.output).toMatch(
      /Claude subscription usage limit reached: the 5-hour window is spent and resets at \d\d:\d\d UTC/,
    );
    expect(await calls(), "one call to Anthropic for the whole turn, fallbacks included").toBe(before + 1);
    const again = await agentTurn(id("gateway"), `spent again ${marker("window")}`);
    expect(again.output).toMatch(/usage limit reached/);
    expect(await calls(), "none while the window is spent").toBe(before + 1);
    await untilReset("five_hour");
    await turnOk(`after the reset ${marker("window")}`);
  });

  it("a spent weekly Opus window: the Opus agent's turn moves to its Sonnet fallback and answers", async () => {
    await mock.spendWindow("seven_day_opus", Math.ceil(Date.now() / 1000) + 45);
    const turn = await turnOk(`opus week ${marker("fallback")}`);
    expect(turn.text).toBe("Hello from mock!");
    expect(turn.result.meta.agentMeta).toMatchObject({ provider: "claude-max-proxy", model: "sonnet" });
    await untilReset("seven_day_opus");
  });

  it("a conversation over the context window: OpenClaw compacts the session and the turn succeeds", async () => {
    const sessionKey = `agent:main:overflow-${marker("s")}`;
    // more than OpenClaw keeps uncompacted (20000 tokens), so there is something to compact
    for (let i = 0; i < 3; i++)
      expect(
        (
          await agentTurn(id("gateway"), `earlier turn ${i} ${"lorem ipsum dolor sit amet ".repeat(1800)}`, {
            sessionKey,
          })
        ).code,
      ).toBe(0);
    await mock.setMode("ok", { next: [{ mode: "prompt-too-long" }] });
    const before = await calls();
    const tag = marker("overflow");
    const turn = await agentTurn(id("gateway"), `one more ${tag}`, { sessionKey });
    expect(turn.code, turn.output).toBe(0);
    expect(turn.reply?.status).toBe("ok");
    const meta = turn.reply?.result.meta.agentMeta as unknown as { compactionCount?: number };
    expect(meta.compactionCount, JSON.stringify(turn.reply?.result.meta)).toBeGreaterThanOrEqual(1);
    // the refused turn and the turn again, after the compaction (whose summary OpenClaw may or may not
    // ask the model for: counted by the turn's own marker, since the mock serves the whole stack)
    const turnRequests = (await mock.messages()).slice(before).filter((request) => request.text.includes(tag));
    expect(turnRequests.length).toBeGreaterThanOrEqual(2);
  });
});

describe("make verify", () => {
  /** Requests maxapi has served since it started, warm or cold, from its /metrics. */
  const servedByMaxapi = () => {
    const figures = poolFigures(maxapiMetrics(id("maxapi")));
    return figures ? figures.hits + figures.misses : Number.NaN;
  };
  const verify = () =>
    run("make", ["--no-print-directory", "verify"], { COMPOSE: composeCommand(PROJECT).join(" ") }, 300_000);

  /**
   * The stack's heartbeat job runs every 30 minutes, so it can fall into an earlier test's fault (a
   * spent window, maxapi stopped) and verify rightly fails on it. Run such jobs again by hand, as
   * verify's FIX says; each must now succeed.
   */
  async function rerunFailedCronJobs() {
    const failing = () =>
      parseCronList(docker("exec", id("gateway"), "openclaw", "cron", "list", "--all", "--json")).filter(
        (job) => job.enabled && job.consecutiveErrors > 0,
      );
    const reruns = [];
    for (const job of failing())
      reruns.push(`${job.name} after "${job.lastError}": ${(await cronRun(id("gateway"), job.id)).output}`);
    expect(failing(), reruns.join("\n")).toEqual([]);
  }

  it("passes on the healthy stack; its warm-pool row counts its own chat completion and agent turn", async () => {
    await rerunFailedCronJobs();
    const before = servedByMaxapi();
    expect(Number.isFinite(before)).toBe(true);
    const result = await verify();
    expect(result.code, result.stdout + result.stderr).toBe(0);
    for (const secret of Object.values(SECRETS)) expect(result.stdout + result.stderr).not.toContain(secret);
    const row = result.stdout.split("\n").find((line) => line.startsWith("maxapi warm pool"));
    const [, warm = "", cold = ""] =
      /\| ok +\| \d+ waiting, \d+ busy \(WARM_POOL_SIZE=2\); since start: (\d+) served warm(?: \([^)]*\))?, (\d+) cold/.exec(
        row ?? "",
      ) ?? [];
    expect(warm, result.stdout).not.toBe("");
    // the row is read after the live checks: the chat completion and the turn's requests are in it
    expect(Number(warm) + Number(cold)).toBeGreaterThanOrEqual(before + 2);
  });

  it("fails with maxapi stopped, naming maxapi and the fix", async () => {
    const stopped = await compose(PROJECT, ["stop", "maxapi"]);
    expect(stopped.code, stopped.stderr).toBe(0);
    try {
      const result = await verify();
      expect(result.code).not.toBe(0);
      const row = result.stdout.split("\n").find((line) => /maxapi/.test(line) && /FAIL/.test(line));
      expect(row, result.stdout).toBeDefined();
      expect(result.stdout).toContain("up -d maxapi");
    } finally {
      await compose(PROJECT, ["start", "maxapi"]);
      await waitHealthy("maxapi");
    }
  });
});

describe("secrets", () => {
  it("no container's log holds the proxy key, the setup token or the gateway token", async () => {
    const logs = await compose(PROJECT, ["logs", "--no-color"]);
    expect(logs.code).toBe(0);
    expect(logs.stdout).toMatch(/config-init-1 +\|/); // every service's log is in there
    expect(logs.stdout).toMatch(/gateway-1 +\|.*ready/);
    const files = docker("exec", id("gateway"), "sh", "-c", "cat /tmp/openclaw/*.log");
    expect(files.length).toBeGreaterThan(0);
    for (const [name, secret] of Object.entries(SECRETS)) {
      expect(secret.length, name).toBeGreaterThanOrEqual(16);
      expect(logs.stdout.includes(secret), `${name} in docker logs`).toBe(false);
      expect(files.includes(secret), `${name} in OpenClaw's log files`).toBe(false);
    }
  });
});

// Last on this stack: after a 402 OpenClaw pauses the proxy's key for 10 minutes.
describe("a billing refusal, through OpenClaw", () => {
  it("ends the turn without retries: only the CLI's own calls, and the answer has Anthropic's words and the options", async () => {
    await mock.setMode("billing-third-party");
    const before = (await mock.messages()).length;
    const turn = await agentTurn(id("gateway"), `billing ${marker("billing")}`);
    expect(turn.reply?.status).not.toBe("ok");
    expect(turn.output).toMatch(
      /402 Anthropic refused this request on billing grounds: \\+"Third-party apps now draw from your extra usage, not your plan limits\./,
    );
    expect(turn.output).toMatch(/Options: turn on extra usage/);
    // the CLI resends a refused 400 twice with fewer betas; OpenClaw repeats nothing, and pauses the provider
    expect((await mock.messages()).length - before).toBe(3);
    const logs = await compose(PROJECT, ["logs", "--no-color", "maxapi"]);
    expect(logs.stdout).toMatch(
      /Anthropic refused this request on billing grounds: \\?"Third-party apps now draw from your extra usage/,
    );
  });
});

describe("config-init with an invalid setting", () => {
  it("stops the stack before the gateway starts, and its log names the variable", async () => {
    const project = `${PROJECT}-bad-env`;
    try {
      const up = await compose(project, ["up", "-d"], { TIMEZONE: "Mars/Olympus_Mons" });
      expect(up.code).not.toBe(0);
      expect(up.stderr).toMatch(/config-init.*didn't complete successfully/);
      const logs = await compose(project, ["logs", "--no-color", "config-init"]);
      expect(logs.stdout).toMatch(/TIMEZONE/);
      const gateway = await compose(project, ["ps", "--all", "--format", "{{.State}}", "gateway"]);
      expect(gateway.stdout.trim()).not.toMatch(/running|exited|restarting/);
    } finally {
      await compose(project, ["down", "--volumes"]);
    }
  });
});
