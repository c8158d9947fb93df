import { describe, expect, it } from "vitest";
import { parseModelAliases, resolveModel } from "../../../services/normalizer/src/models.ts";

const none = new Map<string, string>();

describe("resolveModel", () => {
  // a family follows the newest model of it; an exact id is a pin and passes as itself
  it.each([
    ["opus", "opus"],
    ["claude-fable", "fable"],
    ["Mythos", "mythos"],
    ["claude-max-proxy/sonnet", "sonnet"],
    ["claude-opus-4-8", "claude-opus-4-8"],
    ["anthropic/claude-fable-5-2", "claude-fable-5-2"],
    ["openrouter/anthropic/claude-haiku-4-5", "claude-haiku-4-5"],
    ["Claude-Sonnet-4-6", "claude-sonnet-4-6"],
    // claude-max-api's old ids choose their family, as they always ran it
    ["claude-opus-4", "opus"],
    ["claude-max-proxy/claude-sonnet-4", "sonnet"],
    ["claude-haiku-4", "haiku"],
  ])("%s → %s", (id, expected) => {
    expect(resolveModel(id, none)).toBe(expected);
  });

  // an id that names no model of the table is refused, never turned into some other model
  it.each([
    "gpt-4o",
    "claude",
    "claude-opus-4-1",
    "claude-sonnet-4-5-20250929",
    "claude-3-5-sonnet-20241022",
    "anthropic/",
    "claude-opus-9",
    "claude-sonnet-4-5/extra",
  ])("%s maps to nothing", (id) => {
    expect(resolveModel(id, none)).toBeUndefined();
  });

  it("uses MODEL_ALIASES for the full id and for the id without its provider", () => {
    const aliases = parseModelAliases("gpt-4o=claude-sonnet-4, my/fast = haiku, stable=anthropic/claude-opus-4-8");
    expect(resolveModel("gpt-4o", aliases)).toBe("sonnet");
    expect(resolveModel("openai/gpt-4o", aliases)).toBe("sonnet");
    expect(resolveModel("MY/FAST", aliases)).toBe("haiku");
    expect(resolveModel("stable", aliases)).toBe("claude-opus-4-8");
    expect(resolveModel("claude-opus-4", aliases)).toBe("opus");
  });
});

describe("parseModelAliases", () => {
  it("accepts an empty spec", () => {
    expect(parseModelAliases("").size).toBe(0);
  });

  it("refuses an entry without a target", () => {
    expect(() => parseModelAliases("gpt-4o")).toThrow(/not of the form alias=target/);
  });

  it("refuses a target that is no model, naming the families and ids", () => {
    expect(() => parseModelAliases("fast=gpt-4o-mini")).toThrow(
      /target "gpt-4o-mini" of "fast" is not a family \(mythos, fable, opus, sonnet, haiku.*claude-opus-4-8/,
    );
  });
});
