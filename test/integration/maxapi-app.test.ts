// maxapi's whole app in-process, over real sockets, its CLI replaced by recorded transcripts of the
// real Claude Code CLI 2.1.330 (test/support/fake-cli.ts): the statuses each CLI outcome becomes,
// SSE framing, the usage chunk, model names, request ids, tool deltas, kills on hang-up and timeout.
// The same promises on the real CLI in its container: test/containers/maxapi.test.ts.
import { existsSync } from "node:fs";
import OpenAI from "openai";
import { afterEach, describe, expect, it } from "vitest";
import type { Fixture } from "../support/fake-cli.ts";
import { startMaxapi, type Maxapi } from "../support/maxapi-harness.ts";
import type { LimitsReport } from "../../lib/limits/src/report.ts";
import { readSpent } from "../../lib/limits/src/spent.ts";

let maxapi: Maxapi | undefined;
const start = async (env: Record<string, string> = {}, now?: () => number) => (maxapi = await startMaxapi(env, now));
afterEach(async () => {
  await maxapi?.close();
  maxapi = undefined;
});

const ask = (extra: Record<string, unknown> = {}) => ({
  model: "claude-opus-4",
  messages: [{ role: "user", content: "hello" }],
  ...extra,
});

function chat(url: string, body: unknown, headers: Record<string, string> = {}, signal?: AbortSignal) {
  return fetch(`${url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
    ...(signal ? { signal } : {}),
  });
}

interface Chunk {
  id: string;
  object: string;
  model: string;
  choices?: {
    index: number;
    delta: {
      role?: string;
      content?: string;
      tool_calls?: { index: number; id?: string; type?: string; function: { name?: string; arguments?: string } }[];
    };
    finish_reason: string | null;
  }[];
  usage?: {
    prompt_tokens: number;
    completion_tokens: number;
    total_tokens: number;
    prompt_tokens_details: { cached_tokens: number };
  };
  error?: { message: string; type: string; code: string };
}

/** An SSE body as its events: each `data: ...` followed by a blank line, `[DONE]` last and once. */
function events(body: string): Chunk[] {
  const blocks = body.split("\n\n").filter((block) => block.trim() !== "");
  for (const block of blocks) expect(block.trim(), "every event is one data line").toMatch(/^data: /);
  const data = blocks.map((block) => block.trim().slice("data: ".length));
  expect(data.at(-1)).toBe("[DONE]");
  expect(data.filter((d) => d === "[DONE]")).toHaveLength(1);
  return data.slice(0, -1).map((d) => JSON.parse(d) as Chunk);
}

const text = (chunks: Chunk[]) => chunks.map((c) => c.choices?.[0]?.delta.content ?? "").join("");

async function errorOf(response: Response) {
  expect(response.headers.get("content-type")).toMatch(/application\/json/);
  const body = (await response.json()) as { error: Record<string, unknown> };
  expect(Object.keys(body.error).sort()).toEqual(["code", "message", "param", "type"]);
  return body.error;
}

describe("an answer", () => {
  it("whole: a chat.completion naming the model that ran (the CLI's), with usage; the CLI ran as claude-max-api ran it, with the conversation on stdin", async () => {
    const { url, cli } = await start({ CLI_WORKDIR: "/var/lib/claude-empty" });
    const response = await chat(
      url,
      ask({
        messages: [
          { role: "system", content: "Be brief." },
          { role: "user", content: "hello" },
        ],
      }),
    );
    expect(response.status).toBe(200);
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      object: "chat.completion",
      model: "claude-opus-5-5", // the request said claude-opus-4 (the Opus family); the CLI ran Opus 5.5
      choices: [{ index: 0, message: { role: "assistant", content: "Hello from mock!" }, finish_reason: "stop" }],
      usage: {
        prompt_tokens: 12,
        completion_tokens: 5,
        total_tokens: 17,
        prompt_tokens_details: { cached_tokens: 0, cache_write_tokens: 0 },
      },
    });
    expect(body.id).toMatch(/^chatcmpl-[0-9a-f]{24}$/);
    const args = cli.last.args;
    expect(args.slice(0, 5)).toEqual([
      "--print",
      "--output-format",
      "stream-json",
      "--verbose",
      "--include-partial-messages",
    ]);
    expect(args).toEqual(
      expect.arrayContaining(["--input-format", "stream-json", "--model", "opus", "--no-session-persistence"]),
    );
    expect(args[args.indexOf("--tools") + 1]).toBe("");
    expect(cli.last.options.cwd).toBe("/var/lib/claude-empty");
    expect(cli.last.systemPrompt, "the system message is the CLI's system prompt (SYSTEM_PROMPT=system-prompt)").toBe(
      "Be brief.",
    );
    expect(cli.last.message).toEqual({
      role: "user",
      content: [{ type: "text", text: "hello", cache_control: { type: "ephemeral", ttl: "1h" } }],
    });
    expect(cli.last.killedBy, "a CLI that answered and exited is not killed").toBeUndefined();
  });

  it("whole: answered at the result line, though the CLI is still running", async () => {
    const { url, cli } = await start();
    cli.script = { fixture: "ok", then: "hang" };
    const body = (await (await chat(url, ask())).json()) as { choices: { message: { content: string } }[] };
    expect(body.choices[0]?.message.content).toBe("Hello from mock!");
    expect(cli.last.exitCode).toBeNull();
  });

  it("reads output cut anywhere, inside lines and inside UTF-8 characters", async () => {
    const { url, cli } = await start();
    cli.script = { fixture: "ok", chunkBytes: 7, transform: (line) => line.replaceAll("Hello", "Grüße €🎉") };
    expect(text(events(await (await chat(url, ask({ stream: true }))).text()))).toBe("Grüße €🎉 from mock!");
    const whole = (await (await chat(url, ask())).json()) as { choices: { message: { content: string } }[] };
    expect(whole.choices[0]?.message.content).toBe("Grüße €🎉 from mock!");
  });

  it("passes over lines of shapes it does not know, and lines that are not JSON", async () => {
    const { url, cli } = await start();
    cli.script = {
      fixture: "ok",
      before: [
        '{"type":"assistant","message":{"content":{}}}',
        '{"type":"stream_event","event":null}',
        "42",
        "null",
        "plain text from the CLI",
      ],
    };
    expect(
      text(
        events(
          await (
            await chat(url, ask({ stream: true, tools: [{ type: "function", function: { name: "exec" } }] }))
          ).text(),
        ),
      ),
    ).toBe("Hello from mock!");
  });

  it("streamed: SSE events, the role first, each text delta, the finish chunk, [DONE]; one id and the model that ran on every chunk", async () => {
    const { url, cli } = await start();
    cli.script = { fixture: "ok", transform: (line) => line.replaceAll("claude-opus-5-5", "claude-haiku-5-5") };
    const response = await chat(url, ask({ model: "claude-haiku-4", stream: true }));
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const chunks = events(await response.text());
    expect(chunks.map((c) => c.choices?.[0]?.delta.content)).toEqual(["Hello", " from", " mock!", undefined]);
    expect(chunks[0]?.choices?.[0]?.delta.role).toBe("assistant");
    expect(chunks.slice(1).every((c) => c.choices?.[0]?.delta.role === undefined)).toBe(true);
    expect(chunks.map((c) => c.choices?.[0]?.finish_reason)).toEqual([null, null, null, "stop"]);
    expect(new Set(chunks.map((c) => c.id)).size).toBe(1);
    expect(chunks.every((c) => c.model === "claude-haiku-5-5" && c.object === "chat.completion.chunk")).toBe(true);
    expect(cli.last.args[cli.last.args.indexOf("--model") + 1]).toBe("haiku");
    expect(chunks.some((c) => c.usage)).toBe(false); // not asked for
  });

  it("stream_options.include_usage: a last chunk with usage and no choices; prompt tokens count the cached ones", async () => {
    const { url, cli } = await start();
    cli.script = { fixture: "ok-warning-cache-usage" };
    const chunks = events(
      await (await chat(url, ask({ stream: true, stream_options: { include_usage: true } }))).text(),
    );
    expect(chunks.at(-1)).toMatchObject({
      choices: [],
      usage: {
        prompt_tokens: 12 + 3000 + 45000,
        completion_tokens: 7,
        total_tokens: 48019,
        prompt_tokens_details: { cached_tokens: 45000, cache_write_tokens: 3000 },
      },
    });
    expect(chunks.at(-2)?.choices?.[0]?.finish_reason).toBe("stop");
    expect(chunks.filter((c) => c.usage)).toHaveLength(1);
  });

  it("thinking: streamed as delta.reasoning_content before the text, whole as message.reasoning_content; never as content", async () => {
    const { url, cli } = await start();
    cli.script = { fixture: "thinking" };
    const streamed = events(await (await chat(url, ask({ stream: true }))).text());
    expect(text(streamed)).toBe("Hello.");
    const deltas = streamed.flatMap((event) =>
      (event.choices ?? []).map((choice) => choice.delta as Record<string, unknown>),
    );
    const reasoning = deltas.findIndex((delta) => delta.reasoning_content !== undefined);
    expect(deltas[reasoning]?.reasoning_content).toBe("Let me think about it.");
    expect(reasoning).toBeLessThan(deltas.findIndex((delta) => delta.content !== undefined));
    expect(JSON.stringify(streamed)).not.toContain("sigabc");
    cli.script = { fixture: "thinking" };
    const whole = (await (await chat(url, ask())).json()) as { choices: { message: Record<string, unknown> }[] };
    expect(whole.choices[0]?.message).toEqual({
      role: "assistant",
      content: "Hello.",
      reasoning_content: "Let me think about it.",
    });
  });

  it("a family runs the CLI's alias, a pin its exact id, an unknown id is a 400 naming the accepted ones; a UUID user becomes the CLI's session id", async () => {
    const { url, cli } = await start();
    const user = "8c9521a7-ce25-4057-af7e-0d6ae2855f38";
    cli.script = { fixture: "ok", transform: (line) => line.replaceAll("claude-opus-5-5", "claude-opus-4-8") };
    const pinned = (await (await chat(url, ask({ model: "anthropic/claude-opus-4-8", user }))).json()) as {
      model: string;
    };
    expect(pinned.model).toBe("claude-opus-4-8");
    expect(cli.last.args[cli.last.args.indexOf("--model") + 1]).toBe("claude-opus-4-8");
    expect(cli.last.args[cli.last.args.indexOf("--session-id") + 1]).toBe(user);
    const started = cli.started.length;
    const unknown = await chat(url, ask({ model: "gpt-4o" }));
    expect(unknown.status).toBe(400);
    const error = await errorOf(unknown);
    expect(error).toMatchObject({ type: "invalid_request_error", param: "model", code: "model_not_found" });
    expect(error.message).toMatch(
      /^model "gpt-4o" is not served here; use a family \(mythos, fable, opus, sonnet, haiku: .*claude-fable-5-2/,
    );
    expect(cli.started, "no CLI for a refused id").toHaveLength(started);
    await chat(url, ask({ model: "fable" }));
    expect(cli.last.args[cli.last.args.indexOf("--model") + 1]).toBe("fable");
    await chat(url, ask({ model: "mythos" }));
    expect(cli.last.args[cli.last.args.indexOf("--model") + 1], "the CLI has no mythos alias: its newest id").toBe(
      "claude-mythos-5-2",
    );
    await chat(url, ask({ model: "sonnet", user: "telegram:alice" }));
    expect(cli.last.args).not.toContain("--session-id");
    expect(cli.last.args[cli.last.args.indexOf("--model") + 1]).toBe("sonnet");
  });
});

describe("what the model sees", () => {
  it("SYSTEM_PROMPT=in-user-message: no system prompt is given to the CLI; the system message is the first block, as claude-max-api wrote it", async () => {
    const { url, cli } = await start({ SYSTEM_PROMPT: "in-user-message" });
    expect(
      (
        await chat(
          url,
          ask({
            messages: [
              { role: "system", content: "Be brief." },
              { role: "user", content: "hello" },
            ],
          }),
        )
      ).status,
    ).toBe(200);
    expect(cli.last.systemPrompt).toBeUndefined();
    expect(cli.last.lines).toHaveLength(1);
    // the user's message follows the system prompt, so it is the one the next request repeats: marked
    expect(cli.last.message.content).toEqual([
      { type: "text", text: "<system>\nBe brief.\n</system>" },
      { type: "text", text: "hello", cache_control: { type: "ephemeral", ttl: "1h" } },
    ]);
  });

  it("a CLI that refuses the system prompt's control request: 502 saying so, and the CLI is stopped", async () => {
    const { url, cli } = await start();
    cli.script = {
      fixture: "ok",
      before: [
        JSON.stringify({
          type: "control_response",
          response: { subtype: "error", request_id: "system-prompt", error: "initialize: bad" },
        }),
      ],
      then: "hang",
    };
    const response = await chat(url, ask());
    expect(response.status).toBe(502);
    expect(await errorOf(response)).toMatchObject({
      code: "cli_refused_input",
      message: expect.stringContaining("initialize: bad") as string,
    });
    expect(cli.last.killedBy).toBeDefined();
  });

  it("the request's settings reach the CLI: effort as --effort, the smaller output limit, sampling and stop in its environment", async () => {
    const { url, cli } = await start();
    const body = ask({
      max_tokens: 400,
      max_completion_tokens: 32000,
      temperature: 0.3,
      top_p: 0.8,
      stop: ["END"],
      reasoning_effort: "high",
    });
    expect((await chat(url, body)).status).toBe(200);
    const { args, options } = cli.last;
    expect(args[args.indexOf("--effort") + 1]).toBe("high");
    expect(options.env).toMatchObject({
      CLAUDE_CODE_MAX_OUTPUT_TOKENS: "400",
      CLAUDE_CODE_EXTRA_BODY: '{"temperature":0.3,"top_p":0.8,"stop_sequences":["END"]}',
      CLAUDE_CODE_DISABLE_THINKING: "1",
    });
    expect((await chat(url, ask({ reasoning_effort: "medium" }))).status).toBe(200);
    expect(cli.last.options.env).not.toHaveProperty("CLAUDE_CODE_DISABLE_THINKING");
    expect(cli.last.options.env).not.toHaveProperty("CLAUDE_CODE_MAX_OUTPUT_TOKENS");
  });

  it("an answer cut at the output limit ends there: finish_reason length with the text so far, and the CLI is killed before it asks the model to resume", async () => {
    const { url, cli } = await start();
    cli.script = { fixture: "max-tokens-resumed" };
    const whole = (await (await chat(url, ask({ max_tokens: 50 }))).json()) as {
      choices: { message: { content: string }; finish_reason: string }[];
      usage: { completion_tokens: number };
    };
    expect(whole.choices[0]).toMatchObject({
      message: { content: "The first part of a long" },
      finish_reason: "length",
    });
    expect(whole.usage.completion_tokens).toBeGreaterThan(0);
    expect(cli.last.killedBy).toBe("SIGKILL");
    cli.script = { fixture: "max-tokens-resumed" };
    const streamed = events(await (await chat(url, ask({ max_tokens: 50, stream: true }))).text());
    expect(text(streamed)).toBe("The first part of a long");
    expect(
      streamed
        .flatMap((chunk) => chunk.choices ?? [])
        .map((choice) => choice.finish_reason)
        .filter(Boolean),
    ).toEqual(["length"]);
    expect(cli.last.killedBy).toBe("SIGKILL");
  });
});

describe("the official OpenAI client library", () => {
  it("streamed with include_usage: every chunk names the model that ran, and the final usage arrives", async () => {
    const { url } = await start();
    const client = new OpenAI({ baseURL: `${url}/v1`, apiKey: "unused" });
    const stream = await client.chat.completions.create({
      model: "claude-opus-4",
      messages: [{ role: "user", content: "hello" }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const models = new Set<string>();
    let content = "";
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      models.add(chunk.model);
      content += chunk.choices[0]?.delta.content ?? "";
      if (chunk.usage) usage = chunk.usage;
    }
    expect([...models]).toEqual(["claude-opus-5-5"]);
    expect(content).toBe("Hello from mock!");
    expect(usage).toMatchObject({ prompt_tokens: 12, completion_tokens: 5, total_tokens: 17 });
  });

  it("tool calls, streamed and whole, as the library assembles them", async () => {
    const { url, cli } = await start();
    cli.script = { fixture: "tool-turn-two-calls" };
    const client = new OpenAI({ baseURL: `${url}/v1`, apiKey: "unused" });
    const tools: OpenAI.ChatCompletionTool[] = [
      {
        type: "function",
        function: { name: "exec", parameters: { type: "object", properties: { command: { type: "string" } } } },
      },
      { type: "function", function: { name: "ls", parameters: { type: "object", properties: {} } } },
    ];
    const whole = await client.chat.completions.create({
      model: "claude-sonnet-4",
      messages: [{ role: "user", content: "check" }],
      tools,
    });
    expect(whole.choices[0]?.finish_reason).toBe("tool_calls");
    expect(whole.choices[0]?.message.content).toBe("Let me check.");
    expect(
      whole.choices[0]?.message.tool_calls?.map(
        (call) => call.type === "function" && [call.function.name, JSON.parse(call.function.arguments) as unknown],
      ),
    ).toEqual([
      ["exec", { command: "echo hi" }],
      ["ls", {}],
    ]);
    const runner = client.chat.completions.stream({
      model: "claude-sonnet-4",
      messages: [{ role: "user", content: "check" }],
      tools,
    });
    const final = await runner.finalChatCompletion();
    expect(final.choices[0]?.finish_reason).toBe("tool_calls");
    expect(
      final.choices[0]?.message.tool_calls?.map(
        (call) => call.type === "function" && [call.function.name, JSON.parse(call.function.arguments) as unknown],
      ),
    ).toEqual([
      ["exec", { command: "echo hi" }],
      ["ls", {}],
    ]);
  });
});

describe("tool deltas", () => {
  it("text first, then each call: id and name once, arguments in the model's fragments, then {} for a call without; finish_reason tool_calls", async () => {
    const { url, cli } = await start();
    cli.script = { fixture: "tool-turn-two-calls" };
    const tools = [
      { type: "function", function: { name: "exec" } },
      { type: "function", function: { name: "ls" } },
    ];
    const chunks = events(await (await chat(url, ask({ stream: true, tools }))).text());
    expect(text(chunks)).toBe("Let me check.");
    const deltas = chunks.flatMap((c) => c.choices?.[0]?.delta.tool_calls ?? []);
    const exec = deltas.filter((d) => d.index === 0);
    expect(exec[0]).toMatchObject({
      id: expect.stringMatching(/^toolu_/) as string,
      type: "function",
      function: { name: "exec", arguments: "" },
    });
    expect(exec.filter((d) => d.function.name !== undefined)).toHaveLength(1);
    expect(exec.length).toBeGreaterThan(2);
    expect(JSON.parse(exec.map((d) => d.function.arguments).join(""))).toEqual({ command: "echo hi" });
    expect(
      deltas
        .filter((d) => d.index === 1)
        .map((d) => d.function.arguments)
        .join(""),
    ).toBe("{}");
    expect(chunks.map((c) => c.choices?.[0]?.finish_reason).filter(Boolean)).toEqual(["tool_calls"]);
    const args = cli.last.args;
    expect(args).toEqual(expect.arrayContaining(["--strict-mcp-config", "--max-turns", "1"]));
    const toolsFile =
      (JSON.parse(args[args.indexOf("--mcp-config") + 1] ?? "{}") as { mcpServers: { c: { args: string[] } } })
        .mcpServers.c.args[1] ?? "";
    expect(toolsFile).toMatch(/tools\.json$/);
    await expect.poll(() => existsSync(toolsFile)).toBe(false); // the tool definitions go with the request (pool off)
  });
});

describe("CLI outcomes as HTTP statuses", () => {
  const cases: [Fixture, number, string, RegExp][] = [
    ["api-401", 401, "authentication_error", /^Invalid API key.*The Claude login was refused: make a new setup token/],
    ["oauth-expired", 401, "authentication_error", /OAuth token has expired.*claude setup-token/],
    [
      "not-logged-in",
      401,
      "authentication_error",
      /^The Claude login is missing: set CLAUDE_SETUP_TOKEN in \.env .* or run make login once\.$/,
    ],
    ["rate-limited-429", 429, "rate_limit_error", /temporarily limiting requests/],
    [
      "prompt-too-long",
      400,
      "invalid_request_error",
      /^prompt is too long: 215000 tokens > 200000 maximum \(Claude CLI: Prompt is too long · the request is ~215000 tokens/,
    ],
  ];
  it.each(cases)("%s → %i %s, whole and streamed (before the first token)", async (fixture, status, type, message) => {
    const codes: Partial<Record<Fixture, string>> = {
      "prompt-too-long": "context_length_exceeded",
      "rate-limited-429": "rate_limited",
      "not-logged-in": "cli_auth_failed",
    };
    const { url, cli } = await start({ RATE_LIMIT_RETRY_AFTER_SECONDS: "7" });
    cli.script = { fixture };
    for (const stream of [false, true]) {
      const response = await chat(url, ask({ stream }));
      expect(response.status).toBe(status);
      const error = await errorOf(response);
      expect(error).toMatchObject({ type, ...(codes[fixture] ? { code: codes[fixture] } : {}) });
      expect(error.message).toMatch(message);
      expect(response.headers.get("retry-after")).toBe(status === 429 ? "7" : null);
    }
  });

  it("an error after the first token: the text so far, an error event with the CLI's message, [DONE]; whole: 502", async () => {
    const { url, cli, requestLog } = await start();
    cli.script = { fixture: "fail-mid-stream", stderr: "diagnostic from the CLI" };
    const response = await chat(url, ask({ stream: true }), { "x-request-id": "mid-stream-1" });
    expect(response.status).toBe(200);
    const chunks = events(await response.text());
    expect(text(chunks)).toBe("one two");
    expect(chunks.at(-1)?.error).toMatchObject({
      type: "api_error",
      message: expect.stringMatching(/^API Error: 529 Overloaded/) as string,
    });
    expect(requestLog("mid-stream-1")).toMatchObject({
      level: 50,
      status: 200,
      error: expect.stringMatching(/529/) as string,
      cliStderr: "diagnostic from the CLI",
    });
    expect((await chat(url, ask())).status).toBe(502);
  });

  it("a CLI that dies: before any output 502 cli_exited, whole or streamed; after the first token an error event and [DONE]", async () => {
    const { url, cli } = await start();
    cli.script = { then: "die" };
    expect(await errorOf(await chat(url, ask()))).toMatchObject({
      code: "cli_exited",
      message: expect.stringMatching(/^Claude CLI ended without a result/) as string,
    });
    const streamed = await chat(url, ask({ stream: true }));
    expect(streamed.status).toBe(502);
    cli.script = { fixture: "ok", upTo: 6, then: "die" };
    const chunks = events(await (await chat(url, ask({ stream: true }))).text());
    expect(text(chunks)).toBe("Hello from");
    expect(chunks.at(-1)?.error).toMatchObject({ code: "cli_exited" });
  });

  it("a CLI that cannot be started: 502 cli_failed_to_start, whether spawn throws or the process reports an error", async () => {
    const { url, cli } = await start();
    for (const spawnError of ["throw", "error"] as const) {
      cli.script = { spawnError };
      for (const stream of [false, true]) {
        const response = await chat(url, ask({ stream }));
        expect(response.status).toBe(502);
        expect(await errorOf(response)).toMatchObject({
          type: "api_error",
          code: "cli_failed_to_start",
          message: expect.stringMatching(/^Claude CLI could not be started: spawn/) as string,
        });
      }
    }
  });

  it("a CLI still running at CLI_TIMEOUT_MS is stopped: 504, or an error event mid-stream", async () => {
    const { url, cli } = await start({ CLI_TIMEOUT_MS: "300" });
    cli.script = { fixture: "ok", upTo: 0, then: "hang" };
    expect(await errorOf(await chat(url, ask()))).toMatchObject({ type: "api_error", code: "cli_timeout" });
    expect(cli.last.killedBy).toBe("SIGTERM");
    cli.script = { fixture: "ok", upTo: 5, then: "hang" };
    const chunks = events(await (await chat(url, ask({ stream: true }))).text());
    expect(text(chunks)).toBe("Hello");
    expect(chunks.at(-1)?.error).toMatchObject({ code: "cli_timeout" });
    expect(cli.last.killedBy).toBe("SIGTERM");
  });
});

describe("a client that hangs up", () => {
  it.each([false, true])("stops its CLI (stream %s)", async (stream) => {
    const { url, cli, requestLog } = await start();
    cli.script = { fixture: "ok", upTo: stream ? 5 : 0, then: "hang" };
    const abort = new AbortController();
    const response = chat(url, ask({ stream }), { "x-request-id": `hang-up-${stream}` }, abort.signal);
    if (stream) {
      const reader = ((await response).body as ReadableStream<Uint8Array>).getReader();
      expect(new TextDecoder().decode((await reader.read()).value)).toContain('"content":"Hello"');
    } else {
      while (cli.started.length === 0 || cli.last.input === "") await new Promise((resolve) => setImmediate(resolve));
    }
    abort.abort();
    await response.catch(() => undefined);
    await expect.poll(() => cli.last.killedBy).toBe("SIGTERM");
    await expect.poll(() => requestLog(`hang-up-${stream}`)?.msg).toBe("request aborted by the client");
    const line = requestLog(`hang-up-${stream}`);
    expect(line).toMatchObject({ level: 40, cliExit: "SIGTERM" });
    expect(line?.status, "a status only when one was sent").toBe(stream ? 200 : undefined);
  });
});

describe("request ids and logs", () => {
  it("keeps the client's x-request-id on a streamed answer and logs one JSON line with it; a new id for a request without a plain one", async () => {
    const { url, logs, requestLog } = await start();
    const response = await chat(url, ask({ stream: true }), { "x-request-id": "trace-7f3a" });
    expect(response.headers.get("x-request-id")).toBe("trace-7f3a");
    await response.text();
    await expect
      .poll(() => requestLog("trace-7f3a"))
      .toMatchObject({
        service: "maxapi",
        status: 200,
        model: "claude-opus-4",
        path: "/v1/chat/completions",
        msg: "request completed",
      });
    expect(logs.find((line) => line.msg === "CLI process for a request")).toMatchObject({
      reqId: "trace-7f3a",
      warm: false,
      model: "opus",
      tools: false,
    });
    expect(JSON.stringify(logs)).not.toContain("hello"); // never the conversation
    for (const headers of [{}, { "x-request-id": "not a plain id!" }]) {
      const other = await chat(url, ask(), headers);
      expect(other.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  it("a warm process serves the next request of the same kind, and its log line says so", async () => {
    const { url, cli, logs, pool } = await start({ WARM_POOL_SIZE: "1" });
    await (await chat(url, ask())).json();
    await expect.poll(() => pool.stats.idle).toBe(1);
    const started = cli.started.length;
    await (await chat(url, ask(), { "x-request-id": "warm-1" })).json();
    expect(cli.started.indexOf(cli.last), "served by a process started before the request").toBeLessThan(started);
    expect(logs.find((line) => line.reqId === "warm-1" && line.msg === "CLI process for a request")).toMatchObject({
      warm: true,
    });
    expect(pool.stats).toMatchObject({ hits: 1, misses: 1 });
  });
});

describe("bad requests", () => {
  it.each([
    ["not JSON", "{", 400, "invalid_json", null],
    ["no messages", { model: "claude-opus-4" }, 400, "invalid_messages", "messages"],
    ["empty messages", { model: "claude-opus-4", messages: [] }, 400, "invalid_messages", "messages"],
    ["no model", { messages: [{ role: "user", content: "hi" }] }, 400, "invalid_request", "model"],
    [
      "a tool without a name",
      ask({ tools: [{ type: "function", function: {} }] }),
      400,
      "invalid_tools",
      "tools[0].function.name",
    ],
    [
      "tool_choice naming no tool",
      ask({
        tools: [{ type: "function", function: { name: "a" } }],
        tool_choice: { type: "function", function: { name: "b" } },
      }),
      400,
      "invalid_tools",
      "tool_choice.function.name",
    ],
    [
      "a remote image",
      ask({
        messages: [{ role: "user", content: [{ type: "image_url", image_url: { url: "https://example.com/a.png" } }] }],
      }),
      400,
      "unsupported_content",
      "messages[0].content[0]",
    ],
    ["two choices", ask({ n: 2 }), 400, "unsupported_parameter", "n"],
    ["log probabilities", ask({ logprobs: true }), 400, "unsupported_parameter", "logprobs"],
    [
      "a JSON response format",
      ask({ response_format: { type: "json_object" } }),
      400,
      "unsupported_parameter",
      "response_format",
    ],
    [
      "an effort the CLI does not take",
      ask({ reasoning_effort: "extreme" }),
      400,
      "unsupported_parameter",
      "reasoning_effort",
    ],
  ])("%s → %s %s, and no CLI starts", async (_name, body, status, code, param) => {
    const { url, cli } = await start();
    const response = await chat(url, body);
    expect(response.status).toBe(status);
    expect(await errorOf(response)).toMatchObject({ type: "invalid_request_error", code, param });
    expect(cli.started).toHaveLength(0);
  });

  it("a body over MAX_BODY_BYTES → 413; an unknown path → 404, both OpenAI error bodies", async () => {
    const { url } = await start({ MAX_BODY_BYTES: "1000" });
    const large = await chat(url, ask({ messages: [{ role: "user", content: "x".repeat(2000) }] }));
    expect(large.status).toBe(413);
    expect(await errorOf(large)).toMatchObject({ code: "request_too_large" });
    const missing = await fetch(`${url}/v1/completions`, { method: "POST" });
    expect(missing.status).toBe(404);
    expect(await errorOf(missing)).toMatchObject({ code: "not_found" });
  });
});

describe("the subscription's usage windows", () => {
  const RESET = Date.parse("2026-12-03T09:31:32Z"); // usage-limit-5h.jsonl's resetsAt
  const WAIT_S = 2 * 3600 + 3 * 60;
  let clock = 0;
  const now = () => clock;
  const spentLines = (logs: { msg?: unknown }[], what: RegExp) =>
    logs.filter((line) => typeof line.msg === "string" && what.test(line.msg));

  it("a spent 5-hour window: 429 with Retry-After to the reset, worded as the subscription's usage limit; then every model is refused at once, with no CLI process, until the reset", async () => {
    clock = RESET - WAIT_S * 1000;
    const { url, cli, logs } = await start({ RATE_LIMIT_RETRY_AFTER_SECONDS: "7" }, now);
    cli.script = { fixture: "usage-limit-5h" };
    const first = await chat(url, ask());
    expect(first.status).toBe(429);
    expect(first.headers.get("retry-after")).toBe(String(WAIT_S));
    expect(first.headers.get("retry-after-ms")).toBe(String(WAIT_S * 1000));
    const error = await errorOf(first);
    expect(error).toMatchObject({ type: "rate_limit_error", code: "usage_limit_reached" });
    expect(error.message).toBe(
      "Claude subscription usage limit reached: the 5-hour window is spent and resets at 09:31 UTC (in 2 h 3 min). Claude CLI: You've hit your 5-hour limit · resets 9:31am (UTC).",
    );
    expect(spentLines(logs, /the 5-hour window is spent, resets 09:31 UTC/)).toHaveLength(1);

    clock += 60_000;
    for (const model of ["claude-opus-4", "sonnet", "claude-haiku-4-5", "fable"]) {
      for (const stream of [false, true]) {
        const refused = await chat(url, ask({ model, stream }));
        expect(refused.status).toBe(429);
        expect(refused.headers.get("retry-after")).toBe(String(WAIT_S - 60));
        expect((await errorOf(refused)).message).toMatch(
          /spent and resets at 09:31 UTC \(in 2 h 2 min\)\. maxapi refuses requests it applies to until then, without calling Anthropic\.$/,
        );
      }
    }
    expect(cli.started, "no CLI process while the window is spent").toHaveLength(1);
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toMatch(/^maxapi_usage_window_spent\{window="five_hour"\} 1$/m);
    expect(metrics).toMatch(/^maxapi_usage_window_refused_locally_total\{window="five_hour"\} 8$/m);
    expect(metrics).toMatch(/^maxapi_usage_window_resets_at_seconds\{window="five_hour"\} 1796290292$/m);
    expect(metrics).toMatch(/^maxapi_usage_window_utilization\{window="seven_day"\} 0.42$/m);
    // the same as JSON for the catch-up service, and the reset it reads back out of the refusal's words
    const limits = (await (await fetch(`${url}/v1/limits`)).json()) as LimitsReport;
    expect(limits.windows.find((w) => w.window === "five_hour")).toEqual({
      window: "five_hour",
      status: "rejected",
      utilization: 1,
      resetsAt: "2026-12-03T09:31:32.000Z",
      refusedLocally: 8,
    });
    expect(limits.extraUsage).toEqual({ setting: "off", inUse: [], answers: 0, refused: 0 });
    expect(readSpent(String(error.message), RESET - WAIT_S * 1000)).toEqual({
      window: "five_hour",
      resetsAt: Date.parse("2026-12-03T09:32:00Z"),
    });

    clock = RESET;
    cli.script = { fixture: "ok" };
    expect((await chat(url, ask())).status, "at the reset the CLI runs again").toBe(200);
    expect(cli.started).toHaveLength(2);
    expect(spentLines(logs, /the 5-hour window has reset/)).toHaveLength(1);
    expect(await (await fetch(`${url}/metrics`)).text()).toMatch(
      /^maxapi_usage_window_spent\{window="five_hour"\} 0$/m,
    );
  });

  it("a spent weekly Opus window holds back Opus only: Sonnet still runs; a spent week, every model", async () => {
    const weekReset = Date.parse("2026-12-06T13:00:00Z"); // the fixtures' resetsAt
    clock = weekReset - 3600_000;
    const { url, cli } = await start({}, now);
    cli.script = { fixture: "usage-limit-7d-opus" };
    const first = await chat(url, ask());
    expect(first.status).toBe(429);
    expect((await errorOf(first)).message).toBe(
      "Claude subscription usage limit reached: the weekly Opus window is spent and resets at 13:00 UTC (in 1 h). Claude CLI: You've hit your Opus limit · resets Dec 6, 1pm (UTC).",
    );
    expect((await chat(url, ask())).status).toBe(429);
    expect(cli.started).toHaveLength(1);
    cli.script = { fixture: "ok" };
    expect((await chat(url, ask({ model: "claude-sonnet-4" }))).status).toBe(200);
    expect(cli.started).toHaveLength(2);

    cli.script = { fixture: "usage-limit-7d" };
    expect((await chat(url, ask({ model: "claude-sonnet-4" }))).status).toBe(429);
    expect((await chat(url, ask({ model: "claude-haiku-4" }))).status).toBe(429);
    expect(cli.started, "the week's refusal holds back the other models without a CLI").toHaveLength(3);
  });

  it("an answer past the warning threshold: one log line the first time; /metrics gives each window's use and reset", async () => {
    clock = Date.parse("2026-12-03T07:30:54Z");
    const { url, cli, logs } = await start({}, now);
    cli.script = { fixture: "ok-warning-cache-usage" };
    expect((await chat(url, ask())).status).toBe(200);
    expect((await chat(url, ask())).status).toBe(200);
    expect(spentLines(logs, /the 5-hour window is 91 % used, resets 08:30 UTC$/)).toHaveLength(1);
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toMatch(/^maxapi_usage_window_utilization\{window="five_hour"\} 0.91$/m);
    expect(metrics).toMatch(/^maxapi_usage_window_resets_at_seconds\{window="five_hour"\} 1796286654$/m);
    expect(metrics).toMatch(/^maxapi_usage_window_spent\{window="five_hour"\} 0$/m);
    expect(cli.started).toHaveLength(2);
  });

  it("Anthropic's short rate limit (no window named) keeps RATE_LIMIT_RETRY_AFTER_SECONDS and refuses nothing ahead", async () => {
    const { url, cli } = await start({ RATE_LIMIT_RETRY_AFTER_SECONDS: "7" });
    cli.script = { fixture: "rate-limited-429" };
    for (let i = 0; i < 2; i++) {
      const response = await chat(url, ask());
      expect(response.status).toBe(429);
      expect(response.headers.get("retry-after")).toBe("7");
      expect(await errorOf(response)).toMatchObject({ code: "rate_limited" });
    }
    expect(cli.started).toHaveLength(2);
    expect(await (await fetch(`${url}/metrics`)).text()).not.toMatch(/^maxapi_usage_window_spent/m);
  });
});

describe("extra usage (EXTRA_USAGE)", () => {
  const RESET = Date.parse("2026-12-08T09:31:32Z"); // overage-in-use.jsonl's resetsAt
  const WAIT_S = 2 * 3600 + 3 * 60;
  let clock = 0;
  const now = () => clock;
  const metric = async (url: string, name: string) =>
    Number(new RegExp(`^${name} (\\S+)$`, "m").exec(await (await fetch(`${url}/metrics`)).text())?.[1]);
  const linesOf = (logs: { msg?: unknown }[], what: RegExp) =>
    logs.filter((line) => typeof line.msg === "string" && what.test(line.msg));

  it("off (the default): the answer billed to extra usage is delivered; then every model is refused at once, no CLI process, in words naming extra usage and EXTRA_USAGE, until the reset", async () => {
    clock = RESET - WAIT_S * 1000;
    const { url, cli, logs } = await start({}, now);
    cli.script = { fixture: "overage-in-use" };
    const first = await chat(url, ask());
    expect(first.status).toBe(200);
    expect(((await first.json()) as { choices: { message: { content: string } }[] }).choices[0]?.message.content).toBe(
      "Hello from mock!",
    );
    expect(await metric(url, "maxapi_extra_usage_in_use")).toBe(1);

    clock += 60_000;
    for (const model of ["claude-opus-4", "sonnet", "claude-haiku-4-5"]) {
      for (const stream of [false, true]) {
        const refused = await chat(url, ask({ model, stream }));
        expect(refused.status).toBe(429);
        expect(refused.headers.get("retry-after")).toBe(String(WAIT_S - 60));
        const error = await errorOf(refused);
        expect(error).toMatchObject({ type: "rate_limit_error", code: "extra_usage_not_allowed" });
        expect(error.message).toBe(
          "Claude subscription usage limit reached: the 5-hour window is spent and resets at 09:31 UTC (in 2 h 2 min). Requests would draw on extra usage, which EXTRA_USAGE=off does not allow: maxapi refuses them until then.",
        );
      }
    }
    expect(cli.started, "no CLI process after the billed answer").toHaveLength(1);
    expect(await metric(url, "maxapi_extra_usage_answers_total")).toBe(1);
    expect(await metric(url, "maxapi_extra_usage_refused_total")).toBe(6);
    expect(await metric(url, "maxapi_extra_usage_allowed")).toBe(0);
    expect(await metric(url, "maxapi_extra_usage_until_seconds")).toBe(RESET / 1000);
    expect(linesOf(logs, /billed to extra usage; EXTRA_USAGE=off/)).toHaveLength(1);

    clock = RESET;
    cli.script = { fixture: "ok" };
    expect((await chat(url, ask())).status, "at the reset the CLI runs again").toBe(200);
    expect(cli.started).toHaveLength(2);
    expect(await metric(url, "maxapi_extra_usage_in_use")).toBe(0);
    expect(linesOf(logs, /has reset; answers come from the plan again/)).toHaveLength(1);
  });

  it("allowed: every request goes to the CLI and each billed answer is counted", async () => {
    clock = RESET - WAIT_S * 1000;
    const { url, cli } = await start({ EXTRA_USAGE: "allowed" }, now);
    cli.script = { fixture: "overage-in-use" };
    for (const stream of [false, true, false]) expect((await chat(url, ask({ stream }))).status).toBe(200);
    expect(cli.started).toHaveLength(3);
    expect(await metric(url, "maxapi_extra_usage_answers_total")).toBe(3);
    expect(await metric(url, "maxapi_extra_usage_refused_total")).toBe(0);
    expect(await metric(url, "maxapi_extra_usage_in_use")).toBe(1);
    expect(await metric(url, "maxapi_extra_usage_allowed")).toBe(1);
    expect(
      await metric(url, 'maxapi_usage_window_spent\\{window="five_hour"\\}'),
      "answered, so not refused as a spent window",
    ).toBe(0);
  });
});

describe("Anthropic's billing refusals", () => {
  const cases: [Fixture, string, RegExp][] = [
    [
      "billing-third-party",
      "extra_usage_required",
      /^Anthropic refused this request on billing grounds: "Third-party apps now draw from your extra usage, not your plan limits\. .*keep going\." This is Anthropic's decision/,
    ],
    [
      "billing-out-of-extra-usage",
      "extra_usage_exhausted",
      /^Anthropic refused this request on billing grounds: "You're out of extra usage\. Add more at claude\.ai\/settings\/usage and keep going\."/,
    ],
    [
      "billing-long-context",
      "extra_usage_required",
      /^Anthropic refused this request on billing grounds: "Usage credits required for 1M context · turn on usage credits/,
    ],
  ];
  it.each(cases)(
    "%s → 402 billing_error %s, whole and streamed, with the options; counted in /metrics; nothing refused ahead",
    async (fixture, code, message) => {
      const { url, cli } = await start();
      cli.script = { fixture };
      for (const stream of [false, true]) {
        const response = await chat(url, ask({ stream }));
        expect(response.status).toBe(402);
        expect(response.headers.get("retry-after")).toBeNull();
        const error = await errorOf(response);
        expect(error).toMatchObject({ type: "billing_error", code });
        expect(error.message).toMatch(message);
        expect(error.message).toMatch(/Options: turn on extra usage .*\(FALLBACK_ANTHROPIC_API_KEY\).* Option 1/);
      }
      expect(cli.started, "each request went to the CLI: a billing refusal is not cooled down").toHaveLength(2);
      const metrics = await (await fetch(`${url}/metrics`)).text();
      expect(metrics).toMatch(new RegExp(`^maxapi_billing_refusals_total\\{code="${code}"\\} 2$`, "m"));
      expect(metrics).toMatch(/^maxapi_billing_last_refusal_seconds \d{10}$/m);
      expect(metrics).not.toMatch(/^maxapi_usage_window_spent\{[^}]*\} 1$/m);
    },
  );
});

describe("a model refused: a CLI too old for it, a model the account may not use", () => {
  it("version-too-old → 404 claude_code_version_too_old naming both versions and the make command, whole and streamed; each request one CLI run, nothing repeated", async () => {
    const { url, cli } = await start();
    cli.script = { fixture: "version-too-old" };
    for (const stream of [false, true]) {
      const response = await chat(url, ask({ model: "fable", stream }));
      expect(response.status).toBe(404);
      expect(response.headers.get("retry-after")).toBeNull();
      const error = await errorOf(response);
      expect(error).toMatchObject({ type: "not_found_error", code: "claude_code_version_too_old", param: "model" });
      expect(error.message).toMatch(
        /^The Claude Code CLI maxapi runs \(2\.1\.330\) is too old for claude-fable-5-2: Anthropic requires version 2\.1\.332 or newer for it/,
      );
      expect(error.message).toContain("`make claude-code VERSION=2.1.332`");
      expect(error.message).not.toMatch(/try again|rate limit/i);
    }
    expect(cli.started).toHaveLength(2);
    expect(await (await fetch(`${url}/metrics`)).text()).not.toMatch(/^maxapi_billing_refusals_total\{/m);
  });

  it("model-not-allowed → 404 model_not_found naming the model, with what to do, whole and streamed; nothing repeated", async () => {
    const { url, cli } = await start();
    cli.script = { fixture: "model-not-allowed" };
    for (const stream of [false, true]) {
      const response = await chat(url, ask({ model: "claude-mythos-5", stream }));
      expect(response.status).toBe(404);
      const error = await errorOf(response);
      expect(error).toMatchObject({ type: "not_found_error", code: "model_not_found", param: "model" });
      expect(error.message).toMatch(
        /^Anthropic refused the model claude-mythos-5: it does not exist, or this account may not use it \(Claude CLI: "There's an issue with the selected model \(claude-mythos-5\)\./,
      );
      expect(error.message).toMatch(
        /Choose another model \(GET \/v1\/models lists them\), or check that the account has access to claude-mythos-5/,
      );
      expect(error.message).not.toContain("Run --model"); // the CLI's advice, not the client's
    }
    expect(cli.started).toHaveLength(2);
  });
});

describe("the other endpoints", () => {
  it("GET /v1/models lists the families and the exact ids; GET /health answers ok; GET /metrics gives the pool's figures", async () => {
    const { url } = await start();
    const models = (await (await fetch(`${url}/v1/models`)).json()) as {
      object: string;
      data: { id: string; object: string }[];
    };
    expect(models.object).toBe("list");
    const ids = models.data.map((m) => m.id);
    expect(ids.slice(0, 5)).toEqual(["mythos", "fable", "opus", "sonnet", "haiku"]);
    expect(ids).toEqual(
      expect.arrayContaining([
        "claude-opus-5-5",
        "claude-opus-4-8",
        "claude-sonnet-5-5",
        "claude-haiku-4-5",
        "claude-fable-5-2",
        "claude-fable-5-1",
        "claude-mythos-5",
      ]),
    );
    expect(ids, "claude-max-api's old ids are accepted, not listed: they name no model").not.toContain("claude-opus-4");
    expect(await (await fetch(`${url}/health`)).json()).toMatchObject({ status: "ok", provider: "claude-code-cli" });
    expect(await (await fetch(`${url}/metrics`)).text()).toMatch(/^maxapi_warm_misses_total 0$/m);
  });
});
