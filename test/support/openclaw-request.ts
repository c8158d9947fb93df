// A chat request shaped like the ones OpenClaw 2026.9.6 sends to an `openai-completions` provider:
// a ~50 KB system prompt, a string user message, a user message as an array of text parts, an
// assistant tool call with its result, 12 tool schemas, tool_choice and max_completion_tokens.

export function openClawRequest(options: { stream?: boolean; userText?: string } = {}) {
  const tools = Array.from({ length: 12 }, (_, i) => ({
    type: "function",
    function: {
      name: `tool_${i}`,
      description: `Tool number ${i}: does something useful with its arguments.`,
      parameters: {
        type: "object",
        properties: { query: { type: "string", description: "what to look for" }, limit: { type: "integer" } },
        required: ["query"],
      },
    },
  }));
  const systemPrompt = "You are OpenClaw's main agent. Follow the workspace rules.\n".repeat(850); // ~50 KB
  return {
    model: "claude-max-proxy/opus",
    stream: options.stream ?? true,
    max_completion_tokens: 8192,
    tool_choice: "auto",
    tools,
    messages: [
      { role: "system", content: systemPrompt },
      { role: "user", content: "What changed in the repository today?" },
      {
        role: "assistant",
        content: null,
        tool_calls: [
          { id: "call_1", type: "function", function: { name: "tool_3", arguments: '{"query":"git log"}' } },
        ],
      },
      { role: "tool", tool_call_id: "call_1", content: [{ type: "text", text: "3 commits by alice" }] },
      {
        role: "user",
        content: [
          { type: "text", text: "[Telegram alice] " },
          { type: "text", text: options.userText ?? "Summarize them for me." },
        ],
      },
    ],
  };
}
