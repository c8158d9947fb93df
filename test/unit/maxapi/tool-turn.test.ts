import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { mcpToolName, ToolNames } from "../../../services/maxapi/src/tools/tool-names.ts";
import { ToolTurn, type ToolCallDelta } from "../../../services/maxapi/src/tools/tool-turn.ts";

// The real CLI 2.1.330 against the mock: "Let me check." then exec {"command":"echo hi"} (input in
// three fragments) and ls {} (no input), stopped by --max-turns 1 (test/fixtures/cli/).
const lines = readFileSync(new URL("../../fixtures/cli/tool-turn-two-calls.jsonl", import.meta.url), "utf8")
  .split("\n")
  .filter(Boolean)
  .map((line) => JSON.parse(line) as Record<string, unknown>);

describe("tool names", () => {
  it("keeps a name the API takes, and maps a long or odd one to a unique one that fits", () => {
    expect(mcpToolName("exec")).toBe("exec");
    const long = "a".repeat(60);
    const odd = "web.search/v2";
    for (const name of [long, odd, `${long}b`]) {
      expect(`mcp__c__${mcpToolName(name)}`).toMatch(/^[a-zA-Z0-9_-]{1,64}$/);
    }
    expect(mcpToolName(long)).not.toBe(mcpToolName(`${long}b`));
    const names = new ToolNames(["exec", long, odd]);
    expect(names.clientName(`mcp__c__${mcpToolName(odd)}`)).toBe(odd);
    expect(names.clientName(`mcp__c__${mcpToolName(long)}`)).toBe(long);
    // a tool the model made up: no prefix the client never sent
    expect(names.clientName("mcp__c__other")).toBe("other");
  });
});

describe("ToolTurn", () => {
  it("streams each call as OpenAI tool_calls deltas: name once, arguments as they come, {} when there are none", () => {
    const turn = new ToolTurn(new ToolNames(["exec", "ls"]));
    const deltas: ToolCallDelta[] = lines.flatMap((line) => turn.read(line));
    const exec = deltas.filter((d) => d.index === 0);
    expect(exec[0]).toEqual({
      index: 0,
      id: expect.stringMatching(/^toolu_/) as string,
      type: "function",
      function: { name: "exec", arguments: "" },
    });
    expect(exec.length).toBeGreaterThan(2); // fragments, not one piece
    expect(JSON.parse(exec.map((d) => d.function.arguments).join(""))).toEqual({ command: "echo hi" });
    const ls = deltas.filter((d) => d.index === 1);
    expect(ls.map((d) => d.function)).toEqual([{ name: "ls", arguments: "" }, { arguments: "{}" }]);
    expect(ls[0]?.id).not.toBe(exec[0]?.id);
    expect(turn.finishReason).toBe("tool_calls");
    const result = lines.find((line) => line.type === "result") ?? {};
    expect(result).toMatchObject({ subtype: "error_max_turns", is_error: true });
    expect(turn.succeeded(result)).toBe(true);
  });

  it("collects the calls and the text before them for a whole message", () => {
    const turn = new ToolTurn(new ToolNames(["exec", "ls"]));
    for (const line of lines) turn.read(line);
    expect(turn.content).toBe("Let me check.");
    expect(turn.toolCalls.map((call) => [call.function.name, JSON.parse(call.function.arguments) as unknown])).toEqual([
      ["exec", { command: "echo hi" }],
      ["ls", {}],
    ]);
    expect(turn.finishReason).toBe("tool_calls");
  });

  it("streams calls that arrive only as a whole message (the CLI's fallback after a failed stream), once", () => {
    const turn = new ToolTurn(new ToolNames(["exec"]));
    const message = {
      type: "assistant",
      message: { content: [{ type: "tool_use", id: "toolu_1", name: "mcp__c__exec", input: { command: "ls" } }] },
    };
    expect(turn.read(message)).toEqual([
      { index: 0, id: "toolu_1", type: "function", function: { name: "exec", arguments: '{"command":"ls"}' } },
    ]);
    expect(turn.read(message)).toEqual([]);
    expect(turn.finishReason).toBe("tool_calls");
    // a call already streamed is not sent again by its assistant line
    const streamed = new ToolTurn(new ToolNames(["exec", "ls"]));
    const all = lines.flatMap((line) => streamed.read(line));
    expect(all.filter((d) => d.function.name !== undefined).map((d) => d.function.name)).toEqual(["exec", "ls"]);
  });

  it("an answer cut at max_tokens ends with finish_reason length, not tool_calls", () => {
    const turn = new ToolTurn(new ToolNames(["exec"]));
    turn.read({
      type: "stream_event",
      event: {
        type: "content_block_start",
        index: 0,
        content_block: { type: "tool_use", id: "toolu_1", name: "mcp__c__exec" },
      },
    });
    turn.read({ type: "stream_event", event: { type: "message_delta", delta: { stop_reason: "max_tokens" } } });
    expect(turn.finishReason).toBe("length");
  });

  it("a text answer with tools offered stops as usual; a real error stays an error", () => {
    const turn = new ToolTurn(new ToolNames(["exec"]));
    turn.read({ type: "assistant", message: { content: [{ type: "text", text: "Just text." }] } });
    expect(turn.finishReason).toBe("stop");
    expect(turn.succeeded({ type: "result", subtype: "success", is_error: false })).toBe(true);
    expect(turn.succeeded({ type: "result", subtype: "success", is_error: true })).toBe(false);
    // max turns without a call is not ours to call a success
    expect(
      turn.succeeded({ type: "result", subtype: "error_max_turns", is_error: true, stop_reason: "tool_use" }),
    ).toBe(false);
  });
});
