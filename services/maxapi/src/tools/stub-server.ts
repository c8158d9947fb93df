// The client's tools as an MCP server the Claude Code CLI connects to (stdio), so the model is
// offered them as real tools with their JSON Schemas. It only lists them: the CLI runs with
// `--max-turns 1` and `--permission-mode dontAsk`, so a call ends the turn unexecuted and goes back
// to the client, which runs it; a `tools/call` that reaches it anyway is refused.
// Hand-written JSON-RPC rather than the MCP SDK: the CLI waits for it before the model request, and
// the SDK's load time added ~600 ms to a turn (measured), this ~40 ms.
//   node stub-server.js <tools.json>    (a JSON array of {name, description, inputSchema})
import { readFileSync } from "node:fs";
import { createInterface } from "node:readline";

interface Request {
  id?: number | string;
  method?: string;
  params?: { protocolVersion?: string };
}

const [toolsFile] = process.argv.slice(2);
if (!toolsFile) {
  process.stderr.write("usage: stub-server <tools.json>\n");
  process.exit(2);
}
const tools: unknown = JSON.parse(readFileSync(toolsFile, "utf8"));

const reply = (id: number | string, outcome: { result: unknown } | { error: { code: number; message: string } }) =>
  process.stdout.write(`${JSON.stringify({ jsonrpc: "2.0", id, ...outcome })}\n`);

createInterface({ input: process.stdin }).on("line", (line) => {
  let request: Request;
  try {
    request = JSON.parse(line) as Request;
  } catch {
    return;
  }
  const { id, method } = request;
  if (id === undefined) return; // a notification
  if (method === "initialize") {
    reply(id, {
      result: {
        protocolVersion: request.params?.protocolVersion ?? "2025-06-18",
        capabilities: { tools: {} },
        serverInfo: { name: "clawbridge-client-tools", version: "1" },
      },
    });
  } else if (method === "tools/list") reply(id, { result: { tools } });
  else if (method === "tools/call")
    reply(id, {
      result: { isError: true, content: [{ type: "text", text: "This tool runs on the client, not here." }] },
    });
  else if (method === "ping") reply(id, { result: {} });
  else reply(id, { error: { code: -32601, message: `method not found: ${method ?? "(none)"}` } });
});
