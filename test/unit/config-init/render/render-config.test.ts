import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { FAMILIES, MODELS } from "../../../../lib/models/src/index.ts";
import { renderOwnedConfig, templateNames } from "../../../../services/config-init/src/render/render-config.ts";
import { loadSettings } from "../../../../services/config-init/src/settings.ts";
import { BASE_ENV, SETUP_TOKEN } from "../../../support/config-init-env.ts";

const TEMPLATES = fileURLToPath(new URL("../../../../config-templates/", import.meta.url));
// the proxy's rows: one per family, then one per exact id of the model table
const PROXY_ROW_IDS = ["mythos", "fable", "opus", "sonnet", "haiku", ...MODELS.map((model) => model.id)];

describe("the rendered openclaw.json", () => {
  it("in max-proxy mode has the shape OpenClaw 2026.9.6 validated (docs/openclaw-2026.9.6.md)", async () => {
    const config = await renderOwnedConfig(loadSettings({ ...BASE_ENV, TIMEZONE: "Europe/Berlin" }), TEMPLATES);
    expect(config).toMatchObject({
      gateway: { mode: "local", bind: "lan", port: 18789, auth: { mode: "token", token: "${OPENCLAW_GATEWAY_TOKEN}" } },
      models: {
        mode: "merge",
        providers: {
          "claude-max-proxy": {
            baseUrl: "http://normalizer:3457/v1",
            apiKey: "${PROXY_API_KEY}",
            api: "openai-completions",
          },
        },
      },
      agents: {
        ownership: "explicit",
        defaults: {
          model: { primary: "claude-max-proxy/sonnet", fallbacks: ["claude-max-proxy/haiku"] },
          heartbeat: { every: "30m", model: "claude-max-proxy/haiku", agentId: "main" },
          systemAgent: { agentId: "main" },
          userTimezone: "Europe/Berlin",
        },
        entries: {
          main: {
            model: {
              primary: "claude-max-proxy/opus",
              fallbacks: ["claude-max-proxy/sonnet", "claude-max-proxy/haiku"],
            },
          },
          lite: { model: { primary: "claude-max-proxy/sonnet", fallbacks: ["claude-max-proxy/haiku"] } },
        },
      },
      plugins: {
        entries: { "memory-core": { config: { dreaming: { enabled: false } } }, "admin-http-rpc": { enabled: true } },
      },
    });
    const models = (config.models as { providers: Record<string, { models: { id: string; input: string[] }[] }> })
      .providers["claude-max-proxy"]?.models;
    expect(models?.map((m) => m.id)).toEqual(PROXY_ROW_IDS);
    expect(PROXY_ROW_IDS.slice(0, FAMILIES.length)).toEqual([...FAMILIES]);
    expect(PROXY_ROW_IDS).toContain("claude-opus-4-8");
    expect(PROXY_ROW_IDS).toContain("claude-fable-5-2");
    expect(models?.every((m) => m.input.join() === "text,image")).toBe(true);
  });

  it("sends OpenClaw's alerts of failing cron jobs to NOTICE_TO on NOTICE_CHANNEL; refuses a channel without its token or chat", async () => {
    const settings = loadSettings({
      ...BASE_ENV,
      DISCORD_BOT_TOKEN: "discord-test-token-0123456789",
      NOTICE_CHANNEL: "discord",
      NOTICE_TO: "channel:123456789",
    });
    expect(templateNames(settings)).toContain("notices.json5");
    expect((await renderOwnedConfig(settings, TEMPLATES)).cron).toEqual({
      failureAlert: { enabled: true, mode: "announce", channel: "discord", to: "channel:123456789" },
    });
    expect(templateNames(loadSettings(BASE_ENV))).not.toContain("notices.json5");
    expect(() => loadSettings({ ...BASE_ENV, NOTICE_CHANNEL: "telegram" })).toThrow(
      /NOTICE_CHANNEL is telegram, and TELEGRAM_BOT_TOKEN is not set: set TELEGRAM_BOT_TOKEN, or leave NOTICE_CHANNEL empty\. NOTICE_TO is not set/,
    );
  });

  it("declares the proxy's models text-only when the normalizer does not send images", async () => {
    for (const policy of ["placeholder", "reject"]) {
      const config = await renderOwnedConfig(loadSettings({ ...BASE_ENV, IMAGE_POLICY: policy }), TEMPLATES);
      const models = (config.models as { providers: Record<string, { models: { input: string[] }[] }> }).providers[
        "claude-max-proxy"
      ]?.models;
      expect(models?.map((m) => m.input.join())).toEqual(PROXY_ROW_IDS.map(() => "text"));
    }
  });

  it("carries every variable into the config", async () => {
    const config = await renderOwnedConfig(
      loadSettings({
        ...BASE_ENV,
        AGENTS: "boss=haiku,helper=opus,scribe=sonnet,writer=fable,stable=claude-opus-4-8,legacy=claude-sonnet-4",
        DEFAULT_MODEL: "opus",
        HEARTBEAT_EVERY: "2h",
        HEARTBEAT_MODEL: "claude-sonnet-4-6",
        TIMEZONE: "America/New_York",
        NORMALIZER_URL: "http://proxy-host.example:3457/v1",
      }),
      TEMPLATES,
    );
    expect(config).toMatchObject({
      models: { providers: { "claude-max-proxy": { baseUrl: "http://proxy-host.example:3457/v1" } } },
      agents: {
        defaults: {
          model: { primary: "claude-max-proxy/opus" },
          heartbeat: { every: "2h", model: "claude-max-proxy/claude-sonnet-4-6", agentId: "boss" },
          systemAgent: { agentId: "boss" },
          userTimezone: "America/New_York",
        },
        entries: {
          boss: { model: { primary: "claude-max-proxy/haiku", fallbacks: [] } },
          helper: { model: { primary: "claude-max-proxy/opus" } },
          scribe: { model: { primary: "claude-max-proxy/sonnet" } },
          writer: {
            model: {
              primary: "claude-max-proxy/fable",
              fallbacks: ["claude-max-proxy/opus", "claude-max-proxy/sonnet", "claude-max-proxy/haiku"],
            },
          },
          // a pin runs as itself and falls back to the lower families
          stable: {
            model: {
              primary: "claude-max-proxy/claude-opus-4-8",
              fallbacks: ["claude-max-proxy/sonnet", "claude-max-proxy/haiku"],
            },
          },
          // claude-max-api's old id chooses its family
          legacy: { model: { primary: "claude-max-proxy/sonnet", fallbacks: ["claude-max-proxy/haiku"] } },
        },
      },
    });
  });

  it("in setup-token mode uses anthropic/ models and declares no proxy provider", async () => {
    const config = await renderOwnedConfig(
      loadSettings({ ...BASE_ENV, AUTH_MODE: "setup-token", CLAUDE_SETUP_TOKEN: SETUP_TOKEN }),
      TEMPLATES,
    );
    expect(config).not.toHaveProperty("models");
    expect(config).toMatchObject({
      agents: {
        defaults: {
          model: { primary: "anthropic/claude-sonnet-5", fallbacks: ["anthropic/claude-haiku-4-5"] },
          heartbeat: { model: "anthropic/claude-haiku-4-5" },
        },
        entries: {
          main: {
            model: {
              primary: "anthropic/claude-opus-5-5",
              fallbacks: ["anthropic/claude-sonnet-5", "anthropic/claude-haiku-4-5"],
            },
          },
        },
      },
    });
    // a family is its newest model in OpenClaw's anthropic catalogue; a pin in it runs as itself
    const chosen = await renderOwnedConfig(
      loadSettings({
        ...BASE_ENV,
        AUTH_MODE: "setup-token",
        CLAUDE_SETUP_TOKEN: SETUP_TOKEN,
        AGENTS: "main=fable,lite=claude-opus-4-8",
      }),
      TEMPLATES,
    );
    expect(chosen).toMatchObject({
      agents: {
        entries: {
          main: {
            model: {
              primary: "anthropic/claude-fable-5-1",
              fallbacks: ["anthropic/claude-opus-5-5", "anthropic/claude-sonnet-5", "anthropic/claude-haiku-4-5"],
            },
          },
          lite: {
            model: {
              primary: "anthropic/claude-opus-4-8",
              fallbacks: ["anthropic/claude-sonnet-5", "anthropic/claude-haiku-4-5"],
            },
          },
        },
      },
    });
  });

  it("adds channels only when their tokens are set, and writes no secret into the file", async () => {
    const telegram = "123456789:AAH-telegram-secret-token-value";
    const discord = "discord-secret-token-value-0123456789";
    const settings = loadSettings({ ...BASE_ENV, TELEGRAM_BOT_TOKEN: telegram, DISCORD_BOT_TOKEN: discord });
    expect(templateNames(settings)).toEqual(["base.json5", "max-proxy.json5", "telegram.json5", "discord.json5"]);
    const config = await renderOwnedConfig(settings, TEMPLATES);
    expect(config).toMatchObject({
      channels: { telegram: { botToken: "${TELEGRAM_BOT_TOKEN}" }, discord: { token: "${DISCORD_BOT_TOKEN}" } },
    });
    const text = JSON.stringify(config);
    for (const secret of [telegram, discord, BASE_ENV.PROXY_API_KEY, BASE_ENV.OPENCLAW_GATEWAY_TOKEN])
      expect(text).not.toContain(secret);
    expect(templateNames(loadSettings(BASE_ENV))).toEqual(["base.json5", "max-proxy.json5"]);
  });
});
