import { describe, expect, it } from "vitest";
import { modelRef as configInitModelRef } from "../../../services/config-init/src/models.ts";
import { loadSettings } from "../../../services/config-init/src/settings.ts";
import { FAMILIES, familyChoice, MODELS, modelRef, parseChoice } from "../../../lib/models/src/index.ts";
import { parseAgents } from "../../../services/verify/src/stack.ts";
import { BASE_ENV } from "../../support/config-init-env.ts";
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
      { id: "main", model: "opus", choice: familyChoice("opus") },
      { id: "lite", model: "sonnet", choice: familyChoice("sonnet") },
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
      { id: "main", model: "opus", choice: familyChoice("opus") },
      { id: "lite", model: "sonnet", choice: familyChoice("sonnet") },
    ]);
    expect(parseAgents(" work = haiku ")).toEqual([{ id: "work", model: "haiku", choice: familyChoice("haiku") }]);
    // a family, an exact id (a pin), claude-max-api's old id (its family); the model kept as written
    expect(parseAgents("main=fable,lite=claude-opus-4-8,old=claude-opus-4,top=Mythos")).toEqual([
      { id: "main", model: "fable", choice: familyChoice("fable") },
      { id: "lite", model: "claude-opus-4-8", choice: { family: "opus", pin: "claude-opus-4-8" } },
      { id: "old", model: "claude-opus-4", choice: familyChoice("opus") },
      { id: "top", model: "Mythos", choice: familyChoice("mythos") },
    ]);
    expect(parseAgents("main=gpt4")).toEqual({
      error: 'AGENTS: "main=gpt4" is not id=model (the model a family or an exact id)',
    });
    expect(parseAgents("main=claude-opus-4-1")).toEqual({
      error: 'AGENTS: "main=claude-opus-4-1" is not id=model (the model a family or an exact id)',
    });
  });

  it("chooses what config-init chooses for each agent", () => {
    const spec = "main=fable,lite=claude-opus-4-8,old=claude-sonnet-4,edge=claude-fable-5-2,small=Haiku";
    const agents = parseAgents(spec);
    if ("error" in agents) throw new Error(agents.error);
    expect(agents.map((agent) => ({ id: agent.id, model: agent.choice }))).toEqual(
      loadSettings({ ...BASE_ENV, AGENTS: spec }).AGENTS,
    );
  });
});

describe("modelRef", () => {
  it("is config-init's: the model each family and each exact id gets in each mode", () => {
    const choices = [...FAMILIES.map(familyChoice), ...MODELS.map((model) => parseChoice(model.id))];
    expect(choices).toHaveLength(FAMILIES.length + MODELS.length);
    for (const mode of ["max-proxy", "setup-token"] as const) {
      for (const choice of choices) {
        if (!choice) throw new Error("an id of the table that parseChoice does not take");
        const ours = () => modelRef(mode, choice);
        const theirs = () => configInitModelRef(mode, choice);
        // a pin OpenClaw's anthropic catalogue lacks: neither gives it a reference in setup-token mode
        if (
          mode === "setup-token" &&
          choice.pin !== undefined &&
          !MODELS.find((model) => model.id === choice.pin)?.inOpenClaw
        ) {
          expect(ours).toThrow(choice.pin);
          expect(theirs).toThrow(choice.pin);
        } else {
          expect(ours()).toBe(theirs());
        }
      }
    }
    expect(modelRef("max-proxy", familyChoice("opus"))).toBe("claude-max-proxy/opus");
    expect(modelRef("setup-token", familyChoice("opus"))).toBe("anthropic/claude-opus-5-5");
    expect(modelRef("max-proxy", { family: "opus", pin: "claude-opus-4-8" })).toBe("claude-max-proxy/claude-opus-4-8");
    expect(modelRef("setup-token", { family: "opus", pin: "claude-opus-4-8" })).toBe("anthropic/claude-opus-4-8");
  });
});
