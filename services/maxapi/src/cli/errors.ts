// How a CLI run that went wrong reaches the client: an error result as the status it stands for
// (404 a model this CLI is too old for or the account may not use, 402 a billing
// refusal, 401 a refused login, 429 a spent usage window or a short rate limit, 400 a conversation
// over the context window, 502 anything else), a run that ended without a result as 502, one
// stopped at CLI_TIMEOUT_MS as 504. Never a hung response or an empty 200.
import { ApiError } from "@clawbridge/openai";
import type { Limits } from "../limits/limits.ts";
import { explainAuthError } from "./auth.ts";
import type { RateLimitInfo, ResultLine } from "./stream-json.ts";

export interface RunReport {
  /** The run's last `rate_limit_event`: which window refused it, and until when. */
  rateLimit: RateLimitInfo | undefined;
  limits: Limits;
  /** Retry-After of a short rate limit, which names no reset. */
  retryAfterSeconds: number;
  /** The model the CLI ran (its `system/init` line's `model`), for the refusals that name it. */
  model?: string | undefined;
  /** The CLI's version (its `system/init` line's `claude_code_version`). */
  cliVersion?: string | undefined;
}

export function resultError(result: Omit<ResultLine, "type">, run: RunReport): ApiError {
  const message = result.result || "Claude CLI failed";
  const status = result.api_error_status;
  // refusals of the model come first: "you may not have access to it" or a 403 are not about the login
  const model = versionTooOld(result, message, run) ?? modelNotAllowed(status, message, run);
  if (model) return model;
  const billing = run.limits.billing.check(message);
  if (billing) return billing;
  if (status === 401 || status === 403 || /not logged in|authenticat|api key|oauth token/i.test(message)) {
    return new ApiError(401, "authentication_error", "cli_auth_failed", explainAuthError(message));
  }
  if (status === 429) {
    const spent = run.limits.windows.spentError(run.rateLimit, message);
    return (
      spent ??
      new ApiError(429, "rate_limit_error", "rate_limited", message, null, {
        "Retry-After": String(run.retryAfterSeconds),
      })
    );
  }
  if (result.terminal_reason === "prompt_too_long") return contextOverflow(message);
  return new ApiError(502, "api_error", result.api_error_type ?? "cli_error", message);
}

// Anthropic's floor on the CLI's version per model (anthropics/claude-code#91345), as the CLI prints it:
// "API Error: 400 Claude Code 2.1.236 does not support this model; version 2.1.251 or newer is required. Run 'claude update', ..."
const VERSION_FLOOR =
  /Claude Code (\d+\.\d+\.\d+) does not support this model; version (\d+\.\d+\.\d+) or newer is required\.?/i;
const VERSION_TOO_OLD = "claude_code_version_too_old";

/**
 * The CLI is older than Anthropic accepts for the model: a 404 naming the model, both versions and
 * the command that moves the stack on. Not a 5xx: the same request fails the same way until then.
 * Anthropic answers 400, but the model is what this CLI cannot reach, and OpenClaw 2026.9.6 reads a
 * 404 not_found_error as a missing model and moves the turn to the agent's next one, where it reads
 * a 400 as a malformed request and ends the turn (measured with its classifier, gateway.test.ts).
 * Anthropic's advice ("Run 'claude update'") is left out: the CLI in the image is updated by that command.
 */
function versionTooOld(result: Omit<ResultLine, "type">, message: string, run: RunReport): ApiError | undefined {
  const floor = VERSION_FLOOR.exec(message);
  if (!floor && result.api_error !== VERSION_TOO_OLD && result.api_error_code !== VERSION_TOO_OLD) return undefined;
  const cliVersion = floor?.[1] ?? run.cliVersion;
  const needed = floor?.[2];
  const model = run.model ?? "this model";
  const text =
    `The Claude Code CLI maxapi runs${cliVersion ? ` (${cliVersion})` : ""} is too old for ${model}: Anthropic requires ` +
    `${needed ? `version ${needed} or newer` : "a newer version"} for it ("${floor?.[0] ?? message}"). Move the stack to a newer ` +
    `Claude Code with \`make claude-code VERSION=${needed ?? "<newer version>"}\` (or a later version), or choose another model.`;
  return new ApiError(404, "not_found_error", VERSION_TOO_OLD, text, "model");
}

// The CLI's words for Anthropic's 404 on a model (it drops Anthropic's own body): "There's an issue with
// the selected model (claude-mythos-5). It may not exist or you may not have access to it. Run --model to pick a different model."
const MODEL_NOT_FOUND =
  /There['’]s an issue with the selected model \(([^)]+)\)\.( It may not exist or you may not have access to it\.)?/i;
// a claude-… model id, or the word, in a 403's text
const NAMES_A_MODEL = /\bmodel\b|\bclaude-[a-z]+-\d/i;

/**
 * A model the account may not use (a limited-access one such as Mythos): 404 not_found_error
 * model_not_found, as Anthropic and OpenAI answer a model that "does not exist or you do not have
 * access to" (OpenClaw then falls back to the agent's next model), with what to do. A 403 that names a model is the same decision,
 * not a refused login (the CLI calls every 403 "Failed to authenticate").
 */
function modelNotAllowed(status: number | null | undefined, message: string, run: RunReport): ApiError | undefined {
  const notFound = MODEL_NOT_FOUND.exec(message);
  const forbidden = status === 403 && NAMES_A_MODEL.test(message);
  if (status !== 404 && !notFound && !forbidden) return undefined;
  const model = notFound?.[1] ?? run.model ?? "the model";
  const words = notFound?.[0] ?? message.replace(/^Failed to authenticate\.\s*/i, "").trim();
  const text = `Anthropic refused the model ${model}: it does not exist, or this account may not use it (Claude CLI: "${words}"). ${modelAdvice(model)}`;
  return new ApiError(404, "not_found_error", "model_not_found", text, "model");
}

const modelAdvice = (model: string) =>
  `Choose another model (GET /v1/models lists them), or check that the account has access to ${model}: some models, such as Claude Mythos, are limited to approved organizations.`;

/**
 * A conversation over the context window, as Anthropic's API words it ("prompt is too long: N tokens >
 * M maximum"), rebuilt from the CLI's figures: clients (OpenClaw) compact on that wording and read the
 * count from it; the CLI's own sentence follows.
 */
function contextOverflow(message: string): ApiError {
  const figures = /~?(\d+) tokens \(limit (\d+)\)/.exec(message);
  const anthropic = figures
    ? `prompt is too long: ${figures[1] ?? ""} tokens > ${figures[2] ?? ""} maximum`
    : "prompt is too long";
  return new ApiError(400, "invalid_request_error", "context_length_exceeded", `${anthropic} (Claude CLI: ${message})`);
}

/** The CLI ended without a result: it died, was killed, or could not start. */
export const cliExited = (code: number | null, signal: NodeJS.Signals | null) =>
  new ApiError(
    502,
    "api_error",
    "cli_exited",
    `Claude CLI ended without a result (exit code ${code ?? `none: ${signal ?? "killed"}`})`,
  );

export const cliFailedToStart = (error: Error) =>
  new ApiError(502, "api_error", "cli_failed_to_start", `Claude CLI could not be started: ${error.message}`);

/** A line of the CLI's output maxapi could not take (a shape this CLI version never printed). */
export const cliUnreadable = (error: Error) =>
  new ApiError(
    502,
    "api_error",
    "cli_output_unreadable",
    `maxapi could not read the Claude CLI's output: ${error.message}`,
  );

/** The CLI answered a control request on stdin (the system prompt) with an error. */
export const cliRefusedInput = (message: string) =>
  new ApiError(
    502,
    "api_error",
    "cli_refused_input",
    `Claude CLI did not take the request's system prompt: ${message}`,
  );

export const cliTimedOut = (timeoutMs: number) =>
  new ApiError(504, "api_error", "cli_timeout", `Claude CLI did not finish in time (CLI_TIMEOUT_MS=${timeoutMs})`);
