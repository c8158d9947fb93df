// A chat request's client tools (OpenAI `tools`, `tool_choice`) turned into what the CLI needs to
// offer them as real tools: the stub MCP server with their definitions (stub-server.ts), the flags
// that end the turn after the model's calls, and the ToolTurn that maps the calls back. No tools,
// or `tool_choice: "none"`: undefined: the CLI runs without MCP and without tools.
//   --mcp-config/--strict-mcp-config  only the stub server, never a user's or project's MCP config
//   --tools ""                        (already set) no built-in tool is ever offered
//   --max-turns 1 --permission-mode dontAsk
//                                     the model's calls are denied, not run, and the CLI stops
//                                     before a second request in which the model would answer
//                                     the denial: one request to Anthropic per turn
//   ENABLE_TOOL_SEARCH=false          every tool offered as it is, none deferred behind a search
import { fileURLToPath } from "node:url";
import { chosenTool, invalidRequest, type ApiError, type Tool, type ToolChoice } from "@clawbridge/openai";
import type { ToolFlags } from "../cli/command.ts";
import { holdToolsFile } from "./tool-files.ts";
import { MODEL_PREFIX, mcpToolName, STUB_SERVER_NAME, ToolNames } from "./tool-names.ts";
import { ToolTurn } from "./tool-turn.ts";

// the stub next to this module: stub-server.js in the image, stub-server.ts when run from source
const STUB = fileURLToPath(new URL(`./stub-server${import.meta.url.endsWith(".ts") ? ".ts" : ".js"}`, import.meta.url));

// Said to the model in every tool turn. Earlier calls reach it as text (the normalizer writes them
// as plain sentences); it must not answer in kind.
export const TOOL_INSTRUCTIONS =
  "Use a tool by calling it through the tool interface; a tool call written as text does nothing. " +
  'Sentences such as "I called the tool …" and "The tool … returned:" in this conversation are records of calls already made and their results.';

export interface ClientTools {
  flags: ToolFlags;
  turn: ToolTurn;
  /** Releases this request's hold on the tool definitions (removed with the last holder). */
  dispose(): void;
}

/**
 * The request's tools for the CLI, a 400, or undefined when the turn has no tools. The tools are
 * already valid by lib/openai's rules (chat/request.ts); what is left is the names the model sees.
 */
export function clientTools(request: {
  tools?: Tool[] | null | undefined;
  tool_choice?: ToolChoice | null | undefined;
}): ClientTools | ApiError | undefined {
  const tools = request.tools ?? [];
  if (tools.length === 0 || request.tool_choice === "none") return undefined;
  const definitions: { name: string; description: string; inputSchema: Record<string, unknown> }[] = [];
  for (const [i, { function: fn }] of tools.entries()) {
    const name = mcpToolName(fn.name);
    // two client names may map to one the model sees (a.b and a_b_<hash>): refused like a duplicate
    if (definitions.some((d) => d.name === name))
      return invalidRequest(
        `tools[${i}].function.name: "${fn.name}" is offered twice`,
        `tools[${i}].function.name`,
        "invalid_tools",
      );
    definitions.push({
      name,
      description: fn.description ?? "",
      inputSchema: fn.parameters ? { type: "object", ...fn.parameters } : { type: "object", properties: {} },
    });
  }

  const { file, release } = holdToolsFile(definitions);
  const mcpConfig = {
    mcpServers: { [STUB_SERVER_NAME]: { type: "stdio", command: process.execPath, args: [STUB, file] } },
  };
  return {
    flags: {
      args: [
        "--mcp-config",
        JSON.stringify(mcpConfig),
        "--strict-mcp-config",
        "--max-turns",
        "1",
        "--permission-mode",
        "dontAsk",
        "--append-system-prompt",
        [TOOL_INSTRUCTIONS, choiceInstruction(request.tool_choice)].filter(Boolean).join(" "),
      ],
      env: { ENABLE_TOOL_SEARCH: "false" },
      file,
    },
    turn: new ToolTurn(new ToolNames(tools.map((tool) => tool.function.name))),
    dispose: release,
  };
}

/** `required` and a named function have no CLI flag: said to the model, naming the tool as it sees it. */
function choiceInstruction(choice: ToolChoice | null | undefined): string {
  if (choice === "required") return "Answer this turn by calling one or more of the tools.";
  const named = chosenTool(choice);
  return named === undefined ? "" : `Answer this turn by calling the tool ${MODEL_PREFIX}${mcpToolName(named)}.`;
}
