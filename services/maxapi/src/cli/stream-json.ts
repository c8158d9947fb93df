// The CLI's output (`--output-format stream-json --verbose --include-partial-messages`): one JSON
// object a line. The lines maxapi reads, as far as it reads them; the rest pass by.

export interface ContentBlock {
  type?: string;
  text?: string;
  id?: string;
  name?: string;
  input?: unknown;
}

/** An Anthropic streaming event, wrapped: text and tool-argument deltas, block starts and stops. */
export interface StreamEventLine {
  type: "stream_event";
  event?: {
    type?: string;
    index?: number;
    message?: { id?: string; model?: string; usage?: Usage };
    content_block?: ContentBlock;
    usage?: Usage;
    delta?: { type?: string; text?: string; thinking?: string; partial_json?: string; stop_reason?: string | null };
  };
}

/** A complete message block; `<synthetic>` ones carry the CLI's own error text. */
export interface AssistantLine {
  type: "assistant";
  error?: string;
  message?: { id?: string; model?: string; content?: ContentBlock[] };
}

export interface Usage {
  input_tokens?: number;
  cache_creation_input_tokens?: number;
  cache_read_input_tokens?: number;
  output_tokens?: number;
}

/** The run's end: its text, usage, and, when is_error, what went wrong. */
export interface ResultLine {
  type: "result";
  subtype?: string;
  is_error?: boolean;
  result?: string;
  stop_reason?: string | null;
  api_error_status?: number | null;
  api_error_type?: string | null;
  /** Anthropic's error, as the CLI names it (`usage_limit_reached`, `claude_code_version_too_old`, ...). */
  api_error?: string | null;
  /** The `details.error_code` of Anthropic's error body, when it has one (`claude_code_version_too_old`). */
  api_error_code?: string | null;
  /** Why the run ended: `prompt_too_long` when the conversation is over the model's context window. */
  terminal_reason?: string;
  usage?: Usage;
}

/** The CLI's first line: the model it runs (the id it sends to Anthropic) and its own version. */
export interface SystemInitLine {
  type: "system";
  subtype: "init";
  model?: string;
  claude_code_version?: string;
}

export type WindowStatus = "allowed" | "allowed_warning" | "rejected";

/** One usage window of the subscription; `resetsAt` in epoch seconds. */
export interface WindowReport {
  status?: WindowStatus;
  utilization?: number;
  resetsAt?: number;
  surpassedThreshold?: number;
}

/**
 * What Anthropic's `anthropic-ratelimit-unified-*` headers said, on answers and refusals alike: the
 * status of the window that decided (`rateLimitType`: five_hour, seven_day, seven_day_opus, ...),
 * and each window's own figures. A rejection without a `rateLimitType` is a short rate limit.
 */
export interface RateLimitInfo extends WindowReport {
  rateLimitType?: string;
  /** The answer was billed to the account's extra usage: status rejected while extra usage is allowed. */
  isUsingOverage?: boolean;
  /** Anthropic's `anthropic-ratelimit-unified-overage-in-use: true` (absent otherwise). */
  overageInUse?: boolean;
  unifiedWindows?: Record<string, WindowReport>;
}

export interface RateLimitEventLine {
  type: "rate_limit_event";
  rate_limit_info?: RateLimitInfo;
}

/** The CLI's answer to a control request on stdin (the `initialize` that gives the system prompt). */
export interface ControlResponseLine {
  type: "control_response";
  response?: { subtype?: string; request_id?: string; error?: string };
}

export type CliLine =
  | StreamEventLine
  | AssistantLine
  | ResultLine
  | RateLimitEventLine
  | ControlResponseLine
  | SystemInitLine
  | { type?: string };

/** Splits a byte stream into parsed lines; a line that is not JSON is handed to `other` (the CLI's rare plain text). */
export class LineReader {
  private buffer = "";
  private readonly decoder = new TextDecoder();
  private readonly onLine: (line: CliLine) => void;
  private readonly other: (text: string) => void;

  constructor(onLine: (line: CliLine) => void, other: (text: string) => void) {
    this.onLine = onLine;
    this.other = other;
  }

  push(chunk: Uint8Array): void {
    this.buffer += this.decoder.decode(chunk, { stream: true });
    const lines = this.buffer.split("\n");
    this.buffer = lines.pop() ?? "";
    for (const line of lines) this.parse(line);
  }

  end(): void {
    this.buffer += this.decoder.decode();
    this.parse(this.buffer);
    this.buffer = "";
  }

  private parse(line: string): void {
    const text = line.trim();
    if (!text) return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      this.other(text);
      return;
    }
    if (typeof parsed === "object" && parsed !== null) this.onLine(parsed);
  }
}

export const isResult = (line: CliLine): line is ResultLine => line.type === "result";
export const isSystemInit = (line: CliLine): line is SystemInitLine =>
  line.type === "system" && (line as { subtype?: unknown }).subtype === "init";
/** Whether the answer a `rate_limit_event` came with was billed to the account's extra usage. */
export const billedToExtraUsage = (info: RateLimitInfo): boolean =>
  info.isUsingOverage === true || info.overageInUse === true;
export const isRateLimitEvent = (line: CliLine): line is RateLimitEventLine => line.type === "rate_limit_event";

/** The error of a control response, or undefined for a success or any other line. */
export function controlError(line: CliLine): string | undefined {
  if (line.type !== "control_response") return undefined;
  const response = (line as ControlResponseLine).response;
  return response?.subtype === "error" ? response.error || "control request refused" : undefined;
}
