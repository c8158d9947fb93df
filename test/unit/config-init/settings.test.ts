import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  acceptedInWords,
  familyChoice,
  FAMILIES,
  parseChoice,
  type ModelChoice,
} from "../../../lib/models/src/index.ts";
import { familyOf, modelChain, modelRef } from "../../../services/config-init/src/models.ts";
import { loadSettings } from "../../../services/config-init/src/settings.ts";
import { BASE_ENV, SETUP_TOKEN } from "../../support/config-init-env.ts";
import { problemsWith } from "../../support/settings.ts";

const problemsOf = problemsWith(loadSettings);

/** A choice as a setting names it (a family or an exact id); throws for an id the table lacks. */
function choice(text: string): ModelChoice {
  const parsed = parseChoice(text);
  if (!parsed) throw new Error(`${text} is no model`);
  return parsed;
}

// OpenClaw 2026.9.6's anthropic catalogue, which Option 1 runs (lib/models inOpenClaw)
const OPENCLAW_CATALOGUE =
  "claude-mythos-5, claude-fable-5-1, claude-fable-5, claude-opus-5-5, claude-opus-5, claude-opus-4-8, claude-sonnet-5, claude-haiku-4-5";

describe("config-init settings", () => {
  it("defaults to max-proxy with main on Opus and lite on Sonnet", () => {
    expect(loadSettings(BASE_ENV)).toMatchObject({
      AUTH_MODE: "max-proxy",
      AGENTS: [
        { id: "main", model: { family: "opus", pin: undefined } },
        { id: "lite", model: { family: "sonnet", pin: undefined } },
      ],
      DEFAULT_MODEL: { family: "sonnet", pin: undefined },
      HEARTBEAT_MODEL: { family: "haiku", pin: undefined },
      HEARTBEAT_EVERY: "30m",
      TIMEZONE: "UTC",
      NORMALIZER_URL: "http://normalizer:3457/v1",
    });
  });

  it("takes a family or an exact id (a pin) wherever a model is chosen; claude-max-api's old ids choose their family", () => {
    const settings = loadSettings({
      ...BASE_ENV,
      AGENTS: "main=fable,lite=claude-opus-4-8,old=claude-opus-4,top=Mythos",
      DEFAULT_MODEL: "claude-sonnet-4",
      HEARTBEAT_MODEL: "claude-haiku-4-5",
    });
    expect(settings.AGENTS).toEqual([
      { id: "main", model: { family: "fable", pin: undefined } },
      { id: "lite", model: { family: "opus", pin: "claude-opus-4-8" } },
      { id: "old", model: { family: "opus", pin: undefined } },
      { id: "top", model: { family: "mythos", pin: undefined } },
    ]);
    expect(settings.DEFAULT_MODEL).toEqual({ family: "sonnet", pin: undefined });
    expect(settings.HEARTBEAT_MODEL).toEqual({ family: "haiku", pin: "claude-haiku-4-5" });

    // an id the model table lacks is refused, never turned into some other model; the message says what is accepted
    const problems = problemsOf({
      ...BASE_ENV,
      AGENTS: "main=opus,lite=claude-opus-9",
      DEFAULT_MODEL: "gpt-4o",
      HEARTBEAT_MODEL: "claude-opus-4-1",
    });
    expect(problems.map((p) => p.split(" ")[0])).toEqual(["AGENTS", "DEFAULT_MODEL", "HEARTBEAT_MODEL"]);
    expect(problems[0]).toContain('("lite=claude-opus-9": expected id=model, the model a family or an exact id)');
    expect(problems[1]).toBe(`DEFAULT_MODEL is not ${acceptedInWords()} ("gpt-4o" is no model): fix it in .env.`);
    for (const problem of problems) {
      expect(problem).toContain(`a family (${FAMILIES.join(", ")}: the newest model of it)`);
      expect(problem).toContain("claude-opus-4-8");
    }
  });

  it("in setup-token mode, refuses a pin OpenClaw's anthropic catalogue lacks and names what it can run", () => {
    const setupToken = { ...BASE_ENV, AUTH_MODE: "setup-token", CLAUDE_SETUP_TOKEN: SETUP_TOKEN };
    // a family is its newest model in the catalogue, and a pin in it runs as itself
    expect(
      problemsOf({
        ...setupToken,
        AGENTS: "main=fable,lite=claude-opus-4-8",
        DEFAULT_MODEL: "mythos",
        HEARTBEAT_MODEL: "claude-haiku-4-5",
      }),
    ).toEqual([]);
    const problems = problemsOf({
      ...setupToken,
      AGENTS: "main=opus,lite=claude-fable-5-2",
      DEFAULT_MODEL: "claude-sonnet-5-5",
      HEARTBEAT_MODEL: "claude-opus-4-5",
    });
    const cannot = (variable: string, id: string, family: string) =>
      `${variable} names ${id}, which AUTH_MODE=setup-token cannot run (OpenClaw 2026.9.6's anthropic catalogue has ${OPENCLAW_CATALOGUE}): choose the family (${family}) or one of those ids, or use AUTH_MODE=max-proxy, which runs every model of the subscription.`;
    expect(problems).toEqual([
      cannot("AGENTS", "claude-fable-5-2", "fable"),
      cannot("DEFAULT_MODEL", "claude-sonnet-5-5", "sonnet"),
      cannot("HEARTBEAT_MODEL", "claude-opus-4-5", "opus"),
    ]);
    // Option 2 runs every model of the subscription
    expect(
      problemsOf({
        ...BASE_ENV,
        AGENTS: "main=opus,lite=claude-fable-5-2",
        DEFAULT_MODEL: "claude-sonnet-5-5",
        HEARTBEAT_MODEL: "claude-opus-4-5",
      }),
    ).toEqual([]);
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
    expect(problems).toContain(
      "OPENCLAW_GATEWAY_TOKEN is too short (12 characters; 16 or more characters): run make setup, or set 16 or more random characters in .env.",
    );
    expect(problems).toContain("TIMEZONE is not an IANA time zone such as Europe/Berlin: fix it in .env.");
    expect(problems.join(" ")).not.toMatch(/Invalid|expected (string|number)|received/);
    expect(problems.join(" ")).not.toContain("short-secret");
    expect(problems.join(" ")).not.toContain("not-a-telegram-token");
  });

  it("requires the key of the chosen mode: PROXY_API_KEY for max-proxy, CLAUDE_SETUP_TOKEN for setup-token", () => {
    expect(problemsOf({ OPENCLAW_GATEWAY_TOKEN: BASE_ENV.OPENCLAW_GATEWAY_TOKEN })).toEqual([
      "PROXY_API_KEY is not set, and AUTH_MODE=max-proxy needs it (the gateway's key to the normalizer): run make setup, or set 16 or more random characters in .env (the same on the proxy host).",
    ]);
    expect(problemsOf({ ...BASE_ENV, AUTH_MODE: "setup-token" })[0]).toMatch(
      /^CLAUDE_SETUP_TOKEN is not set, and AUTH_MODE=setup-token needs it: run `claude setup-token`/,
    );
    expect(problemsOf({ ...BASE_ENV, AUTH_MODE: "setup-token", CLAUDE_SETUP_TOKEN: "sk-ant-api03-abc" })[0]).toMatch(
      /^CLAUDE_SETUP_TOKEN does not start with sk-ant-oat01-/,
    );
    expect(problemsOf({ ...BASE_ENV, AUTH_MODE: "setup-token", CLAUDE_SETUP_TOKEN: "sk-ant-oat01-short" })[0]).toMatch(
      /too short/,
    );
    expect(loadSettings({ ...BASE_ENV, AUTH_MODE: "setup-token", CLAUDE_SETUP_TOKEN: SETUP_TOKEN }).AUTH_MODE).toBe(
      "setup-token",
    );
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
    expect(
      loadSettings({ ...BASE_ENV, AUTH_MODE: "setup-token", CLAUDE_SETUP_TOKEN_FILE: file }).CLAUDE_SETUP_TOKEN,
    ).toBe(SETUP_TOKEN);
    expect(problemsOf({ ...BASE_ENV, PROXY_API_KEY_FILE: file })).toContain(
      "PROXY_API_KEY and PROXY_API_KEY_FILE are both set: keep one of them.",
    );
  });

  it("the metered API fallback: off by default, on from FALLBACK_ANTHROPIC_API_KEY or its _FILE, a key of the right kind only", () => {
    const key = `sk-ant-api03-${"a".repeat(95)}`;
    expect(loadSettings(BASE_ENV).FALLBACK_ANTHROPIC_API_KEY).toBeUndefined();
    expect(loadSettings(BASE_ENV).FALLBACK_ANTHROPIC_BASE_URL).toBe("https://api.anthropic.com");
    // compose passes an unset variable as ""
    expect(
      loadSettings({ ...BASE_ENV, FALLBACK_ANTHROPIC_API_KEY: "", FALLBACK_ANTHROPIC_BASE_URL: "" })
        .FALLBACK_ANTHROPIC_API_KEY,
    ).toBeUndefined();
    expect(loadSettings({ ...BASE_ENV, FALLBACK_ANTHROPIC_API_KEY: key }).FALLBACK_ANTHROPIC_API_KEY).toBe(key);

    const file = join(mkdtempSync(join(tmpdir(), "config-init-")), "fallback_key");
    writeFileSync(file, `${key}\n`);
    expect(loadSettings({ ...BASE_ENV, FALLBACK_ANTHROPIC_API_KEY_FILE: file }).FALLBACK_ANTHROPIC_API_KEY).toBe(key);
    expect(problemsOf({ ...BASE_ENV, FALLBACK_ANTHROPIC_API_KEY: key, FALLBACK_ANTHROPIC_API_KEY_FILE: file })).toEqual(
      ["FALLBACK_ANTHROPIC_API_KEY and FALLBACK_ANTHROPIC_API_KEY_FILE are both set: keep one of them."],
    );

    // the subscription's token is not an API key (and never becomes one here)
    const asToken = problemsOf({ ...BASE_ENV, FALLBACK_ANTHROPIC_API_KEY: SETUP_TOKEN });
    expect(asToken).toEqual([
      expect.stringMatching(
        /^FALLBACK_ANTHROPIC_API_KEY is a setup token \(sk-ant-oat01-…\), not an API key: put it in CLAUDE_SETUP_TOKEN; /,
      ),
    ]);
    expect(problemsOf({ ...BASE_ENV, FALLBACK_ANTHROPIC_API_KEY: `sk-ant-admin01-${"a".repeat(90)}` })[0]).toMatch(
      /^FALLBACK_ANTHROPIC_API_KEY does not start with sk-ant-api /,
    );
    expect(problemsOf({ ...BASE_ENV, FALLBACK_ANTHROPIC_API_KEY: "sk-ant-api03-short" })[0]).toMatch(
      /^FALLBACK_ANTHROPIC_API_KEY is too short \(18 characters/,
    );
    expect(problemsOf({ ...BASE_ENV, FALLBACK_ANTHROPIC_BASE_URL: "api.anthropic.com" })[0]).toMatch(
      /^FALLBACK_ANTHROPIC_BASE_URL is not an http\(s\) URL/,
    );
    for (const bad of [SETUP_TOKEN, `sk-ant-admin01-${"a".repeat(90)}`, "sk-ant-api03-short"]) {
      expect(problemsOf({ ...BASE_ENV, FALLBACK_ANTHROPIC_API_KEY: bad }).join(" ")).not.toContain(bad.slice(12));
    }
  });

  it("refuses duplicate agents", () => {
    expect(problemsOf({ ...BASE_ENV, AGENTS: "main=opus,main=haiku" })).toEqual([
      `AGENTS is not a list such as main=opus,lite=sonnet,stable=claude-opus-4-8 (ids of lower-case letters, digits and dashes; each model ${acceptedInWords()}) (an agent id appears twice): fix it in .env.`,
    ]);
    // the same id with a pin is a duplicate too
    expect(problemsOf({ ...BASE_ENV, AGENTS: "main=opus,main=claude-opus-4-8" })[0]).toContain(
      "(an agent id appears twice)",
    );
  });
});

describe("model references", () => {
  it("maps a family per mode, falling back down the families", () => {
    expect(modelChain("max-proxy", familyChoice("opus"))).toEqual({
      primary: "claude-max-proxy/opus",
      fallbacks: ["claude-max-proxy/sonnet", "claude-max-proxy/haiku"],
    });
    expect(modelChain("setup-token", familyChoice("sonnet"))).toEqual({
      primary: "anthropic/claude-sonnet-5",
      fallbacks: ["anthropic/claude-haiku-4-5"],
    });
    expect(modelRef("setup-token", familyChoice("haiku"))).toBe("anthropic/claude-haiku-4-5");
    // a family in Option 1 is its newest model in OpenClaw's anthropic catalogue
    expect(FAMILIES.map((family) => modelRef("setup-token", familyChoice(family)))).toEqual([
      "anthropic/claude-mythos-5",
      "anthropic/claude-fable-5-1",
      "anthropic/claude-opus-5-5",
      "anthropic/claude-sonnet-5",
      "anthropic/claude-haiku-4-5",
    ]);
    // Fable falls to every lower tier; Mythos (limited access) falls to Fable and on, and is never a fallback
    expect(modelChain("max-proxy", familyChoice("fable"))).toEqual({
      primary: "claude-max-proxy/fable",
      fallbacks: ["claude-max-proxy/opus", "claude-max-proxy/sonnet", "claude-max-proxy/haiku"],
    });
    expect(modelChain("setup-token", familyChoice("fable"))).toEqual({
      primary: "anthropic/claude-fable-5-1",
      fallbacks: ["anthropic/claude-opus-5-5", "anthropic/claude-sonnet-5", "anthropic/claude-haiku-4-5"],
    });
    expect(modelChain("max-proxy", familyChoice("mythos"))).toEqual({
      primary: "claude-max-proxy/mythos",
      fallbacks: [
        "claude-max-proxy/fable",
        "claude-max-proxy/opus",
        "claude-max-proxy/sonnet",
        "claude-max-proxy/haiku",
      ],
    });
    for (const mode of ["max-proxy", "setup-token"] as const) {
      for (const family of FAMILIES)
        expect(modelChain(mode, familyChoice(family)).fallbacks.join()).not.toContain("mythos");
    }
  });

  it("keeps a pin as its exact id in both modes, falling back down the lower families", () => {
    expect(modelChain("max-proxy", choice("claude-opus-4-8"))).toEqual({
      primary: "claude-max-proxy/claude-opus-4-8",
      fallbacks: ["claude-max-proxy/sonnet", "claude-max-proxy/haiku"],
    });
    expect(modelChain("setup-token", choice("claude-opus-4-8"))).toEqual({
      primary: "anthropic/claude-opus-4-8",
      fallbacks: ["anthropic/claude-sonnet-5", "anthropic/claude-haiku-4-5"],
    });
    // the proxy runs every exact id of the table; OpenClaw's catalogue only its own
    expect(modelRef("max-proxy", choice("claude-fable-5-2"))).toBe("claude-max-proxy/claude-fable-5-2");
    expect(() => modelRef("setup-token", choice("claude-fable-5-2"))).toThrow(
      "claude-fable-5-2 is not in OpenClaw's anthropic catalogue",
    );
    // claude-max-api's old id chooses the family, no pin
    expect(modelChain("max-proxy", choice("claude-opus-4"))).toEqual(modelChain("max-proxy", familyChoice("opus")));
  });

  it("with the metered API fallback, the chain's models follow on the API after the subscription's", () => {
    expect(modelChain("max-proxy", familyChoice("sonnet"), true)).toEqual({
      primary: "claude-max-proxy/sonnet",
      fallbacks: ["claude-max-proxy/haiku", "anthropic-api/claude-sonnet-5", "anthropic-api/claude-haiku-4-5"],
    });
    expect(modelChain("setup-token", familyChoice("haiku"), true)).toEqual({
      primary: "anthropic/claude-haiku-4-5",
      fallbacks: ["anthropic-api/claude-haiku-4-5"],
    });
    expect(modelChain("max-proxy", familyChoice("haiku"))).toEqual({
      primary: "claude-max-proxy/haiku",
      fallbacks: [],
    });
    expect(modelChain("max-proxy", familyChoice("fable"), true)).toEqual({
      primary: "claude-max-proxy/fable",
      fallbacks: [
        "claude-max-proxy/opus",
        "claude-max-proxy/sonnet",
        "claude-max-proxy/haiku",
        "anthropic-api/claude-fable-5-1",
        "anthropic-api/claude-opus-5-5",
        "anthropic-api/claude-sonnet-5",
        "anthropic-api/claude-haiku-4-5",
      ],
    });
    // a pin: the same exact id on the API where OpenClaw's catalogue has it, else its family's newest there
    expect(modelChain("max-proxy", choice("claude-opus-4-8"), true)).toEqual({
      primary: "claude-max-proxy/claude-opus-4-8",
      fallbacks: [
        "claude-max-proxy/sonnet",
        "claude-max-proxy/haiku",
        "anthropic-api/claude-opus-4-8",
        "anthropic-api/claude-sonnet-5",
        "anthropic-api/claude-haiku-4-5",
      ],
    });
    expect(modelChain("max-proxy", choice("claude-fable-5-2"), true).fallbacks.slice(3)).toEqual([
      "anthropic-api/claude-fable-5-1",
      "anthropic-api/claude-opus-5-5",
      "anthropic-api/claude-sonnet-5",
      "anthropic-api/claude-haiku-4-5",
    ]);
    // no entry twice
    for (const family of FAMILIES) {
      const { primary, fallbacks } = modelChain("setup-token", familyChoice(family), true);
      expect(new Set([primary, ...fallbacks]).size).toBe(fallbacks.length + 1);
    }
  });

  it.each([
    ["anthropic/claude-opus-4-6", "opus"],
    ["claude-max-proxy/claude-sonnet-4", "sonnet"],
    ["anthropic/claude-haiku-4-5", "haiku"],
    ["anthropic/claude-3-5-sonnet-20241022", "sonnet"],
    ["anthropic/claude-opus-4-1", "opus"],
    ["claude-max-proxy/fable", "fable"],
    ["claude-max-proxy/claude-mythos-5-2", "mythos"],
    ["claude-opus-4-8", "opus"],
    ["openai/gpt-4o", undefined],
  ])("knows the family of %s", (ref, family) => {
    expect(familyOf(ref)).toBe(family);
  });
});
