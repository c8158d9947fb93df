// The real Claude Code CLI (node_modules/.bin/claude) against the in-process mock Anthropic API, one
// mode each: its stream-json output must look like the real transcripts in
// ../shared/fixtures/claude-cli-2.1.330/ beside this repository (the expected strings below come from them).
// Observed with CLAUDE_CODE_MAX_RETRIES=1: the CLI calls only POST /v1/messages?beta=true, always
// twice on an error (one retry; after a 401 it re-reads its credentials and tries once more), waits
// `retry-after` before retrying a 429, and never retries a subscription usage limit.
// The subscription's limits are measured with CLAUDE_CODE_MAX_RETRIES=2, as maxapi's image sets it
// (test/fixtures/cli/usage-limit-7d*.jsonl, billing-*.jsonl, prompt-too-long-mock.jsonl,
// ok-warning-cache-usage-mock.jsonl are these runs): the CLI prints the subscription's headers as a
// `rate_limit_event` line after every answer and 429 (none after a 400); a spent window is one call, never retried,
// and names its window and reset; a 400 billing refusal is three calls with no api_retry line (the CLI
// sends the request again twice at once, each time without one more beta, whatever
// CLAUDE_CODE_MAX_RETRIES says); the long-context refusal is one call. Refusals of a model
// (version-too-old.jsonl, model-not-allowed.jsonl): Anthropic's version floor is two calls (the second
// with one beta fewer, no api_retry line), its 404 for a model two calls too; both exit 1.
// An answer ending in stop_reason max_tokens makes the CLI send the conversation again with a user
// message "Output token limit hit. Resume directly ...", up to three times, then fail with
// api_error max_output_tokens; the result of a resumed answer is the last answer's text alone.
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createHash, randomUUID } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { cachePrefixShares, requestBytes, summarize } from "../support/cache-prefix.ts";
import {
  MockAnthropicApi,
  type Mode,
  type ModeOptions,
  type ModeSettings,
  type RecordedPrompt,
} from "../support/mock-anthropic-api.ts";
import { freePort } from "../support/ports.ts";
import { until } from "../support/until.ts";
import { ApiError, type Tool } from "@clawbridge/openai";
import { clientTools } from "../../services/maxapi/src/tools/client-tools.ts";

const CLAUDE = new URL("../../node_modules/.bin/claude", import.meta.url).pathname;
const MOCK_MAIN = new URL("../support/mock-anthropic-api.ts", import.meta.url).pathname;
const TOKEN = `sk-ant-oat01-${"x".repeat(95)}`; // as long as a real one (108)
const EXPIRED =
  "Failed to authenticate. API Error: 401 OAuth token has expired. Please obtain a new token or refresh your existing token.";
const RATE_LIMITED =
  "API Error: Server is temporarily limiting requests (not your usage limit) · This request would exceed your account's rate limit. Please try again later.";

interface RateLimitInfo {
  status: string;
  resetsAt?: number;
  rateLimitType?: string;
  utilization?: number;
  surpassedThreshold?: number;
  overageStatus?: string;
  overageResetsAt?: number;
  isUsingOverage: boolean;
  overageInUse?: boolean;
  unifiedWindows?: Record<
    string,
    { utilization: number; resetsAt: number; status?: string; surpassedThreshold?: number }
  >;
}

interface Line {
  type: string;
  subtype?: string;
  event?: {
    type: string;
    index?: number;
    delta?: { type: string; text?: string; thinking?: string; signature?: string };
    message?: { model: string };
  };
  /** An assistant line's message. */
  message?: { content: { type: string; text?: string; thinking?: string; signature?: string }[] };
  is_error?: boolean;
  api_error_status?: number | null;
  api_error_type?: string;
  api_error?: string;
  terminal_reason?: string;
  result?: string;
  usage?: Record<string, unknown>;
  error_status?: number;
  retry_delay_ms?: number;
  rate_limit_info?: RateLimitInfo;
  /** Which read of the CLI's stdout brought the line (0 for the first); added here. */
  read: number;
}

const children: ChildProcessWithoutNullStreams[] = [];
const dirs: string[] = [];
const mocks: MockAnthropicApi[] = [];
afterEach(async () => {
  for (const child of children.splice(0))
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  await Promise.all(mocks.splice(0).map((mock) => mock.stop()));
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function startMock(mode: Mode, options: ModeOptions = {}) {
  const mock = await new MockAnthropicApi().start();
  mocks.push(mock);
  mock.setMode(mode, options);
  return mock;
}

/** A config dir for the CLI (also its cwd, so it reads no project), removed after the test. */
function configDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "claude-cli-"));
  dirs.push(dir);
  return dir;
}

/** Runs the CLI as claude-max-api does, in a fresh config dir unless given one. */
function runClaude(
  mock: MockAnthropicApi,
  prompt: string,
  extraArgs: readonly string[] = [],
  extraEnv: Readonly<Record<string, string>> = {},
  dir = configDir(),
) {
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
  const exited = once(child, "exit").then(([code, signal]) => ({
    code: code as number | null,
    signal: signal as NodeJS.Signals | null,
  }));
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

const streamEvents = (lines: Line[]) =>
  lines.filter((line) => line.type === "stream_event").map((line) => line.event?.type);
const textDeltas = (lines: Line[]) => lines.filter((line) => line.event?.delta?.type === "text_delta");
const retries = (lines: Line[]) => lines.filter((line) => line.subtype === "api_retry");
const rateLimitEvents = (lines: Line[]) =>
  lines.flatMap((line) => (line.type === "rate_limit_event" && line.rate_limit_info ? [line.rate_limit_info] : []));
/** What maxapi's image sets. */
const MAXAPI_RETRIES = { CLAUDE_CODE_MAX_RETRIES: "2" };
const nowSeconds = () => Math.floor(Date.now() / 1000);

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

    expect(mock.requests.map((request) => `${request.method} ${request.path}`)).toEqual([
      "POST /v1/messages?beta=true",
    ]);
    const [request] = mock.requests;
    expect(request?.text).toContain(marker);
    expect(request?.body).toMatchObject({ stream: true });
    expect(run.lines.find((line) => line.event?.type === "message_start")?.event?.message?.model).toBe(
      (request?.body as { model: string }).model,
    );
    expect(request?.headers.authorization).toBe("Bearer sk-ant-oat01-…(108)");
    expect(request?.headers["x-api-key"]).toBeUndefined();
    expect(JSON.stringify(mock.requests)).not.toContain(TOKEN);
  });

  it("expired: fails with the 401 message of oauth-expired.jsonl after one more try", async () => {
    const mock = await startMock("expired");
    const run = runClaude(mock, "hello");
    const { code, result } = await finish(run);

    expect(code).not.toBe(0);
    expect(result).toMatchObject({
      is_error: true,
      api_error_status: 401,
      api_error_type: "authentication_error",
      result: EXPIRED,
    });
    expect(result.result).toContain("OAuth token has expired");
    expect(retries(run.lines).map((line) => line.error_status)).toContain(401);
    expect(mock.requests).toHaveLength(2);
  });

  it("invalid-key: a 401 for an OAuth token reads as not logged in", async () => {
    const mock = await startMock("invalid-key");
    const { code, result } = await finish(runClaude(mock, "hello"));

    expect(code).not.toBe(0);
    expect(result).toMatchObject({
      is_error: true,
      api_error_status: 401,
      result: "Not logged in · Please run /login",
    });
  });

  it("rate-limited: 429 as in rate-limited-429.jsonl, retried once after retry-after", async () => {
    const mock = await startMock("rate-limited", { retryAfterSeconds: 1 });
    const run = runClaude(mock, "hello");
    const { code, result } = await finish(run);

    expect(code).not.toBe(0);
    expect(result).toMatchObject({
      is_error: true,
      api_error_status: 429,
      api_error_type: "rate_limit_error",
      result: RATE_LIMITED,
    });
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

describe(
  "the real Claude Code CLI's prompt as the mock records it, and answers that think or hit max_tokens",
  { timeout: 60_000 },
  () => {
    const IDENTITY = "You are a Claude agent, built on Anthropic's Claude Agent SDK.";
    const prompts = (mock: MockAnthropicApi) =>
      mock.requests.flatMap((request) => (request.prompt ? [request.prompt] : []));
    /** Each block as kind:role:type, with * for a breakpoint. */
    const shape = (prompt: RecordedPrompt | undefined) =>
      prompt?.blocks.map((b) => `${b.kind}:${b.role ? `${b.role}:` : ""}${b.type}${b.cacheControl ? "*" : ""}`);

    it("records the system prompt without the billing header, the agent prompt or --system-prompt's text, the blocks and the settings", async () => {
      const mock = await startMock("ok");
      await finish(runClaude(mock, "hello"));
      await finish(runClaude(mock, "hello", ["--system-prompt", "You are terse."]));
      const [agent, own] = prompts(mock);

      // the billing header reached the mock (it is in the request's text), but not the prompt
      expect(mock.requests[0]?.text).toContain("x-anthropic-billing-header:");
      expect(agent?.system).not.toContain("x-anthropic-billing-header");
      expect(agent?.system.startsWith(`${IDENTITY}\n\nYou are an agent working with the user toward their goals`)).toBe(
        true,
      );
      expect(agent).toMatchObject({ cliAgentPrompt: true, systemLength: agent?.system.length });
      expect(agent?.systemLength).toBeGreaterThan(5000); // ~6.6k characters
      expect(own).toMatchObject({
        cliAgentPrompt: false,
        system: `${IDENTITY}\nYou are terse.`,
        systemLength: IDENTITY.length + 15,
      });
      // no tools (--tools ""): identity and prompt with 1h breakpoints, the user's text, the environment as a cached system message
      for (const prompt of [agent, own])
        expect(shape(prompt)).toEqual(["system:text*", "system:text*", "message:user:text", "message:system:text*"]);
      expect(agent?.blocks[1]?.cacheControl).toEqual({ type: "ephemeral", ttl: "1h" });
      expect(agent?.blocks[0]).toEqual(own?.blocks[0]); // the identity line, the same in both
      expect(agent?.blocks[2]?.bytes).toBe(JSON.stringify({ type: "text", text: "hello" }).length);
      expect(agent).toMatchObject({
        effort: "medium",
        thinking: { type: "adaptive", display: "updates" },
        maxTokens: 128000,
        temperature: null,
        topP: null,
        stopSequences: null,
      });
      // the other system prompt changes the second system block: only the identity line is cached for the second run
      const [share = 0] = cachePrefixShares([agent, own].map((prompt) => ({ prompt: prompt ?? null })));
      expect(share * (requestBytes([{ prompt: own ?? null }])[0] ?? 0)).toBe(own?.blocks[0]?.bytes);
    });

    it("thinking: the CLI streams the thinking block (its deltas and signature), then the text, which alone is the result", async () => {
      const mock = await startMock("ok", { thinking: "Let me think about it.", answer: "Hi there." });
      const run = runClaude(mock, "hello");
      const { code, result } = await finish(run);

      expect(code).toBe(0);
      expect(result).toMatchObject({ is_error: false, result: "Hi there.", stop_reason: "end_turn" });
      const deltas = run.lines
        .filter((line) => line.event?.type === "content_block_delta")
        .map((line) => `${line.event?.index}:${line.event?.delta?.type}`);
      expect(deltas).toEqual([
        ...Array<string>(5).fill("0:thinking_delta"),
        "0:signature_delta",
        "1:text_delta",
        "1:text_delta",
      ]);
      const thinking = run.lines
        .flatMap((line) => (line.type === "assistant" ? (line.message?.content ?? []) : []))
        .find((block) => block.type === "thinking");
      expect(thinking).toMatchObject({
        thinking: "Let me think about it.",
        signature: expect.stringMatching(/^[A-Za-z0-9+/]{40,}=*$/) as unknown,
      });
      expect(mock.requests).toHaveLength(1);
    });

    it("max_tokens: the CLI asks the model to resume three times, then fails with max_output_tokens; the resumptions keep the prefix cached", async () => {
      const mock = await startMock("ok", { answer: "This answer is cut", stopReason: "max_tokens" });
      const run = runClaude(mock, "hello");
      const { code, result } = await finish(run);

      expect(code).toBe(1);
      expect(result).toMatchObject({ is_error: true, terminal_reason: "api_error", num_turns: 4 });
      expect(result.result).toMatch(/^API Error: Claude's response exceeded the 128000 output token maximum\./);
      expect(mock.requests).toHaveLength(4);
      const resume = "Output token limit hit. Resume directly";
      expect(mock.requests.map((request) => request.text.split(resume).length - 1)).toEqual([0, 1, 2, 3]);
      // each resumption repeats the request before it and appends the cut answer and the request to resume:
      // the environment message stays after the first user message, so everything up to the latest breakpoint is cached
      expect(shape(prompts(mock)[1])).toEqual([
        "system:text*",
        "system:text*",
        "message:user:text",
        "message:system:text",
        "message:assistant:text",
        "message:user:text*",
      ]);
      const shares = cachePrefixShares(mock.requests);
      expect(shares).toHaveLength(3);
      expect(summarize(shares).min).toBeGreaterThan(0.9);
    });

    it("max_tokens once (next): the CLI resumes, and the result is the resumed answer only", async () => {
      const mock = await startMock("ok", {
        answer: "and the rest.",
        next: [{ answer: "This answer is cut", stopReason: "max_tokens" }],
      });
      const { code, result } = await finish(runClaude(mock, "hello"));

      expect(code).toBe(0);
      expect(result).toMatchObject({ is_error: false, result: "and the rest.", num_turns: 2 });
      expect(mock.requests).toHaveLength(2);
    });
  },
);

describe(
  "the real Claude Code CLI against the subscription's limits (CLAUDE_CODE_MAX_RETRIES=2, as maxapi runs it)",
  { timeout: 60_000 },
  () => {
    const run = (mock: MockAnthropicApi, extraArgs: readonly string[] = [], dir?: string) =>
      runClaude(mock, "hello", extraArgs, MAXAPI_RETRIES, dir);

    it("ok: a healthy subscription's headers become a rate_limit_event on a normal answer", async () => {
      const mock = await startMock("ok");
      const run1 = run(mock);
      const { code, result } = await finish(run1);

      expect(code).toBe(0);
      expect(result).toMatchObject({ is_error: false, result: "Hello from mock!" });
      const [event, ...more] = rateLimitEvents(run1.lines);
      expect(more).toEqual([]);
      expect(event).toMatchObject({
        status: "allowed",
        rateLimitType: "five_hour",
        overageStatus: "rejected",
        isUsingOverage: false,
      });
      expect(event?.unifiedWindows).toMatchObject({
        five_hour: { utilization: 0.15, status: "allowed" },
        seven_day: { utilization: 0.08, status: "allowed" },
      });
      expect(event?.resetsAt).toBe(event?.unifiedWindows?.five_hour?.resetsAt);
      expect(event?.resetsAt).toBeGreaterThan(nowSeconds());
      expect(event?.surpassedThreshold).toBeUndefined();
    });

    it("ok at 91 % of the 5-hour window, with cache usage: allowed_warning and the exact figures, as ok-warning-cache-usage.jsonl", async () => {
      const usage = {
        input_tokens: 12,
        cache_creation_input_tokens: 3000,
        cache_read_input_tokens: 45000,
        output_tokens: 7,
      };
      const mock = await startMock("ok", { answer: "Hello.", windows: { five_hour: 0.91, seven_day: 0.42 }, usage });
      const run1 = run(mock);
      const { code, result } = await finish(run1);

      expect(code).toBe(0);
      expect(result).toMatchObject({ is_error: false, result: "Hello.", terminal_reason: "completed" });
      expect(result.usage).toMatchObject(usage);
      expect(rateLimitEvents(run1.lines)).toEqual([
        expect.objectContaining({
          status: "allowed_warning",
          rateLimitType: "five_hour",
          utilization: 0.91,
          surpassedThreshold: 0.9,
          unifiedWindows: {
            five_hour: expect.objectContaining({
              utilization: 0.91,
              status: "allowed_warning",
              surpassedThreshold: 0.9,
            }) as unknown,
            seven_day: expect.objectContaining({ utilization: 0.42, status: "allowed" }) as unknown,
          },
        }) as unknown,
      ]);
    });

    const SPENT = [
      { window: "five_hour", args: [], name: "5-hour limit" },
      { window: "seven_day", args: [], name: "weekly limit" },
      { window: "seven_day_opus", args: ["--model", "opus"], name: "Opus limit" },
      { window: "seven_day_sonnet", args: [], name: "Sonnet limit" },
    ] as const;
    it.each(SPENT)(
      "usage-limit $window: one call, not retried, a rejected rate_limit_event with the window and its resetsAt",
      async ({ window, args, name }) => {
        const resetsAt = nowSeconds() + 3 * 86_400;
        const mock = await startMock("usage-limit", { window, resetsAt });
        const run1 = run(mock, args);
        const { code, result } = await finish(run1);

        expect(code).toBe(1);
        expect(result).toMatchObject({
          is_error: true,
          api_error_status: 429,
          api_error_type: "rate_limit_error",
          api_error: "usage_limit_reached",
          terminal_reason: "api_error",
        });
        expect(result.result).toMatch(new RegExp(`^You've hit your ${name} · resets `));
        expect(mock.requests).toHaveLength(1);
        expect(retries(run1.lines)).toEqual([]);
        const [event, ...more] = rateLimitEvents(run1.lines);
        expect(more).toEqual([]);
        expect(event).toMatchObject({
          status: "rejected",
          resetsAt,
          rateLimitType: window,
          overageStatus: "rejected",
          isUsingOverage: false,
        });
        // the 5-hour and 7-day windows carry their own state; the per-model ones have no headers of their own
        const own = window === "five_hour" || window === "seven_day" ? window : undefined;
        for (const [name, reading] of Object.entries(event?.unifiedWindows ?? {})) {
          expect(reading).toMatchObject(
            name === own ? { utilization: 1, resetsAt, status: "rejected" } : { status: "allowed" },
          );
        }
      },
    );

    it("overage-in-use: a spent 5-hour window answered on extra usage is a success, its rate_limit_event rejected with isUsingOverage and overageInUse, as overage-in-use.jsonl", async () => {
      const resetsAt = nowSeconds() + 3600;
      const mock = await startMock("overage-in-use", { resetsAt, windows: { seven_day: 0.42 } });
      const run1 = run(mock);
      const { code, result } = await finish(run1);

      expect(code).toBe(0);
      expect(result).toMatchObject({
        is_error: false,
        api_error_status: null,
        result: "Hello from mock!",
        terminal_reason: "completed",
      });
      expect(mock.requests).toHaveLength(1);
      const [event, ...more] = rateLimitEvents(run1.lines);
      expect(more).toEqual([]);
      // measured on 2.1.330: the window's own status stays rejected; what tells the answer was billed are the two flags
      expect(event).toMatchObject({
        status: "rejected",
        resetsAt,
        rateLimitType: "five_hour",
        overageStatus: "allowed",
        isUsingOverage: true,
        overageInUse: true,
      });
      expect(event?.overageResetsAt).toBeGreaterThan(resetsAt);
      expect(event?.unifiedWindows).toMatchObject({
        five_hour: { utilization: 1, resetsAt, status: "rejected" },
        seven_day: { utilization: 0.42, status: "allowed" },
      });
      // at resetsAt the mock answers from the plan again: the flags are false and absent
      mock.setMode("overage-in-use", { resetsAt: nowSeconds() + 1 });
      await until("the mock's window to reset", () => mock.settings.mode === "ok", 100, 50);
      const plan = run(mock);
      await finish(plan);
      const [after] = rateLimitEvents(plan.lines);
      expect(after).toMatchObject({ status: "allowed", overageStatus: "rejected", isUsingOverage: false });
      expect(after?.overageInUse).toBeUndefined();
    });

    it("usage-limit seven_day_opus refuses opus only: a sonnet request is answered", async () => {
      const mock = await startMock("usage-limit", { window: "seven_day_opus", resetsAt: nowSeconds() + 86_400 });
      const sonnet = await finish(run(mock));
      expect(sonnet.result).toMatchObject({ is_error: false, result: "Hello from mock!" });
      const opus = await finish(run(mock, ["--model", "opus"]));
      expect(opus.result.result).toMatch(/^You've hit your Opus limit/);
      expect(mock.requests.map((request) => (request.body as { model: string }).model)).toEqual([
        expect.stringMatching(/^claude-sonnet-/),
        expect.stringMatching(/^claude-opus-/),
      ]);
    });

    it("usage-limit resets by itself: the same CLI config is refused, then answered once resetsAt has passed", async () => {
      const mock = await startMock("usage-limit", { resetsAt: nowSeconds() + 3600 });
      const dir = configDir(); // maxapi keeps one config dir across runs: nothing in it may hold the refusal
      const refused = await finish(run(mock, [], dir));
      expect(refused.result).toMatchObject({ is_error: true, api_error: "usage_limit_reached" });

      mock.setMode("usage-limit", { resetsAt: nowSeconds() + 2 });
      expect(mock.settings.mode).toBe("usage-limit");
      await until("the mock's window to reset", () => mock.settings.mode === "ok", 100, 100);
      const answered = run(mock, [], dir);
      const { code, result } = await finish(answered);
      expect(code).toBe(0);
      expect(result).toMatchObject({ is_error: false, result: "Hello from mock!" });
      expect(rateLimitEvents(answered.lines)).toEqual([expect.objectContaining({ status: "allowed" }) as unknown]);
      expect(mock.requests).toHaveLength(2);
    });

    it("prompt-too-long: one call, terminal_reason prompt_too_long with the figures of the message", async () => {
      const mock = await startMock("prompt-too-long", { promptTokens: 312_345, promptLimit: 200_000 });
      const run1 = run(mock);
      const { code, result } = await finish(run1);

      expect(code).toBe(1);
      expect(result).toMatchObject({
        is_error: true,
        api_error_status: 400,
        api_error_type: "invalid_request_error",
        terminal_reason: "prompt_too_long",
      });
      expect(result.result).toMatch(/^Prompt is too long · the request is ~312345 tokens \(limit 200000\)/);
      expect(mock.requests).toHaveLength(1);
      expect(retries(run1.lines)).toEqual([]);
      expect(rateLimitEvents(run1.lines)).toEqual([]);
    });

    it.each([
      [
        "billing-third-party",
        "API Error: 400 Third-party apps now draw from your extra usage, not your plan limits. We've added a $200 credit to get you started. Claim it at claude.ai/settings/usage and keep going.",
      ],
      [
        "billing-out-of-extra-usage",
        "API Error: 400 You're out of extra usage. Add more at claude.ai/settings/usage and keep going.",
      ],
    ] as const)("%s: three calls without an api_retry line, the 400 message as the result", async (mode, text) => {
      const mock = await startMock(mode);
      const run1 = run(mock);
      const { code, result } = await finish(run1);

      expect(code).toBe(1);
      expect(result).toMatchObject({
        is_error: true,
        api_error_status: 400,
        api_error_type: "invalid_request_error",
        terminal_reason: "api_error",
        result: text,
      });
      expect(result.api_error).toBeUndefined();
      // not retries: the same request again at once, each time with one beta fewer
      expect(mock.requests).toHaveLength(3);
      expect(retries(run1.lines)).toEqual([]);
      const betas = mock.requests.map((request) => String(request.headers["anthropic-beta"]).split(","));
      expect(betas[1]?.length).toBeLessThan(betas[0]?.length ?? 0);
      expect(betas[2]?.length).toBeLessThan(betas[1]?.length ?? 0);
      expect(rateLimitEvents(run1.lines)).toEqual([]); // none after a 400
    });

    it("billing-long-context: one call, rewritten as Usage credits required for 1M context", async () => {
      const mock = await startMock("billing-long-context");
      const run1 = run(mock);
      const { code, result } = await finish(run1);

      expect(code).toBe(1);
      expect(result).toMatchObject({
        is_error: true,
        api_error_status: 429,
        api_error_type: "rate_limit_error",
        api_error: "long_context_credits_required",
        terminal_reason: "api_error",
      });
      expect(result.result).toMatch(/^API Error: Usage credits required for 1M context · /);
      expect(mock.requests).toHaveLength(1);
      expect(retries(run1.lines)).toEqual([]);
      // without the representative claim no window is named
      expect(rateLimitEvents(run1.lines)).toEqual([expect.objectContaining({ status: "rejected" }) as unknown]);
      expect(rateLimitEvents(run1.lines)[0]?.rateLimitType).toBeUndefined();
    });

    it("rate-limited: Anthropic's short-term 429 (no representative claim) still reads as not the usage limit", async () => {
      const mock = await startMock("rate-limited", { retryAfterSeconds: 1 });
      const run1 = run(mock);
      const { result } = await finish(run1);

      expect(result).toMatchObject({ is_error: true, api_error_status: 429, result: RATE_LIMITED });
      expect(retries(run1.lines).map((line) => line.error_status)).toEqual([429, 429]);
      expect(mock.requests).toHaveLength(3);
    });
  },
);

describe(
  "the real Claude Code CLI refused a model (CLAUDE_CODE_MAX_RETRIES=2, as maxapi runs it)",
  { timeout: 60_000 },
  () => {
    const run = (mock: MockAnthropicApi, model: string) => runClaude(mock, "hello", ["--model", model], MAXAPI_RETRIES);
    const models = (mock: MockAnthropicApi) =>
      mock.requests.map((request) => (request.body as { model: string }).model);
    const betas = (mock: MockAnthropicApi) =>
      mock.requests.map((request) => String(request.headers["anthropic-beta"]).split(",").length);
    const init = (lines: Line[]) =>
      lines.find((line) => line.type === "system" && line.subtype === "init") as
        (Line & { model?: string; claude_code_version?: string }) | undefined;

    it("version-too-old, as version-too-old.jsonl: two calls (the second with one beta fewer, no api_retry line), exit 1, the code and Anthropic's sentence", async () => {
      const mock = await startMock("version-too-old", { requiredVersion: "2.1.332" });
      const run1 = run(mock, "fable");
      const { code, result } = await finish(run1);

      expect(code).toBe(1);
      expect(init(run1.lines)).toMatchObject({ model: "claude-fable-5-2", claude_code_version: "2.1.330" });
      expect(result).toMatchObject({
        is_error: true,
        api_error_status: 400,
        api_error_type: "invalid_request_error",
        api_error: "claude_code_version_too_old",
        api_error_code: "claude_code_version_too_old",
        terminal_reason: "api_error",
        result:
          "API Error: 400 Claude Code 2.1.330 does not support this model; version 2.1.332 or newer is required. Run 'claude update', or update the Claude desktop app, then try again.",
      });
      expect(models(mock)).toEqual(["claude-fable-5-2", "claude-fable-5-2"]);
      const [first = 0, second = 0] = betas(mock);
      expect(second).toBe(first - 1);
      expect(retries(run1.lines)).toEqual([]);
      expect(rateLimitEvents(run1.lines)).toEqual([]); // none after a 400
      // the version the mock read is the CLI's own (its User-Agent)
      expect(mock.requests[0]?.headers["user-agent"]).toMatch(/^claude-cli\/2\.1\.330 /);
    });

    it("version-too-old scoped to fable refuses fable only; a floor the CLI meets answers", async () => {
      const mock = await startMock("version-too-old", { requiredVersion: "2.1.332", models: "fable" });
      expect((await finish(run(mock, "sonnet"))).result).toMatchObject({ is_error: false, result: "Hello from mock!" });
      expect((await finish(run(mock, "fable"))).result).toMatchObject({ api_error: "claude_code_version_too_old" });
      mock.setMode("version-too-old", { requiredVersion: "2.1.251" }); // Fable 5.1's floor in September 2026
      const met = await finish(run(mock, "fable"));
      expect(met).toMatchObject({ code: 0, result: { is_error: false } });
      expect(models(mock)).toEqual(["claude-sonnet-5-5", "claude-fable-5-2", "claude-fable-5-2", "claude-fable-5-2"]);
    });

    it("model-not-allowed, as model-not-allowed.jsonl: the CLI drops Anthropic's 404 body for its own sentence; two calls, no api_retry line, exit 1", async () => {
      const mock = await startMock("model-not-allowed");
      const run1 = run(mock, "claude-mythos-5");
      const { code, result } = await finish(run1);

      expect(code).toBe(1);
      expect(result).toMatchObject({
        is_error: true,
        api_error_status: 404,
        api_error_type: "not_found_error",
        terminal_reason: "api_error",
        result:
          "There's an issue with the selected model (claude-mythos-5). It may not exist or you may not have access to it. Run --model to pick a different model.",
      });
      expect(result.api_error).toBeUndefined();
      expect(run1.lines.find((line) => line.type === "assistant")).toMatchObject({ error: "model_not_found" });
      expect(models(mock)).toEqual(["claude-mythos-5", "claude-mythos-5"]);
      expect(retries(run1.lines)).toEqual([]);
      // other models answer
      expect((await finish(run(mock, "sonnet"))).result).toMatchObject({ is_error: false, result: "Hello from mock!" });
    });
  },
);

describe(
  "the real Claude Code CLI, client tools from clawbridge's stub MCP server, and the mock's tool_use answers",
  { timeout: 60_000 },
  () => {
    const PARAMETERS = { type: "object" as const, properties: { command: { type: "string" } }, required: ["command"] };
    const TOOLS: Tool[] = [
      { type: "function", function: { name: "exec", description: "Run a shell command", parameters: PARAMETERS } },
      {
        type: "function",
        function: { name: "ls", description: "List files", parameters: { type: "object", properties: {} } },
      },
    ];
    const disposers: (() => void)[] = [];
    afterEach(() => {
      for (const dispose of disposers.splice(0)) dispose();
    });

    /** The CLI as maxapi runs a turn with client tools: the flags and environment clientTools() gives. */
    function runWithTools(mock: MockAnthropicApi, prompt: string) {
      const tools = clientTools({ tools: TOOLS });
      if (!tools || tools instanceof ApiError)
        throw new Error(`clientTools refused the test's tools: ${JSON.stringify(tools)}`);
      disposers.push(() => tools.dispose());
      return runClaude(mock, prompt, tools.flags.args, tools.flags.env);
    }

    it("two calls in one turn: one request offering exactly the client's tools, input in fragments, nothing run, the CLI stops (error_max_turns)", async () => {
      const mock = await startMock("ok", {
        answer: "Let me check.",
        toolCalls: [
          { name: "exec", input: { command: "echo hi" } },
          { name: "ls", input: {} },
        ],
        inputFragments: 4,
      });
      const run = runWithTools(mock, "list and run");
      const { result } = await finish(run);
      expect(result).toMatchObject({ subtype: "error_max_turns", is_error: true });
      const messages = mock.requests.filter((r) => r.path.startsWith("/v1/messages"));
      expect(messages).toHaveLength(1);
      expect(messages[0]?.tools).toEqual(["mcp__c__exec", "mcp__c__ls"]); // no built-in tool
      const offered = (messages[0]?.body as { tools: { name: string; input_schema: unknown }[] }).tools;
      expect(offered[0]?.input_schema).toEqual(PARAMETERS);
      // the instruction about tool calls written as text reached the model's system prompt
      expect(JSON.stringify((messages[0]?.body as { system: unknown }).system)).toContain(
        "a tool call written as text does nothing",
      );
      const fragments = run.lines.filter((line) => line.event?.delta?.type === "input_json_delta");
      expect(fragments).toHaveLength(4); // exec's input; ls has none
      expect(run.lines.filter((line) => line.subtype === "permission_denied")).toHaveLength(2);
    });

    it("no calls: a text answer with tools offered ends as a normal success", async () => {
      const mock = await startMock("ok", { answer: "Nothing to do." });
      const { result } = await finish(runWithTools(mock, "hi"));
      expect(result).toMatchObject({ subtype: "success", is_error: false, result: "Nothing to do." });
    });

    it("a tool the request does not offer becomes text saying so; next and echo script a conversation", async () => {
      const mock = await startMock("ok", {
        answer: "The answer is $1.",
        echo: "RESULT=(\\d+)",
        next: [{ answer: "", toolCalls: [{ name: "nope", input: {} }] }],
      });
      const first = await finish(runWithTools(mock, "first"));
      expect(first.result.result).toBe("(mock: tool nope was not offered; offered: mcp__c__exec, mcp__c__ls)");
      const second = await finish(runWithTools(mock, "the tool printed RESULT=42"));
      expect(second.result.result).toBe("The answer is 42.");
    });
  },
);

describe("the mock's own HTTP surface", () => {
  it("admin API: PUT/GET mode, GET/DELETE requests, 400 for an unknown mode; admin calls are not recorded", async () => {
    const mock = await startMock("ok");
    const admin = (method: string, path: string, body?: unknown) =>
      fetch(`${mock.url}${path}`, { method, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });

    expect(await (await admin("GET", "/health")).json()).toEqual({ status: "ok" });
    let response = await admin("PUT", "/__mock/mode", { mode: "slow", chunks: 3, chunkDelayMs: 0 });
    expect(response.status).toBe(200);
    const slow = {
      mode: "slow",
      answer: "Hello from mock!",
      chunks: 3,
      chunkDelayMs: 0,
      retryAfterSeconds: 7,
      toolCalls: [],
      inputFragments: 3,
      echo: "",
      usage: {},
      windows: { five_hour: 0.15, seven_day: 0.08 },
      window: "five_hour",
      resetsAt: null,
      promptTokens: 215000,
      promptLimit: 200000,
      models: null,
      requiredVersion: "2.2.0",
      thinking: "",
      stopReason: null,
      next: [],
    };
    expect(await response.json()).toEqual(slow);
    expect(await (await admin("GET", "/__mock/mode")).json()).toEqual(slow);

    response = await admin("PUT", "/__mock/mode", { mode: "sleepy" });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toMatch(
      /unknown mode "sleepy"; expected one of: ok, slow, hang/,
    );
    response = await admin("PUT", "/__mock/mode", { mode: "slow", chunks: 0 });
    expect(response.status).toBe(400);
    expect(await (await admin("GET", "/__mock/mode")).json()).toEqual(slow); // unchanged

    expect(await (await admin("PUT", "/__mock/mode", { mode: "ok", answer: "Hi there" })).json()).toMatchObject({
      mode: "ok",
      chunks: 20,
    });
    response = await fetch(`${mock.url}/v1/messages`, {
      method: "POST",
      headers: { "x-api-key": "sk-ant-api03-secret-secret", "content-type": "application/json" },
      body: JSON.stringify({
        model: "claude-x",
        system: "be brief",
        messages: [{ role: "user", content: [{ type: "text", text: "hi" }] }],
      }),
    });
    expect(await response.json()).toMatchObject({
      type: "message",
      model: "claude-x",
      content: [{ type: "text", text: "Hi there" }],
      stop_reason: "end_turn",
    });
    expect((await admin("GET", "/v1/nothing")).status).toBe(404);

    const recorded = (await (await admin("GET", "/__mock/requests")).json()) as MockAnthropicApi["requests"];
    expect(recorded.map((request) => `${request.method} ${request.path}`)).toEqual([
      "POST /v1/messages",
      "GET /v1/nothing",
    ]);
    expect(recorded[0]).toMatchObject({ text: "be brief\nhi", headers: { "x-api-key": "sk-ant-api03-…(26)" } });
    expect((await admin("DELETE", "/__mock/requests")).status).toBe(200);
    expect(await (await admin("GET", "/__mock/requests")).json()).toEqual([]);
    expect(mock.requests).toEqual([]);
  });

  it("answers errors as Anthropic does: request-id header, request_id in the body, retry-after on 429", async () => {
    const mock = await startMock("rate-limited");
    const post = (path = "/v1/messages") =>
      fetch(`${mock.url}${path}`, { method: "POST", body: JSON.stringify({ model: "m", messages: [] }) });
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
    expect(await (await post("/v1/messages/count_tokens")).json()).toEqual({
      input_tokens: expect.any(Number) as number,
    });
  });

  const post = (mock: MockAnthropicApi, body: Record<string, unknown> = {}, path = "/v1/messages") =>
    fetch(`${mock.url}${path}`, {
      method: "POST",
      body: JSON.stringify({ model: "claude-sonnet-5-5", messages: [{ role: "user", content: "hi" }], ...body }),
    });
  const limitHeaders = (response: Response) =>
    Object.fromEntries(
      [...response.headers]
        .filter(([name]) => name.startsWith("anthropic-ratelimit-unified-"))
        .map(([name, value]) => [name.replace("anthropic-ratelimit-unified-", ""), value]),
    );

  it("sends the subscription's headers on answers and errors: healthy by default, a warning from 90 %", async () => {
    const mock = await startMock("ok");
    let response = await post(mock);
    expect(response.status).toBe(200);
    const healthy = limitHeaders(response);
    expect(healthy).toEqual({
      status: "allowed",
      reset: healthy["5h-reset"],
      "representative-claim": "five_hour",
      "5h-status": "allowed",
      "5h-reset": expect.stringMatching(/^\d{10}$/) as unknown,
      "5h-utilization": "0.15",
      "7d-status": "allowed",
      "7d-reset": expect.stringMatching(/^\d{10}$/) as unknown,
      "7d-utilization": "0.08",
      "overage-status": "rejected",
      "overage-disabled-reason": "org_level_disabled",
    });
    expect(Number(healthy["5h-reset"])).toBeGreaterThan(nowSeconds());
    expect(Number(healthy["7d-reset"])).toBeGreaterThan(Number(healthy["5h-reset"]));

    mock.setMode("ok", { windows: { five_hour: 0.91, seven_day: 0.42 } });
    expect(limitHeaders(await post(mock))).toMatchObject({
      status: "allowed_warning",
      "representative-claim": "five_hour",
      "5h-status": "allowed_warning",
      "5h-utilization": "0.91",
      "5h-surpassed-threshold": "0.9",
      "7d-status": "allowed",
      "7d-utilization": "0.42",
    });
    mock.setMode("ok", { windows: { seven_day: 0.95 } }); // the 5-hour window keeps its default
    const weekly = limitHeaders(await post(mock));
    expect(weekly).toMatchObject({
      status: "allowed_warning",
      "representative-claim": "seven_day",
      "5h-utilization": "0.15",
      "7d-surpassed-threshold": "0.9",
    });
    expect(weekly.reset).toBe(weekly["7d-reset"]);

    // errors carry them too, but a 401 (no subscription known), and the short-term 429 and the
    // long-context refusal leave out the claim and the overage headers
    for (const mode of [
      "overloaded",
      "prompt-too-long",
      "billing-third-party",
      "billing-out-of-extra-usage",
    ] as const) {
      mock.setMode(mode);
      expect(limitHeaders(await post(mock))).toMatchObject({
        status: "allowed",
        "representative-claim": "five_hour",
        "overage-status": "rejected",
      });
    }
    for (const mode of ["rate-limited", "billing-long-context"] as const) {
      mock.setMode(mode);
      response = await post(mock);
      expect(response.status).toBe(429);
      const headers = limitHeaders(response);
      expect(headers).toMatchObject({ status: "allowed", "5h-utilization": "0.15" });
      expect(
        Object.keys(headers).filter((name) => name.startsWith("representative") || name.startsWith("overage")),
      ).toEqual([]);
    }
    mock.setMode("expired");
    expect(limitHeaders(await post(mock))).toEqual({});
  });

  it("usage-limit: 429 rejected with the spent window's headers and retry-after until resetsAt; a per-model window refuses its model only", async () => {
    const resetsAt = nowSeconds() + 7200;
    const mock = await startMock("usage-limit", { resetsAt, windows: { seven_day: 0.42 } });
    let response = await post(mock);
    expect(response.status).toBe(429);
    expect(await response.json()).toMatchObject({ type: "error", error: { type: "rate_limit_error" } });
    expect(Number(response.headers.get("retry-after"))).toBeGreaterThan(7000);
    expect(Number(response.headers.get("retry-after"))).toBeLessThanOrEqual(7200);
    expect(limitHeaders(response)).toMatchObject({
      status: "rejected",
      reset: String(resetsAt),
      "representative-claim": "five_hour",
      "5h-status": "rejected",
      "5h-reset": String(resetsAt),
      "5h-utilization": "1",
      "7d-status": "allowed",
      "7d-utilization": "0.42",
    });

    mock.setMode("usage-limit", { window: "seven_day", resetsAt });
    expect(limitHeaders(await post(mock))).toMatchObject({
      "representative-claim": "seven_day",
      "7d-status": "rejected",
      "7d-reset": String(resetsAt),
      "7d-utilization": "1",
      "5h-status": "allowed",
    });

    mock.setMode("usage-limit", { window: "seven_day_opus", resetsAt });
    response = await post(mock, { model: "claude-opus-5-5" });
    expect(response.status).toBe(429);
    expect(limitHeaders(response)).toMatchObject({
      status: "rejected",
      reset: String(resetsAt),
      "representative-claim": "seven_day_opus",
      "5h-status": "allowed",
      "7d-status": "allowed",
    });
    response = await post(mock, { model: "claude-sonnet-5-5" });
    expect(response.status).toBe(200);
    expect(limitHeaders(response)).toMatchObject({ status: "allowed", "representative-claim": "five_hour" });
    mock.setMode("usage-limit", { window: "seven_day_sonnet", resetsAt });
    expect((await post(mock, { model: "claude-sonnet-5-5" })).status).toBe(429);
    expect((await post(mock, { model: "claude-opus-5-5" })).status).toBe(200);
    expect(mock.settings).toMatchObject({ mode: "usage-limit", window: "seven_day_sonnet", resetsAt }); // answering others resets nothing

    // resetsAt defaults to now + retryAfterSeconds
    const before = nowSeconds();
    mock.setMode("usage-limit", { retryAfterSeconds: 600 });
    expect(mock.settings.resetsAt).toBeGreaterThanOrEqual(before + 600);
    expect(mock.settings.resetsAt).toBeLessThanOrEqual(nowSeconds() + 601);
    expect(mock.setMode("ok").resetsAt).toBeNull();
  });

  it(
    "usage-limit goes back to ok by itself once resetsAt has passed, as GET /__mock/mode shows",
    { timeout: 15_000 },
    async () => {
      const mock = await startMock("ok", { answer: "Back again." });
      const mode = async () => (await (await fetch(`${mock.url}/__mock/mode`)).json()) as ModeSettings;
      const response = await fetch(`${mock.url}/__mock/mode`, {
        method: "PUT",
        body: JSON.stringify({ mode: "usage-limit", answer: "Back again.", resetsAt: nowSeconds() + 2 }),
      });
      expect(await response.json()).toMatchObject({ mode: "usage-limit", window: "five_hour" });
      expect((await post(mock)).status).toBe(429);

      const after = await until(
        "the window to reset",
        async () => {
          const settings = await mode();
          return settings.mode === "ok" && settings;
        },
        100,
        100,
      );
      expect(after).toMatchObject({ mode: "ok", answer: "Back again.", window: "five_hour", resetsAt: null });
      const answer = await post(mock);
      expect(answer.status).toBe(200);
      expect(await answer.json()).toMatchObject({ content: [{ type: "text", text: "Back again." }] });
      expect(limitHeaders(answer)).toMatchObject({ status: "allowed", "5h-utilization": "0.15" });

      // a scripted usage-limit is one refusal, whatever its reset time
      mock.setMode("ok", { next: [{ mode: "usage-limit", window: "seven_day" }] });
      const scripted = await post(mock);
      expect(scripted.status).toBe(429);
      expect(limitHeaders(scripted)).toMatchObject({ "representative-claim": "seven_day", "7d-status": "rejected" });
      expect((await post(mock)).status).toBe(200);
    },
  );

  it("reports the usage figures it is given, streamed and not", async () => {
    const usage = {
      input_tokens: 12,
      cache_creation_input_tokens: 3000,
      cache_read_input_tokens: 45000,
      output_tokens: 7,
    };
    const mock = await startMock("ok", { usage });
    expect(await (await post(mock)).json()).toMatchObject({ usage });

    const events = (await (await post(mock, { stream: true })).text())
      .split("\n")
      .filter((line) => line.startsWith("data: "))
      .map((line) => JSON.parse(line.slice(6)) as { type: string; usage?: unknown; message?: { usage: unknown } });
    expect(events.find((event) => event.type === "message_start")?.message?.usage).toEqual({
      ...usage,
      output_tokens: 1,
    });
    expect(events.find((event) => event.type === "message_delta")?.usage).toEqual(usage);

    // by default: a quarter of the request's characters, no cache, a token per chunk ("Hello", " from", " mock!")
    mock.setMode("ok", { usage: { cache_read_input_tokens: 5 } });
    expect(await (await post(mock, { messages: [{ role: "user", content: "x".repeat(40) }] })).json()).toMatchObject({
      usage: { input_tokens: 10, cache_creation_input_tokens: 0, cache_read_input_tokens: 5, output_tokens: 3 },
    });
  });

  it("answers prompt-too-long and the billing refusals with Anthropic's bodies", async () => {
    const mock = await startMock("prompt-too-long");
    const refusal = async () => {
      const response = await post(mock);
      const body = (await response.json()) as {
        type: string;
        error: { type: string; message: string };
        request_id: string;
      };
      expect(body.request_id).toMatch(/^req_/);
      expect(response.headers.get("request-id")).toBe(body.request_id);
      return {
        status: response.status,
        retryAfter: response.headers.get("retry-after"),
        body: { ...body, request_id: "(id)" },
      };
    };
    const error = (type: string, message: string) => ({ type: "error", error: { type, message }, request_id: "(id)" });
    expect(await refusal()).toEqual({
      status: 400,
      retryAfter: null,
      body: error("invalid_request_error", "prompt is too long: 215000 tokens > 200000 maximum"),
    });
    mock.setMode("prompt-too-long", { promptTokens: 1_000_001, promptLimit: 1_000_000 });
    expect((await refusal()).body.error.message).toBe("prompt is too long: 1000001 tokens > 1000000 maximum");
    mock.setMode("billing-third-party");
    expect(await refusal()).toEqual({
      status: 400,
      retryAfter: null,
      body: error(
        "invalid_request_error",
        "Third-party apps now draw from your extra usage, not your plan limits. We've added a $200 credit to get you started. Claim it at claude.ai/settings/usage and keep going.",
      ),
    });
    mock.setMode("billing-out-of-extra-usage");
    expect(await refusal()).toEqual({
      status: 400,
      retryAfter: null,
      body: error(
        "invalid_request_error",
        "You're out of extra usage. Add more at claude.ai/settings/usage and keep going.",
      ),
    });
    mock.setMode("billing-long-context");
    expect(await refusal()).toEqual({
      status: 429,
      retryAfter: "7",
      body: error("rate_limit_error", "Extra usage is required for long context requests."),
    });
  });

  it("version-too-old: Anthropic's 400 with details.error_code, for the models and CLI versions it covers; the User-Agent's version decides", async () => {
    const mock = await startMock("version-too-old", { requiredVersion: "2.1.251", models: "^claude-fable-5-1$" });
    const send = async (model: string, headers: Record<string, string>) => {
      const response = await fetch(`${mock.url}/v1/messages`, {
        method: "POST",
        headers,
        body: JSON.stringify({ model, messages: [{ role: "user", content: "hi" }] }),
      });
      return {
        status: response.status,
        body: (await response.json()) as { type: string; error?: Record<string, unknown>; request_id?: string },
      };
    };
    const cli = (version: string) => ({ "user-agent": `claude-cli/${version} (external, cli)` });
    const refused = await send("claude-fable-5-1", cli("2.1.236"));
    expect(refused).toEqual({
      status: 400,
      body: {
        type: "error",
        error: {
          type: "invalid_request_error",
          message:
            "Claude Code 2.1.236 does not support this model; version 2.1.251 or newer is required. Run 'claude update', or update the Claude desktop app, then try again.",
          details: { error_code: "claude_code_version_too_old" },
        },
        request_id: expect.stringMatching(/^req_/) as unknown,
      },
    });
    expect((await send("claude-fable-5-1", cli("2.1.251"))).status).toBe(200);
    expect((await send("claude-fable-5-1", cli("2.1.1000"))).status).toBe(200); // compared as numbers
    expect((await send("claude-fable-5-2", cli("2.1.236"))).status).toBe(200); // not a model it covers
    expect((await send("claude-fable-5-1", { ...cli("2.1.236"), "x-api-key": "sk-ant-api03-x" })).status).toBe(200); // no floor on the metered API
    expect((await send("claude-fable-5-1", {})).body.error?.message).toMatch(
      /^Claude Code unknown does not support this model/,
    );
  });

  it("model-not-allowed: Anthropic's 404 not_found_error naming the model, for mythos by default or the models given", async () => {
    const mock = await startMock("model-not-allowed");
    const refused = await post(mock, { model: "claude-mythos-5" });
    expect(refused.status).toBe(404);
    expect(await refused.json()).toMatchObject({
      type: "error",
      error: { type: "not_found_error", message: "model: claude-mythos-5" },
    });
    expect((await post(mock, { model: "claude-sonnet-5-5" })).status).toBe(200);
    mock.setMode("model-not-allowed", { models: "^claude-opus-4-1$" });
    expect((await post(mock, { model: "claude-opus-4-1" })).status).toBe(404);
    expect((await post(mock, { model: "claude-mythos-5" })).status).toBe(200);
    expect((await post(mock, { model: "claude-opus-4-1" }, "/v1/messages/count_tokens")).status).toBe(404);

    const put = async (body: unknown) =>
      (
        (await (await fetch(`${mock.url}/__mock/mode`, { method: "PUT", body: JSON.stringify(body) })).json()) as {
          error?: string;
        }
      ).error;
    expect(await put({ mode: "model-not-allowed", models: "(" })).toMatch(/Invalid regular expression/);
    expect(await put({ mode: "version-too-old", requiredVersion: "latest" })).toBe(
      "requiredVersion must be a version like 2.1.251",
    );
  });

  it("refuses, as Anthropic does, a fifth cache breakpoint and a 1 h breakpoint after a 5 min one", async () => {
    const mock = await startMock("ok");
    const text = (ttl?: string) => ({
      type: "text",
      text: "x",
      cache_control: { type: "ephemeral", ...(ttl ? { ttl } : {}) },
    });
    const system = [text("1h"), text("1h")];
    const refused = async (content: unknown[]) => {
      const response = await post(mock, { system, messages: [{ role: "user", content }] });
      return response.status === 400
        ? ((await response.json()) as { error: { message: string } }).error.message
        : response.status;
    };
    expect(await refused([text("1h"), text("1h")])).toBe(200);
    expect(await refused([text("1h"), text("1h"), text("1h")])).toBe(
      "A maximum of 4 blocks with cache_control may be provided. Found 5.",
    );
    expect(await refused([text(), text("1h")])).toBe(
      "a ttl='1h' cache_control block must not come after a ttl='5m' cache_control block",
    );
    expect(await refused([text("1h"), text()])).toBe(200);
  });

  it("refuses bad limit options with a 400", async () => {
    const mock = await startMock("ok");
    const put = async (body: unknown) => {
      const response = await fetch(`${mock.url}/__mock/mode`, { method: "PUT", body: JSON.stringify(body) });
      return { status: response.status, error: ((await response.json()) as { error?: string }).error };
    };
    expect(await put({ mode: "usage-limit", window: "monthly" })).toEqual({
      status: 400,
      error: expect.stringMatching(
        /^unknown window "monthly"; expected one of: five_hour, seven_day, seven_day_opus, seven_day_sonnet/,
      ) as unknown,
    });
    expect(await put({ mode: "ok", windows: { five_hour: 1.5 } })).toEqual({
      status: 400,
      error: "windows.five_hour must be a utilization from 0 to 1",
    });
    expect(await put({ mode: "ok", windows: { seven_day_opus: 0.5 } })).toMatchObject({ status: 400 });
    expect(await put({ mode: "ok", usage: { input_tokens: -1 } })).toEqual({
      status: 400,
      error: "usage.input_tokens must be an integer >= 0",
    });
    expect(await put({ mode: "ok", usage: { total_tokens: 1 } })).toMatchObject({ status: 400 });
    expect(await put({ mode: "usage-limit", resetsAt: "tomorrow" })).toMatchObject({ status: 400 });
    expect(await put({ mode: "prompt-too-long", promptTokens: 0 })).toEqual({
      status: 400,
      error: "promptTokens must be an integer >= 1",
    });
    expect(mock.settings.mode).toBe("ok");
  });

  interface StreamEvent {
    type: string;
    index?: number;
    content_block?: Record<string, unknown>;
    delta?: {
      type?: string;
      text?: string;
      thinking?: string;
      signature?: string;
      partial_json?: string;
      stop_reason?: string;
    };
    usage?: { output_tokens: number };
  }
  const streamed = async (response: Response) =>
    (await response.text())
      .split("\n")
      .filter((line) => line.startsWith("data: "))
      .map((line) => JSON.parse(line.slice(6)) as StreamEvent);

  it("records each request's prompt: system without the billing header, the blocks in the cache's order, the settings", async () => {
    const mock = await startMock("ok");
    const ttl = { type: "ephemeral", ttl: "1h" };
    const tool = { name: "exec", description: "Run", input_schema: { type: "object" } };
    const billing = { type: "text", text: "x-anthropic-billing-header: cc_version=2.1.330.1; cc_entrypoint=sdk-cli;" };
    const agent = {
      type: "text",
      text: "\nYou are an agent working with the user toward their goals, using your own judgment.",
      cache_control: ttl,
    };
    const user = { type: "text", text: "hi", cache_control: { type: "ephemeral" } };
    await post(mock, {
      tools: [tool, { type: "web_search_20250305", name: "web_search", cache_control: ttl }],
      system: [billing, { type: "text", text: "Identity." }, agent],
      messages: [
        { role: "user", content: [user] },
        { role: "assistant", content: "Hello." },
        { role: "system", content: [{ type: "text", text: "# Environment", cache_control: ttl }] },
      ],
      max_tokens: 1024,
      thinking: { type: "enabled", budget_tokens: 512 },
      output_config: { effort: "high" },
      temperature: 0.5,
      top_p: 0.9,
      stop_sequences: ["END"],
    });
    await post(mock, {
      system: "You are terse.",
      messages: [{ role: "user", content: [{ type: "text", text: "hi" }] }],
    });
    await fetch(`${mock.url}/v1/nothing`);
    const [full, plain, get] = mock.requests;

    const hashOf = (block: unknown) => createHash("sha256").update(JSON.stringify(block)).digest("hex").slice(0, 16);
    const userText = { type: "text", text: "hi" }; // without its cache_control
    expect(full?.prompt).toEqual({
      system: `Identity.\n${agent.text}`,
      systemLength: 10 + agent.text.length,
      cliAgentPrompt: true,
      blocks: [
        { kind: "tool", type: "custom", bytes: JSON.stringify(tool).length, hash: hashOf(tool) },
        {
          kind: "tool",
          type: "web_search_20250305",
          bytes: expect.any(Number) as number,
          hash: hashOf({ type: "web_search_20250305", name: "web_search" }),
          cacheControl: ttl,
        },
        { kind: "system", type: "text", bytes: 34, hash: hashOf({ type: "text", text: "Identity." }) },
        {
          kind: "system",
          type: "text",
          bytes: expect.any(Number) as number,
          hash: expect.stringMatching(/^[0-9a-f]{16}$/) as unknown,
          cacheControl: ttl,
        },
        {
          kind: "message",
          role: "user",
          type: "text",
          bytes: JSON.stringify(userText).length,
          hash: hashOf(userText),
          cacheControl: { type: "ephemeral" },
        },
        // a string content is the one text block it stands for
        { kind: "message", role: "assistant", type: "text", bytes: 31, hash: hashOf({ type: "text", text: "Hello." }) },
        {
          kind: "message",
          role: "system",
          type: "text",
          bytes: expect.any(Number) as number,
          hash: expect.stringMatching(/^[0-9a-f]{16}$/) as unknown,
          cacheControl: ttl,
        },
      ],
      effort: "high",
      thinking: { type: "enabled", budget_tokens: 512 },
      maxTokens: 1024,
      temperature: 0.5,
      topP: 0.9,
      stopSequences: ["END"],
    });
    // a string system prompt; the same user text with and without cache_control is the same block
    expect(plain?.prompt).toMatchObject({
      system: "You are terse.",
      systemLength: 14,
      cliAgentPrompt: false,
      effort: null,
      thinking: null,
      maxTokens: null,
      temperature: null,
      topP: null,
      stopSequences: null,
    });
    expect(plain?.prompt?.blocks.at(-1)).toEqual({ ...full?.prompt?.blocks[4], cacheControl: undefined });
    expect(get?.prompt).toBeNull();
    // as the admin API gives them
    const recorded = (await (await fetch(`${mock.url}/__mock/requests`)).json()) as MockAnthropicApi["requests"];
    expect(recorded.map((request) => request.prompt)).toEqual(
      JSON.parse(JSON.stringify(mock.requests.map((request) => request.prompt))),
    );
  });

  it("thinking: a thinking block before the text, streamed (deltas, then its signature) and not", async () => {
    const mock = await startMock("ok", { thinking: "Hmm, a greeting.", answer: "Hi!" });
    const json = (await (await post(mock)).json()) as {
      content: { type: string; thinking?: string; signature?: string }[];
      usage: { output_tokens: number };
    };
    expect(json.content).toEqual([
      {
        type: "thinking",
        thinking: "Hmm, a greeting.",
        signature: expect.stringMatching(/^[A-Za-z0-9+/]+=*$/) as unknown,
      },
      { type: "text", text: "Hi!" },
    ]);
    expect(json.usage.output_tokens).toBe(4); // three thinking pieces, one text piece

    const events = await streamed(await post(mock, { stream: true }));
    expect(
      events.map((event) =>
        [event.type, event.index, event.content_block ?? event.delta?.type].filter((part) => part !== undefined),
      ),
    ).toEqual([
      ["message_start"],
      ["content_block_start", 0, { type: "thinking", thinking: "", signature: "" }],
      ["ping"],
      ["content_block_delta", 0, "thinking_delta"],
      ["content_block_delta", 0, "thinking_delta"],
      ["content_block_delta", 0, "thinking_delta"],
      ["content_block_delta", 0, "signature_delta"],
      ["content_block_stop", 0],
      ["content_block_start", 1, { type: "text", text: "" }],
      ["content_block_delta", 1, "text_delta"],
      ["content_block_stop", 1],
      ["message_delta"],
      ["message_stop"],
    ]);
    expect(events.map((event) => event.delta?.thinking ?? "").join("")).toBe("Hmm, a greeting.");
    expect(events.find((event) => event.delta?.type === "signature_delta")?.delta?.signature).toMatch(
      /^[A-Za-z0-9+/]{40,}=*$/,
    );

    // slow: the thinking pieces and the text's count as chunks, each after the pause
    mock.setMode("slow", { thinking: "abcdef", answer: "xyz", chunks: 2, chunkDelayMs: 50 });
    const started = Date.now();
    const slow = await streamed(await post(mock, { stream: true }));
    expect(Date.now() - started).toBeGreaterThanOrEqual(150); // four deltas, three pauses
    expect(slow.flatMap((event) => event.delta?.thinking ?? event.delta?.text ?? [])).toEqual([
      "abc",
      "def",
      "x",
      "yz",
    ]);
  });

  it("stopReason max_tokens: the answer as set, then stop_reason max_tokens; left out, tool_use after calls, else end_turn", async () => {
    const mock = await startMock("ok", { answer: "Cut here", stopReason: "max_tokens" });
    expect(await (await post(mock)).json()).toMatchObject({
      content: [{ type: "text", text: "Cut here" }],
      stop_reason: "max_tokens",
    });
    let events = await streamed(await post(mock, { stream: true }));
    expect(events.flatMap((event) => event.delta?.text ?? [])).toEqual(["Cut", " here"]);
    expect(events.find((event) => event.type === "message_delta")?.delta?.stop_reason).toBe("max_tokens");

    mock.setMode("ok", {
      answer: "",
      toolCalls: [{ name: "exec", input: { command: "ls" } }],
      stopReason: "max_tokens",
    });
    const tools = [{ name: "exec", input_schema: { type: "object" } }];
    expect(await (await post(mock, { tools })).json()).toMatchObject({
      content: [{ type: "tool_use", name: "exec" }],
      stop_reason: "max_tokens",
    });
    mock.setMode("ok", { answer: "", toolCalls: [{ name: "exec", input: { command: "ls" } }] });
    expect(await (await post(mock, { tools })).json()).toMatchObject({ stop_reason: "tool_use" });
    mock.setMode("ok");
    events = await streamed(await post(mock, { stream: true }));
    expect(events.find((event) => event.type === "message_delta")?.delta?.stop_reason).toBe("end_turn");

    const put = async (body: unknown) =>
      (await fetch(`${mock.url}/__mock/mode`, { method: "PUT", body: JSON.stringify(body) })).json();
    expect(await put({ mode: "ok", stopReason: "refusal" })).toEqual({
      error: 'unknown stopReason "refusal"; expected one of: max_tokens (or null)',
    });
    expect(await put({ mode: "ok", thinking: 1 })).toMatchObject({
      error: expect.stringMatching(/^thinking must be a string/) as unknown,
    });
    expect(await put({ mode: "ok", stopReason: null })).toMatchObject({ mode: "ok", stopReason: null });
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
