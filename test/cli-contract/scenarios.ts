// How each recorded transcript of the CLI (test/fixtures/cli/*.jsonl, and the originals in
// ../shared/fixtures/claude-cli-2.1.330/ when that folder is there) is produced again: the mock's
// mode and options, the model and the credential, as test/integration/mock-anthropic-api.test.ts
// and the recordings' own lines show them (`apiKeySource`, `model` and `mcp_servers` of the init
// line, `max_retries` of an api_retry line). A recording needs a scenario or a reason in SKIPPED:
// the check fails for one with neither, so a new fixture cannot go unchecked.
import type { RunSetup } from "./replay.ts";

export interface Scenario extends RunSetup {
  /** The recording's file name, without .jsonl. */
  fixture: string;
}

/** The 5-hour and weekly windows of the recordings that warn (91 % of the 5-hour window used). */
const WARNING = { five_hour: 0.91, seven_day: 0.42 };
const CACHE_USAGE = {
  input_tokens: 12,
  cache_creation_input_tokens: 3000,
  cache_read_input_tokens: 45000,
  output_tokens: 7,
};
/** A spent window resets three days after the check started: long after any run. */
const RESETS_AT = Math.floor(Date.now() / 1000) + 3 * 86_400;

export const SCENARIOS: readonly Scenario[] = [
  // answers
  { fixture: "ok", mode: "ok", model: "opus", login: "api-key" },
  {
    fixture: "ok-warning-cache-usage",
    mode: "ok",
    options: { answer: "Hello.", windows: WARNING, usage: CACHE_USAGE },
  },
  {
    fixture: "ok-warning-cache-usage-mock",
    mode: "ok",
    options: { answer: "Hello.", windows: WARNING, usage: CACHE_USAGE },
    retries: 2,
  },
  {
    fixture: "thinking",
    mode: "ok",
    options: { answer: "Hello.", thinking: "Let me think about it.", windows: WARNING },
  },
  {
    fixture: "tool-turn-two-calls",
    mode: "ok",
    options: {
      answer: "Let me check.",
      toolCalls: [
        { name: "exec", input: { command: "echo hi" } },
        { name: "ls", input: {} },
      ],
    },
    tools: true,
  },
  {
    fixture: "max-tokens-resumed",
    mode: "ok",
    options: { answer: " answer, resumed.", next: [{ answer: "This answer is cut", stopReason: "max_tokens" }] },
    retries: 2,
  },
  { fixture: "fail-mid-stream", mode: "fail-mid-stream", retries: 2 },
  // the login
  { fixture: "not-logged-in", mode: "ok", model: "opus", login: "none" },
  { fixture: "oauth-expired", mode: "expired" },
  { fixture: "api-401", mode: "invalid-key", login: "api-key" },
  // limits
  { fixture: "rate-limited-429", mode: "rate-limited", options: { retryAfterSeconds: 1 } },
  {
    fixture: "usage-limit-5h",
    mode: "usage-limit",
    options: { window: "five_hour", windows: { seven_day: 0.42 }, resetsAt: RESETS_AT },
    retries: 2,
  },
  {
    fixture: "usage-limit-7d",
    mode: "usage-limit",
    options: { window: "seven_day", windows: { five_hour: 0.37 }, resetsAt: RESETS_AT },
    retries: 2,
  },
  {
    fixture: "usage-limit-7d-opus",
    mode: "usage-limit",
    options: { window: "seven_day_opus", resetsAt: RESETS_AT },
    model: "opus",
    retries: 2,
  },
  {
    fixture: "usage-limit-7d-sonnet",
    mode: "usage-limit",
    options: { window: "seven_day_sonnet", resetsAt: RESETS_AT },
    retries: 2,
  },
  // a spent window answered on extra usage (a success whose rate_limit_event says so)
  {
    fixture: "overage-in-use",
    mode: "overage-in-use",
    options: { window: "five_hour", windows: { seven_day: 0.42 }, resetsAt: RESETS_AT },
    retries: 2,
  },
  { fixture: "billing-third-party", mode: "billing-third-party", retries: 2 },
  { fixture: "billing-out-of-extra-usage", mode: "billing-out-of-extra-usage", retries: 2 },
  { fixture: "billing-long-context", mode: "billing-long-context", retries: 2 },
  { fixture: "prompt-too-long", mode: "prompt-too-long" },
  { fixture: "prompt-too-long-mock", mode: "prompt-too-long", retries: 2 },
  // models: a floor far above any CLI under test, so that a newer CLI is refused too
  {
    fixture: "version-too-old",
    mode: "version-too-old",
    options: { requiredVersion: "99.0.0" },
    model: "fable",
    retries: 2,
  },
  { fixture: "model-not-allowed", mode: "model-not-allowed", model: "claude-mythos-5", retries: 2 },
];

/** Recordings that are not replayed, each with the reason. */
export const SKIPPED: Readonly<Record<string, string>> = {};
