// The real Claude Code CLI (node_modules/.bin/claude) against the in-process mock Anthropic API, one
// mode each: its stream-json output must look like the real transcripts in
// ../shared/fixtures/claude-cli-2.1.330/ beside this repository (the expected strings below come from them).
// Observed with CLAUDE_CODE_MAX_RETRIES=1: the CLI calls only POST /v1/messages?beta=true, always
// twice on an error (one retry; after a 401 it re-reads its credentials and tries once more), waits
// `retry-after` before retrying a 429, and never retries a subscription usage limit.
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomUUID } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { MockAnthropicApi, type Mode, type ModeSettings } from "../support/mock-anthropic-api.ts";
import { freePort } from "../support/ports.ts";
import { ApiError, type Tool } from "@clawbridge/openai";
import { clientTools } from "../../services/maxapi/src/tools/client-tools.ts";

const CLAUDE = new URL("../../node_modules/.bin/claude", import.meta.url).pathname;
const MOCK_MAIN = new URL("../support/mock-anthropic-api.ts", import.meta.url).pathname;
const TOKEN = `sk-ant-oat01-${"x".repeat(95)}`; // as long as a real one (108)
const EXPIRED = "Failed to authenticate. API Error: 401 OAuth token has expired. Please obtain a new token or refresh your existing token.";
const RATE_LIMITED =
  "API Error: Server is temporarily limiting requests (not your usage limit) · This request would exceed your account's rate limit. Please try again later.";

interface Line {
  type: string;
  subtype?: string;
  event?: { type: string; delta?: { type: string; text?: string }; message?: { model: string } };
  is_error?: boolean;
  api_error_status?: number | null;
  api_error_type?: string;
  result?: string;
  error_status?: number;
  retry_delay_ms?: number;
  /** Which read of the CLI's stdout brought the line (0 for the first); added here. */
  read: number;
}

const children: ChildProcessWithoutNullStreams[] = [];
const dirs: string[] = [];
const mocks: MockAnthropicApi[] = [];
afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  await Promise.all(mocks.splice(0).map((mock) => mock.stop()));
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function startMock(mode: Mode, options: Partial<Omit<ModeSettings, "mode">> = {}) {
  const mock = await new MockAnthropicApi().start();
  mocks.push(mock);
  mock.setMode(mode, options);
  return mock;
}

/** Runs the CLI as claude-max-api does, in a fresh config dir (also its cwd, so it reads no project). */
function runClaude(mock: MockAnthropicApi, prompt: string, extraArgs: readonly string[] = [], extraEnv: Readonly<Record<string, string>> = {}) {
  const dir = mkdtempSync(join(tmpdir(), "claude-cli-"));
  dirs.push(dir);
  const env = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: dir,
    CLAUDE_CONFIG_DIR: dir,
    ANTHROPIC_BASE_URL: mock.url,
    CLAUDE_CODE_OAUTH_TOKEN: TOKEN,
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
    DISABLE_AUTOUPDATER: "1",
    CLAUDE_CODE_MAX_RETRIES: "1",
    ...extraEnv,
  };
  const args = ["--print", "--output-format", "stream-json", "--verbose", "--include-partial-messages"];
  args.push("--model", "sonnet", "--no-session-persistence", "--tools", "", ...extraArgs);
  const child = spawn(CLAUDE, args, { cwd: dir, env });
  children.push(child);
  child.stdin.end(prompt);
  const lines: Line[] = [];
  let pending = "";
  let stderr = "";
  let reads = 0;
  child.stdout.on("data", (chunk: Buffer) => {
    const read = reads++;
    pending += chunk.toString("utf8");
    const complete = pending.split("\n");
    pending = complete.pop() ?? "";
    for (const line of complete.filter(Boolean)) lines.push({ ...(JSON.parse(line) as Omit<Line, "read">), read });
  });
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
  const exited = once(child, "exit").then(([code, signal]) => ({ code: code as number | null, signal: signal as NodeJS.Signals | null }));
  const result = () => lines.find((line) => line.type === "result");
  return { child, lines, exited, result, stderr: () => stderr };
}

/** Waits for the CLI to finish and returns its result line (failing with its stderr when there is none). */
async function finish(run: ReturnType<typeof runClaude>) {
  const { code } = await run.exited;
  const result = run.result();
  if (!result) throw new Error(`no result line (exit ${code}): ${run.stderr()}`);
  return { code, result };
}

const streamEvents = (lines: Line[]) => lines.filter((line) => line.type === "stream_event").map((line) => line.event?.type);
const textDeltas = (lines: Line[]) => lines.filter((line) => line.event?.delta?.type === "text_delta");
const retries = (lines: Line[]) => lines.filter((line) => line.subtype === "api_retry");

describe("the real Claude Code CLI against the mock Anthropic API", { timeout: 60_000 }, () => {
  it("ok: streams the answer, and the mock records the prompt and the redacted OAuth token", async () => {
    const mock = await startMock("ok");
    const marker = `marker-${randomUUID()}`;
    const run = runClaude(mock, `Say hello. ${marker}`);
    const { code, result } = await finish(run);

    expect(code).toBe(0);
    expect(result).toMatchObject({ is_error: false, api_error_status: null, result: "Hello from mock!" });
    // the same events, in the same order, as ok.jsonl
    expect(streamEvents(run.lines)).toEqual([
      "message_start",
      "content_block_start",
      "content_block_delta",
      "content_block_delta",
      "content_block_delta",
      "content_block_stop",
      "message_delta",
      "message_stop",
    ]);
    expect(textDeltas(run.lines).map((line) => line.event?.delta?.text)).toEqual(["Hello", " from", " mock!"]);

    expect(mock.requests.map((request) => `${request.method} ${request.path}`)).toEqual(["POST /v1/messages?beta=true"]);
    const [request] = mock.requests;
    expect(request?.text).toContain(marker);
    expect(request?.body).toMatchObject({ stream: true });
    expect(run.lines.find((line) => line.event?.type === "message_start")?.event?.message?.model).toBe((request?.body as { model: string }).model);
    expect(request?.headers.authorization).toBe("Bearer sk-ant-oat01-…(108)");
    expect(request?.headers["x-api-key"]).toBeUndefined();
    expect(JSON.stringify(mock.requests)).not.toContain(TOKEN);
  });

  it("expired: fails with the 401 message of oauth-expired.jsonl after one more try", async () => {
    const mock = await startMock("expired");
    const run = runClaude(mock, "hello");
    const { code, result } = await finish(run);

    expect(code).not.toBe(0);
    expect(result).toMatchObject({ is_error: true, api_error_status: 401, api_error_type: "authentication_error", result: EXPIRED });
    expect(result.result).toContain("OAuth token has expired");
    expect(retries(run.lines).map((line) => line.error_status)).toContain(401);
    expect(mock.requests).toHaveLength(2);
  });

  it("invalid-key: a 401 for an OAuth token reads as not logged in", async () => {
    const mock = await startMock("invalid-key");
    const { code, result } = await finish(runClaude(mock, "hello"));

    expect(code).not.toBe(0);
    expect(result).toMatchObject({ is_error: true, api_error_status: 401, result: "Not logged in · Please run /login" });
  });

  it("rate-limited: 429 as in rate-limited-429.jsonl, retried once after retry-after", async () => {
    const mock = await startMock("rate-limited", { retryAfterSeconds: 1 });
    const run = runClaude(mock, "hello");
    const { code, result } = await finish(run);

    expect(code).not.toBe(0);
    expect(result).toMatchObject({ is_error: true, api_error_status: 429, api_error_type: "rate_limit_error", result: RATE_LIMITED });
    const [retry] = retries(run.lines);
    expect(retry).toMatchObject({ error_status: 429 });
    expect(retry?.retry_delay_ms).toBeGreaterThanOrEqual(1000); // without retry-after it waits ~500-600 ms
    expect(mock.requests).toHaveLength(2);
  });

  it("usage-limit: the subscription's own limit is not retried and names the reset time", async () => {
    const mock = await startMock("usage-limit", { retryAfterSeconds: 3600 });
    const run = runClaude(mock, "hello");
    const { code, result } = await finish(run);

    expect(code).not.toBe(0);
    expect(result).toMatchObject({ is_error: true, api_error_status: 429 });
    expect(result.result).toMatch(/^You've hit your 5-hour limit · resets /);
    expect(retries(run.lines)).toHaveLength(0);
    expect(mock.requests).toHaveLength(1);
  });

  it("overloaded: 529 overloaded_error, naming the gateway it used", async () => {
    const mock = await startMock("overloaded");
    const run = runClaude(mock, "hello");
    const { code, result } = await finish(run);

    expect(code).not.toBe(0);
    expect(result).toMatchObject({ is_error: true, api_error_status: 529, api_error_type: "overloaded_error" });
    expect(result.result).toMatch(/^API Error: 529 Overloaded\./);
    expect(result.result).toContain(new URL(mock.url).host);
    expect(retries(run.lines).map((line) => line.error_status)).toEqual([529]);
    expect(mock.requests).toHaveLength(2);
  });

  it("slow: the CLI prints each text delta as it arrives", async () => {
    const mock = await startMock("slow", { chunks: 5, chunkDelayMs: 300 });
    const run = runClaude(mock, "hello");
    const { code, result } = await finish(run);

    expect(code).toBe(0);
    expect(result).toMatchObject({ is_error: false, result: "Hello from mock!" });
    const deltas = textDeltas(run.lines);
    expect(deltas).toHaveLength(5);
    // all five, in order, between the block's start and stop
    expect(deltas.map((line) => line.event?.delta?.text).join("")).toBe("Hello from mock!");
    expect(streamEvents(run.lines)).toEqual([
      "message_start",
      "content_block_start",
      ...Array<string>(5).fill("content_block_delta"),
      "content_block_stop",
      "message_delta",
      "message_stop",
    ]);
    // not buffered: each delta came in a read of its own, and the result in a later one
    // (output held back until the end would come in one read, or in fewer than five)
    const reads = deltas.map((line) => line.read);
    expect(new Set(reads).size).toBe(5);
    expect(result.read).toBeGreaterThan(reads.at(-1) ?? Infinity);
  });

  it("hang: the CLI keeps waiting while the mock holds the request, and dies on SIGTERM", async () => {
    const mock = await startMock("hang");
    const run = runClaude(mock, "hello");
    await mock.until(() => mock.requests.length === 1);
    await new Promise((resolve) => setTimeout(resolve, 3000));

    expect(run.child.exitCode).toBeNull();
    expect(run.result()).toBeUndefined();
    expect(mock.requests).toHaveLength(1);
    // nothing of an answer while the mock holds the request: only the CLI's own system lines, no retry
    expect(run.lines.filter((line) => line.type !== "system")).toEqual([]);
    expect(retries(run.lines)).toEqual([]);
    run.child.kill("SIGTERM");
    // the SIGTERM ends it (the CLI handles the signal and exits 128 + 15), still without an answer,
    // a result or another request
    expect(await run.exited).toEqual({ code: 143, signal: null });
    expect(run.lines.filter((line) => line.type !== "system")).toEqual([]);
    expect(mock.requests).toHaveLength(1);
  });
});

describe("the real Claude Code CLI, client tools from clawbridge's stub MCP server, and the mock's tool_use answers", { timeout: 60_000 }, () => {
  const PARAMETERS = { type: "object" as const, properties: { command: { type: "string" } }, required: ["command"] };
  const TOOLS: Tool[] = [
    { type: "function", function: { name: "exec", description: "Run a shell command", parameters: PARAMETERS } },
    { type: "function", function: { name: "ls", description: "List files", parameters: { type: "object", properties: {} } } },
  ];
  const disposers: (() => void)[] = [];
  afterEach(() => {
    for (const dispose of disposers.splice(0)) dispose();
  });

  /** The CLI as maxapi runs a turn with client tools: the flags and environment clientTools() gives. */
  function runWithTools(mock: MockAnthropicApi, prompt: string) {
    const tools = clientTools({ tools: TOOLS });
    if (!tools || tools instanceof ApiError) throw new Error(`clientTools refused the test's tools: ${JSON.stringify(tools)}`);
    disposers.push(() => tools.dispose());
    return runClaude(mock, prompt, tools.flags.args, tools.flags.env);
  }

  it("two calls in one turn: one request offering exactly the client's tools, input in fragments, nothing run, the CLI stops (error_max_turns)", async () => {
    const mock = await startMock("ok", { answer: "Let me check.", toolCalls: [{ name: "exec", input: { command: "echo hi" } }, { name: "ls", input: {} }], inputFragments: 4 });
    const run = runWithTools(mock, "list and run");
    const { result } = await finish(run);
    expect(result).toMatchObject({ subtype: "error_max_turns", is_error: true });
    const messages = mock.requests.filter((r) => r.path.startsWith("/v1/messages"));
    expect(messages).toHaveLength(1);
    expect(messages[0]?.tools).toEqual(["mcp__c__exec", "mcp__c__ls"]); // no built-in tool
    const offered = (messages[0]?.body as { tools: { name: string; input_schema: unknown }[] }).tools;
    expect(offered[0]?.input_schema).toEqual(PARAMETERS);
    // the instruction about tool calls written as text reached the model's system prompt
    expect(JSON.stringify((messages[0]?.body as { system: unknown }).system)).toContain("a tool call written as text does nothing");
    const fragments = run.lines.filter((line) => (line.event?.delta?.type) === "input_json_delta");
    expect(fragments).toHaveLength(4); // exec's input; ls has none
    expect(run.lines.filter((line) => line.subtype === "permission_denied")).toHaveLength(2);
  });

  it("no calls: a text answer with tools offered ends as a normal success", async () => {
    const mock = await startMock("ok", { answer: "Nothing to do." });
    const { result } = await finish(runWithTools(mock, "hi"));
    expect(result).toMatchObject({ subtype: "success", is_error: false, result: "Nothing to do." });
  });

  it("a tool the request does not offer becomes text saying so; next and echo script a conversation", async () => {
    const mock = await startMock("ok", { answer: "The answer is $1.", echo: "RESULT=(\\d+)", next: [{ answer: "", toolCalls: [{ name: "nope", input: {} }] }] });
    const first = await finish(runWithTools(mock, "first"));
    expect(first.result.result).toBe("(mock: tool nope was not offered; offered: mcp__c__exec, mcp__c__ls)");
    const second = await finish(runWithTools(mock, "the tool printed RESULT=42"));
    expect(second.result.result).toBe("The answer is 42.");
  });
});

describe("the mock's own HTTP surface", () => {
  it("admin API: PUT/GET mode, GET/DELETE requests, 400 for an unknown mode; admin calls are not recorded", async () => {
    const mock = await startMock("ok");
    const admin = (method: string, path: string, body?: unknown) =>
      fetch(`${mock.url}${path}`, { method, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });

    expect(await (await admin("GET", "/health")).json()).toEqual({ status: "ok" });
    let response = await admin("PUT", "/__mock/mode", { mode: "slow", chunks: 3, chunkDelayMs: 0 });
    expect(response.status).toBe(200);
    const slow = { mode: "slow", answer: "Hello from mock!", chunks: 3, chunkDelayMs: 0, retryAfterSeconds: 7, toolCalls: [], inputFragments: 3, echo: "", next: [] };
    expect(await response.json()).toEqual(slow);
    expect(await (await admin("GET", "/__mock/mode")).json()).toEqual(slow);

    response = await admin("PUT", "/__mock/mode", { mode: "sleepy" });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toMatch(/unknown mode "sleepy"; expected one of: ok, slow, hang/);
    response = await admin("PUT", "/__mock/mode", { mode: "slow", chunks: 0 });
    expect(response.status).toBe(400);
    expect(await (await admin("GET", "/__mock/mode")).json()).toEqual(slow); // unchanged

    expect(await (await admin("PUT", "/__mock/mode", { mode: "ok", answer: "Hi there" })).json()).toMatchObject({ mode: "ok", chunks: 20 });
    response = await fetch(`${mock.url}/v1/messages`, {
      method: "POST",
      headers: { "x-api-key": "sk-ant-api03-secret-secret", "content-type": "application/json" },
      body: JSON.stringify({ model: "claude-x", system: "be brief", messages: [{ role: "user", content: [{ type: "text", text: "hi" }] }] }),
    });
    expect(await response.json()).toMatchObject({ type: "message", model: "claude-x", content: [{ type: "text", text: "Hi there" }], stop_reason: "end_turn" });
    expect((await admin("GET", "/v1/nothing")).status).toBe(404);

    const recorded = (await (await admin("GET", "/__mock/requests")).json()) as MockAnthropicApi["requests"];
    expect(recorded.map((request) => `${request.method} ${request.path}`)).toEqual(["POST /v1/messages", "GET /v1/nothing"]);
    expect(recorded[0]).toMatchObject({ text: "be brief\nhi", headers: { "x-api-key": "sk-ant-api03-…(26)" } });
    expect((await admin("DELETE", "/__mock/requests")).status).toBe(200);
    expect(await (await admin("GET", "/__mock/requests")).json()).toEqual([]);
    expect(mock.requests).toEqual([]);
  });

  it("answers errors as Anthropic does: request-id header, request_id in the body, retry-after on 429", async () => {
    const mock = await startMock("rate-limited");
    const post = (path = "/v1/messages") => fetch(`${mock.url}${path}`, { method: "POST", body: JSON.stringify({ model: "m", messages: [] }) });
    let response = await post();
    expect(response.status).toBe(429);
    expect(response.headers.get("retry-after")).toBe("7");
    const body = (await response.json()) as { type: string; error: { type: string }; request_id: string };
    expect(body).toMatchObject({ type: "error", error: { type: "rate_limit_error" } });
    expect(body.request_id).toMatch(/^req_/);
    expect(response.headers.get("request-id")).toBe(body.request_id);

    mock.setMode("overloaded");
    response = await post("/v1/messages/count_tokens");
    expect(response.status).toBe(529);
    expect(await response.json()).toMatchObject({ error: { type: "overloaded_error", message: "Overloaded" } });

    mock.setMode("ok");
    expect(await (await post("/v1/messages/count_tokens")).json()).toEqual({ input_tokens: expect.any(Number) as number });
  });

  it("runs standalone as a process and exits 0 on SIGTERM", async () => {
    const port = await freePort();
    const child = spawn(process.execPath, [MOCK_MAIN, String(port), "127.0.0.1"], { env: { PATH: process.env.PATH } });
    children.push(child);
    const exited = once(child, "exit");
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    while (!output.includes("listening")) await once(child.stdout, "data");

    expect(await (await fetch(`http://127.0.0.1:${port}/health`)).json()).toEqual({ status: "ok" });
    child.kill("SIGTERM");
    expect((await exited)[0]).toBe(0);
  });
});
