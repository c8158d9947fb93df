import { describe, expect, it } from "vitest";
import { modelRef as configInitModelRef } from "../../../services/config-init/src/models.ts";
import { modelRef } from "../../../services/verify/src/models.ts";
import { FAMILIES, parseAgents } from "../../../services/verify/src/stack.ts";
import { fixture, stackOf } from "./fixtures.ts";

describe("parseStack", () => {
  it("selects the services of `docker compose config --services`, config-init apart", () => {
    const stack = stackOf("max-proxy");
    const listed = fixture("max-proxy/compose-services.txt").trim().split("\n");
    expect([...stack.services, "config-init"].sort()).toEqual([...listed].sort());
    expect(stack.services.slice(0, 3)).toEqual(["maxapi", "normalizer", "gateway"]);
    expect(stack.configInit).toBe(true);
    expect(stack.authMode).toBe("max-proxy");
    expect(stack.agents).toEqual([
      { id: "main", family: "opus" },
      { id: "lite", family: "sonnet" },
    ]);
    expect(stack.env.gateway?.PROXY_API_KEY).toBe("stack-test-proxy-key-8e2f4a");
  });

  it("reads setup-token mode, where maxapi and the normalizer are not selected", () => {
    const stack = stackOf("setup-token");
    expect(stack.authMode).toBe("setup-token");
    expect(stack.services).toEqual(["gateway", "mock-anthropic"]);
  });
});

describe("parseAgents", () => {
  it("reads AGENTS like config-init, with its default", () => {
    expect(parseAgents("")).toEqual([
      { id: "main", family: "opus" },
      { id: "lite", family: "sonnet" },
    ]);
    expect(parseAgents(" work = haiku ")).toEqual([{ id: "work", family: "haiku" }]);
    expect(parseAgents("main=gpt4")).toEqual({ error: 'AGENTS: "main=gpt4" is not id=opus|sonnet|haiku' });
  });
});

describe("modelRef", () => {
  it("is config-init's: the model each family gets in each mode", () => {
    for (const mode of ["max-proxy", "setup-token"] as const) {
      for (const family of FAMILIES) expect(modelRef(mode, family)).toBe(configInitModelRef(mode, family));
    }
  });
});
