import { describe, expect, it } from "vitest";
import { parseModelAliases, resolveModel } from "../../../services/normalizer/src/models.ts";

const none = new Map();

describe("resolveModel", () => {
  // claude-max-api 1.0.0 turns every id but these three into Opus: each must map to the right family
  it.each([
    ["claude-opus-4", "claude-opus-4"],
    ["claude-sonnet-4", "claude-sonnet-4"],
    ["claude-haiku-4", "claude-haiku-4"],
    ["anthropic/claude-sonnet-4-5", "claude-sonnet-4"],
    ["claude-max-proxy/claude-opus-4", "claude-opus-4"],
    ["claude-haiku-4-5-20251001", "claude-haiku-4"],
    ["anthropic/claude-opus-4-6", "claude-opus-4"],
    ["openrouter/anthropic/claude-sonnet-4.5", "claude-sonnet-4"],
    ["claude-3-5-sonnet-20241022", "claude-sonnet-4"],
    ["claude-3-5-haiku-latest", "claude-haiku-4"],
    ["Claude-Sonnet-4", "claude-sonnet-4"],
    ["sonnet", "claude-sonnet-4"],
    ["claude-sonnet", "claude-sonnet-4"],
    ["haiku", "claude-haiku-4"],
  ])("%s → %s", (id, expected) => {
    expect(resolveModel(id, none)).toBe(expected);
  });

  it.each(["gpt-4o", "claude", "claude-instant-1", "anthropic/", "o3-mini", "claude-sonnet-4-5/extra"])(
    "%s maps to nothing",
    (id) => {
      expect(resolveModel(id, none)).toBeUndefined();
    },
  );

  it("uses MODEL_ALIASES for the full id and for the id without its provider", () => {
    const aliases = parseModelAliases("gpt-4o=claude-sonnet-4, my/fast = haiku");
    expect(resolveModel("gpt-4o", aliases)).toBe("claude-sonnet-4");
    expect(resolveModel("openai/gpt-4o", aliases)).toBe("claude-sonnet-4");
    expect(resolveModel("MY/FAST", aliases)).toBe("claude-haiku-4");
    expect(resolveModel("claude-opus-4", aliases)).toBe("claude-opus-4");
  });
});

describe("parseModelAliases", () => {
  it("accepts an empty spec", () => {
    expect(parseModelAliases("").size).toBe(0);
  });

  it("refuses an entry without a target", () => {
    expect(() => parseModelAliases("gpt-4o")).toThrow(/not of the form alias=target/);
  });

  it("refuses a target that is not a Claude family", () => {
    expect(() => parseModelAliases("fast=gpt-4o-mini")).toThrow(/target "gpt-4o-mini" of "fast" is none of claude-opus-4/);
  });
});
