// The metered API fallback (FALLBACK_ANTHROPIC_API_KEY) and the usage flag of the proxy's rows, as
// config-init renders them into openclaw.json, on a fresh install and on an existing one.
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { remapConfigModelRefs } from "../../../../services/config-init/src/migrate/model-refs.ts";
import { mergeOwned, retireUnsetSections } from "../../../../services/config-init/src/render/merge.ts";
import { renderOwnedConfig, templateNames } from "../../../../services/config-init/src/render/render-config.ts";
import { loadSettings } from "../../../../services/config-init/src/settings.ts";
import type { JsonObject } from "../../../../services/config-init/src/json.ts";
import { BASE_ENV, SETUP_TOKEN } from "../../../support/config-init-env.ts";

const TEMPLATES = fileURLToPath(new URL("../../../../config-templates/", import.meta.url));
const API_KEY = `sk-ant-api03-${"f".repeat(95)}`;

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
  agents: { defaults: { model: { primary: string; fallbacks: string[] }; heartbeat: { model: string } }; entries: Record<string, { model: { primary: string; fallbacks: string[] } }> };
}

const render = async (env: Record<string, string>) => (await renderOwnedConfig(loadSettings({ ...BASE_ENV, ...env }), TEMPLATES)) as unknown as Config;
const providers = (config: Config) => config.models?.providers ?? {};

describe("the proxy's model rows", () => {
  it("ask OpenClaw for usage in streams (stream_options.include_usage), keep string content, and send its thinking levels as the CLI's efforts", async () => {
    const rows = providers(await render({}))["claude-max-proxy"]?.models ?? [];
    expect(rows.map((row) => row.id)).toEqual(["claude-opus-4", "claude-sonnet-4", "claude-haiku-4"]);
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
              // an earlier release's row, with a key the user added and one of ours they changed
              { id: "claude-opus-4", name: "old", input: ["text"], contextWindow: 200_000, maxTokens: 1, headers: { "x-team": "ops" }, compat: { requiresStringContent: true, supportsUsageInStreaming: false, supportsDeveloperRole: false } },
              { id: "claude-opus-4-1m", name: "the user's own row", input: ["text"], contextWindow: 1_000_000, maxTokens: 32_000 },
            ],
          },
        },
      },
    };
    const merged = mergeOwned(existing, (await render({})) as unknown as JsonObject) as unknown as Config;
    const rows = providers(merged)["claude-max-proxy"]?.models ?? [];
    expect(rows.map((row) => row.id)).toEqual(["claude-opus-4", "claude-sonnet-4", "claude-haiku-4", "claude-opus-4-1m"]);
    expect(rows[0]).toMatchObject({
      name: "Claude Opus (subscription, via clawbridge)",
      input: ["text", "image"],
      maxTokens: 32_000,
      headers: { "x-team": "ops" },
      compat: { requiresStringContent: true, supportsUsageInStreaming: true, supportsDeveloperRole: false },
    });
    expect(rows[3]).toEqual(existing.models.providers["claude-max-proxy"].models[1]);
    for (const row of rows.slice(0, 3)) expect(row.compat?.supportsUsageInStreaming).toBe(true);
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
    expect(provider).toMatchObject({ baseUrl: "https://api.anthropic.com", apiKey: "${FALLBACK_ANTHROPIC_API_KEY}", auth: "api-key", api: "anthropic-messages" });
    expect(provider?.models?.map((row) => [row.id, row.cost.input, row.cost.output])).toEqual([
      ["claude-opus-5", 5, 25],
      ["claude-sonnet-5", 2, 10],
      ["claude-haiku-4-5", 1, 5],
    ]);
    expect(JSON.stringify(config)).not.toContain(API_KEY);
    expect(JSON.stringify(config)).not.toContain(API_KEY.slice(13));
    // OpenClaw's own anthropic provider gets nothing: no key it could prefer or rotate to
    expect(providers(config)).not.toHaveProperty("anthropic");
    expect(loadSettings({ ...BASE_ENV, FALLBACK_ANTHROPIC_API_KEY: API_KEY, FALLBACK_ANTHROPIC_BASE_URL: "http://mock-anthropic:8080" }).FALLBACK_ANTHROPIC_BASE_URL).toBe(
      "http://mock-anthropic:8080",
    );
  });

  it("comes after every subscription model of the chain, the same families in the same order", async () => {
    const config = await render({ FALLBACK_ANTHROPIC_API_KEY: API_KEY });
    expect(config.agents.entries.main?.model).toEqual({
      primary: "claude-max-proxy/claude-opus-4",
      fallbacks: [
        "claude-max-proxy/claude-sonnet-4",
        "claude-max-proxy/claude-haiku-4",
        "anthropic-api/claude-opus-5",
        "anthropic-api/claude-sonnet-5",
        "anthropic-api/claude-haiku-4-5",
      ],
    });
    expect(config.agents.entries.lite?.model.fallbacks).toEqual(["claude-max-proxy/claude-haiku-4", "anthropic-api/claude-sonnet-5", "anthropic-api/claude-haiku-4-5"]);
    expect(config.agents.defaults.model.fallbacks).toEqual(["claude-max-proxy/claude-haiku-4", "anthropic-api/claude-sonnet-5", "anthropic-api/claude-haiku-4-5"]);
    // a haiku agent: its one family
    const haiku = await render({ FALLBACK_ANTHROPIC_API_KEY: API_KEY, AGENTS: "scout=haiku" });
    expect(haiku.agents.entries.scout?.model).toEqual({ primary: "claude-max-proxy/claude-haiku-4", fallbacks: ["anthropic-api/claude-haiku-4-5"] });
    // the heartbeat's model stays the subscription's (its fallbacks are its agent's)
    expect(config.agents.defaults.heartbeat.model).toBe("claude-max-proxy/claude-haiku-4");
  });

  it("in setup-token mode follows the token's models and leaves the anthropic provider (the setup token) alone", async () => {
    const config = await render({ AUTH_MODE: "setup-token", CLAUDE_SETUP_TOKEN: SETUP_TOKEN, FALLBACK_ANTHROPIC_API_KEY: API_KEY, IMAGE_POLICY: "placeholder" });
    expect(config.agents.entries.main?.model.fallbacks).toEqual([
      "anthropic/claude-sonnet-5",
      "anthropic/claude-haiku-4-5",
      "anthropic-api/claude-opus-5",
      "anthropic-api/claude-sonnet-5",
      "anthropic-api/claude-haiku-4-5",
    ]);
    expect(Object.keys(providers(config))).toEqual(["anthropic-api"]);
    // the anthropic models take images there, so do these (IMAGE_POLICY is the normalizer's)
    expect(providers(config)["anthropic-api"]?.models?.map((row) => row.input.join())).toEqual(["text,image", "text,image", "text,image"]);
  });

  it("takes images exactly when the proxy's rows do, so OpenClaw never picks the API to look at one by itself", async () => {
    for (const [policy, input] of [
      ["send", "text,image"],
      ["placeholder", "text"],
      ["reject", "text"],
    ] as const) {
      const config = await render({ FALLBACK_ANTHROPIC_API_KEY: API_KEY, IMAGE_POLICY: policy });
      const inputs = (name: string) => providers(config)[name]?.models?.map((row) => row.input.join());
      expect(inputs("anthropic-api")).toEqual([input, input, input]);
      expect(inputs("claude-max-proxy")).toEqual([input, input, input]);
    }
  });

  it("stays as it is through the model migration, in both modes", async () => {
    for (const mode of ["max-proxy", "setup-token"] as const) {
      const env = { FALLBACK_ANTHROPIC_API_KEY: API_KEY, AUTH_MODE: mode, CLAUDE_SETUP_TOKEN: SETUP_TOKEN };
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

    const handWritten = { models: { providers: { "anthropic-api": { baseUrl: "https://llm-gateway.example/anthropic", apiKey: "${MY_OWN_KEY}" } } } };
    expect(retireUnsetSections(handWritten, () => false)).toEqual({ config: handWritten, removed: [] });
  });
});
