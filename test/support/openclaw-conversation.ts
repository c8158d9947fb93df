// An OpenClaw-shaped conversation, for measuring what reaches Anthropic through the proxy (the
// cache-prefix share, the bytes per request): a 30 KB system prompt, 12 tools, and two user turns
// of two tool round trips each, six model requests in all. It is sent as OpenClaw 2026.9.6 sends a
// session to an openai-completions provider: streamed with usage, tools with tool_choice auto,
// max_completion_tokens, each call and its result replayed in OpenAI's form (shared notes,
// tool-calling §3), and each request ends with OpenClaw's runtime context: a user message after the
// prompt or the last tool result, which the next request does not repeat (OpenClaw's
// relocateCurrentRuntimeContextCarrierToTail; the history keeps none). The mock Anthropic API answers
// by MOCK_SCRIPT: a call of exec, a call of read, then the answer, in each turn.
import type OpenAI from "openai";
import type { ChatCompletionMessageParam, ChatCompletionTool } from "openai/resources/chat/completions";
import type { ModeOptions } from "./mock-anthropic-api.ts";

/** About 30 KB: a persona, then sections like OpenClaw's (tools, skills, workspace files). */
export function openclawSystemPrompt(persona = "You are Pip, the household's assistant."): string {
  const sections = [persona, "## Tooling\nUse the tools you are given; report what they return."];
  for (let i = 1; sections.join("\n\n").length < 30_000; i++) {
    sections.push(
      `## Skill ${i}\nWhen the user asks about topic ${i}, read the notes in skills/topic-${i}.md first, then answer in at most ${(i % 5) + 2} sentences. ${"Keep the answer grounded in what the files say. ".repeat(8)}`,
    );
  }
  return sections.join("\n\n").slice(0, 30_000);
}

const NAMES = [
  "read",
  "write",
  "edit",
  "exec",
  "process",
  "web_search",
  "web_fetch",
  "memory_search",
  "memory_get",
  "sessions_list",
  "sessions_send",
  "message",
];

/** Twelve tools with schemas of the size OpenClaw's have. */
export const OPENCLAW_TOOLS: ChatCompletionTool[] = NAMES.map((name) => ({
  type: "function",
  function: {
    name,
    description: `The ${name} tool. ${"It acts on the agent's workspace and reports what happened. ".repeat(3)}`,
    parameters: {
      type: "object",
      properties: {
        path: { type: "string", description: "A path inside the workspace" },
        command: { type: "string", description: "A shell command line" },
        timeoutSeconds: { type: "number", description: "How long to wait at most" },
      },
      required: [],
    },
  },
}));

/** What the mock answers each of the six requests: exec, read, the answer; twice. */
export const MOCK_SCRIPT: ModeOptions = {
  answer: "Both checks are done.",
  next: [0, 1].flatMap(() => [
    { answer: "", toolCalls: [{ name: "exec", input: { command: "uptime" } }] },
    { answer: "Now the notes.", toolCalls: [{ name: "read", input: { path: "notes.md" } }] },
    { answer: "Both checks are done." },
  ]),
};

export const USER_TURNS = ["Check the machine's uptime and read my notes.", "Do the same again, please."];

/** OpenClaw's runtime context message, as 2026.9.6 words it, for the `step`th request of a turn. */
export function runtimeContext(step: number): ChatCompletionMessageParam {
  const facts = [
    "Active exec sessions:",
    step > 0 ? `- proc-${step} running pid=${4100 + step} cwd=/home/node/workspace :: uptime` : "none",
    "## Active Subagents",
    "none",
  ];
  return {
    role: "user",
    content: [
      "<<<BEGIN_OPENCLAW_INTERNAL_CONTEXT>>>",
      "OpenClaw runtime context for the active user request in this turn. Do not reply to or describe this context. Use it to continue answering the active user request now. Do not wait for another message.",
      "This context is runtime-generated, not user-authored. Keep internal details private.",
      ...facts,
      "<<<END_OPENCLAW_INTERNAL_CONTEXT>>>",
    ].join("\n"),
  };
}

/** Runs the conversation through `client` (a normalizer's /v1); resolves to the messages it ended with. */
export async function runOpenclawConversation(
  client: OpenAI,
  model: string,
  systemPrompt = openclawSystemPrompt(),
): Promise<ChatCompletionMessageParam[]> {
  const messages: ChatCompletionMessageParam[] = [{ role: "system", content: systemPrompt }];
  for (const turn of USER_TURNS) {
    messages.push({ role: "user", content: turn });
    for (let step = 0; step < 3; step++) {
      const stream = client.chat.completions.stream({
        model,
        messages: [...messages, runtimeContext(step)],
        tools: OPENCLAW_TOOLS,
        tool_choice: "auto",
        max_completion_tokens: 32_000,
        stream: true,
        stream_options: { include_usage: true },
      });
      const { choices } = await stream.finalChatCompletion();
      const message = choices[0]?.message;
      if (!message) throw new Error("the proxy gave no choice");
      const calls = message.tool_calls ?? [];
      messages.push(
        calls.length > 0
          ? { role: "assistant", content: message.content ?? null, tool_calls: calls }
          : { role: "assistant", content: message.content ?? "" },
      );
      if (calls.length === 0) break;
      for (const call of calls)
        messages.push({
          role: "tool",
          tool_call_id: call.id,
          content: `output of ${call.type === "function" ? call.function.name : "a tool"}: 42 lines`,
        });
    }
  }
  return messages;
}
