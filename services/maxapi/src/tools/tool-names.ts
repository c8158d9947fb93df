// Client tool names ↔ the names the model sees. The CLI offers an MCP tool as
// `mcp__<server>__<name>`, and Anthropic's API takes tool names of at most 64 characters of
// [a-zA-Z0-9_-]. A client name that fits (56 characters after the prefix) is used as it is; any
// other is cut and made unique with a hash, and mapped back, so the client gets the name it sent.
import { createHash } from "node:crypto";

export const STUB_SERVER_NAME = "c";
/** What the CLI puts before each of the stub server's tool names. */
export const MODEL_PREFIX = `mcp__${STUB_SERVER_NAME}__`;
const PREFIX = MODEL_PREFIX;
const MAX_API_NAME = 64;
const MAX_NAME = MAX_API_NAME - PREFIX.length;
const SAFE = new RegExp(`^[a-zA-Z0-9_-]{1,${MAX_NAME}}$`);

/** The MCP tool name for a client tool name. */
export function mcpToolName(clientName: string): string {
  if (SAFE.test(clientName)) return clientName;
  const hash = createHash("sha256").update(clientName).digest("hex").slice(0, 8);
  const cleaned = clientName.replace(/[^a-zA-Z0-9_-]/g, "_").slice(0, MAX_NAME - hash.length - 1);
  return `${cleaned}_${hash}`;
}

export class ToolNames {
  private readonly byModelName = new Map<string, string>();

  constructor(clientNames: readonly string[]) {
    for (const name of clientNames) this.byModelName.set(`${PREFIX}${mcpToolName(name)}`, name);
  }

  /** The client's name for a tool the model called (`mcp__c__…`); for one not offered, the name without the prefix. */
  clientName(modelName: string): string {
    return (
      this.byModelName.get(modelName) ?? (modelName.startsWith(PREFIX) ? modelName.slice(PREFIX.length) : modelName)
    );
  }
}
