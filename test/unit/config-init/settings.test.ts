import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { familyOf, modelChain, modelRef } from "../../../services/config-init/src/models.ts";
import { loadSettings } from "../../../services/config-init/src/settings.ts";
import { BASE_ENV, SETUP_TOKEN } from "../../support/config-init-env.ts";
import { problemsWith } from "../../support/settings.ts";

const problemsOf = problemsWith(loadSettings);

describe("config-init settings", () => {
  it("defaults to max-proxy with main on Opus and lite on Sonnet", () => {
    expect(loadSettings(BASE_ENV)).toMatchObject({
      AUTH_MODE: "max-proxy",
      AGENTS: [
        { id: "main", family: "opus" },
        { id: "lite", family: "sonnet" },
      ],
      HEARTBEAT_EVERY: "30m",
      TIMEZONE: "UTC",
      NORMALIZER_URL: "http://normalizer:3457/v1",
    });
  });

  it("lists every bad variable in one message, never echoing a value", () => {
    const problems = problemsOf({
      AUTH_MODE: "oauth",
      AGENTS: "main=gpt4",
      TIMEZONE: "Mars/Olympus",
      HEARTBEAT_EVERY: "often",
      OPENCLAW_GATEWAY_TOKEN: "short-secret",
      TELEGRAM_BOT_TOKEN: "not-a-telegram-token",
    });
    expect(problems.map((p) => p.split(" ")[0]).sort()).toEqual(
      ["AGENTS", "AUTH_MODE", "HEARTBEAT_EVERY", "OPENCLAW_GATEWAY_TOKEN", "TELEGRAM_BOT_TOKEN", "TIMEZONE"].sort(),
    );
    expect(problems).toContain("OPENCLAW_GATEWAY_TOKEN is too short (12 characters; 16 or more characters): run make setup, or set 16 or more random characters in .env.");
    expect(problems).toContain("TIMEZONE is not an IANA time zone such as Europe/Berlin: fix it in .env.");
    expect(problems.join(" ")).not.toMatch(/Invalid|expected (string|number)|received/);
    expect(problems.join(" ")).not.toContain("short-secret");
    expect(problems.join(" ")).not.toContain("not-a-telegram-token");
  });

  it("requires the key of the chosen mode: PROXY_API_KEY for max-proxy, CLAUDE_SETUP_TOKEN for setup-token", () => {
    expect(problemsOf({ OPENCLAW_GATEWAY_TOKEN: BASE_ENV.OPENCLAW_GATEWAY_TOKEN })).toEqual([
      "PROXY_API_KEY is not set, and AUTH_MODE=max-proxy needs it (the gateway's key to the normalizer): run make setup, or set 16 or more random characters in .env (the same on the proxy host).",
    ]);
    expect(problemsOf({ ...BASE_ENV, AUTH_MODE: "setup-token" })[0]).toMatch(/^CLAUDE_SETUP_TOKEN is not set, and AUTH_MODE=setup-token needs it: run `claude setup-token`/);
    expect(problemsOf({ ...BASE_ENV, AUTH_MODE: "setup-token", CLAUDE_SETUP_TOKEN: "sk-ant-api03-abc" })[0]).toMatch(
      /^CLAUDE_SETUP_TOKEN does not start with sk-ant-oat01-/,
    );
    expect(problemsOf({ ...BASE_ENV, AUTH_MODE: "setup-token", CLAUDE_SETUP_TOKEN: "sk-ant-oat01-short" })[0]).toMatch(/too short/);
    expect(loadSettings({ ...BASE_ENV, AUTH_MODE: "setup-token", CLAUDE_SETUP_TOKEN: SETUP_TOKEN }).AUTH_MODE).toBe("setup-token");
    // in max-proxy mode the token is maxapi's business, not config-init's
    expect(problemsOf({ ...BASE_ENV, CLAUDE_SETUP_TOKEN: "sk-ant-oat01-short" })).toEqual([]);
  });

  it("refuses an empty gateway token: OpenClaw would start with a random one nobody knows", () => {
    expect(problemsOf({ PROXY_API_KEY: BASE_ENV.PROXY_API_KEY, OPENCLAW_GATEWAY_TOKEN: "" })).toEqual([
      "OPENCLAW_GATEWAY_TOKEN is not set: run make setup, or set 16 or more random characters in .env.",
    ]);
  });

  it("reads secrets from *_FILE (docker secrets) and refuses both forms", () => {
    const file = join(mkdtempSync(join(tmpdir(), "config-init-")), "token");
    writeFileSync(file, `${SETUP_TOKEN}\n`);
    expect(loadSettings({ ...BASE_ENV, AUTH_MODE: "setup-token", CLAUDE_SETUP_TOKEN_FILE: file }).CLAUDE_SETUP_TOKEN).toBe(SETUP_TOKEN);
    expect(problemsOf({ ...BASE_ENV, PROXY_API_KEY_FILE: file })).toContain("PROXY_API_KEY and PROXY_API_KEY_FILE are both set: keep one of them.");
  });

  it("the metered API fallback: off by default, on from FALLBACK_ANTHROPIC_API_KEY or its _FILE, a key of the right kind only", () => {
    const key = `sk-ant-api03-${"a".repeat(95)}`;
    expect(loadSettings(BASE_ENV).FALLBACK_ANTHROPIC_API_KEY).toBeUndefined();
    expect(loadSettings(BASE_ENV).FALLBACK_ANTHROPIC_BASE_URL).toBe("https://api.anthropic.com");
    // compose passes an unset variable as ""
    expect(loadSettings({ ...BASE_ENV, FALLBACK_ANTHROPIC_API_KEY: "", FALLBACK_ANTHROPIC_BASE_URL: "" }).FALLBACK_ANTHROPIC_API_KEY).toBeUndefined();
    expect(loadSettings({ ...BASE_ENV, FALLBACK_ANTHROPIC_API_KEY: key }).FALLBACK_ANTHROPIC_API_KEY).toBe(key);

    const file = join(mkdtempSync(join(tmpdir(), "config-init-")), "fallback_key");
    writeFileSync(file, `${key}\n`);
    expect(loadSettings({ ...BASE_ENV, FALLBACK_ANTHROPIC_API_KEY_FILE: file }).FALLBACK_ANTHROPIC_API_KEY).toBe(key);
    expect(problemsOf({ ...BASE_ENV, FALLBACK_ANTHROPIC_API_KEY: key, FALLBACK_ANTHROPIC_API_KEY_FILE: file })).toEqual([
      "FALLBACK_ANTHROPIC_API_KEY and FALLBACK_ANTHROPIC_API_KEY_FILE are both set: keep one of them.",
    ]);

    // the subscription's token is not an API key (and never becomes one here)
    const asToken = problemsOf({ ...BASE_ENV, FALLBACK_ANTHROPIC_API_KEY: SETUP_TOKEN });
    expect(asToken).toEqual([expect.stringMatching(/^FALLBACK_ANTHROPIC_API_KEY is a setup token \(sk-ant-oat01-…\), not an API key: put it in CLAUDE_SETUP_TOKEN; /)]);
    expect(problemsOf({ ...BASE_ENV, FALLBACK_ANTHROPIC_API_KEY: `sk-ant-admin01-${"a".repeat(90)}` })[0]).toMatch(/^FALLBACK_ANTHROPIC_API_KEY does not start with sk-ant-api /);
    expect(problemsOf({ ...BASE_ENV, FALLBACK_ANTHROPIC_API_KEY: "sk-ant-api03-short" })[0]).toMatch(/^FALLBACK_ANTHROPIC_API_KEY is too short \(18 characters/);
    expect(problemsOf({ ...BASE_ENV, FALLBACK_ANTHROPIC_BASE_URL: "api.anthropic.com" })[0]).toMatch(/^FALLBACK_ANTHROPIC_BASE_URL is not an http\(s\) URL/);
    for (const bad of [SETUP_TOKEN, `sk-ant-admin01-${"a".repeat(90)}`, "sk-ant-api03-short"]) {
      expect(problemsOf({ ...BASE_ENV, FALLBACK_ANTHROPIC_API_KEY: bad }).join(" ")).not.toContain(bad.slice(12));
    }
  });

  it("refuses duplicate agents", () => {
    expect(problemsOf({ ...BASE_ENV, AGENTS: "main=opus,main=haiku" })).toEqual([
      "AGENTS is not a list such as main=opus,lite=sonnet (ids of lower-case letters, digits and dashes) (an agent id appears twice): fix it in .env.",
    ]);
  });
});

describe("model references", () => {
  it("maps a family per mode, falling back down the families", () => {
    expect(modelChain("max-proxy", "opus")).toEqual({
      primary: "claude-max-proxy/claude-opus-4",
      fallbacks: ["claude-max-proxy/claude-sonnet-4", "claude-max-proxy/claude-haiku-4"],
    });
    expect(modelChain("setup-token", "sonnet")).toEqual({ primary: "anthropic/claude-sonnet-5", fallbacks: ["anthropic/claude-haiku-4-5"] });
    expect(modelRef("setup-token", "haiku")).toBe("anthropic/claude-haiku-4-5");
  });

  it("with the metered API fallback, the chain's families follow on the API after the subscription's", () => {
    expect(modelChain("max-proxy", "sonnet", true)).toEqual({
      primary: "claude-max-proxy/claude-sonnet-4",
      fallbacks: ["claude-max-proxy/claude-haiku-4", "anthropic-api/claude-sonnet-5", "anthropic-api/claude-haiku-4-5"],
    });
    expect(modelChain("setup-token", "haiku", true)).toEqual({ primary: "anthropic/claude-haiku-4-5", fallbacks: ["anthropic-api/claude-haiku-4-5"] });
    expect(modelChain("max-proxy", "haiku")).toEqual({ primary: "claude-max-proxy/claude-haiku-4", fallbacks: [] });
  });

  it.each([
    ["anthropic/claude-opus-4-6", "opus"],
    ["claude-max-proxy/claude-sonnet-4", "sonnet"],
    ["anthropic/claude-haiku-4-5", "haiku"],
    ["anthropic/claude-3-5-sonnet-20241022", "sonnet"],
    ["openai/gpt-4o", undefined],
  ])("knows the family of %s", (ref, family) => {
    expect(familyOf(ref)).toBe(family);
  });
});
