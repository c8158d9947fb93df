import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, loadSettings, resolveOAuthToken } from "../../../services/maxapi/src/config.ts";

const TOKEN = "sk-ant-oat01-abcdefghijklmnopqrstuvwxyz0123456789";

function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    loadSettings(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe("maxapi settings", () => {
  it("has the documented defaults and no token when none is set (the volume's login is used)", () => {
    expect(loadSettings({})).toMatchObject({ PORT: 3456, HOST: "0.0.0.0", CLI_WORKDIR: "/srv/claude-work", MAX_BODY_BYTES: 32 * 1024 * 1024, oauthToken: undefined });
  });

  it("refuses ANTHROPIC_API_KEY, saying it would bill the API, without echoing it", () => {
    const problems = problemsOf({ ANTHROPIC_API_KEY: "sk-ant-api03-secret-value", CLAUDE_CODE_OAUTH_TOKEN: TOKEN });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/ANTHROPIC_API_KEY is set: .*bill the API/);
    expect(problems.join()).not.toContain("secret-value");
  });

  it("lists every problem at once", () => {
    expect(problemsOf({ ANTHROPIC_API_KEY: "x", PORT: "seventy", CLAUDE_CODE_OAUTH_TOKEN: "oops" })).toHaveLength(3);
  });
});

describe("resolveOAuthToken", () => {
  it("takes the token from the variable", () => {
    expect(resolveOAuthToken({ CLAUDE_CODE_OAUTH_TOKEN: TOKEN })).toBe(TOKEN);
  });

  it("takes the token from a docker secret file, trimmed", () => {
    const file = join(mkdtempSync(join(tmpdir(), "maxapi-")), "token");
    writeFileSync(file, `${TOKEN}\n`);
    expect(resolveOAuthToken({ CLAUDE_CODE_OAUTH_TOKEN_FILE: file })).toBe(TOKEN);
  });

  it("refuses both at once, an unreadable file, and a malformed token (showing only prefix and length)", () => {
    expect(() => resolveOAuthToken({ CLAUDE_CODE_OAUTH_TOKEN: TOKEN, CLAUDE_CODE_OAUTH_TOKEN_FILE: "/x" })).toThrow(/not both/);
    expect(() => resolveOAuthToken({ CLAUDE_CODE_OAUTH_TOKEN_FILE: "/nonexistent/token" })).toThrow(/cannot read .*ENOENT/);
    const malformed = "sk-ant-api03-this-is-an-api-key-not-a-setup-token";
    let message = "";
    try {
      resolveOAuthToken({ CLAUDE_CODE_OAUTH_TOKEN: malformed });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain(`sk-ant-api03-…, ${malformed.length} characters`);
    expect(message).not.toContain("this-is-an-api-key");
  });
});
