import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { clientTools, TOOL_INSTRUCTIONS, type ClientTools, type ToolsError } from "../../../services/maxapi/src/tools/client-tools.ts";

const tool = (name: unknown, parameters?: unknown) => ({ type: "function", function: { name, ...(parameters === undefined ? {} : { parameters }) } });
const asTools = (result: ClientTools | ToolsError | undefined) => {
  if (!result || "error" in result) throw new Error(`expected tools, got ${JSON.stringify(result)}`);
  return result;
};

describe("clientTools", () => {
  it("no tools, or tool_choice none: the CLI runs as before", () => {
    expect(clientTools({})).toBeUndefined();
    expect(clientTools({ tools: [] })).toBeUndefined();
    expect(clientTools({ tools: [tool("exec")], tool_choice: "none" })).toBeUndefined();
  });

  it("writes the definitions for the stub (mapped names, object schemas) and gives the flags that stop after the calls", () => {
    const odd = "web.search/v2";
    const tools = asTools(clientTools({ tools: [tool("exec", { type: "object", properties: { command: { type: "string" } } }), tool(odd), tool("ls", null)] }));
    const config = JSON.parse(tools.extraArgs[tools.extraArgs.indexOf("--mcp-config") + 1] ?? "{}") as { mcpServers: { c: { args: string[] } } };
    const file = config.mcpServers.c.args[1] ?? "";
    const definitions = JSON.parse(readFileSync(file, "utf8")) as { name: string; inputSchema: unknown }[];
    expect(definitions.map((d) => d.name)).toEqual(["exec", expect.stringMatching(/^web_search_v2_[0-9a-f]{8}$/) as string, "ls"]);
    expect(definitions[0]?.inputSchema).toEqual({ type: "object", properties: { command: { type: "string" } } });
    expect(definitions[2]?.inputSchema).toEqual({ type: "object", properties: {} });
    expect(tools.extraArgs).toEqual(expect.arrayContaining(["--strict-mcp-config", "--max-turns", "1", "--permission-mode", "dontAsk", "--append-system-prompt"]));
    expect(tools.extraArgs.at(-1)).toBe(TOOL_INSTRUCTIONS);
    expect(tools.env).toEqual({ ENABLE_TOOL_SEARCH: "false" });
    tools.dispose();
    expect(existsSync(file)).toBe(false);
  });

  it("tells the model about tool_choice required or a named tool, by the name it sees", () => {
    expect(asTools(clientTools({ tools: [tool("exec")], tool_choice: "required" })).extraArgs.at(-1)).toContain("calling one or more of the tools");
    const named = asTools(clientTools({ tools: [tool("web.search")], tool_choice: { type: "function", function: { name: "web.search" } } }));
    expect(named.extraArgs.at(-1)).toMatch(/calling the tool mcp__c__web_search_[0-9a-f]{8}\.$/);
    named.dispose();
  });

  it.each([
    [{ tools: "exec" }, "tools"],
    [{ tools: [{ type: "retrieval" }] }, "tools[0].type"],
    [{ tools: [tool("")] }, "tools[0].function.name"],
    [{ tools: [tool("x", { type: "array" })] }, "tools[0].function.parameters"],
    [{ tools: [tool("x"), tool("x")] }, "tools[1].function.name"],
    [{ tools: [tool("a.b"), tool("a_b")] }, undefined], // different names the model sees: fine
    [{ tools: [tool("x")], tool_choice: { type: "function", function: { name: "y" } } }, "tool_choice.function.name"],
  ])("refuses bad tools naming the field: %j", (body, param) => {
    const result = clientTools(body);
    if (param === undefined) {
      asTools(result).dispose();
      return;
    }
    expect(result).toMatchObject({ error: { param } });
  });
});
