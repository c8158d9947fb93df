// How a CLI error result becomes the client's error (cli/errors.ts): the refusals of a model (a CLI
// too old for it, a model the account may not use) as 4xx with what to do, and never read as a
// billing refusal, a refused login or a rate limit; the other results keep their statuses.
import { describe, expect, it } from "vitest";
import { resultError, type RunReport } from "../../../services/maxapi/src/cli/errors.ts";
import type { ResultLine } from "../../../services/maxapi/src/cli/stream-json.ts";
import { createLimits } from "../../../services/maxapi/src/limits/limits.ts";
import { fixtureLines, type Fixture } from "../../support/fake-cli.ts";

const run = (extra: Partial<RunReport> = {}): RunReport => ({
  rateLimit: undefined,
  limits: createLimits(() => undefined),
  retryAfterSeconds: 30,
  ...extra,
});
const resultOf = (fixture: Fixture) =>
  JSON.parse(fixtureLines(fixture).find((line) => line.includes('"type":"result"')) ?? "{}") as ResultLine;

// as the real CLI 2.1.330 printed it against the mock (test/fixtures/cli/version-too-old.jsonl)
const FLOOR =
  "API Error: 400 Claude Code 2.1.330 does not support this model; version 2.1.332 or newer is required. Run 'claude update', or update the Claude desktop app, then try again.";
const NOT_FOUND =
  "There's an issue with the selected model (claude-mythos-5). It may not exist or you may not have access to it. Run --model to pick a different model.";

describe("a CLI too old for the model", () => {
  it("the recorded result: 404 claude_code_version_too_old naming the model, both versions and the make command", () => {
    const error = resultError(resultOf("version-too-old"), run({ model: "claude-fable-5-2", cliVersion: "2.1.330" }));
    expect(error).toMatchObject({
      status: 404,
      type: "not_found_error",
      code: "claude_code_version_too_old",
      param: "model",
    });
    expect(error.message).toBe(
      "The Claude Code CLI maxapi runs (2.1.330) is too old for claude-fable-5-2: Anthropic requires version 2.1.332 or newer for it " +
        '("Claude Code 2.1.330 does not support this model; version 2.1.332 or newer is required."). ' +
        "Move the stack to a newer Claude Code with `make claude-code VERSION=2.1.332` (or a later version), or choose another model.",
    );
  });

  it("the versions come from the refusal's text, without the init line's; the model is then 'this model'", () => {
    const error = resultError({ is_error: true, api_error_status: 400, result: FLOOR }, run());
    expect(error.message).toMatch(
      /^The Claude Code CLI maxapi runs \(2\.1\.330\) is too old for this model: Anthropic requires version 2\.1\.332 or newer/,
    );
    expect(error.message).toContain("`make claude-code VERSION=2.1.332`");
    // the CLI's "claude update" advice is for a desktop install; "try again" would read as transient
    expect(error.message).not.toMatch(/claude update|try again/i);
  });

  it("Anthropic's error code alone (other wording) is enough; the version then comes from the init line", () => {
    const error = resultError(
      {
        is_error: true,
        api_error_status: 400,
        api_error: "claude_code_version_too_old",
        result: "API Error: 400 This model needs a newer Claude Code.",
      },
      run({ cliVersion: "2.1.330", model: "claude-opus-6" }),
    );
    expect(error).toMatchObject({ status: 404, code: "claude_code_version_too_old" });
    expect(error.message).toMatch(
      /^The Claude Code CLI maxapi runs \(2\.1\.330\) is too old for claude-opus-6: Anthropic requires a newer version for it \("API Error: 400 This model needs a newer Claude Code\."\)/,
    );
    expect(error.message).toContain("`make claude-code VERSION=<newer version>`");
    const coded = resultError(
      {
        is_error: true,
        api_error_status: 400,
        api_error_code: "claude_code_version_too_old",
        result: "API Error: 400 refused",
      },
      run(),
    );
    expect(coded.code).toBe("claude_code_version_too_old");
  });
});

describe("a model the account may not use", () => {
  it("the recorded 404: 404 model_not_found in the CLI's words (it drops Anthropic's), naming the model, with what to do", () => {
    const error = resultError(resultOf("model-not-allowed"), run({ model: "claude-mythos-5" }));
    expect(error).toMatchObject({ status: 404, type: "not_found_error", code: "model_not_found", param: "model" });
    expect(error.message).toBe(
      `Anthropic refused the model claude-mythos-5: it does not exist, or this account may not use it (Claude CLI: "There's an issue with the selected model (claude-mythos-5). It may not exist or you may not have access to it."). ` +
        "Choose another model (GET /v1/models lists them), or check that the account has access to claude-mythos-5: some models, such as Claude Mythos, are limited to approved organizations.",
    );
  });

  it("the model is the one the CLI's text names (what --model said), even without the init line", () => {
    expect(
      resultError(
        { is_error: true, api_error_status: 404, result: NOT_FOUND.replace("claude-mythos-5", "mythos") },
        run(),
      ).message,
    ).toMatch(/^Anthropic refused the model mythos: /);
    // a 404 in other words is still the model
    const other = resultError(
      { is_error: true, api_error_status: 404, result: "API Error: 404 model: claude-mythos-5" },
      run({ model: "claude-mythos-5" }),
    );
    expect(other).toMatchObject({ status: 404, code: "model_not_found" });
    expect(other.message).toContain('(Claude CLI: "API Error: 404 model: claude-mythos-5")');
  });

  it("a 403 naming a model is the same refusal (the CLI calls it 'Failed to authenticate'), not a refused login; a 403 about the login stays 401", () => {
    const model = resultError(
      {
        is_error: true,
        api_error_status: 403,
        result: "Failed to authenticate. API Error: 403 Your organization does not have access to claude-mythos-5.",
      },
      run({ model: "claude-mythos-5" }),
    );
    expect(model).toMatchObject({ status: 404, code: "model_not_found", param: "model" });
    expect(model.message).toMatch(
      /^Anthropic refused the model claude-mythos-5: it does not exist, or this account may not use it \(Claude CLI: "API Error: 403 Your organization does not have access to claude-mythos-5\."\)\. Choose another model/,
    );
    const login = resultError(
      {
        is_error: true,
        api_error_status: 403,
        result:
          "Failed to authenticate. API Error: 403 OAuth authentication is currently not allowed for this organization.",
      },
      run(),
    );
    expect(login).toMatchObject({ status: 401, code: "cli_auth_failed" });
  });
});

describe("the other results keep their meaning", () => {
  const cases: [Fixture, number, string][] = [
    ["billing-third-party", 402, "extra_usage_required"],
    ["billing-out-of-extra-usage", 402, "extra_usage_exhausted"],
    ["billing-long-context", 402, "extra_usage_required"],
    ["api-401", 401, "cli_auth_failed"],
    ["oauth-expired", 401, "cli_auth_failed"],
    ["not-logged-in", 401, "cli_auth_failed"],
    ["rate-limited-429", 429, "rate_limited"],
    ["prompt-too-long", 400, "context_length_exceeded"],
    ["version-too-old", 404, "claude_code_version_too_old"],
    ["model-not-allowed", 404, "model_not_found"],
  ];
  it.each(cases)("%s → %i %s", (fixture, status, code) => {
    expect(resultError(resultOf(fixture), run())).toMatchObject({ status, code });
  });

  it("a refusal's wording is read by one rule only: the billing counter sees neither model refusal", () => {
    const limits = createLimits(() => undefined);
    resultError(resultOf("version-too-old"), run({ limits }));
    resultError(resultOf("model-not-allowed"), run({ limits }));
    expect([...limits.billing.counts]).toEqual([]);
    expect(limits.billing.check(FLOOR)).toBeUndefined();
    expect(limits.billing.check(NOT_FOUND)).toBeUndefined();
  });
});
