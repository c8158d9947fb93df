// maxapi in its container with the real Claude Code CLI, against the mock Anthropic API: the
// acceptance suite. Each behaviour claude-max-api 1.0.0 lacked is a scenario on the shipped image.
// In-process tests of the same app on recorded CLI transcripts: test/integration/maxapi-app.test.ts.
import { spawnSync } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";
import { Wait, type StartedDockerComposeEnvironment } from "testcontainers";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { docker, killIn, pidsIn, untilHealthy } from "../support/containers.ts";
import type { Mode, ModeSettings } from "../support/mock-anthropic-api.ts";
import { MockAnthropicClient } from "../support/mock-anthropic-client.ts";
import { dataUrl, fingerprint, fixtureImage, imagePart, png } from "../support/images.ts";
import { untilCliProcessesExited } from "../support/maxapi-metrics.ts";
import { startCompose } from "../support/stack.ts";
import { until } from "../support/until.ts";
import { marker } from "../support/marker.ts";
import { mcpToolName } from "../../services/maxapi/src/tools/tool-names.ts";
import { ACCEPTED_IDS } from "../../lib/models/src/index.ts";

interface Target {
  url: string;
  id: string;
}

let stack: StartedDockerComposeEnvironment;
let mock: MockAnthropicClient;
const targets = {} as Record<"shipped" | "noAuth" | "warm", Target>;

beforeAll(async () => {
  stack = await startCompose("maxapi.compose.yml", {
    healthy: ["mock-anthropic", "maxapi", "maxapi-warm"],
    waits: { "maxapi-no-auth": Wait.forLogMessage(/no credentials/) }, // it never becomes healthy: no login
  });
  const target = (name: string): Target => {
    const container = stack.getContainer(name);
    return { url: `http://127.0.0.1:${container.getMappedPort(3456)}`, id: container.getId() };
  };
  targets.shipped = target("maxapi-1");
  targets.noAuth = target("maxapi-no-auth-1");
  targets.warm = target("maxapi-warm-1");
  mock = new MockAnthropicClient(`http://127.0.0.1:${stack.getContainer("mock-anthropic-1").getMappedPort(8080)}`);
});

afterAll(async () => {
  await stack.down({ removeVolumes: true });
});

// ---- the mock Anthropic API's admin endpoints ----------------------------------------------------

const setMode = (mode: Mode, options: Partial<Omit<ModeSettings, "mode">> = {}) => mock.setMode(mode, options);
const receivedWith = (marker: string) => mock.receivedWith(marker);

beforeEach(async () => {
  await setMode("ok");
});

// ---- the containers ------------------------------------------------------------------------------

function chat(target: Target, body: Record<string, unknown>, signal?: AbortSignal): Promise<Response> {
  return fetch(`${target.url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ model: "claude-sonnet-4", ...body }),
    ...(signal ? { signal } : {}),
  });
}

const ask = (text: string, extra: Record<string, unknown> = {}) => ({
  messages: [{ role: "user", content: text }],
  ...extra,
});

const cliPids = (target: Target) => pidsIn(target.id, "--print --output-format stream-json");
const kill = (target: Target, pids: number[]) => killIn(target.id, pids);
const health = (target: Target) => docker("inspect", "--format", "{{.State.Health.Status}}", target.id);

/** Waits until healthy; a restarted container has a new host port, so the URL is read again. */
async function waitHealthy(target: Target): Promise<void> {
  await untilHealthy(target.id);
  target.url = `http://${docker("port", target.id, "3456/tcp").split("\n")[0] ?? ""}`;
}

// ---- what claude-max-api 1.0.0 got wrong, each a scenario ---------------------------------------

const scenarios: Record<string, (target: Target) => Promise<void>> = {
  async "1. a 300 KB conversation is answered (prompt on stdin, not argv)"(target) {
    const tag = marker("marker");
    const history = Array.from({ length: 60 }, (_, i) => [
      { role: "user", content: `question ${i}: ${"lorem ipsum dolor sit amet ".repeat(100)}` },
      { role: "assistant", content: `answer ${i}: ${"consectetur adipiscing elit ".repeat(80)}` },
    ]).flat();
    const body = { messages: [...history, { role: "user", content: `last question ${tag}` }] };
    expect(JSON.stringify(body).length).toBeGreaterThan(300_000);
    const response = await chat(target, body);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ choices: [{ message: { content: "Hello from mock!" } }] });
    expect((await receivedWith(tag)).text).toContain("question 0: lorem ipsum");
  },

  async "2a. an expired OAuth token is a 401 with the CLI's message, non-streaming"(target) {
    await setMode("expired");
    const response = await chat(target, ask("hello"));
    expect(response.status).toBe(401);
    const { error } = (await response.json()) as { error: { message: string; type: string } };
    expect(error.type).toBe("authentication_error");
    expect(error.message).toContain("OAuth token has expired");
  },

  async "2b. an expired OAuth token is a 401 before the first token, streaming"(target) {
    await setMode("expired");
    const response = await chat(target, ask("hello", { stream: true }));
    expect(response.status).toBe(401);
    expect(((await response.json()) as { error: { message: string } }).error.message).toContain(
      "OAuth token has expired",
    );
  },

  async "2c. a rate limit is a 429 with Retry-After"(target) {
    await setMode("rate-limited", { retryAfterSeconds: 1 });
    const response = await chat(target, ask("hello"));
    expect(response.status).toBe(429);
    expect(response.headers.get("retry-after")).toMatch(/^\d+$/);
    expect(((await response.json()) as { error: { type: string } }).error.type).toBe("rate_limit_error");
  },

  async "2d. an error after the first token ends the stream with an error event and [DONE]"(target) {
    await setMode("fail-mid-stream", { answer: "one two three four five six" });
    const response = await chat(target, ask("hello", { stream: true }));
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text).toContain('"content":"one"');
    expect(text).toMatch(/data: \{"error":\{"message":"API Error: 529 Overloaded/);
    expect(text.trimEnd().endsWith("data: [DONE]")).toBe(true);
  },

  async "3. a `user` that is not a UUID is ignored"(target) {
    const response = await chat(target, ask("hello", { user: "telegram:alice" }));
    expect(response.status).toBe(200);
  },

  async "4. the CLI runs with no built-in tools"(target) {
    const tag = marker("marker");
    expect((await chat(target, ask(`run ls for me ${tag}`))).status).toBe(200);
    const request = await receivedWith(tag);
    const tools = (request.body as { tools?: { name: string }[] }).tools ?? [];
    expect(tools.map((tool) => tool.name)).toEqual([]);
  },

  async "5a. a client that hangs up kills its CLI process"(target) {
    await setMode("hang");
    const tag = marker("marker");
    const abort = new AbortController();
    const pending = chat(target, ask(tag), abort.signal).catch(() => undefined);
    await receivedWith(tag);
    expect(cliPids(target)).toHaveLength(1);
    abort.abort();
    await pending;
    await until("the CLI process to end", () => (cliPids(target).length === 0 ? true : undefined), 25);
  },

  async "5b. a CLI killed before its first token ends the stream with a real status, not an empty 200"(target) {
    await setMode("hang");
    const tag = marker("marker");
    const pending = chat(target, ask(tag, { stream: true }));
    pending.catch(() => undefined); // awaited below; an early failure must not go unhandled
    await receivedWith(tag);
    kill(target, cliPids(target));
    const response = await pending;
    expect(response.status).toBe(502);
    expect(((await response.json()) as { error: { type: string } }).error.type).toBe("api_error");
  },
};

// ---- images (services/maxapi/src/cli/input.ts) --------------------------------------------------

const IMAGES = {
  png: fixtureImage("png"),
  jpeg: fixtureImage("jpg"),
  gif: fixtureImage("gif"),
  webp: fixtureImage("webp"),
};
const seen = (bytes: Buffer, mediaType: string) => ({
  mediaType,
  length: bytes.toString("base64").length,
  fingerprint: fingerprint(bytes.toString("base64")),
});

const imageScenarios: Record<string, (target: Target) => Promise<void>> = {
  async "7. images reach the model as image blocks, with their bytes and media type, in the conversation's order"(
    target,
  ) {
    const tag = marker("marker");
    const response = await chat(target, {
      messages: [
        { role: "system", content: `Describe pictures. ${tag}` },
        {
          role: "user",
          content: [{ type: "text", text: "an earlier picture:" }, imagePart(dataUrl(IMAGES.gif, "image/gif"))],
        },
        { role: "assistant", content: "A gradient." },
        {
          role: "user",
          content: [
            { type: "text", text: "compare" },
            imagePart(dataUrl(IMAGES.png, "image/png")),
            { type: "text", text: "with" },
            imagePart(dataUrl(IMAGES.jpeg, "image/jpeg")),
            imagePart(dataUrl(IMAGES.webp, "image/webp")),
          ],
        },
      ],
    });
    expect(response.status).toBe(200);
    const request = await receivedWith(tag);
    expect(request.images).toEqual([
      seen(IMAGES.gif, "image/gif"),
      seen(IMAGES.png, "image/png"),
      seen(IMAGES.jpeg, "image/jpeg"),
      seen(IMAGES.webp, "image/webp"),
    ]);
    expect(request.text).toMatch(
      /an earlier picture:[\s\S]*<previous_response>\nA gradient\.[\s\S]*compare\n[\s\S]*with/,
    );
    expect(request.text).not.toContain("[object Object]");
  },
};

// ---- client tools (services/maxapi/src/tools/) -----------------------------------------------------

const EXEC = {
  type: "function",
  function: {
    name: "exec",
    description: "Run a shell command",
    parameters: { type: "object", properties: { command: { type: "string" } }, required: ["command"] },
  },
};
const LS = {
  type: "function",
  function: { name: "ls", description: "List files", parameters: { type: "object", properties: {} } },
};

interface ToolCallDelta {
  index: number;
  id?: string;
  type?: string;
  function: { name?: string; arguments?: string };
}
interface Chunk {
  error?: { message: string };
  choices?: { delta: { content?: string; tool_calls?: ToolCallDelta[] }; finish_reason: string | null }[];
}

/** The data events of an SSE body, parsed; `[DONE]` must end it. */
function sseChunks(text: string): Chunk[] {
  expect(text.trimEnd().endsWith("data: [DONE]")).toBe(true);
  return [...text.matchAll(/^data: (\{.*\})$/gm)].map((m) => JSON.parse(m[1] ?? "{}") as Chunk);
}

const toolDeltas = (chunks: Chunk[], index: number) =>
  chunks.flatMap((c) => c.choices?.[0]?.delta.tool_calls ?? []).filter((d) => d.index === index);
const finishReasons = (chunks: Chunk[]) => chunks.map((c) => c.choices?.[0]?.finish_reason).filter(Boolean);

/** The mock's requests that carried `tag`: one per model turn. */
async function requestsWith(tag: string) {
  await receivedWith(tag);
  return (await mock.messages()).filter((r) => r.text.includes(tag));
}

const TWO_CALLS = {
  answer: "Let me check.",
  toolCalls: [
    { name: "exec", input: { command: "echo $((6*7))" } },
    { name: "ls", input: {} },
  ],
  inputFragments: 3,
};

const toolScenarios: Record<string, (target: Target) => Promise<void>> = {
  async "6a. streamed: the text, then each call as delta.tool_calls (name once, arguments in fragments, {} without), finish_reason tool_calls; one request, the client's tools only"(
    target,
  ) {
    await setMode("ok", TWO_CALLS);
    const tag = marker("marker");
    const response = await chat(target, ask(`check ${tag}`, { stream: true, tools: [EXEC, LS] }));
    expect(response.status).toBe(200);
    const chunks = sseChunks(await response.text());
    expect(chunks.some((c) => c.error)).toBe(false);
    expect(chunks[0]?.choices?.[0]?.delta).toMatchObject({ role: "assistant" });
    expect(chunks.map((c) => c.choices?.[0]?.delta.content ?? "").join("")).toBe("Let me check.");
    const exec = toolDeltas(chunks, 0);
    expect(exec[0]).toMatchObject({
      id: expect.stringMatching(/^toolu_/) as string,
      type: "function",
      function: { name: "exec" },
    });
    expect(exec.filter((d) => d.function.name).length).toBe(1);
    expect(exec.filter((d) => d.function.arguments).length).toBeGreaterThanOrEqual(3);
    expect(JSON.parse(exec.map((d) => d.function.arguments ?? "").join(""))).toEqual({ command: "echo $((6*7))" });
    const ls = toolDeltas(chunks, 1);
    expect(ls[0]).toMatchObject({ type: "function", function: { name: "ls" } });
    expect(ls[0]?.id).not.toBe(exec[0]?.id);
    expect(ls.map((d) => d.function.arguments ?? "").join("")).toBe("{}");
    expect(finishReasons(chunks)).toEqual(["tool_calls"]);
    const requests = await requestsWith(tag);
    expect(requests).toHaveLength(1);
    expect(requests[0]?.tools).toEqual(["mcp__c__exec", "mcp__c__ls"]);
    expect((requests[0]?.body as { tools: { input_schema: unknown }[] }).tools[0]?.input_schema).toEqual(
      EXEC.function.parameters,
    );
  },

  async "6b. non-streamed: message.tool_calls with the arguments as JSON, the text before them as content"(target) {
    await setMode("ok", TWO_CALLS);
    const response = await chat(target, ask("check", { tools: [EXEC, LS] }));
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      choices: {
        message: {
          content: string | null;
          tool_calls?: { id: string; type: string; function: { name: string; arguments: string } }[];
        };
        finish_reason: string;
      }[];
    };
    const choice = body.choices[0];
    expect(choice?.finish_reason).toBe("tool_calls");
    expect(choice?.message.content).toBe("Let me check.");
    expect(
      choice?.message.tool_calls?.map((call) => [
        call.type,
        call.function.name,
        JSON.parse(call.function.arguments) as unknown,
      ]),
    ).toEqual([
      ["function", "exec", { command: "echo $((6*7))" }],
      ["function", "ls", {}],
    ]);
    const ids = choice?.message.tool_calls?.map((call) => call.id) ?? [];
    expect(new Set(ids.filter(Boolean)).size).toBe(2);
  },
};

describe("maxapi: what claude-max-api 1.0.0 got wrong", () => {
  for (const [name, scenario] of Object.entries({ ...scenarios, ...toolScenarios, ...imageScenarios })) {
    it(name, async () => {
      await waitHealthy(targets.shipped);
      await scenario(targets.shipped);
      // leave no CLI behind for the next scenario
      await setMode("ok");
      const left = cliPids(targets.shipped);
      if (left.length > 0) kill(targets.shipped, left);
    });
  }
});

/** Tool definitions the requests left in maxapi's /tmp: none once each response has ended. */
const toolsDirs = (target: Target) =>
  docker("exec", target.id, "sh", "-c", "ls -d /tmp/clawbridge-tools-* 2>/dev/null || true");

describe("maxapi: client tools", () => {
  it("a call only (no text first) streams as tool_calls from the first chunk; the instruction and tool_choice reach the model; nothing is left in /tmp", async () => {
    await setMode("ok", { answer: "", toolCalls: [{ name: "exec", input: { command: "pwd" } }] });
    const tag = marker("marker");
    const response = await chat(
      targets.shipped,
      ask(`only a call ${tag}`, {
        stream: true,
        tools: [EXEC, LS],
        tool_choice: { type: "function", function: { name: "exec" } },
      }),
    );
    const chunks = sseChunks(await response.text());
    expect(chunks[0]?.choices?.[0]?.delta).toMatchObject({
      role: "assistant",
      tool_calls: [{ index: 0, type: "function", function: { name: "exec" } }],
    });
    expect(finishReasons(chunks)).toEqual(["tool_calls"]);
    const system = JSON.stringify((await requestsWith(tag))[0]?.body);
    expect(system).toContain("a tool call written as text does nothing");
    expect(system).toContain("Answer this turn by calling the tool mcp__c__exec.");
    await until(
      "the request's tool definitions removed",
      () => (toolsDirs(targets.shipped) === "" ? true : undefined),
      50,
    );
  });

  it("a text answer with tools offered ends with finish_reason stop and no tool_calls; tool_choice none offers none", async () => {
    const tag = marker("marker");
    const chunks = sseChunks(
      await (await chat(targets.shipped, ask(`just talk ${tag}`, { stream: true, tools: [EXEC] }))).text(),
    );
    expect(chunks.map((c) => c.choices?.[0]?.delta.content ?? "").join("")).toBe("Hello from mock!");
    expect(chunks.some((c) => c.choices?.[0]?.delta.tool_calls)).toBe(false);
    expect(finishReasons(chunks)).toEqual(["stop"]);
    expect((await requestsWith(tag))[0]?.tools).toEqual(["mcp__c__exec"]);

    const none = marker("marker");
    expect((await chat(targets.shipped, ask(`no tools ${none}`, { tools: [EXEC], tool_choice: "none" }))).status).toBe(
      200,
    );
    expect((await requestsWith(none))[0]?.tools).toEqual([]);
  });

  it("maps a name the model's API cannot take, and gives the client back the name it sent", async () => {
    const odd = `${"very_long_tool_name_".repeat(4)}v2.search/web`;
    await setMode("ok", { answer: "", toolCalls: [{ name: mcpToolName(odd), input: { q: "x" } }] });
    const tag = marker("marker");
    const response = await chat(
      targets.shipped,
      ask(`odd ${tag}`, {
        tools: [
          {
            type: "function",
            function: { name: odd, parameters: { type: "object", properties: { q: { type: "string" } } } },
          },
        ],
      }),
    );
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      choices: { message: { tool_calls: { function: { name: string } }[] }; finish_reason: string }[];
    };
    expect(body.choices[0]?.finish_reason).toBe("tool_calls");
    expect(body.choices[0]?.message.tool_calls[0]?.function.name).toBe(odd);
    const offered = (await requestsWith(tag))[0]?.tools[0] ?? "";
    expect(offered).toMatch(/^mcp__c__[a-zA-Z0-9_-]+$/);
    expect(offered.length).toBeLessThanOrEqual(64);
  });

  it("refuses bad tools with a 400 naming the field", async () => {
    for (const [tools, param] of [
      [[{ type: "function", function: { description: "no name" } }], "tools[0].function.name"],
      [
        [{ type: "function", function: { name: "x", parameters: { type: "array" } } }],
        "tools[0].function.parameters.type",
      ],
    ] as const) {
      const response = await chat(targets.shipped, ask("x", { tools }));
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: { param: string; type: string } }).error).toMatchObject({
        param,
        type: "invalid_request_error",
      });
    }
  });

  it("keeps errors' meaning in a tool turn: 401 and 429 as such; a CLI killed mid-turn ends the stream with an error event and [DONE]", async () => {
    await setMode("expired");
    expect((await chat(targets.shipped, ask("x", { tools: [EXEC], stream: true }))).status).toBe(401);
    await setMode("rate-limited", { retryAfterSeconds: 1 });
    expect((await chat(targets.shipped, ask("x", { tools: [EXEC] }))).status).toBe(429);

    await setMode("slow", {
      answer: "one two three four five six seven eight",
      chunks: 8,
      chunkDelayMs: 300,
      toolCalls: [{ name: "exec", input: { command: "ls" } }],
    });
    const response = await chat(targets.shipped, ask("x", { tools: [EXEC], stream: true }));
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toContain('"content"');
    kill(targets.shipped, cliPids(targets.shipped));
    let rest = "";
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read())
      rest += new TextDecoder().decode(chunk.value);
    expect(rest).toMatch(/data: \{"error":\{"message":"Claude CLI ended without a result/);
    expect(rest.trimEnd().endsWith("data: [DONE]")).toBe(true);
    await until(
      "the killed turn's tool definitions removed",
      () => (toolsDirs(targets.shipped) === "" ? true : undefined),
      50,
    );
  });
});

describe("maxapi: images", () => {
  const PNG = IMAGES.png;
  const withImage = (text: string, extra: Record<string, unknown> = {}) => ({
    messages: [{ role: "user", content: [{ type: "text", text }, imagePart(dataUrl(PNG, "image/png"))] }],
    ...extra,
  });

  it("streams an answer to a request with an image; the error paths keep their statuses (401, 429, mid-stream)", async () => {
    const tag = marker("marker");
    const streamed = await chat(targets.shipped, withImage(`look ${tag}`, { stream: true }));
    expect(streamed.status).toBe(200);
    expect(
      sseChunks(await streamed.text())
        .map((c) => c.choices?.[0]?.delta.content ?? "")
        .join(""),
    ).toBe("Hello from mock!");
    expect((await receivedWith(tag)).images).toEqual([seen(PNG, "image/png")]);

    await setMode("expired");
    const expired = await chat(targets.shipped, withImage("look", { stream: true }));
    expect(expired.status).toBe(401);
    await setMode("rate-limited", { retryAfterSeconds: 1 });
    expect((await chat(targets.shipped, withImage("look"))).status).toBe(429);
    await setMode("fail-mid-stream", { answer: "one two three four" });
    const failed = await (await chat(targets.shipped, withImage("look", { stream: true }))).text();
    expect(failed).toMatch(/data: \{"error":\{"message":"API Error: 529 Overloaded/);
    expect(failed.trimEnd().endsWith("data: [DONE]")).toBe(true);
  });

  it("answers a request of several MB with images (stdin, no argv limit)", async () => {
    const tag = marker("marker");
    const history = "lorem ipsum dolor sit amet ".repeat(20_000); // 540 KB of text
    const photos = [1, 2, 3].map(() => dataUrl(png(600, 600, { noise: true }), "image/png")); // 1.4 MB each in base64
    const body = {
      messages: [
        {
          role: "user",
          content: [{ type: "text", text: history }, imagePart(photos[0] ?? ""), imagePart(photos[1] ?? "")],
        },
        {
          role: "user",
          content: [
            { type: "text", text: `and now ${tag}` },
            imagePart(photos[2] ?? ""),
            imagePart(dataUrl(IMAGES.jpeg, "image/jpeg")),
          ],
        },
      ],
    };
    expect(JSON.stringify(body).length).toBeGreaterThan(4_500_000);
    const response = await chat(targets.shipped, body);
    expect(response.status).toBe(200);
    const request = await receivedWith(tag);
    expect(request.text).toContain(history.trim());
    expect(request.images.map((image) => image.mediaType)).toEqual([
      "image/jpeg",
      "image/jpeg",
      "image/jpeg",
      "image/jpeg",
    ]);
    expect(request.images[3]).toEqual(seen(IMAGES.jpeg, "image/jpeg"));
  });

  it("a 1 MB picture reaches the model as an image, which the CLI re-encodes under its 512,000-byte budget", async () => {
    const tag = marker("marker");
    const large = png(600, 600, { noise: true }); // ~1.08 MB of incompressible pixels
    expect(large.length).toBeGreaterThan(1_000_000);
    const response = await chat(targets.shipped, {
      messages: [
        { role: "user", content: [{ type: "text", text: `large ${tag}` }, imagePart(dataUrl(large, "image/png"))] },
      ],
    });
    expect(response.status).toBe(200);
    const [image] = (await receivedWith(tag)).images;
    expect(image?.mediaType).toBe("image/jpeg");
    expect(image?.length).toBeLessThanOrEqual(Math.ceil(512_000 / 3) * 4);
  });

  it("refuses with a 400 naming the part what it cannot carry (requests that bypass the normalizer)", async () => {
    const response = await chat(targets.shipped, {
      messages: [{ role: "user", content: [{ type: "text", text: "see" }, imagePart("https://example.com/cat.png")] }],
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      error: { type: "invalid_request_error", code: "unsupported_content", param: "messages[0].content[1]" },
    });
  });
});

describe("maxapi", () => {
  it("answers non-streaming and streaming through the real CLI; the model saw the user's text", async () => {
    const tag = marker("marker");
    const plain = await chat(targets.shipped, ask(`plain ${tag}`));
    expect(plain.status).toBe(200);
    expect(await plain.json()).toMatchObject({
      object: "chat.completion",
      choices: [{ message: { role: "assistant", content: "Hello from mock!" } }],
    });
    expect((await receivedWith(tag)).text).toContain(`plain ${tag}`);

    await setMode("slow", { chunks: 5, chunkDelayMs: 50, answer: "one two three four five" });
    const streamed = await chat(targets.shipped, ask(`streamed ${tag}`, { stream: true }));
    expect(streamed.status).toBe(200);
    expect(streamed.headers.get("content-type")).toMatch(/text\/event-stream/);
    const text = await streamed.text();
    const deltas = [...text.matchAll(/^data: (\{.*\})$/gm)].map(
      (m) => JSON.parse(m[1] ?? "{}") as { choices?: { delta?: { content?: string } }[] },
    );
    expect(deltas.map((d) => d.choices?.[0]?.delta?.content ?? "").join("")).toBe("one two three four five");
    expect(deltas.filter((d) => d.choices?.[0]?.delta?.content).length).toBeGreaterThan(1);
    expect(text.trimEnd().endsWith("data: [DONE]")).toBe(true);
  });

  it("ends a stream whose CLI is killed mid-answer with an error event and [DONE]", async () => {
    await setMode("slow", { chunks: 40, chunkDelayMs: 100 });
    const response = await chat(targets.shipped, ask("tell me a long story", { stream: true }));
    expect(response.status).toBe(200);
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toContain('"content"');
    kill(targets.shipped, cliPids(targets.shipped));
    let rest = "";
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read())
      rest += new TextDecoder().decode(chunk.value);
    expect(rest).toMatch(/data: \{"error":\{"message":"Claude CLI ended without a result/);
    expect(rest.trimEnd().endsWith("data: [DONE]")).toBe(true);
  });

  it("answers 8 concurrent requests", async () => {
    const responses = await Promise.all(
      Array.from({ length: 8 }, (_, i) => chat(targets.shipped, ask(`concurrent ${i}`))),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(8).fill(200));
    const bodies = (await Promise.all(responses.map((r) => r.json()))) as {
      choices: { message: { content: string } }[];
    }[];
    expect(bodies.every((b) => b.choices[0]?.message.content === "Hello from mock!")).toBe(true);
  });

  it("`claude-max-api 3459` starts the same server on that port, as the seed runs it", async () => {
    const container = docker(
      "run",
      "-d",
      "--rm",
      "--init",
      "--network",
      "none",
      "-e",
      "CLAUDE_CODE_OAUTH_TOKEN=sk-ant-oat01-clawbridge-test-token-0123456789",
      "clawbridge/maxapi:test",
      "claude-max-api",
      "3459",
    );
    try {
      const probe =
        "fetch('http://127.0.0.1:3459/v1/models').then(r => r.json()).then(b => console.log(b.data.map(m => m.id).join(' ')), () => process.exit(1))";
      const models = await until(
        "claude-max-api on port 3459",
        () => {
          try {
            return docker("exec", container, "node", "-e", probe);
          } catch {
            return undefined;
          }
        },
        50,
      );
      expect(models).toBe(ACCEPTED_IDS.join(" "));
      expect(docker("logs", container)).toMatch(/"port":3459.*"msg":"maxapi listening"/);
    } finally {
      docker("rm", "-f", container);
    }
  });

  it("refuses to start with ANTHROPIC_API_KEY set, saying why", () => {
    let output = "";
    let status: number | null = 0;
    try {
      docker(
        "run",
        "--rm",
        "--network",
        "none",
        "-e",
        "ANTHROPIC_API_KEY=sk-ant-api03-not-a-real-key",
        "clawbridge/maxapi:test",
      );
    } catch (error) {
      const failed = error as { status: number | null; stdout: string; stderr: string };
      status = failed.status;
      output = failed.stdout + failed.stderr;
    }
    expect(status).toBe(1);
    expect(output).toContain("ANTHROPIC_API_KEY is set");
    expect(output).toContain("bill the API");
    expect(output).not.toContain("not-a-real-key");
  });

  it("refuses to start when CLI_WORKDIR is not a directory, naming it", () => {
    const run = spawnSync(
      "docker",
      ["run", "--rm", "--network", "none", "-e", "CLI_WORKDIR=/srv/no-such-dir", "clawbridge/maxapi:test"],
      { encoding: "utf8" },
    );
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("CLI_WORKDIR is /srv/no-such-dir, which is not a directory");
  });

  it("without credentials answers a chat with 401 saying in plain words that the Claude login is missing and how to add it", async () => {
    const response = await chat(targets.noAuth, ask("hello"));
    expect(response.status).toBe(401);
    const { error } = (await response.json()) as { error: { message: string; type: string } };
    expect(error.type).toBe("authentication_error");
    expect(error.message).toMatch(
      /^The Claude login is missing: set CLAUDE_SETUP_TOKEN in \.env .* or run make login once\.$/,
    );
  });

  it("without credentials is unhealthy and its log says how to fix it", async () => {
    await until("maxapi-no-auth unhealthy", () => (health(targets.noAuth) === "unhealthy" ? true : undefined), 100);
    const log = docker("logs", targets.noAuth.id);
    const lines = log.split("\n").filter((line) => line.includes("no credentials"));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain("CLAUDE_SETUP_TOKEN");
    expect(lines[0]).toContain("make login");
  });

  it("comes back by its restart policy after its process is killed, and answers", async () => {
    const restarts = () => Number(docker("inspect", "--format", "{{.RestartCount}}", targets.shipped.id));
    const before = restarts();
    killIn(targets.shipped.id, pidsIn(targets.shipped.id, "services/maxapi/dist/main.js"), { containerMayExit: true });
    await until("a restart", () => (restarts() > before ? true : undefined), 100);
    await waitHealthy(targets.shipped); // and reads its new host port
    const response = await chat(targets.shipped, ask("are you back?"));
    expect(response.status).toBe(200);
  });
});

// ---- warm CLI processes (services/maxapi/src/warm/): maxapi-warm runs the default pool ---------

/** maxapi's /metrics as name → value. */
async function metrics(target: Target): Promise<Record<string, number>> {
  const text = await (await fetch(`${target.url}/metrics`)).text();
  return Object.fromEntries([...text.matchAll(/^(maxapi_\w+) (\d+)$/gm)].map((m) => [m[1] ?? "", Number(m[2])]));
}

/** Waits until the pool has `n` processes waiting. */
const warmIdle = (target: Target, n = 1) =>
  until(
    `${n} warm CLI process(es)`,
    async () => ((await metrics(target)).maxapi_warm_idle ?? 0) >= n || undefined,
    60,
    200,
  );

/** maxapi's JSON log lines since `since` (docker logs --since takes a timestamp). */
function logLines(target: Target, since: string): Record<string, unknown>[] {
  const { stdout, stderr } = spawnSync("docker", ["logs", "--since", since, target.id], { encoding: "utf8" });
  return `${stdout}\n${stderr}`
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

const served = (lines: Record<string, unknown>[]) => lines.filter((line) => line.msg === "CLI process for a request");

/** One streamed answer: its text and whether it ended with [DONE]. */
async function streamedText(target: Target, body: Record<string, unknown>): Promise<string> {
  const response = await chat(target, { ...body, stream: true });
  expect(response.status).toBe(200);
  return sseChunks(await response.text())
    .map((c) => c.choices?.[0]?.delta.content ?? "")
    .join("");
}

describe("maxapi: warm CLI processes", () => {
  it("a request is served by a process started before it, and its log line and /metrics say so; the first request of a kind starts its own", async () => {
    const since = new Date().toISOString();
    const before = await metrics(targets.warm);
    expect(await streamedText(targets.warm, ask(`warm up ${marker("marker")}`, { model: "claude-haiku-4" }))).toBe(
      "Hello from mock!",
    );
    await warmIdle(targets.warm);
    const tag = marker("marker");
    expect(await streamedText(targets.warm, ask(`served warm ${tag}`, { model: "claude-haiku-4" }))).toBe(
      "Hello from mock!",
    );
    const lines = logLines(targets.warm, since);
    const started = lines.filter((line) => line.msg === "warm CLI process started").map((line) => line.pid);
    const [first, second] = served(lines);
    expect(first).toMatchObject({ model: "haiku", tools: false });
    expect(second).toMatchObject({ warm: true, model: "haiku", tools: false });
    expect(started, "the warm process was started ahead (logged before it served)").toContain(second?.pid);
    const after = await metrics(targets.warm);
    // the second request was a hit; the first, a miss unless an earlier test left one of its kind warm
    expect((after.maxapi_warm_hits_total ?? 0) - (before.maxapi_warm_hits_total ?? 0)).toBe(
      first?.warm === true ? 2 : 1,
    );
    expect((after.maxapi_warm_misses_total ?? 0) - (before.maxapi_warm_misses_total ?? 0)).toBe(
      first?.warm === true ? 0 : 1,
    );
    expect((await receivedWith(tag)).text).toContain(`served warm ${tag}`);
  });

  it("keeps two tool sets on two models warm, and each request gets the process of its own (its model, its tools)", async () => {
    const withExec = (tag: string) => ask(`exec turn ${tag}`, { model: "claude-sonnet-4", tools: [EXEC] });
    const withLs = (tag: string) => ask(`ls turn ${tag}`, { model: "claude-haiku-4", tools: [LS] });
    const primed = new Date().toISOString();
    await streamedText(targets.warm, withExec(marker("marker")));
    await streamedText(targets.warm, withLs(marker("marker")));
    // a process of each kind started since (the pool may still hold an earlier test's kind: a count of waiting processes would not do)
    const startedKinds = () =>
      new Set(
        logLines(targets.warm, primed)
          .filter((line) => line.msg === "warm CLI process started" && line.tools === true)
          .map((line) => line.model),
      );
    await until(
      "a warm process for each tool set",
      () => (startedKinds().has("sonnet") && startedKinds().has("haiku") ? true : undefined),
      60,
      200,
    );
    await warmIdle(targets.warm, 2);
    const since = new Date().toISOString();
    const [a, b] = [marker("marker"), marker("marker")];
    await streamedText(targets.warm, withExec(a));
    await streamedText(targets.warm, withLs(b));
    expect(served(logLines(targets.warm, since))).toMatchObject([
      { warm: true, model: "sonnet", tools: true },
      { warm: true, model: "haiku", tools: true },
    ]);
    const [toA] = await requestsWith(a);
    const [toB] = await requestsWith(b);
    expect(toA?.tools).toEqual(["mcp__c__exec"]);
    expect(toB?.tools).toEqual(["mcp__c__ls"]);
    expect((toA?.body as { model?: string }).model).toMatch(/sonnet/);
    expect((toB?.body as { model?: string }).model).toMatch(/haiku/);
  });

  it("carries nothing from one request to the next, and a waiting process sends nothing to Anthropic", async () => {
    const [one, two] = [marker("marker"), marker("marker")];
    await streamedText(targets.warm, ask(`the secret word is ${one}`, { model: "claude-haiku-4" }));
    await warmIdle(targets.warm);
    const count = (await mock.received()).length;
    // no event ends the span in which a waiting process could call (its start-up, its wait): it is given 3 s
    await sleep(3000);
    expect((await mock.received()).length).toBe(count);
    const since = new Date().toISOString();
    await streamedText(targets.warm, ask(`what was the secret word? ${two}`, { model: "claude-haiku-4" }));
    expect(served(logLines(targets.warm, since))[0]).toMatchObject({ warm: true });
    const [second] = await requestsWith(two);
    expect(second?.text).not.toContain(one);
    expect(JSON.stringify(second?.body)).not.toContain(one);
  });

  it("a warm process killed before use: the request still answers, on a fresh process", async () => {
    await streamedText(targets.warm, ask(`before the kill ${marker("marker")}`, { model: "claude-haiku-4" }));
    await warmIdle(targets.warm);
    const waiting = cliPids(targets.warm);
    expect(waiting.length).toBeGreaterThan(0);
    const before = await metrics(targets.warm);
    kill(targets.warm, waiting);
    const since = new Date().toISOString();
    expect(
      await streamedText(targets.warm, ask(`after the kill ${marker("marker")}`, { model: "claude-haiku-4" })),
    ).toBe("Hello from mock!");
    // either the pool saw the death first (a fresh start), or it handed the dead one over and fell back
    const line = served(logLines(targets.warm, since))[0];
    const fellBack =
      ((await metrics(targets.warm)).maxapi_warm_fallbacks_total ?? 0) > (before.maxapi_warm_fallbacks_total ?? 0);
    expect(line, "the request's log line").toBeDefined();
    expect(
      fellBack || !waiting.includes(line?.pid as number),
      "served by a process that was killed, without falling back",
    ).toBe(true);
  });

  it("keeps the errors' statuses when served warm: 401, 429, and an error event mid-stream", async () => {
    await streamedText(targets.warm, ask(`ready ${marker("marker")}`, { model: "claude-haiku-4" }));
    const hitsBefore = (await metrics(targets.warm)).maxapi_warm_hits_total ?? 0;
    await warmIdle(targets.warm);
    await setMode("expired");
    const expired = await chat(targets.warm, ask("x", { model: "claude-haiku-4", stream: true }));
    expect(expired.status).toBe(401);
    expect(((await expired.json()) as { error: { type: string } }).error.type).toBe("authentication_error");
    await warmIdle(targets.warm);
    await setMode("rate-limited", { retryAfterSeconds: 1 });
    const limited = await chat(targets.warm, ask("x", { model: "claude-haiku-4", stream: true }));
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toMatch(/^\d+$/);
    await limited.text();
    await warmIdle(targets.warm);
    await setMode("fail-mid-stream", { answer: "one two three four five six" });
    const text = await (await chat(targets.warm, ask("x", { model: "claude-haiku-4", stream: true }))).text();
    expect(text).toContain('"content":"one"');
    expect(text).toMatch(/data: \{"error":\{"message":"API Error: 529 Overloaded/);
    expect(text.trimEnd().endsWith("data: [DONE]")).toBe(true);
    expect(
      ((await metrics(targets.warm)).maxapi_warm_hits_total ?? 0) - hitsBefore,
      "all three were served warm",
    ).toBeGreaterThanOrEqual(3);
  });

  it("pool off (WARM_POOL_SIZE=0): every request starts its own process and none is left waiting", async () => {
    for (let i = 0; i < 2; i++) expect((await chat(targets.shipped, ask(`cold ${marker("marker")}`))).status).toBe(200);
    await untilCliProcessesExited(targets.shipped.id); // the requests' own: any CLI process left is one waiting
    expect(cliPids(targets.shipped)).toEqual([]);
    const m = await metrics(targets.shipped);
    expect(m).toMatchObject({ maxapi_warm_hits_total: 0, maxapi_warm_idle: 0 });
    expect(m.maxapi_warm_misses_total).toBeGreaterThanOrEqual(2);
  });

  it("SIGTERM ends the waiting processes at once, while a request in flight finishes", async () => {
    await streamedText(targets.warm, ask(`before stop ${marker("marker")}`, { model: "claude-haiku-4" }));
    await warmIdle(targets.warm);
    await setMode("slow", { answer: "one two three four five six", chunks: 6, chunkDelayMs: 700 });
    const inFlight = chat(
      targets.warm,
      ask(`in flight ${marker("marker")}`, { model: "claude-sonnet-4", stream: true }),
    );
    const response = await inFlight;
    expect(response.status).toBe(200);
    const waiting = cliPids(targets.warm).length;
    expect(waiting, "the request's process and at least one waiting").toBeGreaterThanOrEqual(2);
    const restarts = () => Number(docker("inspect", "--format", "{{.RestartCount}}", targets.warm.id));
    const before = restarts();
    killIn(targets.warm.id, pidsIn(targets.warm.id, "services/maxapi/dist/main.js"), { signal: "SIGTERM" });
    await until(
      "only the request's CLI process left",
      () => (cliPids(targets.warm).length === 1 ? true : undefined),
      20,
      100,
    );
    const text = await response.text();
    expect(text).toContain("six");
    expect(text.trimEnd().endsWith("data: [DONE]")).toBe(true);
    await setMode("ok");
    await until("a restart", () => (restarts() > before ? true : undefined), 100); // it exits once the request is done
    await waitHealthy(targets.warm);
  });
});

describe("maxapi: the subscription's limits, on the real CLI", () => {
  const metricsText = async (target: Target) => (await fetch(`${target.url}/metrics`)).text();
  /** Calls to Anthropic that carried `tag` (other containers' requests share the mock). */
  const callsWith = async (tag: string) =>
    (await mock.messages()).filter((request) => request.text.includes(tag)).length;
  /** Waits until the mock and maxapi both see `window` open again, so that no test after meets it spent. */
  async function untilOpen(window: string) {
    await mock.untilReset(60, 500);
    await until(
      `maxapi to see the ${window} window reset`,
      async () =>
        new RegExp(`^maxapi_usage_window_spent\\{window="${window}"\\} 0$`, "m").test(
          await metricsText(targets.shipped),
        ) || undefined,
      60,
      500,
    );
  }

  it("a spent 5-hour window: one call to Anthropic, a 429 with Retry-After to the reset; then none while spent; at the reset the next request goes through", async () => {
    await waitHealthy(targets.shipped);
    await mock.spendWindow("five_hour", Math.ceil(Date.now() / 1000) + 20);
    try {
      const tag = marker("marker");
      const first = await chat(targets.shipped, ask(`spent ${tag}`));
      const error = ((await first.json()) as { error?: { code: string; message: string } }).error;
      expect(first.status, JSON.stringify(error)).toBe(429);
      const retryAfter = Number(first.headers.get("retry-after"));
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(21);
      expect(error?.code).toBe("usage_limit_reached");
      expect(error?.message).toMatch(
        /^Claude subscription usage limit reached: the 5-hour window is spent and resets at \d\d:\d\d UTC \(in .*\)\. Claude CLI: You've hit your 5-hour limit/,
      );
      expect(await callsWith(tag)).toBe(1);

      for (const model of ["claude-sonnet-4", "claude-opus-4"]) {
        const refusedTag = marker("marker");
        const refused = await chat(targets.shipped, ask(`refused ${refusedTag}`, { model, stream: true }));
        expect(refused.status).toBe(429);
        expect(((await refused.json()) as { error: { message: string } }).error.message).toMatch(
          /without calling Anthropic\.$/,
        );
        expect(await callsWith(refusedTag), "no call to Anthropic while the window is spent").toBe(0);
      }
      expect(await metricsText(targets.shipped)).toMatch(/^maxapi_usage_window_spent\{window="five_hour"\} 1$/m);
    } finally {
      await untilOpen("five_hour");
    }
    const after = marker("marker");
    expect((await chat(targets.shipped, ask(`after the reset ${after}`))).status).toBe(200);
    expect(await callsWith(after)).toBe(1);
  });

  it("a spent weekly Opus window refuses Opus only: Sonnet still answers", async () => {
    await waitHealthy(targets.shipped);
    await mock.spendWindow("seven_day_opus", Math.ceil(Date.now() / 1000) + 15);
    try {
      const opus = await chat(targets.shipped, ask(`opus ${marker("marker")}`, { model: "claude-opus-4" }));
      expect(opus.status).toBe(429);
      expect(((await opus.json()) as { error: { message: string } }).error.message).toMatch(
        /the weekly Opus window is spent/,
      );
      expect(
        (await chat(targets.shipped, ask(`sonnet ${marker("marker")}`, { model: "claude-sonnet-4" }))).status,
      ).toBe(200);
    } finally {
      await untilOpen("seven_day_opus");
    }
  });

  it("an answer reports the windows: /metrics has their use and reset, and one log line says when the 5-hour window passes its warning threshold", async () => {
    const since = new Date().toISOString();
    await setMode("ok", {
      windows: { five_hour: 0.91, seven_day: 0.42 },
      usage: { input_tokens: 12, cache_creation_input_tokens: 3000, cache_read_input_tokens: 45000, output_tokens: 7 },
    });
    const body = (await (await chat(targets.shipped, ask(`warning ${marker("marker")}`))).json()) as {
      usage: Record<string, unknown>;
    };
    expect(body.usage).toEqual({
      prompt_tokens: 48012,
      completion_tokens: 7,
      total_tokens: 48019,
      prompt_tokens_details: { cached_tokens: 45000, cache_write_tokens: 3000 },
    });
    expect((await chat(targets.shipped, ask(`warning again ${marker("marker")}`))).status).toBe(200);
    const text = await metricsText(targets.shipped);
    expect(text).toMatch(/^maxapi_usage_window_utilization\{window="five_hour"\} 0.91$/m);
    expect(text).toMatch(/^maxapi_usage_window_utilization\{window="seven_day"\} 0.42$/m);
    expect(text).toMatch(/^maxapi_usage_window_resets_at_seconds\{window="five_hour"\} \d{10}$/m);
    const warnings = logLines(targets.shipped, since).filter(
      (line) => typeof line.msg === "string" && /the 5-hour window is 91 % used/.test(line.msg),
    );
    expect(warnings).toHaveLength(1);
    await setMode("ok"); // back under the threshold, for the tests after
    expect((await chat(targets.shipped, ask(`fine ${marker("marker")}`))).status).toBe(200);
  });

  it("extra usage: a spent window answered on extra usage is delivered; then EXTRA_USAGE=off refuses without a call to Anthropic until the reset, EXTRA_USAGE=allowed lets answers through and counts them", async () => {
    await waitHealthy(targets.shipped);
    await waitHealthy(targets.warm);
    const metric = async (target: Target, name: string) =>
      Number(new RegExp(`^${name} (\\S+)$`, "m").exec(await metricsText(target))?.[1]);
    const since = new Date().toISOString();
    await setMode("overage-in-use", { window: "five_hour", resetsAt: Math.ceil(Date.now() / 1000) + 25 });
    try {
      const tag = marker("marker");
      const first = await chat(targets.shipped, ask(`billed ${tag}`));
      expect(first.status, "the answer billed to extra usage is delivered").toBe(200);
      expect(await callsWith(tag)).toBe(1);
      for (const stream of [false, true]) {
        const refusedTag = marker("marker");
        const refused = await chat(targets.shipped, ask(`refused ${refusedTag}`, { stream }));
        expect(refused.status).toBe(429);
        expect(Number(refused.headers.get("retry-after"))).toBeLessThanOrEqual(26);
        const error = ((await refused.json()) as { error: { code: string; message: string } }).error;
        expect(error.code).toBe("extra_usage_not_allowed");
        expect(error.message).toMatch(
          /^Claude subscription usage limit reached: the 5-hour window is spent .*extra usage, which EXTRA_USAGE=off does not allow/,
        );
        expect(await callsWith(refusedTag), "no call to Anthropic while refused").toBe(0);
      }
      expect(await metric(targets.shipped, "maxapi_extra_usage_in_use")).toBe(1);
      expect(await metric(targets.shipped, "maxapi_extra_usage_answers_total")).toBe(1);
      expect(await metric(targets.shipped, "maxapi_extra_usage_refused_total")).toBe(2);
      expect(
        logLines(targets.shipped, since).filter(
          (line) => typeof line.msg === "string" && /billed to extra usage; EXTRA_USAGE=off/.test(line.msg),
        ),
      ).toHaveLength(1);

      for (let i = 0; i < 2; i++) {
        const allowedTag = marker("marker");
        expect((await chat(targets.warm, ask(`allowed ${allowedTag}`))).status, "EXTRA_USAGE=allowed").toBe(200);
        expect(await callsWith(allowedTag)).toBe(1);
      }
      expect(await metric(targets.warm, "maxapi_extra_usage_answers_total")).toBe(2);
      expect(await metric(targets.warm, "maxapi_extra_usage_refused_total")).toBe(0);
    } finally {
      await mock.untilReset(60, 500);
      await until(
        "maxapi to see the window reset",
        async () => (await metric(targets.shipped, "maxapi_extra_usage_in_use")) === 0 || undefined,
        60,
        500,
      );
    }
    const after = marker("marker");
    expect((await chat(targets.shipped, ask(`after the reset ${after}`))).status).toBe(200);
    expect(await callsWith(after)).toBe(1);
  });

  it("billing refusals: 402 billing_error in plain words, never refused ahead; the only calls to Anthropic are the CLI's own (3 for a 400: it resends with fewer betas)", async () => {
    await waitHealthy(targets.shipped);
    const cases = [
      ["billing-third-party", "extra_usage_required", /Third-party apps now draw from your extra usage/, 3],
      ["billing-out-of-extra-usage", "extra_usage_exhausted", /You're out of extra usage/, 3],
      ["billing-long-context", "extra_usage_required", /Usage credits required for 1M context/, 1],
    ] as const;
    for (const [mode, code, words, calls] of cases) {
      await setMode(mode);
      for (let i = 0; i < 2; i++) {
        const tag = marker("marker");
        const response = await chat(targets.shipped, ask(`${mode} ${tag}`, { stream: i === 1 }));
        expect(response.status, mode).toBe(402);
        const error = ((await response.json()) as { error: { type: string; code: string; message: string } }).error;
        expect(error).toMatchObject({ type: "billing_error", code });
        expect(error.message).toMatch(words);
        expect(await callsWith(tag), `${mode}: calls to Anthropic`).toBe(calls);
      }
    }
    expect(await metricsText(targets.shipped)).toMatch(
      /^maxapi_billing_refusals_total\{code="extra_usage_exhausted"\} 2$/m,
    );
  });
});

describe("maxapi: a model refused, on the real CLI", () => {
  /** Calls to Anthropic that carried `tag` (other containers' requests share the mock). */
  const callsWith = async (tag: string) =>
    (await mock.messages()).filter((request) => request.text.includes(tag)).length;
  const errorOf = async (response: Response) =>
    ((await response.json()) as { error: { type: string; code: string; param: string | null; message: string } }).error;

  it("a CLI older than Anthropic's floor for the model: 404 claude_code_version_too_old with both versions and the make command, whole and streamed; other models answer", async () => {
    await waitHealthy(targets.shipped);
    await setMode("version-too-old", { requiredVersion: "2.1.332", models: "sonnet" });
    for (const stream of [false, true]) {
      const tag = marker("marker");
      const response = await chat(targets.shipped, ask(`floor ${tag}`, { model: "claude-sonnet-4", stream }));
      const error = await errorOf(response);
      expect(response.status, JSON.stringify(error)).toBe(404);
      expect(error).toMatchObject({ type: "not_found_error", code: "claude_code_version_too_old", param: "model" });
      expect(error.message).toMatch(
        /^The Claude Code CLI maxapi runs \(2\.1\.330\) is too old for .+: Anthropic requires version 2\.1\.332 or newer for it/,
      );
      expect(error.message).toContain("`make claude-code VERSION=2.1.332`");
      expect(
        await callsWith(tag),
        "the CLI's own two calls (it resends once with a beta fewer); none from maxapi",
      ).toBe(2);
    }
    expect((await chat(targets.shipped, ask(`opus ${marker("marker")}`, { model: "claude-opus-4" }))).status).toBe(200);
  });

  it("a model the account may not use: 404 model_not_found naming the model, with what to do; the CLI's two calls, none more", async () => {
    await waitHealthy(targets.shipped);
    await setMode("model-not-allowed", { models: "sonnet" });
    const tag = marker("marker");
    const response = await chat(targets.shipped, ask(`barred ${tag}`, { model: "claude-sonnet-4" }));
    const error = await errorOf(response);
    expect(response.status, JSON.stringify(error)).toBe(404);
    expect(error).toMatchObject({ type: "not_found_error", code: "model_not_found", param: "model" });
    // the model as maxapi gave it to the CLI's --model, which the CLI's sentence names
    expect(error.message).toMatch(
      /^Anthropic refused the model (\S*sonnet\S*): it does not exist, or this account may not use it \(Claude CLI: "There's an issue with the selected model \(\1\)\./,
    );
    expect(error.message).toContain("Choose another model");
    expect(await callsWith(tag)).toBe(2);
    expect((await chat(targets.shipped, ask(`opus ${marker("marker")}`, { model: "claude-opus-4" }))).status).toBe(200);
  });
});
