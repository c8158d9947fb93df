// What the CLI's lines mean for one answer: the text and tool-call deltas to stream, and at the end
// the whole message, its finish reason, its usage, or the error it stands for. Streamed and whole
// responses read the same lines through this one reader.
//   text:        content_block_delta text_delta → {content}; a message the CLI got without a stream
//                (its fall-back after a failed stream) arrives only as an `assistant` line: its text
//                then, once, if no text went out before it. The CLI's own error text (`<synthetic>`
//                messages) is never content.
//   thinking:    content_block_delta thinking_delta → {reasoning_content}, as OpenAI-style clients
//                (OpenClaw) read a model's reasoning; a whole answer gives it as
//                message.reasoning_content. Signatures stay here: they only serve Anthropic.
//   tool calls:  tools/tool-turn.ts
//   the model:   the id the CLI reports: its init line's, then the message's (message_start), so a
//                family's answer names the model that ran (claude-opus-5-5), never the family
//   the limit:   message_delta with stop_reason max_tokens: the answer ends there (`cutAtLimit`),
//                finish_reason length with the text so far. The chat route then stops the CLI,
//                which would otherwise ask the model up to three times to resume, and fail.
import type { ToolCall, ToolCallDelta, ToolTurn } from "../tools/tool-turn.ts";
import {
  isResult,
  isSystemInit,
  type AssistantLine,
  type CliLine,
  type ResultLine,
  type StreamEventLine,
  type Usage,
} from "../cli/stream-json.ts";

export type Delta = { content: string } | { reasoning_content: string } | { tool_calls: ToolCallDelta[] };

export type FinishReason = "stop" | "length" | "tool_calls";

export class Answer {
  private readonly tools: ToolTurn | undefined;
  /** Messages whose blocks arrived as stream events. */
  private readonly streamedMessages = new Set<string>();
  private ended: ResultLine | undefined;
  private textSent = false;
  private reasoning = "";
  /** The text sent so far: the whole answer's content when the run ends before its result. */
  private text = "";
  private streamUsage: Usage = {};
  private cut = false;
  private ranOn: string | undefined;

  constructor(tools?: ToolTurn) {
    this.tools = tools;
  }

  /** The deltas one line gives; every line goes through here, streamed response or not. */
  read(line: CliLine): Delta[] {
    if (isResult(line)) {
      this.ended = line;
      return [];
    }
    const deltas: Delta[] = [];
    if (isSystemInit(line) && line.model) this.ranOn = line.model;
    if (line.type === "stream_event") {
      const event = (line as StreamEventLine).event;
      if (event?.type === "message_start" && event.message?.model) this.ranOn = event.message.model;
      if (event?.type === "message_start" && event.message?.id) this.streamedMessages.add(event.message.id);
      if (event?.type === "message_start" && event.message?.usage) this.streamUsage = { ...event.message.usage };
      if (event?.type === "message_delta") {
        this.streamUsage = { ...this.streamUsage, ...event.usage };
        if (event.delta?.stop_reason === "max_tokens") this.cut = true;
      }
      if (event?.type === "content_block_delta" && event.delta?.type === "text_delta" && event.delta.text) {
        this.text += event.delta.text;
        deltas.push({ content: event.delta.text });
      }
      if (event?.type === "content_block_delta" && event.delta?.type === "thinking_delta" && event.delta.thinking) {
        this.reasoning += event.delta.thinking;
        deltas.push({ reasoning_content: event.delta.thinking });
      }
    } else if (line.type === "assistant") {
      const text = this.unstreamedText(line as AssistantLine);
      if (text) {
        this.text += text;
        deltas.push({ content: text });
      }
    }
    if (deltas.some((delta) => "content" in delta)) this.textSent = true;
    const calls = this.tools?.read(line) ?? [];
    if (calls.length > 0) deltas.push({ tool_calls: calls });
    return deltas;
  }

  /**
   * Text the CLI got without a stream. Only when none was sent yet: after a stream that broke off
   * mid-answer, the fall-back's whole answer cannot be spliced onto the part already sent.
   */
  private unstreamedText(line: AssistantLine): string {
    const message = line.message;
    if (
      !message ||
      this.textSent ||
      line.error !== undefined ||
      message.model === "<synthetic>" ||
      this.streamedMessages.has(message.id ?? "")
    )
      return "";
    const content = Array.isArray(message.content) ? message.content : [];
    return content.map((block) => (block.type === "text" ? (block.text ?? "") : "")).join("");
  }

  /** The model that answers, once the CLI named it. */
  get model(): string | undefined {
    return this.ranOn;
  }

  /** The CLI's result line, once it came. */
  get result(): ResultLine | undefined {
    return this.ended;
  }

  /** The model stopped at its output limit: the answer is complete as far as it goes. */
  get cutAtLimit(): boolean {
    return this.cut;
  }

  /** The run's token usage: the result's, or for an answer cut at the limit, its stream's. */
  get usage(): Usage | undefined {
    return this.ended?.usage ?? (this.cut ? this.streamUsage : undefined);
  }

  /** Whether the run ended well: a success, or a tool turn's stop after the model's calls. */
  get succeeded(): boolean {
    const result = this.ended;
    if (!result) return false;
    return !result.is_error || (this.tools?.succeeded(result) ?? false);
  }

  get finishReason(): FinishReason {
    if (this.cut || this.ended?.stop_reason === "max_tokens") return "length";
    if (this.tools) return this.tools.finishReason;
    return "stop";
  }

  /** The whole message, for a response that is not streamed. */
  get message(): {
    role: "assistant";
    content: string | null;
    reasoning_content?: string;
    tool_calls?: readonly ToolCall[];
  } {
    const calls = this.tools?.toolCalls ?? [];
    const reasoning = this.reasoning ? { reasoning_content: this.reasoning } : {};
    if (this.tools && calls.length > 0 && !this.cut)
      return { role: "assistant", content: this.tools.content || null, ...reasoning, tool_calls: calls };
    return { role: "assistant", content: this.ended?.result ?? this.text, ...reasoning };
  }
}
