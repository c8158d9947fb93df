// A stand-in for Anthropic's Messages API, for running the real Claude Code CLI without an account
// or internet: point the CLI at it with ANTHROPIC_BASE_URL. It records every request (so tests can
// see what text, tools and images really reached "Anthropic") and answers according to a mode, switchable at runtime:
//   ok            200; SSE stream when body.stream, else a JSON message; the answer in a few chunks
//   slow          like ok, but `chunks` text deltas (default 20) `chunkDelayMs` apart (default 200)
//   hang          accepts the request and never answers (until the client goes away)
//   expired       401 authentication_error "OAuth token has expired. ..."
//   invalid-key   401 authentication_error "invalid x-api-key"
//   rate-limited  429 rate_limit_error with retry-after: `retryAfterSeconds` (default 7)
//   usage-limit   the same 429 plus `anthropic-ratelimit-unified-status: rejected`: the subscription's
//                 own 5-hour limit, resetting in `retryAfterSeconds`
//   overloaded    529 overloaded_error "Overloaded"
//   fail-mid-stream  streams two text deltas, then an overloaded_error event in the stream, and ends;
//                 a non-streamed request (the CLI's fallback after a failed stream) gets 529
// Options of ok and slow mode:
//   answer        the assistant's text ("" with toolCalls: calls only)
//   toolCalls     [{name, input}]: after the text, one tool_use block per call, its input streamed as
//                 `inputFragments` input_json_delta pieces; the name is matched against the tools the
//                 request offers (exactly, or as the suffix after `__` of an MCP tool `mcp__srv__name`),
//                 and a call of a tool not offered becomes text saying so
//   echo          a regular expression: `$1` in the answer becomes its first group in the request's text
//                 ("(no match)" without one), so an answer can repeat what a tool returned
//   next          settings for the following requests, one each, before these apply again
// The mode applies to POST /v1/messages (the error modes to /v1/messages/count_tokens too, which
// otherwise answers {"input_tokens": N}); other paths are recorded and answered 404.
// Admin API (not recorded):
//   GET /health                 {"status":"ok"}
//   GET /__mock/requests        recorded requests, oldest first; DELETE clears them
//   GET /__mock/mode            current settings {mode, answer, chunks, chunkDelayMs, retryAfterSeconds}
//   PUT /__mock/mode            {"mode": "...", "answer"?, "chunks"?, "chunkDelayMs"?, "retryAfterSeconds"?,
//                                "toolCalls"?, "inputFragments"?, "echo"?, "next"?};
//                               options left out go back to their defaults; 400 on an unknown mode
// Node builtins only: `node test/support/mock-anthropic-api.ts [port] [host]` (default 8080 0.0.0.0).
import { createHash, randomBytes } from "node:crypto";
import { once } from "node:events";
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";

export const MODES = ["ok", "slow", "hang", "expired", "invalid-key", "rate-limited", "usage-limit", "overloaded", "fail-mid-stream"] as const;
export type Mode = (typeof MODES)[number];

export interface ToolCall {
  /** The tool's name as the client named it (matched against the offered tools). */
  name: string;
  input: Record<string, unknown>;
}

export interface ModeSettings {
  mode: Mode;
  /** The assistant's text in ok and slow mode. */
  answer: string;
  /** Text deltas in slow mode (fewer when the answer has fewer characters). */
  chunks: number;
  chunkDelayMs: number;
  retryAfterSeconds: number;
  /** Tool calls after the text (ok and slow mode). */
  toolCalls: ToolCall[];
  /** Pieces each tool call's input is streamed in. */
  inputFragments: number;
  /** A regular expression whose first group replaces `$1` in the answer. */
  echo: string;
  /** Settings for the following requests, one each. */
  next: Partial<Omit<ModeSettings, "next">>[];
}

const DEFAULTS: Omit<ModeSettings, "mode"> = {
  answer: "Hello from mock!",
  chunks: 20,
  chunkDelayMs: 200,
  retryAfterSeconds: 7,
  toolCalls: [],
  inputFragments: 3,
  echo: "",
  next: [],
};

export interface RecordedRequest {
  /** Names of the tools the request offered the model (`mcp__srv__name` for the CLI's MCP tools). */
  tools: string[];
  /** The image blocks the request's messages carry, in order (inside tool results too). */
  images: RecordedImage[];
  method: string;
  /** With the query string, e.g. `/v1/messages?beta=true`. */
  path: string;
  /** Credentials redacted to a prefix and a length: `Bearer sk-ant-oat01-…(108)`. */
  headers: IncomingHttpHeaders;
  body: unknown;
  /** All text the request carries: system prompt blocks, then every message's text, one per line. */
  text: string;
}

export interface RecordedImage {
  mediaType: string;
  /** Length of the base64 text. */
  length: number;
  /** First 16 hex digits of the SHA-256 of the base64 text (test/support/images.ts fingerprint). */
  fingerprint: string;
}

// [status, error type, message] as Anthropic answers them
const ERRORS: Partial<Record<Mode, [number, string, string]>> = {
  expired: [401, "authentication_error", "OAuth token has expired. Please obtain a new token or refresh your existing token."],
  "invalid-key": [401, "authentication_error", "invalid x-api-key"],
  "rate-limited": [429, "rate_limit_error", "This request would exceed your account's rate limit. Please try again later."],
  "usage-limit": [429, "rate_limit_error", "This request would exceed your account's rate limit. Please try again later."],
  overloaded: [529, "overloaded_error", "Overloaded"],
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const requestId = () => `req_mock${randomBytes(12).toString("hex")}`;
const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

/** Keeps enough of a credential to tell which kind it is (`sk-ant-oat01-` is an OAuth token). */
function redact(value: string): string {
  const [, scheme = "", secret = ""] = /^(Bearer )?(.*)$/s.exec(value) ?? [];
  const prefix = /^sk-ant-[a-z]+\d*-/.exec(secret)?.[0] ?? secret.slice(0, 3);
  return `${scheme}${prefix}…(${secret.length})`;
}

/** Text of a string or an array of content blocks; tool results carry text too. */
function textOf(content: unknown): string[] {
  if (typeof content === "string") return [content];
  if (!Array.isArray(content)) return [];
  return content.flatMap((block) => {
    if (!isRecord(block)) return [];
    if (block.type === "text" && typeof block.text === "string") return [block.text];
    if (block.type === "tool_result") return textOf(block.content);
    return [];
  });
}

function imagesOf(content: unknown): RecordedImage[] {
  if (!Array.isArray(content)) return [];
  return content.flatMap((block): RecordedImage[] => {
    if (!isRecord(block)) return [];
    if (block.type === "tool_result") return imagesOf(block.content);
    const source = block.source;
    if (block.type !== "image" || !isRecord(source) || typeof source.data !== "string") return [];
    const data = source.data;
    return [{ mediaType: String(source.media_type), length: data.length, fingerprint: createHash("sha256").update(data).digest("hex").slice(0, 16) }];
  });
}

function requestImages(body: unknown): RecordedImage[] {
  const messages = isRecord(body) && Array.isArray(body.messages) ? body.messages : [];
  return messages.flatMap((message) => (isRecord(message) ? imagesOf(message.content) : []));
}

function requestText(body: unknown): string {
  if (!isRecord(body)) return "";
  const messages = Array.isArray(body.messages) ? body.messages : [];
  return [...textOf(body.system), ...messages.flatMap((message) => (isRecord(message) ? textOf(message.content) : []))].join("\n");
}

/** The answer cut into `count` pieces of near-equal length (at least one character each). */
function split(text: string, count: number): string[] {
  const chars = Array.from(text);
  const n = Math.max(1, Math.min(count, chars.length));
  return Array.from({ length: n }, (_, i) => chars.slice(Math.floor((i * chars.length) / n), Math.floor(((i + 1) * chars.length) / n)).join(""));
}

/** Validates an admin PUT body (or a test's call) into full settings; throws a message for a 400. */
export function parseSettings(input: unknown): ModeSettings {
  if (!isRecord(input)) throw new Error("expected a JSON object like {\"mode\": \"ok\"}");
  const mode = input.mode;
  if (typeof mode !== "string" || !(MODES as readonly string[]).includes(mode)) {
    throw new Error(`unknown mode ${JSON.stringify(mode)}; expected one of: ${MODES.join(", ")}`);
  }
  const settings: ModeSettings = { mode: mode as Mode, ...DEFAULTS };
  const unknown = Object.keys(input).filter((key) => !(key in settings));
  if (unknown.length > 0) throw new Error(`unknown option ${unknown.join(", ")}; expected: ${Object.keys(settings).join(", ")}`);
  if (Array.isArray(input.toolCalls)) {
    settings.toolCalls = input.toolCalls.map((call: unknown) => {
      if (!isRecord(call) || typeof call.name !== "string" || call.name === "" || !isRecord(call.input)) throw new Error("toolCalls: each is {name, input: {...}}");
      return { name: call.name, input: call.input };
    });
  } else if (input.toolCalls !== undefined) throw new Error("toolCalls must be an array");
  if (input.answer !== undefined) {
    if (typeof input.answer !== "string" || (input.answer === "" && settings.toolCalls.length === 0)) throw new Error("answer must be a non-empty string (empty only with toolCalls)");
    settings.answer = input.answer;
  }
  for (const key of ["chunks", "chunkDelayMs", "retryAfterSeconds", "inputFragments"] as const) {
    const value = input[key];
    if (value === undefined) continue;
    const min = key === "chunks" || key === "inputFragments" ? 1 : 0;
    if (typeof value !== "number" || !Number.isInteger(value) || value < min) throw new Error(`${key} must be an integer >= ${min}`);
    settings[key] = value;
  }
  if (input.echo !== undefined) {
    if (typeof input.echo !== "string") throw new Error("echo must be a regular expression");
    new RegExp(input.echo); // throws on a bad one
    settings.echo = input.echo;
  }
  if (input.next !== undefined) {
    if (!Array.isArray(input.next)) throw new Error("next must be an array of settings");
    settings.next = input.next.map((step: unknown) => {
      if (!isRecord(step) || "next" in step) throw new Error("next: each is an object of settings (without next)");
      const parsed = parseSettings({ mode: settings.mode, ...step }); // validated; only what the step sets applies
      return Object.fromEntries(Object.keys(step).map((key) => [key, parsed[key as keyof ModeSettings]]));
    });
  }
  return settings;
}

/** The offered tool that `name` means: the same name, or an MCP tool `mcp__<server>__<name>`. */
function offeredTool(offered: string[], name: string): string | undefined {
  return offered.find((tool) => tool === name) ?? offered.find((tool) => /^mcp__[^_]+__/.test(tool) && tool.replace(/^mcp__[^_]+__/, "") === name);
}

export class MockAnthropicApi {
  readonly requests: RecordedRequest[] = [];
  private current: ModeSettings = { mode: "ok", ...DEFAULTS };
  private readonly server: Server;
  private readonly waiters = new Set<() => void>();

  constructor() {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        if (!res.headersSent) this.error(res, 500, "api_error", String(error));
        else res.destroy();
      });
    });
    // An idle keep-alive connection is closed by the client first (it goes by the timeout this
    // advertises, less a second): a server that closes it at 5 s, Node's default, races a client
    // reusing it after a pause of that length, and the client sees "other side closed".
    this.server.keepAliveTimeout = 65_000;
  }

  async start(port = 0, host = "127.0.0.1"): Promise<this> {
    this.server.listen(port, host);
    await once(this.server, "listening");
    return this;
  }

  get url(): string {
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  get settings(): ModeSettings {
    return { ...this.current };
  }

  /** Sets the mode for all following requests; options left out go back to their defaults. */
  setMode(mode: Mode, options: Partial<Omit<ModeSettings, "mode">> = {}): ModeSettings {
    this.current = parseSettings({ ...options, mode });
    return this.settings;
  }

  /** Resolves once `condition()` holds (checked after every recorded request). */
  async until(condition: () => boolean): Promise<void> {
    while (!condition()) await new Promise<void>((resolve) => this.waiters.add(resolve));
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections(); // hung requests would keep close() waiting forever
    this.server.close();
    await once(this.server, "close");
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString("utf8");
    let body: unknown;
    try {
      body = raw === "" ? undefined : JSON.parse(raw);
    } catch {
      body = raw;
    }
    const method = req.method ?? "";
    const path = req.url ?? "";
    const pathname = path.split("?")[0];

    if (pathname === "/health") return void this.json(res, 200, { status: "ok" });
    if (pathname?.startsWith("/__mock/")) return void this.admin(method, pathname, body, res);

    const headers = { ...req.headers };
    for (const name of ["authorization", "x-api-key"]) {
      const value = headers[name];
      if (typeof value === "string") headers[name] = redact(value);
    }
    const tools = isRecord(body) && Array.isArray(body.tools) ? body.tools.flatMap((tool: unknown) => (isRecord(tool) && typeof tool.name === "string" ? [tool.name] : [])) : [];
    this.requests.push({ tools, images: requestImages(body), method, path, headers, body, text: requestText(body) });
    for (const wake of this.waiters) wake();
    this.waiters.clear();

    const isMessages = method === "POST" && pathname === "/v1/messages";
    const isCount = method === "POST" && pathname === "/v1/messages/count_tokens";
    if (!isMessages && !isCount) return void this.error(res, 404, "not_found_error", `Not found: ${method} ${pathname}`);
    if (!isRecord(body)) return void this.error(res, 400, "invalid_request_error", "request body must be a JSON object");

    // a request keeps the settings it arrived with; scripted ones (`next`) first, one per request
    const [scripted, ...rest] = isMessages ? this.current.next : [];
    if (scripted) this.current = { ...this.current, next: rest };
    const settings: ModeSettings = scripted ? { ...this.current, ...scripted, next: [] } : this.current;
    const failure = ERRORS[settings.mode];
    if (failure) {
      const [status, type, message] = failure;
      const headers: Record<string, string> = status === 429 ? { "retry-after": String(settings.retryAfterSeconds) } : {};
      if (settings.mode === "usage-limit") {
        headers["anthropic-ratelimit-unified-status"] = "rejected";
        headers["anthropic-ratelimit-unified-reset"] = String(Math.ceil(Date.now() / 1000) + settings.retryAfterSeconds);
        headers["anthropic-ratelimit-unified-representative-claim"] = "five_hour";
      }
      return void this.error(res, status, type, message, headers);
    }
    const inputTokens = Math.max(1, Math.ceil(requestText(body).length / 4));
    if (isCount) return void this.json(res, 200, { input_tokens: inputTokens });
    if (settings.mode === "hang") return; // the socket stays open; stop() or the client ends it
    await this.answer(res, body, settings, inputTokens, tools);
  }

  private async answer(res: ServerResponse, body: Record<string, unknown>, settings: ModeSettings, inputTokens: number, offered: string[]) {
    const id = `msg_mock${randomBytes(12).toString("hex")}`;
    const model = typeof body.model === "string" ? body.model : "claude-sonnet-4-5";
    const slow = settings.mode === "slow";
    const calls = settings.toolCalls.map((call) => ({ ...call, tool: offeredTool(offered, call.name), id: `toolu_mock${randomBytes(8).toString("hex")}` }));
    const missing = calls.filter((call) => !call.tool).map((call) => call.name);
    const made = calls.filter((call) => call.tool);
    let text = settings.echo ? settings.answer.replaceAll("$1", new RegExp(settings.echo).exec(requestText(body))?.[1] ?? "(no match)") : settings.answer;
    if (missing.length > 0) text += `${text ? " " : ""}(mock: tool ${missing.join(", ")} was not offered; offered: ${offered.join(", ") || "none"})`;
    // ok: word by word like the API ("Hello", " from", " mock!"); slow: `chunks` even pieces
    const pieces = text === "" ? [] : slow ? split(text, settings.chunks) : (text.match(/\s*\S+|\s+$/g) ?? [text]);
    const outputTokens = pieces.length + made.length;
    const usage = { input_tokens: inputTokens, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 };
    const headers = { "request-id": requestId() };
    const stopReason = made.length > 0 ? "tool_use" : "end_turn";
    const blocks = [
      ...(text === "" ? [] : [{ type: "text", text }]),
      ...made.map((call) => ({ type: "tool_use", id: call.id, name: call.tool, input: call.input })),
    ];

    if (!body.stream) {
      // the CLI falls back to a non-streamed request after a failed stream; still overloaded
      if (settings.mode === "fail-mid-stream") return void this.error(res, 529, "overloaded_error", "Overloaded");
      res.writeHead(200, { ...headers, "content-type": "application/json" });
      res.end(
        JSON.stringify({ id, type: "message", role: "assistant", model, content: blocks, stop_reason: stopReason, stop_sequence: null, usage: { ...usage, output_tokens: outputTokens } }),
      );
      return;
    }

    res.writeHead(200, { ...headers, "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache", connection: "keep-alive" });
    const send = (event: Record<string, unknown> & { type: string }) => res.write(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
    const message = { id, type: "message", role: "assistant", model, content: [], stop_reason: null, stop_sequence: null };
    send({ type: "message_start", message: { ...message, usage: { ...usage, output_tokens: 1 } } });
    let index = 0;
    if (pieces.length > 0) {
      send({ type: "content_block_start", index, content_block: { type: "text", text: "" } });
      send({ type: "ping" });
      for (const [i, piece] of pieces.entries()) {
        if (slow && i > 0) await sleep(settings.chunkDelayMs);
        if (res.destroyed) return; // the client went away mid-stream
        if (settings.mode === "fail-mid-stream" && i === 2) {
          // what Anthropic sends when it fails after the answer began: an error event in the stream
          send({ type: "error", error: { type: "overloaded_error", message: "Overloaded" } });
          res.end();
          return;
        }
        send({ type: "content_block_delta", index, delta: { type: "text_delta", text: piece } });
      }
      send({ type: "content_block_stop", index });
      index += 1;
    }
    for (const call of made) {
      send({ type: "content_block_start", index, content_block: { type: "tool_use", id: call.id, name: call.tool, input: {} } });
      const json = JSON.stringify(call.input);
      for (const fragment of json === "{}" ? [] : split(json, settings.inputFragments)) {
        if (slow) await sleep(settings.chunkDelayMs);
        if (res.destroyed) return;
        send({ type: "content_block_delta", index, delta: { type: "input_json_delta", partial_json: fragment } });
      }
      send({ type: "content_block_stop", index });
      index += 1;
    }
    send({ type: "message_delta", delta: { stop_reason: stopReason, stop_sequence: null }, usage: { output_tokens: outputTokens } });
    send({ type: "message_stop" });
    res.end();
  }

  private admin(method: string, pathname: string, body: unknown, res: ServerResponse): ServerResponse {
    if (pathname === "/__mock/requests" && method === "GET") return this.json(res, 200, this.requests);
    if (pathname === "/__mock/requests" && method === "DELETE") {
      this.requests.length = 0;
      return this.json(res, 200, { cleared: true });
    }
    if (pathname === "/__mock/mode" && method === "GET") return this.json(res, 200, this.settings);
    if (pathname === "/__mock/mode" && method === "PUT") {
      try {
        this.current = parseSettings(body);
      } catch (error) {
        return this.json(res, 400, { error: (error as Error).message });
      }
      return this.json(res, 200, this.settings);
    }
    return this.json(res, 404, { error: `no admin endpoint ${method} ${pathname}` });
  }

  private json(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): ServerResponse {
    res.writeHead(status, { ...headers, "content-type": "application/json" });
    return res.end(JSON.stringify(value));
  }

  /** An error as Anthropic sends it: `request-id` header and `request_id` in the body. */
  private error(res: ServerResponse, status: number, type: string, message: string, headers: Record<string, string> = {}): ServerResponse {
    const id = requestId();
    return this.json(res, status, { type: "error", error: { type, message }, request_id: id }, { ...headers, "request-id": id });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [port = "8080", host = "0.0.0.0"] = process.argv.slice(2);
  const mock = await new MockAnthropicApi().start(Number(port), host);
  process.stdout.write(`mock anthropic api listening on http://${host}:${port}\n`);
  const stop = () => void mock.stop().then(() => process.exit(0));
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}
