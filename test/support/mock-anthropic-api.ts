// A stand-in for Anthropic's Messages API, for running the real Claude Code CLI without an account
// or internet: point the CLI at it with ANTHROPIC_BASE_URL. It records every request (so tests can
// see what text, tools and images really reached "Anthropic") and answers according to a mode, switchable at runtime:
//   ok            200; SSE stream when body.stream, else a JSON message; the answer in a few chunks
//   slow          like ok, but `chunks` text deltas (default 20) `chunkDelayMs` apart (default 200)
//   hang          accepts the request and never answers (until the client goes away)
//   expired       401 authentication_error "OAuth token has expired. ..."
//   invalid-key   401 authentication_error "invalid x-api-key"
//   rate-limited  429 rate_limit_error with retry-after: `retryAfterSeconds` (default 7); Anthropic's
//                 short-term limit, not the subscription's (no representative claim: see below)
//   usage-limit   a spent subscription window: 429 rate_limit_error, `anthropic-ratelimit-unified-status:
//                 rejected`, `-reset: resetsAt`, `-representative-claim: window` (five_hour, seven_day,
//                 seven_day_opus or seven_day_sonnet; default five_hour: the CLI's `rateLimitType`) and
//                 `retry-after` until `resetsAt` (epoch seconds; default now + `retryAfterSeconds`, fixed
//                 when the mode is set). A spent five_hour / seven_day window also reports itself
//                 rejected at utilization 1 in its `-5h-` / `-7d-` headers; the per-model windows have
//                 no headers of their own. At `resetsAt` the mode goes back to ok by itself, keeping the
//                 other options (GET /__mock/mode shows it); a usage-limit step in `next` is one refusal.
//                 seven_day_opus / seven_day_sonnet refuse only requests whose `model` names opus /
//                 sonnet (the CLI sends claude-opus-..., claude-sonnet-...) and answer the others as ok;
//                 a request with an API key (`x-api-key`: the metered API, no subscription) is answered as ok
//   overage-in-use  a spent window with the account's extra usage on: 200, answered as ok, but billed to
//                 extra usage. Headers as for a usage-limit of `window` (unified status rejected, the
//                 claim, the spent window's `-5h-` / `-7d-` status rejected at utilization 1, reset
//                 `resetsAt`), with `-overage-status: allowed`, `-overage-in-use: true` and
//                 `-overage-reset` (the first of next month) instead of the disabled overage. The CLI
//                 reads it as `isUsingOverage: true`, `overageInUse: true`. Like usage-limit: back to ok
//                 at `resetsAt`, only the spent window's models (a per-model window), never an API key
//   overloaded    529 overloaded_error "Overloaded"
//   fail-mid-stream  streams two text deltas, then an overloaded_error event in the stream, and ends;
//                 a non-streamed request (the CLI's fallback after a failed stream) gets 529
//   prompt-too-long  400 invalid_request_error "prompt is too long: `promptTokens` tokens > `promptLimit`
//                 maximum" (default 215000 and 200000)
//   billing-third-party         400 invalid_request_error "Third-party apps now draw from your extra
//                               usage, not your plan limits. ..."
//   billing-out-of-extra-usage  400 invalid_request_error "You're out of extra usage. ..."
//   billing-long-context        429 rate_limit_error "Extra usage is required for long context
//                               requests.", without representative claim or overage status (with
//                               them the CLI reads it as a spent window instead of "Usage credits
//                               required for 1M context")
//                 (the bodies Anthropic sends to a subscription, as users quote them)
//   version-too-old  Anthropic's floor on the Claude Code version per model (anthropics/claude-code#91345):
//                 400 invalid_request_error "Claude Code <version> does not support this model; version
//                 `requiredVersion` or newer is required. Run 'claude update', ...", with
//                 `details: {error_code: "claude_code_version_too_old"}`, for a request whose `model`
//                 matches `models` (default: every model) from a CLI older than `requiredVersion`
//                 (default 2.2.0; the version is the User-Agent's `claude-cli/<version>`, as Anthropic
//                 reads it; without one: refused as "unknown"); other requests, and API-key ones (no
//                 floor there), are answered as ok
//   model-not-allowed  a model the account may not use (a limited-access one such as Mythos): 404
//                 not_found_error "model: <id>" for a request whose `model` matches `models` (default
//                 "mythos"); other models are answered as ok
// POST /notices is a webhook receiver: recorded like every request, answered 204.
// Every answer and error (but the 401s: no subscription known) carries the subscription's headers, as
// Anthropic sends them to a subscription (header names as the CLI 2.1.330 reads them): `anthropic-ratelimit-unified-status` (allowed | allowed_warning |
// rejected), `-reset` (epoch seconds), `-representative-claim` (the spent window, else the fullest),
// per window `-5h-` and `-7d-` `status`, `reset`, `utilization` (and `surpassed-threshold` 0.9 from
// 90 % used: allowed_warning), and `-overage-status: rejected`, `-overage-disabled-reason:
// org_level_disabled` (no extra usage). rate-limited and billing-long-context leave out the claim and
// the overage headers. The windows' utilization comes from `windows` (default five_hour 0.15,
// seven_day 0.08); their reset times roll forward by the window's length (5 h, 7 d) from 2 h and 3 days
// after the mock started. The CLI prints them as a `rate_limit_event` line after an answer and after a
// 429 (not after a 400 or 529; test/integration/mock-anthropic-api.test.ts measures each mode).
// Options of ok and slow mode:
//   answer        the assistant's text ("" with toolCalls: calls only)
//   toolCalls     [{name, input}]: after the text, one tool_use block per call, its input streamed as
//                 `inputFragments` input_json_delta pieces; the name is matched against the tools the
//                 request offers (exactly, or as the suffix after `__` of an MCP tool `mcp__srv__name`),
//                 and a call of a tool not offered becomes text saying so
//   echo          a regular expression: `$1` in the answer becomes its first group in the request's text
//                 ("(no match)" without one), so an answer can repeat what a tool returned
//   thinking      text of a thinking block before the answer's text: content_block_start {type:
//                 "thinking", thinking: "", signature: ""}, its text in thinking_delta pieces (cut as the
//                 answer is), one signature_delta, content_block_stop ("" by default: no such block)
//   stopReason    "max_tokens": the answer as set, then stop_reason max_tokens, as if cut off there
//                 (null by default: tool_use after tool calls, else end_turn)
//   usage         {input_tokens, cache_creation_input_tokens, cache_read_input_tokens, output_tokens},
//                 any of them: the figures message_start, message_delta and a non-streamed answer
//                 report (default: input a quarter of the request's characters, no cache, output one
//                 per chunk, thinking piece and tool call)
// Options of version-too-old and model-not-allowed:
//   models        a regular expression (case-insensitive) the request's `model` must match to be
//                 refused (null: the mode's default above)
//   requiredVersion  version-too-old: the version the refusal asks for (x.y.z)
// Options of every mode:
//   windows       {five_hour, seven_day}: utilization 0..1 of the subscription's windows
//   next          settings for the following requests, one each, before these apply again
// Each recorded request's `prompt` (null without a JSON object body) says what Anthropic's prompt
// cache would see, for tests of how much of a conversation's prefix stays the same:
//   system, systemLength  the system prompt's text (blocks joined with "\n"), without the CLI's
//                 `x-anthropic-billing-header:` block (its metadata changes from request to request)
//   cliAgentPrompt  whether that text holds the CLI's own agent prompt (replaced by --system-prompt)
//   blocks        the request in the cache's order: each tool, the system blocks (billing header left
//                 out), each message's content blocks (a string content is one text block; the CLI
//                 sends a role "system" message too), as {kind, role?, type, bytes, hash, cacheControl?}:
//                 bytes and hash (16 hex digits of the SHA-256) of the block's JSON without its
//                 cache_control; test/support/cache-prefix.ts compares requests by them
//   effort, thinking, maxTokens, temperature, topP, stopSequences  output_config.effort, thinking,
//                 max_tokens, temperature, top_p, stop_sequences as sent (null when left out)
// Every mode refuses, as Anthropic does, a request with more than 4 cache breakpoints or a 1 h one
// after a 5 min one (400 invalid_request_error).
// The mode applies to POST /v1/messages (the error modes to /v1/messages/count_tokens too, which
// otherwise answers {"input_tokens": N}); other paths are recorded and answered 404.
// Admin API (not recorded):
//   GET /health                 {"status":"ok"}
//   GET /__mock/requests        recorded requests, oldest first; DELETE clears them
//   GET /__mock/mode            current settings {mode, answer, chunks, chunkDelayMs, retryAfterSeconds, ...}
//   PUT /__mock/mode            {"mode": "...", "answer"?, "chunks"?, "chunkDelayMs"?, "retryAfterSeconds"?,
//                                "toolCalls"?, "inputFragments"?, "echo"?, "thinking"?, "stopReason"?, "usage"?,
//                                "windows"?, "window"?, "resetsAt"?, "promptTokens"?, "promptLimit"?, "models"?,
//                                "requiredVersion"?, "next"?};
//                               options left out go back to their defaults; 400 on an unknown mode
// Node builtins only: `node test/support/mock-anthropic-api.ts [port] [host]` (default 8080 0.0.0.0).
import { createHash, randomBytes } from "node:crypto";
import { once } from "node:events";
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";

export const MODES = [
  "ok",
  "slow",
  "hang",
  "expired",
  "invalid-key",
  "rate-limited",
  "usage-limit",
  "overage-in-use",
  "overloaded",
  "fail-mid-stream",
  "prompt-too-long",
  "billing-third-party",
  "billing-out-of-extra-usage",
  "billing-long-context",
  "version-too-old",
  "model-not-allowed",
] as const;
export type Mode = (typeof MODES)[number];

/** The subscription's windows a usage-limit can spend: the representative claim the CLI reads as `rateLimitType`. */
export const WINDOWS = ["five_hour", "seven_day", "seven_day_opus", "seven_day_sonnet"] as const;
export type Window = (typeof WINDOWS)[number];

/** Utilization (0..1) of the two windows Anthropic reports in headers (`-5h-`, `-7d-`). */
export interface Windows {
  five_hour: number;
  seven_day: number;
}

/** Token figures of an answer, as Anthropic reports them in `usage`. */
export interface Usage {
  input_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
  output_tokens: number;
}

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
  /** Token figures an answer reports; those left out are computed (see the header). */
  usage: Partial<Usage>;
  /** Utilization of the subscription's windows, sent in every answer's headers. */
  windows: Windows;
  /** usage-limit, overage-in-use: the spent window. */
  window: Window;
  /** usage-limit, overage-in-use: when the window resets (epoch seconds); null in the other modes. */
  resetsAt: number | null;
  /** prompt-too-long: the request's size and the model's limit the message names. */
  promptTokens: number;
  promptLimit: number;
  /** version-too-old, model-not-allowed: a regular expression of the model ids refused (null: the mode's default). */
  models: string | null;
  /** version-too-old: the oldest Claude Code version the refused models accept (x.y.z). */
  requiredVersion: string;
  /** Text of a thinking block before the answer's text ("": none). */
  thinking: string;
  /** The stop reason to report instead of tool_use / end_turn (null: those). */
  stopReason: StopReason | null;
  /** Settings for the following requests, one each. */
  next: Partial<Omit<ModeSettings, "next">>[];
}

/** Stop reasons an answer can be given instead of its own (tool_use after tool calls, else end_turn). */
export const STOP_REASONS = ["max_tokens"] as const;
export type StopReason = (typeof STOP_REASONS)[number];

/** What a test sets: any settings but the mode; `windows` may name one window only. */
export type ModeOptions = Partial<Omit<ModeSettings, "mode" | "windows">> & { windows?: Partial<Windows> };

const DEFAULTS: Omit<ModeSettings, "mode"> = {
  answer: "Hello from mock!",
  chunks: 20,
  chunkDelayMs: 200,
  retryAfterSeconds: 7,
  toolCalls: [],
  inputFragments: 3,
  echo: "",
  usage: {},
  windows: { five_hour: 0.15, seven_day: 0.08 },
  window: "five_hour",
  resetsAt: null,
  promptTokens: 215_000,
  promptLimit: 200_000,
  models: null,
  requiredVersion: "2.2.0",
  thinking: "",
  stopReason: null,
  next: [],
};

/** From this utilization a window is allowed_warning, with this surpassed threshold. */
export const WARNING_THRESHOLD = 0.9;
const WINDOW_SECONDS = { five_hour: 5 * 3600, seven_day: 7 * 86_400 } as const;
/** Header infix of each window the CLI reads (`anthropic-ratelimit-unified-5h-utilization`). */
const WINDOW_HEADER = { five_hour: "5h", seven_day: "7d" } as const;

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
  /** What the prompt cache would see of it, and the generation settings; null without a JSON object body. */
  prompt: RecordedPrompt | null;
}

export interface RecordedPrompt {
  /** The system prompt's text, its blocks joined with "\n", without the CLI's billing header block. */
  system: string;
  systemLength: number;
  /** Whether the system prompt holds the CLI's own agent prompt (not there with --system-prompt). */
  cliAgentPrompt: boolean;
  /** The request's blocks in the prompt cache's order: tools, system, messages. */
  blocks: PromptBlock[];
  /** `output_config.effort`. */
  effort: string | null;
  /** `thinking` as sent, e.g. {type: "adaptive", display: "updates"}. */
  thinking: unknown;
  maxTokens: number | null;
  temperature: number | null;
  topP: number | null;
  stopSequences: string[] | null;
}

/** One block of a request as the prompt cache sees it: a tool, a system block or a message's content block. */
export interface PromptBlock {
  kind: "tool" | "system" | "message";
  /** The message's role (message blocks only): user, assistant, or system. */
  role?: string;
  /** The block's `type` (text, image, tool_use, tool_result, ...); a tool's type, or "custom" for a client's tool. */
  type: string;
  /** Length of the block's JSON without its cache_control. */
  bytes: number;
  /** First 16 hex digits of the SHA-256 of that JSON. */
  hash: string;
  /** The block's cache_control: a cache breakpoint. */
  cacheControl?: { type: string; ttl?: string };
}

export interface RecordedImage {
  mediaType: string;
  /** Length of the base64 text. */
  length: number;
  /** First 16 hex digits of the SHA-256 of the base64 text (test/support/images.ts fingerprint). */
  fingerprint: string;
}

// [status, error type, message] as Anthropic answers them; the billing ones as users quote them
// (anthropics/claude-code#45027, #45144, #50784)
const ERRORS: Partial<Record<Mode, [number, string, string]>> = {
  expired: [
    401,
    "authentication_error",
    "OAuth token has expired. Please obtain a new token or refresh your existing token.",
  ],
  "invalid-key": [401, "authentication_error", "invalid x-api-key"],
  "rate-limited": [
    429,
    "rate_limit_error",
    "This request would exceed your account's rate limit. Please try again later.",
  ],
  "usage-limit": [
    429,
    "rate_limit_error",
    "This request would exceed your account's rate limit. Please try again later.",
  ],
  overloaded: [529, "overloaded_error", "Overloaded"],
  "billing-third-party": [
    400,
    "invalid_request_error",
    "Third-party apps now draw from your extra usage, not your plan limits. We've added a $200 credit to get you started. Claim it at claude.ai/settings/usage and keep going.",
  ],
  "billing-out-of-extra-usage": [
    400,
    "invalid_request_error",
    "You're out of extra usage. Add more at claude.ai/settings/usage and keep going.",
  ],
  "billing-long-context": [429, "rate_limit_error", "Extra usage is required for long context requests."],
};

/** Whether a spent `window` refuses a request for `model`: the per-model weekly windows only their own models. */
export function refuses(window: Window, model: string): boolean {
  if (window === "seven_day_opus") return /opus/i.test(model);
  if (window === "seven_day_sonnet") return /sonnet/i.test(model);
  return true;
}

/** What version-too-old and model-not-allowed refuse when `models` is null. */
const REFUSED_MODELS: Partial<Record<Mode, string>> = { "version-too-old": "", "model-not-allowed": "mythos" };

/** Whether a version-too-old or model-not-allowed mode refuses a request for `model`. */
export function refusesModel(settings: Pick<ModeSettings, "mode" | "models">, model: string): boolean {
  const pattern = settings.models ?? REFUSED_MODELS[settings.mode];
  return pattern !== undefined && new RegExp(pattern, "i").test(model);
}

/** The Claude Code version a request names in its User-Agent (`claude-cli/2.1.330 (external, sdk-cli)`), which is what Anthropic's floor reads. */
export function clientVersion(userAgent: string | undefined): string | undefined {
  return /\bclaude-cli\/(\d+\.\d+\.\d+)/.exec(userAgent ?? "")?.[1];
}

/** Whether version `a` comes before `b` (x.y.z, compared as numbers). */
export function olderThan(a: string, b: string): boolean {
  const [x, y] = [a, b].map((version) => version.split(".").map(Number));
  for (let i = 0; i < 3; i++) if ((x?.[i] ?? 0) !== (y?.[i] ?? 0)) return (x?.[i] ?? 0) < (y?.[i] ?? 0);
  return false;
}

/** Anthropic's version-floor refusal, worded as users quote it (anthropics/claude-code#91345, Wei-Shaw/sub2api#6520). */
export const versionTooOld = (version: string, required: string) =>
  `Claude Code ${version} does not support this model; version ${required} or newer is required. Run 'claude update', or update the Claude desktop app, then try again.`;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const requestId = () => `req_mock${randomBytes(12).toString("hex")}`;
const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

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
    return [
      {
        mediaType: String(source.media_type),
        length: data.length,
        fingerprint: createHash("sha256").update(data).digest("hex").slice(0, 16),
      },
    ];
  });
}

function requestImages(body: unknown): RecordedImage[] {
  const messages = isRecord(body) && Array.isArray(body.messages) ? body.messages : [];
  return messages.flatMap((message) => (isRecord(message) ? imagesOf(message.content) : []));
}

/** The CLI's billing metadata, sent as the first system block: it changes from request to request. */
const BILLING_HEADER = "x-anthropic-billing-header:";
/** Opening lines of the CLI's agent prompt: the default one, and the one with an output style. */
const AGENT_PROMPT = [
  "You are an agent working with the user toward their goals",
  'You are an interactive agent that helps users according to your "Output Style"',
];

/** A string content as the one text block it stands for; anything else not a list of blocks as none. */
function blocksOf(content: unknown): unknown[] {
  if (typeof content === "string") return [{ type: "text", text: content }];
  return Array.isArray(content) ? content : [];
}

function promptBlock(kind: PromptBlock["kind"], block: unknown, role?: string): PromptBlock {
  const { cache_control: cacheControl, ...rest } = isRecord(block) ? block : {};
  const json = JSON.stringify(isRecord(block) ? rest : block);
  const type = typeof rest.type === "string" ? rest.type : kind === "tool" ? "custom" : "unknown";
  return {
    kind,
    ...(role === undefined ? {} : { role }),
    type,
    bytes: json.length,
    hash: createHash("sha256").update(json).digest("hex").slice(0, 16),
    ...(isRecord(cacheControl)
      ? {
          cacheControl: {
            type: String(cacheControl.type),
            ...(typeof cacheControl.ttl === "string" ? { ttl: cacheControl.ttl } : {}),
          },
        }
      : {}),
  };
}

/**
 * Anthropic's rules for cache breakpoints, which it enforces with a 400 (wording as its API gives
 * it): at most 4 blocks with cache_control, and none with a 1 h TTL after one with 5 min (the
 * default), in the order tools, system, messages.
 */
export function breakpointError(prompt: RecordedPrompt | null): string | undefined {
  const marks = (prompt?.blocks ?? []).flatMap((block) => (block.cacheControl ? [block.cacheControl.ttl ?? "5m"] : []));
  if (marks.length > 4) return `A maximum of 4 blocks with cache_control may be provided. Found ${marks.length}.`;
  const short = marks.indexOf("5m");
  if (short !== -1 && marks.slice(short).includes("1h"))
    return "a ttl='1h' cache_control block must not come after a ttl='5m' cache_control block";
  return undefined;
}

/** What a request body shows the prompt cache (RecordedRequest.prompt). */
export function requestPrompt(body: unknown): RecordedPrompt | null {
  if (!isRecord(body)) return null;
  const system = blocksOf(body.system).filter(
    (block) => !(isRecord(block) && typeof block.text === "string" && block.text.startsWith(BILLING_HEADER)),
  );
  const systemText = textOf(system).join("\n");
  const messages = Array.isArray(body.messages) ? body.messages.filter(isRecord) : [];
  const number = (value: unknown) => (typeof value === "number" ? value : null);
  return {
    system: systemText,
    systemLength: systemText.length,
    cliAgentPrompt: AGENT_PROMPT.some((opening) => systemText.includes(opening)),
    blocks: [
      ...(Array.isArray(body.tools) ? body.tools : []).map((tool: unknown) => promptBlock("tool", tool)),
      ...system.map((block) => promptBlock("system", block)),
      ...messages.flatMap((message) =>
        blocksOf(message.content).map((block) => promptBlock("message", block, String(message.role))),
      ),
    ],
    effort:
      isRecord(body.output_config) && typeof body.output_config.effort === "string" ? body.output_config.effort : null,
    thinking: body.thinking ?? null,
    maxTokens: number(body.max_tokens),
    temperature: number(body.temperature),
    topP: number(body.top_p),
    stopSequences: Array.isArray(body.stop_sequences) ? body.stop_sequences.map(String) : null,
  };
}

function requestText(body: unknown): string {
  if (!isRecord(body)) return "";
  const messages = Array.isArray(body.messages) ? body.messages : [];
  return [
    ...textOf(body.system),
    ...messages.flatMap((message) => (isRecord(message) ? textOf(message.content) : [])),
  ].join("\n");
}

/** The answer cut into `count` pieces of near-equal length (at least one character each). */
function split(text: string, count: number): string[] {
  const chars = Array.from(text);
  const n = Math.max(1, Math.min(count, chars.length));
  return Array.from({ length: n }, (_, i) =>
    chars.slice(Math.floor((i * chars.length) / n), Math.floor(((i + 1) * chars.length) / n)).join(""),
  );
}

const USAGE_KEYS = ["input_tokens", "cache_creation_input_tokens", "cache_read_input_tokens", "output_tokens"] as const;

/** Validates an admin PUT body (or a test's call) into full settings; throws a message for a 400. */
export function parseSettings(input: unknown): ModeSettings {
  if (!isRecord(input)) throw new Error('expected a JSON object like {"mode": "ok"}');
  const mode = input.mode;
  if (typeof mode !== "string" || !(MODES as readonly string[]).includes(mode)) {
    throw new Error(`unknown mode ${JSON.stringify(mode)}; expected one of: ${MODES.join(", ")}`);
  }
  const settings: ModeSettings = { mode: mode as Mode, ...DEFAULTS };
  const unknown = Object.keys(input).filter((key) => !(key in settings));
  if (unknown.length > 0)
    throw new Error(`unknown option ${unknown.join(", ")}; expected: ${Object.keys(settings).join(", ")}`);
  if (Array.isArray(input.toolCalls)) {
    settings.toolCalls = input.toolCalls.map((call: unknown) => {
      if (!isRecord(call) || typeof call.name !== "string" || call.name === "" || !isRecord(call.input))
        throw new Error("toolCalls: each is {name, input: {...}}");
      return { name: call.name, input: call.input };
    });
  } else if (input.toolCalls !== undefined) throw new Error("toolCalls must be an array");
  if (input.answer !== undefined) {
    if (typeof input.answer !== "string" || (input.answer === "" && settings.toolCalls.length === 0))
      throw new Error("answer must be a non-empty string (empty only with toolCalls)");
    settings.answer = input.answer;
  }
  for (const key of [
    "chunks",
    "chunkDelayMs",
    "retryAfterSeconds",
    "inputFragments",
    "promptTokens",
    "promptLimit",
  ] as const) {
    const value = input[key];
    if (value === undefined) continue;
    const min = key === "chunkDelayMs" || key === "retryAfterSeconds" ? 0 : 1;
    if (typeof value !== "number" || !Number.isInteger(value) || value < min)
      throw new Error(`${key} must be an integer >= ${min}`);
    settings[key] = value;
  }
  if (input.echo !== undefined) {
    if (typeof input.echo !== "string") throw new Error("echo must be a regular expression");
    new RegExp(input.echo); // throws on a bad one
    settings.echo = input.echo;
  }
  if (input.usage !== undefined) {
    if (!isRecord(input.usage)) throw new Error(`usage must be an object with any of ${USAGE_KEYS.join(", ")}`);
    const usage: Partial<Usage> = {};
    for (const [key, value] of Object.entries(input.usage)) {
      const name = USAGE_KEYS.find((known) => known === key);
      if (!name) throw new Error(`usage: unknown figure ${key}; expected: ${USAGE_KEYS.join(", ")}`);
      if (typeof value !== "number" || !Number.isInteger(value) || value < 0)
        throw new Error(`usage.${key} must be an integer >= 0`);
      usage[name] = value;
    }
    settings.usage = usage;
  }
  if (input.windows !== undefined) {
    if (!isRecord(input.windows))
      throw new Error('windows must be an object like {"five_hour": 0.91, "seven_day": 0.42}');
    const windows: Windows = { ...DEFAULTS.windows };
    for (const [key, value] of Object.entries(input.windows)) {
      if (key !== "five_hour" && key !== "seven_day")
        throw new Error(`windows: unknown window ${key}; expected: five_hour, seven_day`);
      if (typeof value !== "number" || !(value >= 0 && value <= 1))
        throw new Error(`windows.${key} must be a utilization from 0 to 1`);
      windows[key] = value;
    }
    settings.windows = windows;
  }
  if (input.window !== undefined) {
    const window = WINDOWS.find((known) => known === input.window);
    if (!window)
      throw new Error(`unknown window ${JSON.stringify(input.window)}; expected one of: ${WINDOWS.join(", ")}`);
    settings.window = window;
  }
  if (input.resetsAt !== undefined && input.resetsAt !== null) {
    if (typeof input.resetsAt !== "number" || !Number.isInteger(input.resetsAt) || input.resetsAt < 0)
      throw new Error("resetsAt must be epoch seconds (an integer)");
    settings.resetsAt = input.resetsAt;
  } else if (spendsWindow(settings.mode)) settings.resetsAt = Math.ceil(Date.now() / 1000) + settings.retryAfterSeconds;
  if (input.models !== undefined && input.models !== null) {
    if (typeof input.models !== "string")
      throw new Error("models must be a regular expression (or null: the mode's default)");
    new RegExp(input.models); // throws on a bad one
    settings.models = input.models;
  }
  if (input.requiredVersion !== undefined) {
    if (typeof input.requiredVersion !== "string" || !/^\d+\.\d+\.\d+$/.test(input.requiredVersion))
      throw new Error("requiredVersion must be a version like 2.1.251");
    settings.requiredVersion = input.requiredVersion;
  }
  if (input.thinking !== undefined) {
    if (typeof input.thinking !== "string") throw new Error('thinking must be a string ("": no thinking block)');
    settings.thinking = input.thinking;
  }
  if (input.stopReason !== undefined && input.stopReason !== null) {
    const stopReason = STOP_REASONS.find((known) => known === input.stopReason);
    if (!stopReason)
      throw new Error(
        `unknown stopReason ${JSON.stringify(input.stopReason)}; expected one of: ${STOP_REASONS.join(", ")} (or null)`,
      );
    settings.stopReason = stopReason;
  }
  if (input.next !== undefined) {
    if (!Array.isArray(input.next)) throw new Error("next must be an array of settings");
    settings.next = input.next.map((step: unknown) => {
      if (!isRecord(step) || "next" in step) throw new Error("next: each is an object of settings (without next)");
      const parsed = parseSettings({ mode: settings.mode, ...step }); // validated; only what the step sets applies
      const keys = Object.keys(step);
      if (keys.includes("mode") && spendsWindow(parsed.mode)) keys.push("resetsAt"); // its default, fixed now
      return Object.fromEntries(keys.map((key) => [key, parsed[key as keyof ModeSettings]]));
    });
  }
  return settings;
}

/** The modes whose window is spent until `resetsAt`: refused (usage-limit) or billed to extra usage (overage-in-use). */
const spendsWindow = (mode: Mode): boolean => mode === "usage-limit" || mode === "overage-in-use";

/** The offered tool that `name` means: the same name, or an MCP tool `mcp__<server>__<name>`. */
function offeredTool(offered: string[], name: string): string | undefined {
  return (
    offered.find((tool) => tool === name) ??
    offered.find((tool) => /^mcp__[^_]+__/.test(tool) && tool.replace(/^mcp__[^_]+__/, "") === name)
  );
}

export class MockAnthropicApi {
  readonly requests: RecordedRequest[] = [];
  private current: ModeSettings = { mode: "ok", ...DEFAULTS };
  private readonly server: Server;
  private readonly waiters = new Set<() => void>();
  /** When the mock started (ms): the windows' reset times count from it. */
  private readonly started = Date.now();

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
    this.refresh();
    return { ...this.current };
  }

  /** Sets the mode for all following requests; options left out go back to their defaults. */
  setMode(mode: Mode, options: ModeOptions = {}): ModeSettings {
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
    const tools =
      isRecord(body) && Array.isArray(body.tools)
        ? body.tools.flatMap((tool: unknown) => (isRecord(tool) && typeof tool.name === "string" ? [tool.name] : []))
        : [];
    this.requests.push({
      tools,
      images: requestImages(body),
      method,
      path,
      headers,
      body,
      text: requestText(body),
      prompt: requestPrompt(body),
    });
    for (const wake of this.waiters) wake();
    this.waiters.clear();

    // a webhook receiver too (the catch-up's notices): recorded like the rest, answered 204
    if (method === "POST" && pathname === "/notices") return void res.writeHead(204).end();
    const isMessages = method === "POST" && pathname === "/v1/messages";
    const isCount = method === "POST" && pathname === "/v1/messages/count_tokens";
    if (!isMessages && !isCount)
      return void this.error(res, 404, "not_found_error", `Not found: ${method} ${pathname}`);
    if (!isRecord(body))
      return void this.error(res, 400, "invalid_request_error", "request body must be a JSON object");

    const breakpoints = breakpointError(this.requests.at(-1)?.prompt ?? null);
    if (breakpoints) return void this.error(res, 400, "invalid_request_error", breakpoints);

    // a request keeps the settings it arrived with; scripted ones (`next`) first, one per request
    this.refresh();
    const [scripted, ...rest] = isMessages ? this.current.next : [];
    if (scripted) this.current = { ...this.current, next: rest };
    const arrived: ModeSettings = scripted ? { ...this.current, ...scripted, next: [] } : this.current;
    const now = Date.now();
    const resetsAt = arrived.resetsAt ?? Math.ceil(now / 1000) + arrived.retryAfterSeconds;
    // a spent per-model window (seven_day_opus, seven_day_sonnet) refuses only its own model, and
    // only the subscription's: a request with an API key (x-api-key, the metered API) has no window
    const subscription = typeof req.headers["x-api-key"] !== "string";
    const model = typeof body.model === "string" ? body.model : "";
    const spent =
      arrived.mode === "usage-limit" && subscription && refuses(arrived.window, model) ? arrived.window : null;
    // spent too, but answered and billed to the account's extra usage
    const overage =
      arrived.mode === "overage-in-use" && subscription && refuses(arrived.window, model) ? arrived.window : null;
    // the version floor applies to the subscription's CLI only (an API key's requests have none)
    const version = clientVersion(req.headers["user-agent"]);
    const floor =
      arrived.mode === "version-too-old" &&
      subscription &&
      refusesModel(arrived, model) &&
      (version === undefined || olderThan(version, arrived.requiredVersion));
    const barred = arrived.mode === "model-not-allowed" && refusesModel(arrived, model);
    const answered =
      (arrived.mode === "usage-limit" && !spent) ||
      arrived.mode === "overage-in-use" ||
      (arrived.mode === "version-too-old" && !floor) ||
      (arrived.mode === "model-not-allowed" && !barred);
    const settings: ModeSettings = answered ? { ...arrived, mode: "ok" } : { ...arrived, resetsAt };
    const failure = ERRORS[settings.mode];
    // an unknown credential has no subscription; Anthropic's short-term 429 and the long-context
    // refusal come without the claim (the CLI would read them as a spent window)
    const limits =
      failure?.[0] === 401
        ? {}
        : this.limitHeaders(
            settings,
            spent ?? overage,
            now,
            settings.mode !== "rate-limited" && settings.mode !== "billing-long-context",
            overage !== null,
          );
    if (settings.mode === "prompt-too-long") {
      const message = `prompt is too long: ${settings.promptTokens} tokens > ${settings.promptLimit} maximum`;
      return void this.error(res, 400, "invalid_request_error", message, limits);
    }
    if (settings.mode === "version-too-old") {
      const message = versionTooOld(version ?? "unknown", settings.requiredVersion);
      return void this.error(res, 400, "invalid_request_error", message, limits, {
        details: { error_code: "claude_code_version_too_old" },
      });
    }
    if (settings.mode === "model-not-allowed")
      return void this.error(res, 404, "not_found_error", `model: ${model}`, limits);
    if (failure) {
      const [status, type, message] = failure;
      const headers: Record<string, string> = { ...limits };
      if (status === 429)
        headers["retry-after"] = String(
          spent ? Math.max(1, resetsAt - Math.floor(now / 1000)) : settings.retryAfterSeconds,
        );
      return void this.error(res, status, type, message, headers);
    }
    const inputTokens = Math.max(1, Math.ceil(requestText(body).length / 4));
    if (isCount) return void this.json(res, 200, { input_tokens: inputTokens }, limits);
    if (settings.mode === "hang") return; // the socket stays open; stop() or the client ends it
    await this.answer(res, body, settings, inputTokens, tools, limits);
  }

  /** A spent usage-limit window is over at its reset time: the mode goes back to ok by itself. */
  private refresh(now = Date.now()): void {
    const { mode, resetsAt } = this.current;
    if (spendsWindow(mode) && resetsAt !== null && now >= resetsAt * 1000) {
      this.current = { ...this.current, mode: "ok", window: DEFAULTS.window, resetsAt: null };
    }
  }

  /** When a window (as of `now`, ms) resets next: 2 h / 3 days after the mock started, then every 5 h / 7 days. */
  private windowReset(window: keyof Windows, now: number): number {
    const length = WINDOW_SECONDS[window];
    const first = Math.ceil(this.started / 1000) + (window === "five_hour" ? 2 * 3600 : 3 * 86_400);
    const seconds = Math.floor(now / 1000);
    return seconds < first ? first : first + (Math.floor((seconds - first) / length) + 1) * length;
  }

  /** The subscription's `anthropic-ratelimit-unified-*` headers, with `spent` rejected until `settings.resetsAt`; `overage`: extra usage on and billed. */
  private limitHeaders(
    settings: ModeSettings,
    spent: Window | null,
    now: number,
    claim: boolean,
    overage = false,
  ): Record<string, string> {
    const headers: Record<string, string> = {};
    const readings = (["five_hour", "seven_day"] as const).map((name) => {
      const rejected = spent === name;
      const utilization = rejected ? 1 : settings.windows[name];
      const reset = rejected && settings.resetsAt !== null ? settings.resetsAt : this.windowReset(name, now);
      const warning = !rejected && utilization >= WARNING_THRESHOLD;
      const status = rejected ? "rejected" : warning ? "allowed_warning" : "allowed";
      const prefix = `anthropic-ratelimit-unified-${WINDOW_HEADER[name]}`;
      headers[`${prefix}-status`] = status;
      headers[`${prefix}-reset`] = String(reset);
      headers[`${prefix}-utilization`] = String(utilization);
      if (warning) headers[`${prefix}-surpassed-threshold`] = String(WARNING_THRESHOLD);
      return { name, utilization, reset, status };
    });
    // the representative claim: the spent window, else the fullest (the 5-hour one on a tie)
    const fullest = readings.reduce((a, b) => (b.utilization > a.utilization ? b : a));
    const status = spent
      ? "rejected"
      : readings.some((window) => window.status === "allowed_warning")
        ? "allowed_warning"
        : "allowed";
    headers["anthropic-ratelimit-unified-status"] = status;
    headers["anthropic-ratelimit-unified-reset"] = String(
      spent && settings.resetsAt !== null ? settings.resetsAt : fullest.reset,
    );
    if (claim) {
      headers["anthropic-ratelimit-unified-representative-claim"] = spent ?? fullest.name;
      if (overage) {
        // extra usage on, and this answer drawn from it; its period is the calendar month
        const date = new Date(now);
        headers["anthropic-ratelimit-unified-overage-status"] = "allowed";
        headers["anthropic-ratelimit-unified-overage-in-use"] = "true";
        headers["anthropic-ratelimit-unified-overage-reset"] = String(
          Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1) / 1000,
        );
      } else {
        // a subscription without extra usage
        headers["anthropic-ratelimit-unified-overage-status"] = "rejected";
        headers["anthropic-ratelimit-unified-overage-disabled-reason"] = "org_level_disabled";
      }
    }
    return headers;
  }

  private async answer(
    res: ServerResponse,
    body: Record<string, unknown>,
    settings: ModeSettings,
    inputTokens: number,
    offered: string[],
    limits: Record<string, string>,
  ) {
    const id = `msg_mock${randomBytes(12).toString("hex")}`;
    const model = typeof body.model === "string" ? body.model : "claude-sonnet-4-5";
    const slow = settings.mode === "slow";
    const calls = settings.toolCalls.map((call) => ({
      ...call,
      tool: offeredTool(offered, call.name),
      id: `toolu_mock${randomBytes(8).toString("hex")}`,
    }));
    const missing = calls.filter((call) => !call.tool).map((call) => call.name);
    const made = calls.filter((call) => call.tool);
    let text = settings.echo
      ? settings.answer.replaceAll("$1", new RegExp(settings.echo).exec(requestText(body))?.[1] ?? "(no match)")
      : settings.answer;
    if (missing.length > 0)
      text += `${text ? " " : ""}(mock: tool ${missing.join(", ")} was not offered; offered: ${offered.join(", ") || "none"})`;
    // ok: word by word like the API ("Hello", " from", " mock!"); slow: `chunks` even pieces
    const cut = (value: string) =>
      value === "" ? [] : slow ? split(value, settings.chunks) : (value.match(/\s*\S+|\s+$/g) ?? [value]);
    const pieces = cut(text);
    const thoughts = cut(settings.thinking);
    const signature = randomBytes(48).toString("base64"); // opaque to the client, which sends it back
    const usage: Usage = {
      input_tokens: settings.usage.input_tokens ?? inputTokens,
      cache_creation_input_tokens: settings.usage.cache_creation_input_tokens ?? 0,
      cache_read_input_tokens: settings.usage.cache_read_input_tokens ?? 0,
      output_tokens: settings.usage.output_tokens ?? thoughts.length + pieces.length + made.length,
    };
    const headers = { ...limits, "request-id": requestId() };
    const stopReason = settings.stopReason ?? (made.length > 0 ? "tool_use" : "end_turn");
    const blocks = [
      ...(thoughts.length === 0 ? [] : [{ type: "thinking", thinking: settings.thinking, signature }]),
      ...(text === "" ? [] : [{ type: "text", text }]),
      ...made.map((call) => ({ type: "tool_use", id: call.id, name: call.tool, input: call.input })),
    ];

    if (!body.stream) {
      // the CLI falls back to a non-streamed request after a failed stream; still overloaded
      if (settings.mode === "fail-mid-stream")
        return void this.error(res, 529, "overloaded_error", "Overloaded", limits);
      res.writeHead(200, { ...headers, "content-type": "application/json" });
      res.end(
        JSON.stringify({
          id,
          type: "message",
          role: "assistant",
          model,
          content: blocks,
          stop_reason: stopReason,
          stop_sequence: null,
          usage,
        }),
      );
      return;
    }

    res.writeHead(200, {
      ...headers,
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache",
      connection: "keep-alive",
    });
    const send = (event: Record<string, unknown> & { type: string }) =>
      res.write(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
    const message = {
      id,
      type: "message",
      role: "assistant",
      model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
    };
    send({
      type: "message_start",
      message: { ...message, usage: { ...usage, output_tokens: Math.min(1, usage.output_tokens) } },
    });
    let index = 0;
    // slow: every delta but the first comes `chunkDelayMs` after the one before
    let deltas = 0;
    const pause = async () => {
      if (slow && deltas++ > 0) await sleep(settings.chunkDelayMs);
    };
    if (thoughts.length > 0) {
      send({ type: "content_block_start", index, content_block: { type: "thinking", thinking: "", signature: "" } });
      send({ type: "ping" });
      for (const thought of thoughts) {
        await pause();
        if (res.destroyed) return;
        send({ type: "content_block_delta", index, delta: { type: "thinking_delta", thinking: thought } });
      }
      send({ type: "content_block_delta", index, delta: { type: "signature_delta", signature } });
      send({ type: "content_block_stop", index });
      index += 1;
    }
    if (pieces.length > 0) {
      send({ type: "content_block_start", index, content_block: { type: "text", text: "" } });
      if (index === 0) send({ type: "ping" });
      for (const [i, piece] of pieces.entries()) {
        await pause();
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
      send({
        type: "content_block_start",
        index,
        content_block: { type: "tool_use", id: call.id, name: call.tool, input: {} },
      });
      const json = JSON.stringify(call.input);
      for (const fragment of json === "{}" ? [] : split(json, settings.inputFragments)) {
        if (slow) await sleep(settings.chunkDelayMs);
        if (res.destroyed) return;
        send({ type: "content_block_delta", index, delta: { type: "input_json_delta", partial_json: fragment } });
      }
      send({ type: "content_block_stop", index });
      index += 1;
    }
    send({ type: "message_delta", delta: { stop_reason: stopReason, stop_sequence: null }, usage });
    send({ type: "message_stop" });
    res.end();
  }

  private admin(method: string, pathname: string, body: unknown, res: ServerResponse): ServerResponse {
    if (pathname === "/__mock/requests" && method === "GET") return this.json(res, 200, this.requests);
    if (pathname === "/__mock/requests" && method === "DELETE") {
      this.requests.length = 0;
      return this.json(res, 200, { cleared: true });
    }
    if (pathname === "/__mock/mode" && method === "GET") return this.json(res, 200, this.settings); // after a reset: ok
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

  private json(
    res: ServerResponse,
    status: number,
    value: unknown,
    headers: Record<string, string> = {},
  ): ServerResponse {
    res.writeHead(status, { ...headers, "content-type": "application/json" });
    return res.end(JSON.stringify(value));
  }

  /** An error as Anthropic sends it: `request-id` header and `request_id` in the body; `more` joins `error` (its `details`). */
  private error(
    res: ServerResponse,
    status: number,
    type: string,
    message: string,
    headers: Record<string, string> = {},
    more: Record<string, unknown> = {},
  ): ServerResponse {
    const id = requestId();
    return this.json(
      res,
      status,
      { type: "error", error: { type, message, ...more }, request_id: id },
      { ...headers, "request-id": id },
    );
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
