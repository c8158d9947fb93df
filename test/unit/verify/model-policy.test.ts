import { describe, expect, it } from "vitest";
import { allows, parseModelsStatus } from "../../../services/verify/src/model-policy.ts";
import { fixture } from "./fixtures.ts";

describe("parseModelsStatus", () => {
  it("reads the agent's allowlist, aliases and providers without a credential (never a credential's label)", () => {
    const policy = parseModelsStatus(fixture("allowlist-refuses/models-status-lite.json"));
    expect(policy).toEqual({
      agentId: "lite",
      allowed: ["claude-max-proxy/claude-opus-4"],
      aliases: new Map(),
      missingProviders: [],
      cooldowns: [],
    });
    expect(() => parseModelsStatus("{}")).toThrow(/no agentId/);
  });
});

describe("allows", () => {
  const policy = (allowed: string[], aliases: Record<string, string> = {}) => ({
    agentId: "main",
    allowed,
    aliases: new Map(Object.entries(aliases)),
    missingProviders: [],
    cooldowns: [],
  });

  it.each([
    [[], "anything/at-all", true], // no allowlist: every model
    [["claude-max-proxy/claude-opus-4"], "claude-max-proxy/claude-opus-4", true],
    [["claude-max-proxy/claude-opus-4"], "claude-max-proxy/claude-sonnet-4", false],
    [["anthropic/claude-opus-4-6", "anthropic/claude-sonnet-4-6"], "claude-max-proxy/claude-opus-4", false], // a hand-made Option 1 install's allowlist: the proxy's model is not in it
    [["Claude-Max-Proxy/claude-opus-4"], "claude-max-proxy/claude-opus-4", true], // providers compare case-insensitively
    [["claude-max-proxy/*"], "claude-max-proxy/claude-haiku-4", true],
    [["anthropic/*"], "claude-max-proxy/claude-haiku-4", false],
  ])("%j allows %s: %s", (allowed, model, expected) => {
    expect(allows(policy(allowed), model)).toBe(expected);
  });

  it("resolves an alias before comparing", () => {
    expect(allows(policy(["claude-max-proxy/claude-opus-4"], { big: "claude-max-proxy/claude-opus-4" }), "Big")).toBe(
      true,
    );
  });
});
