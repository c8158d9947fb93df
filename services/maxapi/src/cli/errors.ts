// How a CLI run that went wrong reaches the client: an error result as the status it stands for
// (402 a billing refusal, 401 a refused login, 429 a spent usage window or a short rate limit, 400 a
// conversation over the context window, 502 anything else), a run that ended without a result as
// 502, one stopped at CLI_TIMEOUT_MS as 504. Never a hung response or an empty 200.
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
}

export function resultError(result: Omit<ResultLine, "type">, run: RunReport): ApiError {
  const message = result.result || "Claude CLI failed";
  const status = result.api_error_status;
  const billing = run.limits.billing.check(message);
  if (billing) return billing;
  if (status === 401 || status === 403 || /not logged in|authenticat|api key|oauth token/i.test(message)) {
    return new ApiError(401, "authentication_error", "cli_auth_failed", explainAuthError(message));
  }
  if (status === 429) {
    const spent = run.limits.windows.spentError(run.rateLimit, message);
    return spent ?? new ApiError(429, "rate_limit_error", "rate_limited", message, null, { "Retry-After": String(run.retryAfterSeconds) });
  }
  if (result.terminal_reason === "prompt_too_long") return contextOverflow(message);
  return new ApiError(502, "api_error", result.api_error_type ?? "cli_error", message);
}

/**
 * A conversation over the context window, as Anthropic's API words it ("prompt is too long: N tokens >
 * M maximum"), rebuilt from the CLI's figures: clients (OpenClaw) compact on that wording and read the
 * count from it; the CLI's own sentence follows.
 */
function contextOverflow(message: string): ApiError {
  const figures = /~?(\d+) tokens \(limit (\d+)\)/.exec(message);
  const anthropic = figures ? `prompt is too long: ${figures[1] ?? ""} tokens > ${figures[2] ?? ""} maximum` : "prompt is too long";
  return new ApiError(400, "invalid_request_error", "context_length_exceeded", `${anthropic} (Claude CLI: ${message})`);
}

/** The CLI ended without a result: it died, was killed, or could not start. */
export const cliExited = (code: number | null, signal: NodeJS.Signals | null) =>
  new ApiError(502, "api_error", "cli_exited", `Claude CLI ended without a result (exit code ${code ?? `none: ${signal ?? "killed"}`})`);

export const cliFailedToStart = (error: Error) =>
  new ApiError(502, "api_error", "cli_failed_to_start", `Claude CLI could not be started: ${error.message}`);

/** A line of the CLI's output maxapi could not take (a shape this CLI version never printed). */
export const cliUnreadable = (error: Error) =>
  new ApiError(502, "api_error", "cli_output_unreadable", `maxapi could not read the Claude CLI's output: ${error.message}`);

/** The CLI answered a control request on stdin (the system prompt) with an error. */
export const cliRefusedInput = (message: string) =>
  new ApiError(502, "api_error", "cli_refused_input", `Claude CLI did not take the request's system prompt: ${message}`);

export const cliTimedOut = (timeoutMs: number) =>
  new ApiError(504, "api_error", "cli_timeout", `Claude CLI did not finish in time (CLI_TIMEOUT_MS=${timeoutMs})`);
