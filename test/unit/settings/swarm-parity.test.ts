// compose.swarm.yml against docker-compose.yml: a setting that reaches a service in compose reaches
// it on Swarm too, unless tools/settings/swarm-differences.ts lists it with the reason. And a Swarm
// stack's gateway task, which runs config-init first, renders the channels its tokens turn on.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { renderOwnedConfig } from "../../../services/config-init/src/render/render-config.ts";
import { loadSettings } from "../../../services/config-init/src/settings.ts";
import {
  COMPOSE_FILE,
  environmentOf,
  interpolate,
  readCompose,
  SWARM_SERVICE,
  swarmVariablesReaching,
  variablesReaching,
} from "../../../tools/settings/compose-files.ts";
import { SWARM_DIFFERENCES } from "../../../tools/settings/swarm-differences.ts";

const TEMPLATES = fileURLToPath(new URL("../../../config-templates/", import.meta.url));

describe("compose.swarm.yml against docker-compose.yml", () => {
  it("passes each setting that compose passes to a service, but those listed with their reason", () => {
    const swarm = swarmVariablesReaching();
    const missing = [...variablesReaching(COMPOSE_FILE)].flatMap(([service, variables]) =>
      [...variables]
        .filter((variable) => !swarm.get(SWARM_SERVICE[service] ?? service)?.has(variable))
        .map((variable) => `${variable} → ${service}`),
    );
    const listed = SWARM_DIFFERENCES.flatMap(({ variables, services }) =>
      variables.flatMap((variable) => services.map((service) => `${variable} → ${service}`)),
    );
    expect(missing.sort()).toEqual(listed.sort());
  });
});

describe("a Swarm stack's gateway task", () => {
  let secrets: string | undefined;
  afterEach(() => {
    if (secrets) rmSync(secrets, { recursive: true, force: true });
  });

  /** The environment compose.swarm.yml gives the gateway's task for `env` (.env), its docker secrets in files of their own. */
  function gatewayTaskEnv(env: Record<string, string>): Record<string, string> {
    secrets = mkdtempSync(join(tmpdir(), "clawbridge-secrets-"));
    const written = secrets;
    const task = Object.entries(environmentOf(readCompose("compose.swarm.yml").services.gateway ?? {})).map(
      ([name, value]) => {
        const resolved = interpolate(value, env);
        const secret = /^\/run\/secrets\/(.+)$/.exec(resolved)?.[1];
        if (secret === undefined) return [name, resolved];
        writeFileSync(join(written, secret), `${secret}-0123456789abcdef\n`);
        return [name, join(written, secret)];
      },
    );
    return Object.fromEntries(task) as Record<string, string>;
  }

  it("renders the Telegram and Discord channels when their tokens are set, and holds the tokens the config refers to", async () => {
    const tokens = {
      TELEGRAM_BOT_TOKEN: "123456789:AAH-telegram-test-token-value",
      DISCORD_BOT_TOKEN: "discord-test-token-0123456789",
    };
    const env = gatewayTaskEnv(tokens);
    const config = await renderOwnedConfig(loadSettings(env), TEMPLATES);
    expect(config.channels).toEqual({
      telegram: { botToken: "${TELEGRAM_BOT_TOKEN}" },
      discord: { token: "${DISCORD_BOT_TOKEN}" },
    });
    expect(env).toMatchObject(tokens);
  });

  it("renders no channel without the tokens", async () => {
    expect((await renderOwnedConfig(loadSettings(gatewayTaskEnv({})), TEMPLATES)).channels).toBeUndefined();
  });
});
