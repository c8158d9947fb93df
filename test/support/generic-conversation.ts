// A generic OpenAI client's growing conversation, beside the OpenClaw-shaped one
// (openclaw-conversation.ts), for measuring what reaches Anthropic through the proxy: a 36 KB system
// prompt and four user messages of 8 KB (a pasted document each), no tools. Like any OpenAI client,
// each request repeats the whole history and the previous answer, then adds the new message, and
// nothing else: no message of its own at the end (what OpenClaw adds). On it, with the cache breakpoint
// on the message before the last, 0.83 and 0.72 of requests 2 and 3 lay in the previous request's
// cached prefix (issue 25). The mock answers with its default short text.
import type OpenAI from "openai";
import type { ChatCompletionMessageParam } from "openai/resources/chat/completions";

const filler = (label: string, length: number) =>
  `${label} ${"The report goes on with figures, dates and the reasons for each of them. ".repeat(Math.ceil(length / 72))}`.slice(
    0,
    length,
  );

/** About 36 KB: a persona and house rules. */
export function genericSystemPrompt(persona = "You are a careful reading assistant."): string {
  return filler(persona, 36_000);
}

/** Four 8 KB user messages, each a new document to read. */
export const GENERIC_TURNS = [1, 2, 3, 4].map((n) => filler(`Here is document ${n}; summarize it.`, 8_000));

/** Runs the conversation through `client` (a normalizer's /v1), one plain request a turn; resolves to the messages it ended with. */
export async function runGenericConversation(
  client: OpenAI,
  model: string,
  systemPrompt = genericSystemPrompt(),
): Promise<ChatCompletionMessageParam[]> {
  const messages: ChatCompletionMessageParam[] = [{ role: "system", content: systemPrompt }];
  for (const turn of GENERIC_TURNS) {
    messages.push({ role: "user", content: turn });
    const completion = await client.chat.completions.create({ model, messages });
    const content = completion.choices[0]?.message.content;
    if (!content) throw new Error("the proxy gave no answer");
    messages.push({ role: "assistant", content });
  }
  return messages;
}
