// One model turn with client tools, from the CLI's stream-json lines to OpenAI's shapes. The CLI
// streams a tool_use block as content_block_start (id, name), input_json_delta fragments and
// content_block_stop; then, stopped by --max-turns 1 before running anything, it ends with a result
// of subtype error_max_turns. That result is this turn's success: the calls go to the client.
// `read` takes every line once and gives both forms:
//   streamed:  tool_use blocks → delta.tool_calls [{index, id, type, function: {name, arguments}}]
//   whole:     `toolCalls`, arguments as one JSON string, and the text before them (`content`)
// A call without arguments carries "{}" (OpenClaw drops calls whose arguments are empty).
import type { ToolNames } from "./tool-names.ts";

export interface ToolCallDelta {
  index: number;
  id?: string;
  type?: "function";
  function: { name?: string; arguments: string };
}

export interface ToolCall {
  id: string;
  type: "function";
  function: { name: string; arguments: string };
}

interface StreamLine {
  type?: string;
  subtype?: string;
  stop_reason?: string | null;
  event?: {
    type?: string;
    index?: number;
    content_block?: { type?: string; id?: string; name?: string };
    delta?: { type?: string; partial_json?: string; stop_reason?: string | null };
  };
  message?: { content?: { type?: string; text?: string; id?: string; name?: string; input?: unknown }[] };
}

export class ToolTurn {
  private readonly names: ToolNames;
  /** block index in the model's message → call index for the client */
  private readonly open = new Map<number, { index: number; streamedArguments: boolean }>();
  private readonly calls: ToolCall[] = [];
  /** tool_use blocks seen in the stream, and their ids */
  private started = 0;
  private readonly startedIds = new Set<string>();
  private stopReason = "";
  private text = "";

  constructor(names: ToolNames) {
    this.names = names;
  }

  /** Reads one CLI line: keeps its complete calls and text, and gives its deltas for a stream. */
  read(line: StreamLine): ToolCallDelta[] {
    this.collect(line);
    return this.deltas(line);
  }

  private deltas(line: StreamLine): ToolCallDelta[] {
    if (line.type === "assistant") return this.unstreamed(line);
    this.noteStopReason(line);
    const event = line.type === "stream_event" ? line.event : undefined;
    if (!event || event.index === undefined) return [];
    if (event.type === "content_block_start" && event.content_block?.type === "tool_use") {
      const index = this.started++;
      const id = event.content_block.id ?? "";
      this.startedIds.add(id);
      this.open.set(event.index, { index, streamedArguments: false });
      const name = this.names.clientName(event.content_block.name ?? "");
      return [{ index, id, type: "function", function: { name, arguments: "" } }];
    }
    const block = this.open.get(event.index);
    if (!block) return [];
    if (event.type === "content_block_delta" && event.delta?.type === "input_json_delta" && event.delta.partial_json) {
      block.streamedArguments = true;
      return [{ index: block.index, function: { arguments: event.delta.partial_json } }];
    }
    if (event.type === "content_block_stop") {
      this.open.delete(event.index);
      return block.streamedArguments ? [] : [{ index: block.index, function: { arguments: "{}" } }];
    }
    return [];
  }

  /**
   * Calls that reach the stream only as a complete message: the CLI falls back to a non-streamed
   * request when a stream fails, and then prints no stream events for that answer.
   */
  private unstreamed(line: StreamLine): ToolCallDelta[] {
    const deltas: ToolCallDelta[] = [];
    for (const block of blocksOf(line)) {
      if (block.type !== "tool_use" || this.startedIds.has(block.id ?? "")) continue;
      this.startedIds.add(block.id ?? "");
      deltas.push({ index: this.started++, ...this.callOf(block) });
    }
    return deltas;
  }

  /** A complete tool_use block as an OpenAI call: the client's name, the input as one JSON string. */
  private callOf(block: { id?: string; name?: string; input?: unknown }): ToolCall {
    const input = block.input && typeof block.input === "object" ? block.input : {};
    return {
      id: block.id ?? "",
      type: "function",
      function: { name: this.names.clientName(block.name ?? ""), arguments: JSON.stringify(input) },
    };
  }

  private noteStopReason(line: StreamLine): void {
    if (line.type === "stream_event" && line.event?.type === "message_delta" && line.event.delta?.stop_reason)
      this.stopReason = line.event.delta.stop_reason;
  }

  /** Collects the complete blocks of an `assistant` line: the calls and the text before them. */
  private collect(line: StreamLine): void {
    this.noteStopReason(line);
    if (line.type !== "assistant") return;
    for (const block of blocksOf(line)) {
      if (block.type === "text" && block.text) this.text += block.text;
      if (block.type === "tool_use") this.calls.push(this.callOf(block));
    }
  }

  /** The calls the model made, in order (after every `assistant` line was collected). */
  get toolCalls(): readonly ToolCall[] {
    return this.calls;
  }

  /** Text the model wrote before its calls. */
  get content(): string {
    return this.text;
  }

  private get called(): boolean {
    return this.calls.length > 0 || this.started > 0;
  }

  /** "length" when the answer was cut at max_tokens (a call may be incomplete), else by the calls. */
  get finishReason(): "tool_calls" | "stop" | "length" {
    if (this.stopReason === "max_tokens") return "length";
    return this.called ? "tool_calls" : "stop";
  }

  /** Whether a CLI result ends this turn well: a normal one, or the stop after the model's calls. */
  succeeded(result: StreamLine & { is_error?: boolean }): boolean {
    if (!result.is_error) return true;
    return result.subtype === "error_max_turns" && result.stop_reason === "tool_use" && this.called;
  }
}

/** A message's content blocks; anything else (a line of a shape this CLI version does not print) has none. */
const blocksOf = (line: StreamLine) => (Array.isArray(line.message?.content) ? line.message.content : []);
