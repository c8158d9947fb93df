// A chat request's client tools (OpenAI `tools`, `tool_choice`) turned into what the CLI needs to
// offer them as real tools: the stub MCP server with their definitions (stub-server.ts), the flags
// that end the turn after the model's calls, and the ToolTurn that maps the calls back. No tools,
// or `tool_choice: "none"`: undefined, and the CLI runs as before (no MCP, no tools).
//   --mcp-config/--strict-mcp-config  only the stub server, never a user's or project's MCP config
//   --tools ""                        (already set) no built-in tool is ever offered
//   --max-turns 1 --permission-mode dontAsk
//                                     the model's calls are denied, not run, and the CLI stops
//                                     before a second request in which the model would answer
//                                     the denial: one request to Anthropic per turn
//   ENABLE_TOOL_SEARCH=false          every tool offered as it is, none deferred behind a search
import { fileURLToPath } from "node:url";
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

interface OpenAiTool {
  type?: unknown;
  function?: { name?: unknown; description?: unknown; parameters?: unknown };
}

export interface ToolsError {
  error: { message: string; param: string };
}

export interface ClientTools {
  extraArgs: string[];
  env: Record<string, string>;
  turn: ToolTurn;
  /** Puts the calls and the text before them into a non-streamed response. */
  complete(response: { choices: { message: Record<string, unknown>; finish_reason: string | null }[] }): void;
  /** Releases this request's hold on the tool definitions (removed with the last holder). */
  dispose(): void;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

/** The request's tools for the CLI, a 400's message, or undefined when the turn has no tools. */
export function clientTools(body: { tools?: unknown; tool_choice?: unknown }): ClientTools | ToolsError | undefined {
  if (body.tools === undefined || body.tools === null || body.tool_choice === "none") return undefined;
  if (!Array.isArray(body.tools)) return { error: { message: "tools must be an array", param: "tools" } };
  if (body.tools.length === 0) return undefined;
  const definitions: { name: string; description: string; inputSchema: Record<string, unknown> }[] = [];
  const names: string[] = [];
  for (const [i, raw] of (body.tools as unknown[]).entries()) {
    if (!isObject(raw) || raw.type !== "function") return { error: { message: `tools[${i}].type: must be "function"`, param: `tools[${i}].type` } };
    const fn: NonNullable<OpenAiTool["function"]> = isObject(raw.function) ? raw.function : {};
    const name = fn.name;
    if (typeof name !== "string" || name === "") return { error: { message: `tools[${i}].function.name: a tool needs a name`, param: `tools[${i}].function.name` } };
    // two client names may map to one the model sees (a.b and a_b_<hash>): refused like a duplicate
    if (definitions.some((d) => d.name === mcpToolName(name))) return { error: { message: `tools[${i}].function.name: "${name}" is offered twice`, param: `tools[${i}].function.name` } };
    const parameters = fn.parameters ?? { type: "object", properties: {} };
    if (!isObject(parameters) || (parameters.type !== undefined && parameters.type !== "object")) {
      return { error: { message: `tools[${i}].function.parameters: must be a JSON Schema object ({"type": "object", ...})`, param: `tools[${i}].function.parameters` } };
    }
    names.push(name);
    definitions.push({ name: mcpToolName(name), description: typeof fn.description === "string" ? fn.description : "", inputSchema: { type: "object", ...parameters } });
  }

  const chosen = namedChoice(body.tool_choice);
  if (chosen !== undefined && !names.includes(chosen)) return { error: { message: `tool_choice.function.name: "${chosen}" is not among the tools offered`, param: "tool_choice.function.name" } };

  const { file, release } = holdToolsFile(definitions);
  const mcpConfig = { mcpServers: { [STUB_SERVER_NAME]: { type: "stdio", command: process.execPath, args: [STUB, file] } } };
  const turn = new ToolTurn(new ToolNames(names));
  return {
    extraArgs: [
      "--mcp-config", JSON.stringify(mcpConfig), "--strict-mcp-config",
      "--max-turns", "1", "--permission-mode", "dontAsk",
      "--append-system-prompt", [TOOL_INSTRUCTIONS, choiceInstruction(body.tool_choice)].filter(Boolean).join(" "),
    ],
    env: { ENABLE_TOOL_SEARCH: "false" },
    turn,
    complete(response) {
      const choice = response.choices[0];
      if (!choice || turn.toolCalls.length === 0) return;
      choice.message.content = turn.content || null;
      choice.message.tool_calls = turn.toolCalls;
      choice.finish_reason = turn.finishReason;
    },
    dispose: release,
  };
}

const namedChoice = (choice: unknown): string | undefined =>
  isObject(choice) && isObject(choice.function) && typeof choice.function.name === "string" ? choice.function.name : undefined;

/** `required` and a named function have no CLI flag: said to the model, naming the tool as it sees it. */
function choiceInstruction(choice: unknown): string {
  if (choice === "required") return "Answer this turn by calling one or more of the tools.";
  const named = namedChoice(choice);
  return named === undefined ? "" : `Answer this turn by calling the tool ${MODEL_PREFIX}${mcpToolName(named)}.`;
}
