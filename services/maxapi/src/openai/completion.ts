// OpenAI's chat completion shapes for one answer: the whole response, and the chunks of a streamed
// one. Every shape names the model that ran (as the CLI reports it: claude-opus-5-5 for a request
// that chose the Opus family) and carries one completion id.
import { randomBytes } from "node:crypto";
import type { Usage } from "../cli/stream-json.ts";
import type { Delta, FinishReason } from "../chat/answer.ts";

export interface CompletionUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details: { cached_tokens: number; cache_write_tokens: number };
}

/**
 * The CLI's usage in OpenAI's terms: prompt tokens include the ones read from and written to the
 * cache, as OpenAI counts them; the details give both (OpenClaw reads cache_write_tokens).
 */
export function completionUsage(usage: Usage | undefined): CompletionUsage {
  const cacheRead = usage?.cache_read_input_tokens ?? 0;
  const cacheWrite = usage?.cache_creation_input_tokens ?? 0;
  const prompt = (usage?.input_tokens ?? 0) + cacheRead + cacheWrite;
  const completion = usage?.output_tokens ?? 0;
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    prompt_tokens_details: { cached_tokens: cacheRead, cache_write_tokens: cacheWrite },
  };
}

export class Completion {
  readonly id = `chatcmpl-${randomBytes(12).toString("hex")}`;
  readonly created = Math.floor(Date.now() / 1000);
  /** The model as known when a shape is made: the CLI names it before the first token. */
  private readonly model: () => string;
  private first = true;

  constructor(model: () => string) {
    this.model = model;
  }

  /** A chunk with one delta; the first of the stream says the role. */
  chunk(delta: Delta | Record<string, never>, finishReason: FinishReason | null = null) {
    const role = this.first ? { role: "assistant" as const } : {};
    this.first = false;
    return {
      ...this.head("chat.completion.chunk"),
      choices: [{ index: 0, delta: { ...role, ...delta }, finish_reason: finishReason }],
    };
  }

  /** The last chunk of a stream with `stream_options.include_usage`: usage and no choices. */
  usageChunk(usage: CompletionUsage) {
    return { ...this.head("chat.completion.chunk"), choices: [], usage };
  }

  whole(message: Record<string, unknown>, finishReason: FinishReason, usage: CompletionUsage) {
    return { ...this.head("chat.completion"), choices: [{ index: 0, message, finish_reason: finishReason }], usage };
  }

  private head(object: string) {
    return { id: this.id, object, created: this.created, model: this.model() };
  }
}
