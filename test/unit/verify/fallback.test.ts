import { describe, expect, it } from "vitest";
import { swarmCommands } from "../../../services/verify/src/commands.ts";
import { fallbackOn, fallbackRow } from "../../../services/verify/src/fallback.ts";
import { renderTable } from "../../../services/verify/src/table.ts";
import { DC, stackOf, withEnv } from "./fixtures.ts";

// a made-up key of the real shape: sk-ant-api03- and 95 more characters
const KEY = `sk-ant-api03-${"Zq7xK2pLw9".repeat(9)}AbCdE`;
const ON = "while the subscription is refused, OpenClaw falls back to the metered Anthropic API (costs money)";

/** No part of the key beyond its well-known prefix is in the row, nor in the table. */
function expectNoKey(row: ReturnType<typeof fallbackRow>) {
  const printed = JSON.stringify(row) + renderTable([row]);
  expect(printed).not.toContain(KEY);
  expect(printed).not.toContain(KEY.slice(13, 21));
}

describe("fallbackRow", () => {
  it("off (the default): skips, saying turns wait for the reset", () => {
    const stack = stackOf("max-proxy");
    expect(fallbackOn(stack)).toBe(false);
    expect(fallbackRow(stack, DC)).toEqual({
      check: "metered fallback",
      status: "skip",
      detail: "off: when the subscription's window is spent, turns wait for its reset",
      fix: "",
    });
    expect(
      fallbackRow(
        withEnv(stack, "config-init", { FALLBACK_ANTHROPIC_API_KEY: "  ", FALLBACK_ANTHROPIC_API_KEY_FILE: "" }),
        DC,
      ).status,
      "blank is off",
    ).toBe("skip");
  });

  it("on from the environment (.env as compose resolves it): the key's prefix and length, never the key", () => {
    const stack = withEnv(stackOf("max-proxy"), "config-init", { FALLBACK_ANTHROPIC_API_KEY: KEY });
    expect(fallbackOn(stack)).toBe(true);
    const row = fallbackRow(stack, DC);
    expect(row).toEqual({ check: "metered fallback", status: "ok", detail: `on, sk-ant-api03-…(108): ${ON}`, fix: "" });
    expectNoKey(row);
    // whichever service gets it (the gateway's, or a Swarm stack's gateway)
    expect(
      fallbackRow(withEnv(stackOf("setup-token"), "gateway", { FALLBACK_ANTHROPIC_API_KEY: KEY }), DC).status,
    ).toBe("ok");
  });

  it("on from a file: the file is not read", () => {
    const stack = withEnv(stackOf("max-proxy"), "gateway", {
      FALLBACK_ANTHROPIC_API_KEY_FILE: "/run/secrets/fallback_anthropic_api_key",
    });
    expect(fallbackOn(stack)).toBe(true);
    expect(fallbackRow(stack, DC)).toMatchObject({
      status: "ok",
      detail: `on (FALLBACK_ANTHROPIC_API_KEY_FILE, a file, not checked): ${ON}`,
    });
  });

  it("fails a setup token or anything else that is not an API key, without showing it", () => {
    const token = `sk-ant-oat01-${"Zq7xK2pLw9".repeat(9)}`;
    const both = withEnv(
      withEnv(stackOf("max-proxy"), "config-init", { FALLBACK_ANTHROPIC_API_KEY: token }),
      "gateway",
      { FALLBACK_ANTHROPIC_API_KEY: token },
    );
    const row = fallbackRow(both, DC);
    expect(row).toMatchObject({
      status: "FAIL",
      detail: "FALLBACK_ANTHROPIC_API_KEY is sk-ant-oat01-…(103): a setup token (the subscription), not an API key",
    });
    expect(row.fix).toBe(
      "put it in CLAUDE_SETUP_TOKEN; create an API key at console.anthropic.com (billed per token) and set FALLBACK_ANTHROPIC_API_KEY in .env to it, or leave it empty to turn the fallback off; then docker compose up -d --force-recreate config-init gateway",
    );
    expect(JSON.stringify(row)).not.toContain(token.slice(13, 21));
    const other = fallbackRow(
      withEnv(stackOf("max-proxy"), "gateway", { FALLBACK_ANTHROPIC_API_KEY: "not-a-key-0123456789" }),
      swarmCommands("clawbridge"),
    );
    expect(other).toMatchObject({
      status: "FAIL",
      detail: "FALLBACK_ANTHROPIC_API_KEY is …(20): not an Anthropic API key (sk-ant-api03-…)",
    });
    expect(other.fix).toMatch(/^create an API key .*; then make deploy/);
    const short = fallbackRow(
      withEnv(stackOf("max-proxy"), "gateway", { FALLBACK_ANTHROPIC_API_KEY: "sk-ant-api03-abc" }),
      DC,
    );
    expect(short).toMatchObject({
      status: "FAIL",
      detail:
        "FALLBACK_ANTHROPIC_API_KEY is sk-ant-api03-…(16): too short for an Anthropic API key (over 100 characters)",
    });
  });

  it("a machine without the gateway: off here, the gateway's setting", () => {
    const proxyOnly = { ...stackOf("max-proxy"), services: ["maxapi", "normalizer"], configInit: false };
    expect(fallbackRow(proxyOnly, DC)).toMatchObject({
      status: "skip",
      detail: "off here: FALLBACK_ANTHROPIC_API_KEY is the gateway's setting (no gateway here)",
    });
  });
});
