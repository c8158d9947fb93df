// Each service's variables as its settings module describes them (lib/settings describeVariables),
// and the gateway's, which has none: openclaw.json refers to variables (`$${NAME}` in
// config-templates/) that the gateway reads when it starts, each one of config-init's.
import { readdirSync } from "node:fs";
import { join } from "node:path";
import type { VariableReference } from "@clawbridge/settings";
import { variables as catchup } from "../../services/catchup/src/settings.ts";
import { variables as configInit } from "../../services/config-init/src/settings.ts";
import { variables as maxapi } from "../../services/maxapi/src/settings.ts";
import { variables as normalizer } from "../../services/normalizer/src/settings.ts";
import { ROOT, readText } from "./compose-files.ts";

export interface ServiceSettings {
  service: string;
  /** What it is, to head its section of docs/settings.md. */
  summary: string;
  variables: readonly VariableReference[];
}

/** The services with a settings module, in the order of docs/settings.md. */
export const SERVICE_SETTINGS: readonly ServiceSettings[] = [
  {
    service: "config-init",
    summary: "Renders and validates openclaw.json, then exits (on Swarm: first in the gateway's task)",
    variables: configInit(),
  },
  {
    service: "maxapi",
    summary: "claude-max-api's OpenAI-style API, answered by the Claude Code CLI",
    variables: maxapi(),
  },
  { service: "normalizer", summary: "The OpenAI-compatible proxy in front of maxapi", variables: normalizer() },
  {
    service: "catchup",
    summary: "Runs a cron job that failed on a spent usage window once more after the reset; the notices",
    variables: catchup(),
  },
];

export const settingsOf = (service: string): ServiceSettings | undefined =>
  SERVICE_SETTINGS.find((settings) => settings.service === service);

/** The variables openclaw.json refers to: `$${NAME}` in any template. */
export function configReferences(): string[] {
  const templates = readdirSync(join(ROOT, "config-templates")).filter((name) => name.endsWith(".json5"));
  const names = templates.flatMap((name) =>
    [...readText(join("config-templates", name)).matchAll(/\$\$\{([A-Z_][A-Z0-9_]*)\}/g)].map(
      ([, variable]) => variable ?? "",
    ),
  );
  return [...new Set(names)].sort();
}

/** The gateway's variables: config-init's, those openclaw.json refers to. */
export function gatewayVariables(): VariableReference[] {
  const referred = new Set(configReferences());
  return configInit().filter((variable) => referred.has(variable.name));
}
