// Settings → the part of openclaw.json clawbridge owns: which templates apply, and the values of
// their placeholders. Everything mode-specific is decided here, the shape lives in the templates.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { JsonObject } from "../json.ts";
import { apiFallbackModelRows, modelChain, modelRef, proxyModelRows } from "../models.ts";
import type { Settings } from "../settings.ts";
import { mergeAll } from "./merge.ts";
import { renderTemplate } from "./render.ts";

export function templateNames(settings: Settings): string[] {
  return [
    "base.json5",
    ...(settings.AUTH_MODE === "max-proxy" ? ["max-proxy.json5"] : []),
    ...(settings.TELEGRAM_BOT_TOKEN ? ["telegram.json5"] : []),
    ...(settings.DISCORD_BOT_TOKEN ? ["discord.json5"] : []),
    ...(settings.FALLBACK_ANTHROPIC_API_KEY ? ["api-fallback.json5"] : []),
    ...(settings.NOTICE_CHANNEL ? ["notices.json5"] : []),
  ];
}

/** The declared placeholders and their values; secrets are not among them. */
export function templateVariables(settings: Settings): Record<string, unknown> {
  const mode = settings.AUTH_MODE;
  const [defaultAgent] = settings.AGENTS;
  const api = Boolean(settings.FALLBACK_ANTHROPIC_API_KEY);
  return {
    DEFAULT_AGENT: defaultAgent?.id,
    DEFAULT_MODEL: modelChain(mode, settings.DEFAULT_MODEL, api),
    AGENT_ENTRIES: Object.fromEntries(
      settings.AGENTS.map((agent) => [agent.id, { model: modelChain(mode, agent.model, api) }]),
    ),
    HEARTBEAT: {
      every: settings.HEARTBEAT_EVERY,
      model: modelRef(mode, settings.HEARTBEAT_MODEL),
      agentId: defaultAgent?.id,
    },
    TIMEZONE: settings.TIMEZONE,
    NORMALIZER_URL: settings.NORMALIZER_URL,
    PROXY_MODELS: proxyModelRows(settings.IMAGE_POLICY),
    FALLBACK_BASE_URL: settings.FALLBACK_ANTHROPIC_BASE_URL,
    FALLBACK_MODELS: apiFallbackModelRows(mode, settings.IMAGE_POLICY),
    NOTICE_CHANNEL: settings.NOTICE_CHANNEL,
    NOTICE_TO: settings.NOTICE_TO,
  };
}

export async function renderOwnedConfig(settings: Settings, templatesDir: string): Promise<JsonObject> {
  const variables = templateVariables(settings);
  const parts = await Promise.all(
    templateNames(settings).map(async (name) =>
      renderTemplate(await readFile(join(templatesDir, name), "utf8"), name, variables),
    ),
  );
  return mergeAll(parts);
}
