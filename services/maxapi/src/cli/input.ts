// The request as the CLI reads it on stdin (`--input-format stream-json`), two lines:
//   1. the system prompt (SYSTEM_PROMPT=system-prompt): an `initialize` control request carrying
//      the request's leading system messages as the CLI's system prompt, in place of the CLI's own
//      agent prompt (what the Agent SDK does; on stdin, so no argv limit and a warm process fits any
//      prompt). The CLI's identity line and billing header stay as the CLI writes them.
//   2. the conversation: one user message, a content block per message (system messages left in
//      the conversation in <system>, earlier answers in <previous_response>, as claude-max-api
//      1.0.0 wrote them; SYSTEM_PROMPT=in-user-message: the leading ones too), images as image
//      blocks where they stood. Replaying the turns as separate messages is not an option: the CLI
//      reorders replayed assistant turns (shared notes, tool-calling §2.5).
// One cache breakpoint, on the last block of the last message the next request will repeat (the
// last message, or the one before it when the last is a trailer like OpenClaw's context message:
// markForCache). The next request of the conversation repeats every block up to it byte for byte,
// so it reads all that from the cache instead of sending it afresh. The TTL is the CLI's own (1 h):
// Anthropic refuses a 1 h breakpoint after a 5 min one, and the CLI marks its trailing environment
// message 1 h. With the CLI's three marks (identity line, system prompt, environment) that makes
// four, Anthropic's maximum.
//
// What the CLI then does to an image (measured, 2.1.330): up to 512,000 bytes and 2000 px a side
// it passes the bytes as they are; a larger file it re-encodes (JPEG), a larger picture it scales
// down and says so in a text note. Checks against the API's limits are the normalizer's
// (services/normalizer/src/images.ts); this module only takes what it is given apart.

import { ApiError, invalidRequest } from "@clawbridge/openai";

/** Where the request's system messages go: the CLI's system prompt, or the user message (claude-max-api's placement). */
export type SystemPromptPlacement = "system-prompt" | "in-user-message";

export const CACHE_BREAKPOINT = { type: "ephemeral", ttl: "1h" } as const;

export type ContentBlock = (
  { type: "text"; text: string } | { type: "image"; source: { type: "base64"; media_type: string; data: string } }
) & { cache_control?: typeof CACHE_BREAKPOINT };

export interface CliInput {
  /** What the CLI reads on stdin: JSON lines. */
  stdin: string;
  /** Image blocks in the message. */
  images: number;
  /** Characters of the system prompt given to the CLI; undefined when it stays in the user message. */
  systemPromptChars: number | undefined;
}

/** The request id of the control request that gives the system prompt (its response names it). */
export const SYSTEM_PROMPT_REQUEST_ID = "system-prompt";

const DATA_URL = /^data:(image\/[a-z0-9.+-]+);base64,/i;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

// [before, after] a message's text in the user message, as claude-max-api wrote them
const WRAPPERS: Readonly<Record<string, readonly [string, string]>> = {
  system: ["<system>\n", "\n</system>"],
  user: ["", ""],
  assistant: ["<previous_response>\n", "\n</previous_response>"],
};

/** The request's messages as the CLI's stdin, or a 400 for a part it cannot carry. */
export function cliInput(
  body: { messages?: unknown },
  placement: SystemPromptPlacement = "system-prompt",
): CliInput | ApiError {
  const system: string[] = [];
  /** Each message's blocks, blank text blocks left out (Anthropic refuses them). */
  const perMessage: ConversationMessage[] = [];
  // the system messages before any other message are the system prompt (SYSTEM_PROMPT=system-prompt)
  let leading = placement === "system-prompt";
  let previousRole: string | undefined;
  for (const [i, message] of (Array.isArray(body.messages) ? body.messages : []).entries()) {
    if (!isObject(message)) continue;
    leading &&= message.role === "system";
    const wrap = WRAPPERS[String(message.role)];
    if (!wrap) continue; // claude-max-api skipped other roles too
    const follows = previousRole;
    previousRole = String(message.role);
    const content = contentBlocks(message.content, `messages[${i}].content`);
    if (content instanceof ApiError) return content;
    if (leading) {
      system.push(content.flatMap((block) => (block.type === "text" ? [block.text] : [])).join("\n"));
      continue;
    }
    const blocks = wrapped(content, wrap).filter((block) => block.type !== "text" || block.text.trim() !== "");
    if (blocks.length > 0) perMessage.push({ follows, blocks });
  }
  if (perMessage.length === 0)
    return invalidRequest(
      "messages: there is nothing to answer: no user or assistant message with content",
      "messages",
      "invalid_messages",
    );
  markForCache(perMessage);
  const kept = perMessage.flatMap((message) => message.blocks);

  const lines: unknown[] = [];
  const systemPrompt =
    placement === "system-prompt" ? system.filter((text) => text.trim() !== "").join("\n\n") : undefined;
  if (systemPrompt !== undefined)
    lines.push({
      type: "control_request",
      request_id: SYSTEM_PROMPT_REQUEST_ID,
      request: { subtype: "initialize", systemPrompt },
    });
  lines.push({ type: "user", message: { role: "user", content: kept } });
  return {
    stdin: lines.map((line) => `${JSON.stringify(line)}\n`).join(""),
    images: kept.filter((block) => block.type === "image").length,
    systemPromptChars: systemPrompt?.length,
  };
}

interface ConversationMessage {
  /** The role of the message before it in the request (blank or not), if any. */
  follows: string | undefined;
  blocks: ContentBlock[];
}

/**
 * The cache breakpoint: on the last block of the last message that the next request will repeat.
 * An OpenAI client sends its history and its new message, and the next request repeats that
 * message too: mark the last message, and only what is new next time (the answer, the next message)
 * is sent uncached. OpenClaw ends every request with a message of its own (its runtime context:
 * runtime facts, exec sessions, subagents) that the next request does not repeat: mark the message
 * before it. The rule tells them apart by roles, never by text: OpenClaw's context message follows
 * a user message (the prompt, or a tool's result, which reaches maxapi as a user message), a client's
 * new message follows the assistant's answer (or the system prompt). So a last message that follows a
 * user message is taken for such a trailer. The cost: a client that sends two user messages in a row
 * (two tool results of one turn) has the second sent uncached once more. One breakpoint only: the
 * CLI marks three blocks itself (identity line, system prompt, its last message), Anthropic allows four.
 */
function markForCache(perMessage: readonly ConversationMessage[]): void {
  const last = perMessage.at(-1);
  const trailer = last?.follows === "user" && perMessage.length > 1;
  const message = perMessage.at(trailer ? -2 : -1)?.blocks ?? [];
  const block = message.at(-1);
  if (block) message[message.length - 1] = { ...block, cache_control: CACHE_BREAKPOINT };
}

/** A message's blocks inside its wrapper: the wrapper's text joins the first and last text blocks. */
function wrapped(content: ContentBlock[], [before, after]: readonly [string, string]): ContentBlock[] {
  const blocks = [...content];
  if (before) {
    const first = blocks[0];
    if (first?.type === "text") blocks[0] = { type: "text", text: before + first.text };
    else blocks.unshift({ type: "text", text: before.trimEnd() });
  }
  if (after) {
    const final = blocks.at(-1);
    if (final?.type === "text") blocks[blocks.length - 1] = { type: "text", text: final.text + after };
    else blocks.push({ type: "text", text: after.trimStart() });
  }
  return blocks;
}

/** A message's content as blocks: its text parts joined by newlines, each image a block where it stood. */
function contentBlocks(content: unknown, param: string): ContentBlock[] | ApiError {
  if (typeof content === "string") return [{ type: "text", text: content }];
  if (content === null || content === undefined) return [];
  if (!Array.isArray(content))
    return invalidRequest(`${param}: must be a string or an array of parts`, param, "invalid_content");
  const blocks: ContentBlock[] = [];
  for (const [i, part] of content.entries()) {
    if (isObject(part) && part.type === "text" && typeof part.text === "string") {
      const last = blocks.at(-1);
      if (last?.type === "text") last.text += `\n${part.text}`;
      else blocks.push({ type: "text", text: part.text });
      continue;
    }
    const url = isObject(part) && part.type === "image_url" ? imageUrl(part.image_url) : undefined;
    const header = url === undefined ? null : DATA_URL.exec(url);
    if (!url || !header?.[1]) {
      return invalidRequest(
        `${param}[${i}]: maxapi takes text parts and images as base64 data: URLs (send requests through the normalizer)`,
        `${param}[${i}]`,
        "unsupported_content",
      );
    }
    blocks.push({
      type: "image",
      source: { type: "base64", media_type: header[1].toLowerCase(), data: url.slice(header[0].length) },
    });
  }
  return blocks;
}

function imageUrl(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  return isObject(value) && typeof value.url === "string" ? value.url : undefined;
}
