// The metered API fallback (FALLBACK_ANTHROPIC_API_KEY) and the usage flag of the proxy's rows, as
// config-init renders them into openclaw.json, on a fresh install and on an existing one.
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { MODELS } from "../../../../lib/models/src/index.ts";
import { remapConfigModelRefs } from "../../../../services/config-init/src/migrate/model-refs.ts";
import { mergeOwned, retireUnsetSections } from "../../../../services/config-init/src/render/merge.ts";
import { renderOwnedConfig, templateNames } from "../../../../services/config-init/src/render/render-config.ts";
import { loadSettings } from "../../../../services/config-init/src/settings.ts";
import type { JsonObject } from "../../../../services/config-init/src/json.ts";
import { BASE_ENV, SETUP_TOKEN } from "../../../support/config-init-env.ts";

const TEMPLATES = fileURLToPath(new URL("../../../../config-templates/", import.meta.url));
const API_KEY = `sk-ant-api03-${"f".repeat(95)}`;
// the proxy's rows: one per family, then one per exact id of the model table
const PROXY_ROW_IDS = ["mythos", "fable", "opus", "sonnet", "haiku", ...MODELS.map((model) => model.id)];
// the metered fallback's rows: OpenClaw 2026.9.6's anthropic catalogue
const API_ROW_IDS = [
  "claude-mythos-5",
  "claude-fable-5-1",
  "claude-fable-5",
  "claude-opus-5-5",
  "claude-opus-5",
  "claude-opus-4-8",
  "claude-sonnet-5",
  "claude-haiku-4-5",
];

interface Row {
  id: string;
  input: string[];
  cost: Record<string, number>;
  compat?: Record<string, unknown>;
  [key: string]: unknown;
}
interface Provider {
  baseUrl?: string;
  apiKey?: unknown;
  auth?: string;
  api?: string;
  models?: Row[];
}
interface Config {
  models?: { providers: Record<string, Provider> };
  agents: {
    defaults: { model: { primary: string; fallbacks: string[] }; heartbeat: { model: string } };
    entries: Record<string, { model: { primary: string; fallbacks: string[] } }>;
  };
}

const render = async (env: Record<string, string>) =>
  (await renderOwnedConfig(loadSettings({ ...BASE_ENV, ...env }), TEMPLATES)) as unknown as Config;
const providers = (config: Config) => config.models?.providers ?? {};

describe("the proxy's model rows", () => {
  it("ask OpenClaw for usage in streams (stream_options.include_usage), keep string content, and send its thinking levels as the CLI's efforts", async () => {
    const rows = providers(await render({}))["claude-max-proxy"]?.models ?? [];
    expect(rows.map((row) => row.id)).toEqual(PROXY_ROW_IDS);
    for (const row of rows) {
      expect(row.compat).toEqual({
        requiresStringContent: true,
        supportsUsageInStreaming: true,
        supportsReasoningEffort: true,
        supportedReasoningEfforts: ["none", "low", "medium", "high", "xhigh", "max"],
      });
      expect((row as { reasoning?: unknown }).reasoning).toBe(true);
    }
  });

  it("one per family, named for the model it runs, then one per exact id, each with the CLI's output limit and a subscription's context window", async () => {
    const rows = providers(await render({}))["claude-max-proxy"]?.models ?? [];
    const row = (id: string) => rows.find((candidate) => candidate.id === id);
    expect(row("opus")).toMatchObject({
      name: "Claude Opus, newest (Opus 5.5) (subscription, via clawbridge)",
      contextWindow: 200_000,
      maxTokens: 128_000,
    });
    expect(row("fable")).toMatchObject({
      name: "Claude Fable, newest (Fable 5.2) (subscription, via clawbridge)",
      contextWindow: 200_000,
      maxTokens: 128_000,
    });
    expect(row("mythos")).toMatchObject({ name: "Claude Mythos, newest (Mythos 5.2) (subscription, via clawbridge)" });
    expect(row("haiku")).toMatchObject({
      name: "Claude Haiku, newest (Haiku 5.5) (subscription, via clawbridge)",
      maxTokens: 128_000,
    });
    expect(row("claude-opus-4-8")).toMatchObject({
      name: "Claude Opus 4.8 (subscription, via clawbridge)",
      contextWindow: 200_000,
      maxTokens: 64_000,
    });
    expect(row("claude-opus-4-5")).toMatchObject({
      name: "Claude Opus 4.5 (subscription, via clawbridge)",
      contextWindow: 200_000,
      maxTokens: 32_000,
    });
    expect(row("claude-fable-5")).toMatchObject({
      name: "Claude Fable 5 (subscription, via clawbridge)",
      contextWindow: 200_000,
      maxTokens: 64_000,
    });
    expect(row("claude-haiku-4-5")).toMatchObject({
      name: "Claude Haiku 4.5 (subscription, via clawbridge)",
      contextWindow: 200_000,
      maxTokens: 32_000,
    });
    // every exact id: the table's output limit, the context window at most 200,000
    for (const model of MODELS) {
      expect(row(model.id)).toMatchObject({
        contextWindow: Math.min(model.contextWindow, 200_000),
        maxTokens: model.maxOutputTokens,
        cost: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 },
      });
    }
  });

  it("on an existing install: every row gets the flag, keys and rows the user added stay, keys we set are ours", async () => {
    const existing = {
      models: {
        mode: "merge",
        providers: {
          "claude-max-proxy": {
            baseUrl: "http://normalizer:3457/v1",
            apiKey: "${PROXY_API_KEY}",
            api: "openai-completions",
            models: [
              // a row of ours, with a key the user added and one of ours they changed
              {
                id: "opus",
                name: "old",
                input: ["text"],
                contextWindow: 200_000,
                maxTokens: 1,
                headers: { "x-team": "ops" },
                compat: { requiresStringContent: true, supportsUsageInStreaming: false, supportsDeveloperRole: false },
              },
              {
                id: "claude-opus-4-1m",
                name: "the user's own row",
                input: ["text"],
                contextWindow: 1_000_000,
                maxTokens: 32_000,
              },
            ],
          },
        },
      },
    };
    const merged = mergeOwned(existing, (await render({})) as unknown as JsonObject) as unknown as Config;
    const rows = providers(merged)["claude-max-proxy"]?.models ?? [];
    expect(rows.map((row) => row.id)).toEqual([...PROXY_ROW_IDS, "claude-opus-4-1m"]);
    expect(rows.find((row) => row.id === "opus")).toMatchObject({
      name: "Claude Opus, newest (Opus 5.5) (subscription, via clawbridge)",
      input: ["text", "image"],
      maxTokens: 128_000,
      headers: { "x-team": "ops" },
      compat: { requiresStringContent: true, supportsUsageInStreaming: true, supportsDeveloperRole: false },
    });
    expect(rows.at(-1)).toEqual(existing.models.providers["claude-max-proxy"].models[1]);
    for (const row of rows.slice(0, PROXY_ROW_IDS.length)) expect(row.compat?.supportsUsageInStreaming).toBe(true);
    // a second run changes nothing more
    expect(mergeOwned(merged as unknown as JsonObject, (await render({})) as unknown as JsonObject)).toEqual(merged);
  });
});

describe("the metered API fallback", () => {
  it("is off by default: no provider, no template, no API model anywhere", async () => {
    const settings = loadSettings(BASE_ENV);
    expect(settings.FALLBACK_ANTHROPIC_API_KEY).toBeUndefined();
    expect(templateNames(settings)).not.toContain("api-fallback.json5");
    const config = await render({});
    expect(providers(config)).not.toHaveProperty("anthropic-api");
    expect(JSON.stringify(config)).not.toContain("anthropic-api");
  });

  it("set: a provider of its own on Anthropic's API, the key as a reference only, each row with its API price", async () => {
    const config = await render({ FALLBACK_ANTHROPIC_API_KEY: API_KEY });
    const provider = providers(config)["anthropic-api"];
    expect(provider).toMatchObject({
      baseUrl: "https://api.anthropic.com",
      apiKey: "${FALLBACK_ANTHROPIC_API_KEY}",
      auth: "api-key",
      api: "anthropic-messages",
    });
    // every model of OpenClaw's anthropic catalogue, each at its family's API price
    expect(
      provider?.models?.map((row) => [
        row.id,
        row.cost.input,
        row.cost.output,
        row.cost.cacheRead,
        row.cost.cacheWrite,
      ]),
    ).toEqual([
      ["claude-mythos-5", 10, 50, 1, 12.5],
      ["claude-fable-5-1", 10, 50, 0.25, 12.5],
      ["claude-fable-5", 10, 50, 0.25, 12.5],
      ["claude-opus-5-5", 5, 25, 0.5, 6.25],
      ["claude-opus-5", 5, 25, 0.5, 6.25],
      ["claude-opus-4-8", 5, 25, 0.5, 6.25],
      ["claude-sonnet-5", 2, 10, 0.2, 2.5],
      ["claude-haiku-4-5", 1, 5, 0.1, 1.25],
    ]);
    // limits as the proxy's rows: a session moves between the two
    expect(provider?.models?.find((row) => row.id === "claude-opus-4-8")).toMatchObject({
      name: "Claude Opus 4.8 (metered API, clawbridge fallback)",
      contextWindow: 200_000,
      maxTokens: 64_000,
    });
    expect(provider?.models?.find((row) => row.id === "claude-opus-5-5")).toMatchObject({
      contextWindow: 200_000,
      maxTokens: 128_000,
    });
    expect(JSON.stringify(config)).not.toContain(API_KEY);
    expect(JSON.stringify(config)).not.toContain(API_KEY.slice(13));
    // OpenClaw's own anthropic provider gets nothing: no key it could prefer or rotate to
    expect(providers(config)).not.toHaveProperty("anthropic");
    expect(
      loadSettings({
        ...BASE_ENV,
        FALLBACK_ANTHROPIC_API_KEY: API_KEY,
        FALLBACK_ANTHROPIC_BASE_URL: "http://mock-anthropic:8080",
      }).FALLBACK_ANTHROPIC_BASE_URL,
    ).toBe("http://mock-anthropic:8080");
  });

  it("comes after every subscription model of the chain, the same models in the same order", async () => {
    const config = await render({ FALLBACK_ANTHROPIC_API_KEY: API_KEY });
    expect(config.agents.entries.main?.model).toEqual({
      primary: "claude-max-proxy/opus",
      fallbacks: [
        "claude-max-proxy/sonnet",
        "claude-max-proxy/haiku",
        "anthropic-api/claude-opus-5-5",
        "anthropic-api/claude-sonnet-5",
        "anthropic-api/claude-haiku-4-5",
      ],
    });
    expect(config.agents.entries.lite?.model.fallbacks).toEqual([
      "claude-max-proxy/haiku",
      "anthropic-api/claude-sonnet-5",
      "anthropic-api/claude-haiku-4-5",
    ]);
    expect(config.agents.defaults.model.fallbacks).toEqual([
      "claude-max-proxy/haiku",
      "anthropic-api/claude-sonnet-5",
      "anthropic-api/claude-haiku-4-5",
    ]);
    // a haiku agent: its one family
    const haiku = await render({ FALLBACK_ANTHROPIC_API_KEY: API_KEY, AGENTS: "scout=haiku" });
    expect(haiku.agents.entries.scout?.model).toEqual({
      primary: "claude-max-proxy/haiku",
      fallbacks: ["anthropic-api/claude-haiku-4-5"],
    });
    // a Fable agent and a pinned one: the API follows with the same models (a pin as itself where OpenClaw's catalogue has it)
    const chosen = await render({
      FALLBACK_ANTHROPIC_API_KEY: API_KEY,
      AGENTS: "writer=fable,stable=claude-opus-4-8,edge=claude-fable-5-2",
    });
    expect(chosen.agents.entries.writer?.model).toEqual({
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
    expect(chosen.agents.entries.stable?.model).toEqual({
      primary: "claude-max-proxy/claude-opus-4-8",
      fallbacks: [
        "claude-max-proxy/sonnet",
        "claude-max-proxy/haiku",
        "anthropic-api/claude-opus-4-8",
        "anthropic-api/claude-sonnet-5",
        "anthropic-api/claude-haiku-4-5",
      ],
    });
    // a pin the catalogue lacks: its family's newest there
    expect(chosen.agents.entries.edge?.model.fallbacks.slice(3)).toEqual([
      "anthropic-api/claude-fable-5-1",
      "anthropic-api/claude-opus-5-5",
      "anthropic-api/claude-sonnet-5",
      "anthropic-api/claude-haiku-4-5",
    ]);
    // every API entry names a row of the fallback provider
    const apiRows = new Set(providers(chosen)["anthropic-api"]?.models?.map((row) => `anthropic-api/${row.id}`));
    for (const entry of Object.values(chosen.agents.entries)) {
      for (const ref of entry.model.fallbacks.filter((fallback) => fallback.startsWith("anthropic-api/")))
        expect(apiRows).toContain(ref);
    }
    // the heartbeat's model stays the subscription's (its fallbacks are its agent's)
    expect(config.agents.defaults.heartbeat.model).toBe("claude-max-proxy/haiku");
  });

  it("in setup-token mode follows the token's models and leaves the anthropic provider (the setup token) alone", async () => {
    const config = await render({
      AUTH_MODE: "setup-token",
      CLAUDE_SETUP_TOKEN: SETUP_TOKEN,
      FALLBACK_ANTHROPIC_API_KEY: API_KEY,
      IMAGE_POLICY: "placeholder",
    });
    expect(config.agents.entries.main?.model.fallbacks).toEqual([
      "anthropic/claude-sonnet-5",
      "anthropic/claude-haiku-4-5",
      "anthropic-api/claude-opus-5-5",
      "anthropic-api/claude-sonnet-5",
      "anthropic-api/claude-haiku-4-5",
    ]);
    expect(Object.keys(providers(config))).toEqual(["anthropic-api"]);
    expect(providers(config)["anthropic-api"]?.models?.map((row) => row.id)).toEqual(API_ROW_IDS);
    // the anthropic models take images there, so do these (IMAGE_POLICY is the normalizer's)
    expect(providers(config)["anthropic-api"]?.models?.map((row) => row.input.join())).toEqual(
      API_ROW_IDS.map(() => "text,image"),
    );
  });

  it("takes images exactly when the proxy's rows do, so OpenClaw never picks the API to look at one by itself", async () => {
    for (const [policy, input] of [
      ["send", "text,image"],
      ["placeholder", "text"],
      ["reject", "text"],
    ] as const) {
      const config = await render({ FALLBACK_ANTHROPIC_API_KEY: API_KEY, IMAGE_POLICY: policy });
      const inputs = (name: string) => providers(config)[name]?.models?.map((row) => row.input.join());
      expect(inputs("anthropic-api")).toEqual(API_ROW_IDS.map(() => input));
      expect(inputs("claude-max-proxy")).toEqual(PROXY_ROW_IDS.map(() => input));
    }
  });

  it("stays as it is through the model migration, in both modes", async () => {
    for (const mode of ["max-proxy", "setup-token"] as const) {
      const env = {
        FALLBACK_ANTHROPIC_API_KEY: API_KEY,
        AUTH_MODE: mode,
        CLAUDE_SETUP_TOKEN: SETUP_TOKEN,
        AGENTS: "main=opus,writer=fable,stable=claude-opus-4-8",
      };
      const config = (await render(env)) as unknown as JsonObject;
      const { config: remapped, report } = remapConfigModelRefs(config, mode);
      expect(remapped).toEqual(config);
      expect(report).toEqual({ changes: [], unmappable: [] });
    }
  });

  it("turned off again: the provider goes, the agents' chains are rendered without it; a provider the user wrote stays", async () => {
    const on = (await render({ FALLBACK_ANTHROPIC_API_KEY: API_KEY })) as unknown as JsonObject;
    const merged = mergeOwned(on, (await render({})) as unknown as JsonObject);
    const { config, removed } = retireUnsetSections(merged, (variable) => variable !== "FALLBACK_ANTHROPIC_API_KEY");
    expect(removed).toEqual(["models.providers.anthropic-api"]);
    expect(JSON.stringify(config)).not.toContain("anthropic-api");
    expect(config).toEqual(await render({}));

    const handWritten = {
      models: {
        providers: { "anthropic-api": { baseUrl: "https://llm-gateway.example/anthropic", apiKey: "${MY_OWN_KEY}" } },
      },
    };
    expect(retireUnsetSections(handWritten, () => false)).toEqual({ config: handWritten, removed: [] });
  });
});
