// The command line a request's CLI runs with. Every run: print mode, stream-json out and in (the
// conversation arrives on stdin, cli/input.ts), partial messages for token streaming, no session
// saved, and no built-in tool (`--tools ""`: the model answers, no prompt can run commands here). A
// tool turn adds the client tools' flags (tools/client-tools.ts). The request's model settings
// (chat/model-settings.ts) take the CLI's own routes, each checked on the wire (2.1.330):
//   effort                  --effort (output_config.effort)
//   output limit            CLAUDE_CODE_MAX_OUTPUT_TOKENS (max_tokens)
//   temperature, top_p, stop  CLAUDE_CODE_EXTRA_BODY (merged into the request body)
//   thinking off            CLAUDE_CODE_DISABLE_THINKING=1: for reasoning_effort none, and with a
//                           temperature or top_p, which Anthropic refuses beside thinking
// The warm pool keys its processes on exactly this command (warm/pool.ts), so two requests with the
// same model, tools and settings fit one.
import { acceptedInWords, cliArgument, parseChoice, type Family } from "@clawbridge/models";
import { invalidRequest, isSessionUser, type ApiError } from "@clawbridge/openai";
import type { ModelSettings } from "../chat/model-settings.ts";

/** What a request's model id chooses: the family, and what `--model` gets (a CLI alias or a pinned id). */
export interface ChosenModel {
  family: Family;
  cliArgument: string;
}

/** The model a request's id chooses (lib/models), or the 400 naming what is accepted. */
export function chosenModel(id: string): ChosenModel | ApiError {
  // claude-max-api's clients may name the provider it registered as
  const choice = parseChoice(id.replace(/^claude-code-cli\//, ""));
  if (!choice)
    return invalidRequest(`model "${id}" is not served here; use ${acceptedInWords()}`, "model", "model_not_found");
  return { family: choice.family, cliArgument: cliArgument(choice) };
}

export interface CliCommand {
  /** `--model`: a family's CLI alias or a pinned id. */
  model: string;
  /** The usage windows of this family hold it back (limits/windows.ts). */
  family: Family;
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

export function cliCommand(
  chosen: ChosenModel,
  user: unknown,
  tools?: ToolFlags,
  settings: ModelSettings = {},
): CliCommand {
  const model = chosen.cliArgument;
  const args = [
    "--print",
    "--output-format",
    "stream-json",
    "--verbose",
    "--include-partial-messages",
    "--input-format",
    "stream-json",
    "--model",
    model,
    "--no-session-persistence",
    "--tools",
    "",
  ];
  // OpenAI's user maps to the CLI's session id, which must be a UUID; any other user is ignored
  if (isSessionUser(user)) args.push("--session-id", user);
  if (settings.effort) args.push("--effort", settings.effort);
  if (tools) args.push(...tools.args);
  return {
    model,
    family: chosen.family,
    args,
    env: { ...tools?.env, ...settingsEnv(settings) },
    toolsFile: tools?.file,
  };
}

function settingsEnv(settings: ModelSettings): Record<string, string> {
  const env: Record<string, string> = {};
  if (settings.maxOutputTokens !== undefined) env.CLAUDE_CODE_MAX_OUTPUT_TOKENS = String(settings.maxOutputTokens);
  const body = { temperature: settings.temperature, top_p: settings.topP, stop_sequences: settings.stop };
  if (Object.values(body).some((value) => value !== undefined)) env.CLAUDE_CODE_EXTRA_BODY = JSON.stringify(body);
  if (settings.thinkingOff || settings.temperature !== undefined || settings.topP !== undefined)
    env.CLAUDE_CODE_DISABLE_THINKING = "1";
  return env;
}
