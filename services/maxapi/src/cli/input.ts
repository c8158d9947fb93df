// The request as the CLI reads it: one stream-json user message on stdin (`--input-format
// stream-json`), so images can travel as image blocks. The conversation keeps the layout
// claude-max-api 1.0.0's messagesToPrompt gave it (system in <system>, earlier answers in
// <previous_response>, one user message in all); each image sits as a block where it stood.
// Replaying the turns as separate messages is not an option: the CLI reorders replayed assistant
// turns (shared notes, tool-calling §2.5).
//
// What the CLI then does to an image (measured, 2.1.330): up to 512,000 bytes and 2000 px a side
// it passes the bytes as they are; a larger file it re-encodes (JPEG), a larger picture it scales
// down and says so in a text note. Checks against the API's limits are the normalizer's
// (services/normalizer/src/images.ts); this module only takes what it is given apart.

import { ApiError, invalidRequest } from "@clawbridge/openai";

export type ContentBlock =
  | { type: "text"; text: string }
  | { type: "image"; source: { type: "base64"; media_type: string; data: string } };

export interface CliInput {
  /** What the CLI reads on stdin: one JSON line. */
  stdin: string;
  /** Image blocks in the message. */
  images: number;
}

const DATA_URL = /^data:(image\/[a-z0-9.+-]+);base64,/i;

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

/** The request's messages as the CLI's stdin, or a 400's message for a part it cannot carry. */
export function cliInput(body: { messages?: unknown }): CliInput | ApiError {
  const messages = Array.isArray(body.messages) ? body.messages : [];
  const items: (string | ContentBlock)[] = [];
  for (const [i, message] of messages.entries()) {
    if (!isObject(message)) continue;
    const wrap = WRAPPERS[String(message.role)];
    if (!wrap) continue; // claude-max-api skipped other roles too
    const content = contentItems(message.content, `messages[${i}].content`);
    if (content instanceof ApiError) return content;
    if (items.length > 0) items.push("\n");
    items.push(wrap[0], ...content, wrap[1]);
  }
  const blocks = mergeText(items);
  const images = blocks.filter((block) => block.type === "image").length;
  // without images, the prompt as one string: what the model saw before this input format
  const content = images === 0 ? blocks.map((block) => (block.type === "text" ? block.text : "")).join("") : blocks;
  return {
    stdin: `${JSON.stringify({ type: "user", message: { role: "user", content } })}\n`,
    images,
  };
}

// [before, after] each message's content, as claude-max-api wrote them
const WRAPPERS: Readonly<Record<string, readonly [string, string]>> = {
  system: ["<system>\n", "\n</system>\n"],
  user: ["", ""],
  assistant: ["<previous_response>\n", "\n</previous_response>\n"],
};

function contentItems(content: unknown, param: string): (string | ContentBlock)[] | ApiError {
  if (typeof content === "string") return [content];
  if (content === null || content === undefined) return [""];
  if (!Array.isArray(content)) return invalidRequest(`${param}: must be a string or an array of parts`, param, "invalid_content");
  const items: (string | ContentBlock)[] = [];
  for (const [i, part] of content.entries()) {
    if (i > 0) items.push("\n");
    if (isObject(part) && part.type === "text" && typeof part.text === "string") {
      items.push(part.text);
      continue;
    }
    const url = isObject(part) && part.type === "image_url" ? imageUrl(part.image_url) : undefined;
    const header = url === undefined ? null : DATA_URL.exec(url);
    if (!url || !header?.[1]) {
      return invalidRequest(`${param}[${i}]: maxapi takes text parts and images as base64 data: URLs (send requests through the normalizer)`, `${param}[${i}]`, "unsupported_content");
    }
    items.push({ type: "image", source: { type: "base64", media_type: header[1].toLowerCase(), data: url.slice(header[0].length) } });
  }
  return items;
}

function imageUrl(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  return isObject(value) && typeof value.url === "string" ? value.url : undefined;
}

/** Adjacent strings joined into one text block, empty ones dropped, the whole trimmed as claude-max-api trimmed. */
function mergeText(items: (string | ContentBlock)[]): ContentBlock[] {
  const blocks: ContentBlock[] = [];
  for (const item of items) {
    const last = blocks.at(-1);
    if (typeof item !== "string") blocks.push(item);
    else if (last?.type === "text") last.text += item;
    else blocks.push({ type: "text", text: item });
  }
  const first = blocks[0];
  const final = blocks.at(-1);
  if (first?.type === "text") first.text = first.text.trimStart();
  if (final?.type === "text") final.text = final.text.trimEnd();
  return blocks.filter((block) => block.type !== "text" || block.text !== "");
}
