import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadSettings } from "../../../services/maxapi/src/settings.ts";
import { problemsWith } from "../../support/settings.ts";

const TOKEN = "sk-ant-oat01-abcdefghijklmnopqrstuvwxyz0123456789";

const problemsOf = problemsWith(loadSettings);

describe("maxapi settings", () => {
  it("has the documented defaults and no token when none is set (the volume's login is used)", () => {
    const settings = loadSettings({});
    expect(settings).toMatchObject({
      PORT: 3456,
      HOST: "0.0.0.0",
      CLI_WORKDIR: "/srv/claude-work",
      MAX_BODY_BYTES: 32 * 1024 * 1024,
    });
    expect(settings.CLAUDE_CODE_OAUTH_TOKEN).toBeUndefined();
  });

  it("refuses ANTHROPIC_API_KEY, saying it would bill the API, without echoing it", () => {
    const problems = problemsOf({ ANTHROPIC_API_KEY: "sk-ant-api03-secret-value", CLAUDE_CODE_OAUTH_TOKEN: TOKEN });
    expect(problems).toEqual([
      "ANTHROPIC_API_KEY is set: the Claude CLI would use it instead of the subscription and bill the API: remove it from the environment; use CLAUDE_SETUP_TOKEN (or make login).",
    ]);
  });

  it("lists every problem at once, in plain sentences", () => {
    const problems = problemsOf({ ANTHROPIC_API_KEY: "x", PORT: "seventy", CLAUDE_CODE_OAUTH_TOKEN: "oops" });
    expect(problems.map((p) => p.split(" ")[0])).toEqual(["ANTHROPIC_API_KEY", "PORT", "CLAUDE_CODE_OAUTH_TOKEN"]);
    expect(problems[1]).toBe("PORT is not a port number (1-65535): fix it in .env.");
    expect(problems.join(" ")).not.toMatch(/Invalid|expected (string|number)|received|NaN/);
  });
});

describe("the setup token", () => {
  it("comes from the variable", () => {
    expect(loadSettings({ CLAUDE_CODE_OAUTH_TOKEN: TOKEN }).CLAUDE_CODE_OAUTH_TOKEN).toBe(TOKEN);
  });

  it("comes from a docker secret file, trimmed", () => {
    const file = join(mkdtempSync(join(tmpdir(), "maxapi-")), "token");
    writeFileSync(file, `${TOKEN}\n`);
    expect(loadSettings({ CLAUDE_CODE_OAUTH_TOKEN_FILE: file }).CLAUDE_CODE_OAUTH_TOKEN).toBe(TOKEN);
  });

  it("is refused given both ways, from an unreadable file, or malformed (showing only prefix and length)", () => {
    expect(problemsOf({ CLAUDE_CODE_OAUTH_TOKEN: TOKEN, CLAUDE_CODE_OAUTH_TOKEN_FILE: "/x" })).toEqual([
      "CLAUDE_CODE_OAUTH_TOKEN and CLAUDE_CODE_OAUTH_TOKEN_FILE are both set: keep one of them.",
    ]);
    expect(problemsOf({ CLAUDE_CODE_OAUTH_TOKEN_FILE: "/nonexistent/token" })[0]).toMatch(
      /^CLAUDE_CODE_OAUTH_TOKEN_FILE names \/nonexistent\/token, which cannot be read \(ENOENT\)/,
    );
    const malformed = "sk-ant-api03-this-is-an-api-key-not-a-setup-token";
    const [message = ""] = problemsOf({ CLAUDE_CODE_OAUTH_TOKEN: malformed });
    expect(message).toMatch(
      /^CLAUDE_CODE_OAUTH_TOKEN is not a setup token .*: set CLAUDE_SETUP_TOKEN in \.env to what `claude setup-token` prints/,
    );
    expect(message).toContain(`sk-ant-api03-…, ${malformed.length} characters`);
    expect(message).not.toContain("this-is-an-api-key");
  });

  it("warm processes: 2 by default, 0 turns them off; an idle time under 10 s or a negative size is refused in words", () => {
    expect(loadSettings({})).toMatchObject({ WARM_POOL_SIZE: 2, WARM_IDLE_MS: 300_000, MAX_CONCURRENCY: 4 });
    expect(loadSettings({ WARM_POOL_SIZE: "0" }).WARM_POOL_SIZE).toBe(0);
    const problems = problemsOf({ WARM_POOL_SIZE: "-1", WARM_IDLE_MS: "1" });
    expect(problems).toEqual([
      "WARM_POOL_SIZE is not a number of processes (0 or more; 0 turns warm processes off): fix it in .env.",
      "WARM_IDLE_MS is not a number of milliseconds, 10000 or more: fix it in .env.",
    ]);
  });

  it("SYSTEM_PROMPT: system-prompt by default, in-user-message kept; anything else refused, naming both", () => {
    expect(loadSettings({}).SYSTEM_PROMPT).toBe("system-prompt");
    expect(loadSettings({ SYSTEM_PROMPT: "in-user-message" }).SYSTEM_PROMPT).toBe("in-user-message");
    const [problem] = problemsOf({ SYSTEM_PROMPT: "user" });
    expect(problem).toMatch(/^SYSTEM_PROMPT is not system-prompt .* or in-user-message/);
  });

  it("EXTRA_USAGE: off (the plan only) by default, allowed kept; anything else refused, naming both", () => {
    expect(loadSettings({}).EXTRA_USAGE).toBe("off");
    expect(loadSettings({ EXTRA_USAGE: "allowed" }).EXTRA_USAGE).toBe("allowed");
    const [problem] = problemsOf({ EXTRA_USAGE: "yes" });
    expect(problem).toMatch(
      /^EXTRA_USAGE is not off \(the plan only: .*\) or allowed \(.*extra usage, which is paid\): fix it in \.env\.$/,
    );
  });
});
