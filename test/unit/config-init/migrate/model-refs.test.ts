import { describe, expect, it } from "vitest";
import { remapConfigModelRefs } from "../../../../services/config-init/src/migrate/model-refs.ts";
import { mapModelRef } from "../../../../services/config-init/src/models.ts";

describe("mapModelRef", () => {
  it.each([
    // an exact id of the table is a pin: it stays itself where the mode runs it (the proxy runs every one)
    ["anthropic/claude-opus-4-6", "max-proxy", { kind: "map", to: "claude-max-proxy/claude-opus-4-6" }],
    ["anthropic/claude-sonnet-4-5", "max-proxy", { kind: "map", to: "claude-max-proxy/claude-sonnet-4-5" }],
    ["anthropic/claude-opus-4-8", "max-proxy", { kind: "map", to: "claude-max-proxy/claude-opus-4-8" }],
    ["claude-max-proxy/claude-opus-4-8", "setup-token", { kind: "map", to: "anthropic/claude-opus-4-8" }],
    ["anthropic/claude-fable-5", "max-proxy", { kind: "map", to: "claude-max-proxy/claude-fable-5" }],
    // claude-max-api's old ids and Anthropic's older namings choose their family
    ["claude-max-proxy/claude-opus-4", "max-proxy", { kind: "map", to: "claude-max-proxy/opus" }],
    ["claude-max-proxy/claude-sonnet-4", "setup-token", { kind: "map", to: "anthropic/claude-sonnet-5" }],
    ["claude-max-proxy/claude-haiku-4", "setup-token", { kind: "map", to: "anthropic/claude-haiku-4-5" }],
    ["anthropic/claude-3-5-sonnet-20241022", "max-proxy", { kind: "map", to: "claude-max-proxy/sonnet" }],
    ["anthropic/claude-opus-4-1", "max-proxy", { kind: "map", to: "claude-max-proxy/opus" }],
    ["anthropic/claude-opus-4-1", "setup-token", { kind: "map", to: "anthropic/claude-opus-5-5" }],
    // a family is its newest model in the pinned OpenClaw's anthropic catalogue
    ["claude-max-proxy/fable", "setup-token", { kind: "map", to: "anthropic/claude-fable-5-1" }],
    ["claude-max-proxy/mythos", "setup-token", { kind: "map", to: "anthropic/claude-mythos-5" }],
    // a pin the catalogue lacks becomes its family's model there
    ["anthropic/claude-opus-4-6", "setup-token", { kind: "map", to: "anthropic/claude-opus-5-5" }],
    ["claude-max-proxy/claude-fable-5-2", "setup-token", { kind: "map", to: "anthropic/claude-fable-5-1" }],
    // already right: a family or a pin the mode's provider runs as it is
    ["claude-max-proxy/opus", "max-proxy", { kind: "keep" }],
    ["claude-max-proxy/claude-opus-4-8", "max-proxy", { kind: "keep" }],
    ["claude-max-proxy/claude-fable-5-2", "max-proxy", { kind: "keep" }],
    ["anthropic/claude-opus-5-5", "setup-token", { kind: "keep" }],
    ["anthropic/claude-fable-5", "setup-token", { kind: "keep" }],
    // an owned provider's model of no known family
    ["anthropic/claude-instant-1.2", "max-proxy", { kind: "unmappable" }],
    ["claude-max-proxy/gpt-4o", "max-proxy", { kind: "unmappable" }],
    // other providers are the user's, even when they serve Claude
    ["openai/gpt-5.4", "max-proxy", { kind: "keep" }],
    ["openrouter/anthropic/claude-sonnet-4", "setup-token", { kind: "keep" }],
    ["claude-cli/claude-opus-4-6", "max-proxy", { kind: "keep" }],
    // bare ids: a Claude id or family word gets a provider; anything else is an alias
    ["claude-opus-4-6", "max-proxy", { kind: "map", to: "claude-max-proxy/claude-opus-4-6" }],
    ["claude-opus-4", "max-proxy", { kind: "map", to: "claude-max-proxy/opus" }],
    ["haiku", "setup-token", { kind: "map", to: "anthropic/claude-haiku-4-5" }],
    ["fable", "max-proxy", { kind: "map", to: "claude-max-proxy/fable" }],
    ["fast", "max-proxy", { kind: "keep" }],
    // policy wildcards follow the provider
    ["anthropic/*", "max-proxy", { kind: "map", to: "claude-max-proxy/*" }],
    ["claude-max-proxy/*", "max-proxy", { kind: "keep" }],
    ["openai/*", "max-proxy", { kind: "keep" }],
    // an auth profile stays with its provider and goes when the provider changes
    [
      "anthropic/claude-opus-4-6@anthropic:manual",
      "setup-token",
      { kind: "map", to: "anthropic/claude-opus-5-5@anthropic:manual" },
    ],
    [
      "anthropic/claude-opus-4-6@anthropic:manual",
      "max-proxy",
      { kind: "map", to: "claude-max-proxy/claude-opus-4-6" },
    ],
    [
      "claude-max-proxy/claude-opus-4@claude-max-proxy:default",
      "max-proxy",
      { kind: "map", to: "claude-max-proxy/opus@claude-max-proxy:default" },
    ],
    ["anthropic/claude-opus-4-8@anthropic:manual", "setup-token", { kind: "keep" }],
  ] as const)("%s in %s mode", (ref, mode, expected) => {
    expect(mapModelRef(ref, mode)).toEqual(expected);
  });
});

describe("remapConfigModelRefs", () => {
  // the hand-made Option 1 config as 2026.9.6's doctor leaves it, plus one of each other kind
  const option1 = {
    meta: { migrations: { modelPolicyAllowlist: true } },
    models: {
      providers: {
        "claude-max-proxy": { models: [{ id: "claude-opus-4" }] },
        anthropic: { baseUrl: "http://mock:8080" },
      },
    },
    agents: {
      defaults: {
        model: { primary: "anthropic/claude-opus-4-6", fallbacks: ["anthropic/claude-sonnet-4-6", "openai/gpt-5.4"] },
        models: {
          "anthropic/claude-opus-4-6": { alias: "big" },
          "anthropic/claude-sonnet-4-5": {},
          "anthropic/claude-sonnet-4-6": { alias: "mid" },
          // two older namings of one family, which become the family
          "anthropic/claude-3-5-sonnet-20241022": { alias: "classic" },
          "anthropic/claude-3-7-sonnet-20250219": { alias: "newer", params: { temperature: 0.2 } },
          "openai/gpt-5.4": {},
        },
        modelPolicy: { allow: ["anthropic/claude-opus-4-6", "anthropic/claude-sonnet-4-6", "openai/*"] },
        heartbeat: { every: "30m", model: "anthropic/claude-sonnet-4-6" },
        imageModel: { primary: "anthropic/claude-sonnet-4-6", fallbacks: ["anthropic/claude-haiku-4-5"] },
        mediaModels: { image: "openai/gpt-image-2" },
        subagents: { model: "anthropic/claude-haiku-4-5" },
        compaction: { model: "haiku", memoryFlush: { model: "anthropic/claude-haiku-4-5" } },
      },
      entries: {
        research: {
          model: "anthropic/claude-opus-4-6",
          models: { "anthropic/claude-opus-4-6": {} },
          modelPolicy: { allow: ["anthropic/*"] },
        },
      },
    },
    channels: { modelByChannel: { telegram: { "*": "anthropic/claude-sonnet-4-6", "12345": "openai/gpt-5.4" } } },
    hooks: {
      mappings: [
        { match: { path: "gmail" }, model: "anthropic/claude-haiku-4-5" },
        { match: { path: "github" }, model: "anthropic/claude-opus-4-8" },
      ],
    },
    tools: {
      media: {
        models: [
          { provider: "anthropic", model: "claude-sonnet-4-6" },
          { provider: "openai", model: "gpt-5.4" },
        ],
      },
    },
    plugins: {
      entries: {
        "memory-core": {
          subagent: { allowedModels: ["anthropic/claude-haiku-4-5"] },
          config: { dreaming: { enabled: false, model: "anthropic/claude-haiku-4-5" } },
        },
        "llm-task": { config: { defaultProvider: "anthropic", defaultModel: "claude-opus-4-6" } },
        logbook: { config: { visionModel: "anthropic/claude-fable-5", summaryModel: "anthropic/claude-instant-1.2" } },
      },
    },
    memory: { search: { model: "text-embedding-3-small" } },
  };

  it("brings every kind of reference into max-proxy mode and keeps everything else", () => {
    const { config, report } = remapConfigModelRefs(option1, "max-proxy");
    expect(config).toEqual({
      ...option1,
      agents: {
        defaults: {
          // the hand-made install's ids are exact ids of the model table: pins, which the proxy runs as themselves
          model: {
            primary: "claude-max-proxy/claude-opus-4-6",
            fallbacks: ["claude-max-proxy/claude-sonnet-4-6", "openai/gpt-5.4"],
          },
          // two older sonnets become one entry of the family, the first one's settings kept; the allowlist follows
          models: {
            "claude-max-proxy/claude-opus-4-6": { alias: "big" },
            "claude-max-proxy/claude-sonnet-4-5": {},
            "claude-max-proxy/claude-sonnet-4-6": { alias: "mid" },
            "claude-max-proxy/sonnet": { alias: "classic", params: { temperature: 0.2 } },
            "openai/gpt-5.4": {},
          },
          modelPolicy: {
            allow: ["claude-max-proxy/claude-opus-4-6", "claude-max-proxy/claude-sonnet-4-6", "openai/*"],
          },
          heartbeat: { every: "30m", model: "claude-max-proxy/claude-sonnet-4-6" },
          imageModel: {
            primary: "claude-max-proxy/claude-sonnet-4-6",
            fallbacks: ["claude-max-proxy/claude-haiku-4-5"],
          },
          mediaModels: { image: "openai/gpt-image-2" },
          subagents: { model: "claude-max-proxy/claude-haiku-4-5" },
          // a bare family word becomes the family
          compaction: { model: "claude-max-proxy/haiku", memoryFlush: { model: "claude-max-proxy/claude-haiku-4-5" } },
        },
        entries: {
          research: {
            model: "claude-max-proxy/claude-opus-4-6",
            models: { "claude-max-proxy/claude-opus-4-6": {} },
            modelPolicy: { allow: ["claude-max-proxy/*"] },
          },
        },
      },
      channels: {
        modelByChannel: { telegram: { "*": "claude-max-proxy/claude-sonnet-4-6", "12345": "openai/gpt-5.4" } },
      },
      hooks: {
        mappings: [
          { match: { path: "gmail" }, model: "claude-max-proxy/claude-haiku-4-5" },
          { match: { path: "github" }, model: "claude-max-proxy/claude-opus-4-8" },
        ],
      },
      tools: {
        media: {
          models: [
            { provider: "claude-max-proxy", model: "claude-sonnet-4-6" },
            { provider: "openai", model: "gpt-5.4" },
          ],
        },
      },
      plugins: {
        entries: {
          "memory-core": {
            subagent: { allowedModels: ["claude-max-proxy/claude-haiku-4-5"] },
            config: { dreaming: { enabled: false, model: "claude-max-proxy/claude-haiku-4-5" } },
          },
          "llm-task": { config: { defaultProvider: "claude-max-proxy", defaultModel: "claude-opus-4-6" } },
          // Fable runs through the proxy too; an unknown Claude id stays as it is
          logbook: {
            config: { visionModel: "claude-max-proxy/claude-fable-5", summaryModel: "anthropic/claude-instant-1.2" },
          },
        },
      },
    });
    // one line per path that changed
    expect(report.changes).toEqual([
      "openclaw.json agents.defaults.model.primary: anthropic/claude-opus-4-6 → claude-max-proxy/claude-opus-4-6",
      "openclaw.json agents.defaults.model.fallbacks: anthropic/claude-sonnet-4-6, openai/gpt-5.4 → claude-max-proxy/claude-sonnet-4-6, openai/gpt-5.4",
      "openclaw.json agents.defaults.models: anthropic/claude-opus-4-6 → claude-max-proxy/claude-opus-4-6",
      "openclaw.json agents.defaults.models: anthropic/claude-sonnet-4-5 → claude-max-proxy/claude-sonnet-4-5",
      "openclaw.json agents.defaults.models: anthropic/claude-sonnet-4-6 → claude-max-proxy/claude-sonnet-4-6",
      "openclaw.json agents.defaults.models: anthropic/claude-3-5-sonnet-20241022 → claude-max-proxy/sonnet",
      "openclaw.json agents.defaults.models: anthropic/claude-3-7-sonnet-20250219 → claude-max-proxy/sonnet (merged with the entry already there)",
      "openclaw.json agents.defaults.modelPolicy.allow: anthropic/claude-opus-4-6, anthropic/claude-sonnet-4-6, openai/* → claude-max-proxy/claude-opus-4-6, claude-max-proxy/claude-sonnet-4-6, openai/*",
      "openclaw.json agents.defaults.heartbeat.model: anthropic/claude-sonnet-4-6 → claude-max-proxy/claude-sonnet-4-6",
      "openclaw.json agents.defaults.imageModel.primary: anthropic/claude-sonnet-4-6 → claude-max-proxy/claude-sonnet-4-6",
      "openclaw.json agents.defaults.imageModel.fallbacks: anthropic/claude-haiku-4-5 → claude-max-proxy/claude-haiku-4-5",
      "openclaw.json agents.defaults.subagents.model: anthropic/claude-haiku-4-5 → claude-max-proxy/claude-haiku-4-5",
      "openclaw.json agents.defaults.compaction.model: haiku → claude-max-proxy/haiku",
      "openclaw.json agents.defaults.compaction.memoryFlush.model: anthropic/claude-haiku-4-5 → claude-max-proxy/claude-haiku-4-5",
      "openclaw.json agents.entries.research.model: anthropic/claude-opus-4-6 → claude-max-proxy/claude-opus-4-6",
      "openclaw.json agents.entries.research.models: anthropic/claude-opus-4-6 → claude-max-proxy/claude-opus-4-6",
      "openclaw.json agents.entries.research.modelPolicy.allow: anthropic/* → claude-max-proxy/*",
      'openclaw.json channels.modelByChannel.telegram["*"]: anthropic/claude-sonnet-4-6 → claude-max-proxy/claude-sonnet-4-6',
      "openclaw.json hooks.mappings[0].model: anthropic/claude-haiku-4-5 → claude-max-proxy/claude-haiku-4-5",
      "openclaw.json hooks.mappings[1].model: anthropic/claude-opus-4-8 → claude-max-proxy/claude-opus-4-8",
      "openclaw.json tools.media.models[0]: provider/model anthropic/claude-sonnet-4-6 → claude-max-proxy/claude-sonnet-4-6",
      "openclaw.json plugins.entries.memory-core.subagent.allowedModels: anthropic/claude-haiku-4-5 → claude-max-proxy/claude-haiku-4-5",
      "openclaw.json plugins.entries.memory-core.config.dreaming.model: anthropic/claude-haiku-4-5 → claude-max-proxy/claude-haiku-4-5",
      "openclaw.json plugins.entries.llm-task.config: defaultProvider/defaultModel anthropic/claude-opus-4-6 → claude-max-proxy/claude-opus-4-6",
      "openclaw.json plugins.entries.logbook.config.visionModel: anthropic/claude-fable-5 → claude-max-proxy/claude-fable-5",
    ]);
    expect(report.unmappable).toEqual([
      "openclaw.json plugins.entries.logbook.config.summaryModel: anthropic/claude-instant-1.2 names no Claude model clawbridge can map (mythos, fable, opus, sonnet, haiku); kept as it is: change it by hand if this mode cannot serve it",
    ]);
    // the provider catalogs are not references
    expect(config.models).toBe(option1.models);
  });

  it("is idempotent, and maps back the other way", () => {
    const once = remapConfigModelRefs(option1, "max-proxy").config;
    const twice = remapConfigModelRefs(once, "max-proxy");
    expect(twice.config).toEqual(once);
    expect(twice.report.changes).toEqual([]);

    const back = remapConfigModelRefs(once, "setup-token");
    const agents = back.config.agents as typeof option1.agents;
    // pins OpenClaw's anthropic catalogue lacks (claude-opus-4-6, claude-sonnet-4-*) become their family's newest there
    expect(agents.defaults.model).toEqual({
      primary: "anthropic/claude-opus-5-5",
      fallbacks: ["anthropic/claude-sonnet-5", "openai/gpt-5.4"],
    });
    expect(agents.defaults.modelPolicy.allow).toEqual([
      "anthropic/claude-opus-5-5",
      "anthropic/claude-sonnet-5",
      "openai/*",
    ]);
    expect(agents.defaults.models).toEqual({
      "anthropic/claude-opus-5-5": { alias: "big" },
      "anthropic/claude-sonnet-5": { alias: "mid", params: { temperature: 0.2 } },
      "openai/gpt-5.4": {},
    });
    expect(agents.defaults.compaction.model).toBe("anthropic/claude-haiku-4-5");
    expect(agents.entries.research.modelPolicy.allow).toEqual(["anthropic/*"]);
    // pins the catalogue has come back as themselves
    expect((back.config.hooks as typeof option1.hooks).mappings[1]?.model).toBe("anthropic/claude-opus-4-8");
    expect((back.config.plugins as typeof option1.plugins).entries.logbook.config.visionModel).toBe(
      "anthropic/claude-fable-5",
    );
    // nothing new to report: only the id no mode knows
    expect(back.report.unmappable).toEqual([
      expect.stringMatching(
        /^openclaw\.json plugins\.entries\.logbook\.config\.summaryModel: anthropic\/claude-instant-1\.2 names no Claude model/,
      ),
    ]);
    const again = remapConfigModelRefs(back.config, "setup-token");
    expect(again.config).toEqual(back.config);
    expect(again.report.changes).toEqual([]);
  });

  it("leaves a config without model references as it is", () => {
    const plain = { gateway: { mode: "local" }, cron: { skipMissedJobs: true } };
    expect(remapConfigModelRefs(plain, "setup-token")).toEqual({
      config: plain,
      report: { changes: [], unmappable: [] },
    });
  });
});
