// The command line a request's CLI runs with. Every run: print mode, stream-json out and in (the
// conversation arrives on stdin, cli/input.ts), partial messages for token streaming, no session
// saved, and no built-in tool (`--tools ""`: the model answers, no prompt can run commands here). A
// tool turn adds the client tools' flags (tools/client-tools.ts). The warm pool keys its processes
// on exactly this command (warm/pool.ts), so two requests with the same model and tools fit one.
import { isSessionUser } from "@clawbridge/openai";

export type CliModel = "opus" | "sonnet" | "haiku";

/** The model ids maxapi answers to (GET /v1/models), and the CLI's name of each. */
export const MODELS: Readonly<Record<string, CliModel>> = {
  "claude-opus-4": "opus",
  "claude-sonnet-4": "sonnet",
  "claude-haiku-4": "haiku",
};

/** The CLI's model for a request's id; claude-max-api's rule: anything it does not know runs Opus. */
export function cliModel(id: string): CliModel {
  const bare = id.replace(/^claude-code-cli\//, "");
  return MODELS[bare] ?? (bare === "sonnet" || bare === "haiku" ? bare : "opus");
}

export interface CliCommand {
  model: CliModel;
  args: readonly string[];
  /** Added to maxapi's own environment. */
  env: Readonly<Record<string, string>>;
  /** A tool turn's definitions file, which the stub server reads when the CLI starts. */
  toolsFile: string | undefined;
}

export interface ToolFlags {
  args: readonly string[];
  env: Readonly<Record<string, string>>;
  file: string;
}

export function cliCommand(request: { model: string; user?: unknown }, tools?: ToolFlags): CliCommand {
  const model = cliModel(request.model);
  const args = [
    "--print",
    "--output-format", "stream-json", "--verbose", "--include-partial-messages",
    "--input-format", "stream-json",
    "--model", model,
    "--no-session-persistence",
    "--tools", "",
  ];
  // OpenAI's user maps to the CLI's session id, which must be a UUID; any other user is ignored
  if (isSessionUser(request.user)) args.push("--session-id", request.user);
  if (tools) args.push(...tools.args);
  return { model, args, env: tools?.env ?? {}, toolsFile: tools?.file };
}
