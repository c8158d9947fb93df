import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { renderOwnedConfig, templateNames } from "../../../../services/config-init/src/render/render-config.ts";
import { loadSettings } from "../../../../services/config-init/src/settings.ts";
import { BASE_ENV, SETUP_TOKEN } from "../../../support/config-init-env.ts";

const TEMPLATES = fileURLToPath(new URL("../../../../config-templates/", import.meta.url));

describe("the rendered openclaw.json", () => {
  it("in max-proxy mode has the shape OpenClaw 2026.9.6 validated (docs/openclaw-2026.9.6.md)", async () => {
    const config = await renderOwnedConfig(loadSettings({ ...BASE_ENV, TIMEZONE: "Europe/Berlin" }), TEMPLATES);
    expect(config).toMatchObject({
      gateway: { mode: "local", bind: "lan", port: 18789, auth: { mode: "token", token: "${OPENCLAW_GATEWAY_TOKEN}" } },
      models: { mode: "merge", providers: { "claude-max-proxy": { baseUrl: "http://normalizer:3457/v1", apiKey: "${PROXY_API_KEY}", api: "openai-completions" } } },
      agents: {
        ownership: "explicit",
        defaults: {
          model: { primary: "claude-max-proxy/claude-sonnet-4", fallbacks: ["claude-max-proxy/claude-haiku-4"] },
          heartbeat: { every: "30m", model: "claude-max-proxy/claude-haiku-4", agentId: "main" },
          systemAgent: { agentId: "main" },
          userTimezone: "Europe/Berlin",
        },
        entries: {
          main: { model: { primary: "claude-max-proxy/claude-opus-4", fallbacks: ["claude-max-proxy/claude-sonnet-4", "claude-max-proxy/claude-haiku-4"] } },
          lite: { model: { primary: "claude-max-proxy/claude-sonnet-4", fallbacks: ["claude-max-proxy/claude-haiku-4"] } },
        },
      },
      plugins: { entries: { "memory-core": { config: { dreaming: { enabled: false } } } } },
    });
    const models = (config.models as { providers: Record<string, { models: { id: string; input: string[] }[] }> }).providers["claude-max-proxy"]?.models;
    expect(models?.map((m) => m.id)).toEqual(["claude-opus-4", "claude-sonnet-4", "claude-haiku-4"]);
    expect(models?.every((m) => m.input.join() === "text,image")).toBe(true);
  });

  it("declares the proxy's models text-only when the normalizer does not send images", async () => {
    for (const policy of ["placeholder", "reject"]) {
      const config = await renderOwnedConfig(loadSettings({ ...BASE_ENV, IMAGE_POLICY: policy }), TEMPLATES);
      const models = (config.models as { providers: Record<string, { models: { input: string[] }[] }> }).providers["claude-max-proxy"]?.models;
      expect(models?.map((m) => m.input.join())).toEqual(["text", "text", "text"]);
    }
  });

  it("carries every variable into the config", async () => {
    const config = await renderOwnedConfig(
      loadSettings({
        ...BASE_ENV,
        AGENTS: "boss=haiku,helper=opus,scribe=sonnet",
        DEFAULT_MODEL: "opus",
        HEARTBEAT_EVERY: "2h",
        HEARTBEAT_MODEL: "sonnet",
        TIMEZONE: "America/New_York",
        NORMALIZER_URL: "http://proxy-host.example:3457/v1",
      }),
      TEMPLATES,
    );
    expect(config).toMatchObject({
      models: { providers: { "claude-max-proxy": { baseUrl: "http://proxy-host.example:3457/v1" } } },
      agents: {
        defaults: {
          model: { primary: "claude-max-proxy/claude-opus-4" },
          heartbeat: { every: "2h", model: "claude-max-proxy/claude-sonnet-4", agentId: "boss" },
          systemAgent: { agentId: "boss" },
          userTimezone: "America/New_York",
        },
        entries: {
          boss: { model: { primary: "claude-max-proxy/claude-haiku-4", fallbacks: [] } },
          helper: { model: { primary: "claude-max-proxy/claude-opus-4" } },
          scribe: { model: { primary: "claude-max-proxy/claude-sonnet-4" } },
        },
      },
    });
  });

  it("in setup-token mode uses anthropic/ models and declares no proxy provider", async () => {
    const config = await renderOwnedConfig(loadSettings({ ...BASE_ENV, AUTH_MODE: "setup-token", CLAUDE_SETUP_TOKEN: SETUP_TOKEN }), TEMPLATES);
    expect(config).not.toHaveProperty("models");
    expect(config).toMatchObject({ agents: { entries: { main: { model: { primary: "anthropic/claude-opus-5" } } } } });
  });

  it("adds channels only when their tokens are set, and writes no secret into the file", async () => {
    const telegram = "123456789:AAH-telegram-secret-token-value";
    const discord = "discord-secret-token-value-0123456789";
    const settings = loadSettings({ ...BASE_ENV, TELEGRAM_BOT_TOKEN: telegram, DISCORD_BOT_TOKEN: discord });
    expect(templateNames(settings)).toEqual(["base.json5", "max-proxy.json5", "telegram.json5", "discord.json5"]);
    const config = await renderOwnedConfig(settings, TEMPLATES);
    expect(config).toMatchObject({ channels: { telegram: { botToken: "${TELEGRAM_BOT_TOKEN}" }, discord: { token: "${DISCORD_BOT_TOKEN}" } } });
    const text = JSON.stringify(config);
    for (const secret of [telegram, discord, BASE_ENV.PROXY_API_KEY, BASE_ENV.OPENCLAW_GATEWAY_TOKEN]) expect(text).not.toContain(secret);
    expect(templateNames(loadSettings(BASE_ENV))).toEqual(["base.json5", "max-proxy.json5"]);
  });
});
