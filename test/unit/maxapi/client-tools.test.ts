import { existsSync, readFileSync } from "node:fs";
import { ApiError } from "@clawbridge/openai";
import { describe, expect, it } from "vitest";
import { parseChatRequest } from "../../../services/maxapi/src/chat/request.ts";
import { clientTools, TOOL_INSTRUCTIONS, type ClientTools } from "../../../services/maxapi/src/tools/client-tools.ts";
import { mcpToolName } from "../../../services/maxapi/src/tools/tool-names.ts";

const tool = (name: unknown, parameters?: unknown) => ({
  type: "function",
  function: { name, ...(parameters === undefined ? {} : { parameters }) },
});

/** A request's tools as the chat route takes them: checked by lib/openai's rules, then mapped. */
function toolsOf(body: Record<string, unknown>): ClientTools | ApiError | undefined {
  const request = parseChatRequest({ model: "claude-sonnet-4", messages: [{ role: "user", content: "hi" }], ...body });
  return request instanceof ApiError ? request : clientTools(request);
}

const asTools = (result: ClientTools | ApiError | undefined) => {
  if (!result || result instanceof ApiError) throw new Error(`expected tools, got ${JSON.stringify(result)}`);
  return result;
};

describe("clientTools", () => {
  it("no tools, or tool_choice none: the CLI runs without MCP and without tools", () => {
    expect(toolsOf({})).toBeUndefined();
    expect(toolsOf({ tools: [] })).toBeUndefined();
    expect(toolsOf({ tools: null })).toBeUndefined();
    expect(toolsOf({ tools: [tool("exec")], tool_choice: "none" })).toBeUndefined();
  });

  it("writes the definitions for the stub (mapped names, object schemas) and gives the flags that stop after the calls", () => {
    const odd = "web.search/v2";
    const tools = asTools(
      toolsOf({
        tools: [
          tool("exec", { type: "object", properties: { command: { type: "string" } } }),
          tool(odd),
          tool("ls", null),
        ],
      }),
    );
    const { args, env, file } = tools.flags;
    const config = JSON.parse(args[args.indexOf("--mcp-config") + 1] ?? "{}") as {
      mcpServers: { c: { args: string[] } };
    };
    expect(config.mcpServers.c.args[1]).toBe(file);
    const definitions = JSON.parse(readFileSync(file, "utf8")) as { name: string; inputSchema: unknown }[];
    expect(definitions.map((d) => d.name)).toEqual([
      "exec",
      expect.stringMatching(/^web_search_v2_[0-9a-f]{8}$/) as string,
      "ls",
    ]);
    expect(definitions[0]?.inputSchema).toEqual({ type: "object", properties: { command: { type: "string" } } });
    expect(definitions[2]?.inputSchema).toEqual({ type: "object", properties: {} });
    expect(args).toEqual(
      expect.arrayContaining([
        "--strict-mcp-config",
        "--max-turns",
        "1",
        "--permission-mode",
        "dontAsk",
        "--append-system-prompt",
      ]),
    );
    expect(args.at(-1)).toBe(TOOL_INSTRUCTIONS);
    expect(env).toEqual({ ENABLE_TOOL_SEARCH: "false" });
    tools.dispose();
    expect(existsSync(file)).toBe(false);
  });

  it("tells the model about tool_choice required or a named tool, by the name it sees", () => {
    const required = asTools(toolsOf({ tools: [tool("exec")], tool_choice: "required" }));
    expect(required.flags.args.at(-1)).toContain("calling one or more of the tools");
    required.dispose();
    const named = asTools(
      toolsOf({ tools: [tool("web.search")], tool_choice: { type: "function", function: { name: "web.search" } } }),
    );
    expect(named.flags.args.at(-1)).toMatch(/calling the tool mcp__c__web_search_[0-9a-f]{8}\.$/);
    named.dispose();
  });

  it.each([
    [{ tools: "exec" }, "tools"],
    [{ tools: [{ type: "retrieval" }] }, "tools[0].type"],
    [{ tools: [tool("")] }, "tools[0].function.name"],
    [{ tools: [tool(7)] }, "tools[0].function.name"],
    [{ tools: [tool("x", { type: "array" })] }, "tools[0].function.parameters.type"],
    [{ tools: [tool("x", "object")] }, "tools[0].function.parameters"],
    [{ tools: [tool("x"), tool("x")] }, "tools[1].function.name"],
    [{ tools: [tool("a.b"), tool("a_b_" + "0".repeat(8))] }, undefined], // different names the model sees: fine
    [{ tools: [tool("x")], tool_choice: { type: "function", function: { name: "y" } } }, "tool_choice.function.name"],
  ])("refuses bad tools with a 400 naming the field: %j", (body, param) => {
    const result = toolsOf(body);
    if (param === undefined) {
      asTools(result).dispose();
      return;
    }
    expect(result).toBeInstanceOf(ApiError);
    expect((result as ApiError).status).toBe(400);
    expect((result as ApiError).body.error).toMatchObject({
      type: "invalid_request_error",
      code: "invalid_tools",
      param,
    });
  });

  it("refuses two names that map to one the model sees", () => {
    const result = toolsOf({ tools: [tool("a.b"), tool(mcpToolName("a.b"))] }); // a.b becomes a_b_<hash>; the second is that name itself
    expect(result).toBeInstanceOf(ApiError);
    expect((result as ApiError).body.error).toMatchObject({
      param: "tools[1].function.name",
      message: expect.stringContaining("offered twice") as string,
    });
  });
});
