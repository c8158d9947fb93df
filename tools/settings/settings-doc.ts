// docs/settings.md: every variable of every service, its default, how compose and Swarm set it, and
// what it does; then compose's own variables and what Swarm leaves out on purpose. Written from the
// settings modules and the compose files, never by hand (write-settings-doc.ts).
import type { VariableReference } from "@clawbridge/settings";
import {
  COMPOSE_FILE,
  environmentOf,
  passedVariable,
  readCompose,
  references,
  SWARM_FILES,
  SWARM_SERVICE,
} from "./compose-files.ts";
import { COMPOSE_VARIABLES } from "./compose-variables.ts";
import { gatewayVariables, SERVICE_SETTINGS } from "./services.ts";
import { SWARM_DIFFERENCES } from "./swarm-differences.ts";

const code = (text: string) => `\`${text}\``;
const cell = (text: string) => text.replace(/\|/g, "\\|");
const row = (cells: string[]) => `| ${cells.map(cell).join(" | ")} |`;
const table = (head: string[], rows: string[][]) =>
  [row(head), row(head.map(() => "---")), ...rows.map(row)].join("\n");

/** Each service's environment as a compose file (or the Swarm stack's files together) writes it. */
function environments(paths: readonly string[]): Map<string, Record<string, string>> {
  const found = new Map<string, Record<string, string>>();
  for (const path of paths) {
    for (const [service, definition] of Object.entries(readCompose(path).services))
      found.set(service, { ...found.get(service), ...environmentOf(definition) });
  }
  return found;
}

/** How a file sets a variable: from .env, a docker secret's file, a value of its own, or not at all. */
function howSet(environment: Record<string, string> | undefined, name: string): string {
  const value = environment?.[name];
  if (environment?.[`${name}_FILE`]?.startsWith("/run/secrets/")) return "secret";
  if (value === undefined) return "—";
  const source = passedVariable(value);
  const made = references(value).map((reference) => code(reference.variable));
  if (source === undefined) return made.length === 0 ? `fixed: ${code(value)}` : `from ${made.join(", ")}`;
  return source === name ? ".env" : `.env ${code(source)}`;
}

function variableCell(variable: VariableReference): string {
  return variable.fileSecret ? `${code(variable.name)} (or ${code(`${variable.name}_FILE`)})` : code(variable.name);
}

function defaultCell(variable: VariableReference): string {
  if (variable.default !== undefined) return variable.default === "" ? "(empty)" : code(variable.default);
  return variable.required ? "required" : "(none)";
}

function serviceSection(
  service: string,
  summary: string,
  variables: readonly VariableReference[],
  compose: Map<string, Record<string, string>>,
  swarm: Map<string, Record<string, string>>,
): string {
  const rows = variables.map((variable) => [
    variableCell(variable),
    defaultCell(variable),
    howSet(compose.get(service), variable.name),
    howSet(swarm.get(SWARM_SERVICE[service] ?? service), variable.name),
    variable.description,
  ]);
  return `## ${service}\n\n${summary}.\n\n${table(["Variable", "Default", "Compose", "Swarm", "What it does"], rows)}`;
}

export function settingsDoc(): string {
  const compose = environments([COMPOSE_FILE]);
  const swarm = environments(SWARM_FILES);
  const gateway = gatewayVariables().map((variable) => [
    code(variable.name),
    howSet(compose.get("gateway"), variable.name),
    howSet(swarm.get("gateway"), variable.name),
    variable.description,
  ]);
  const differences = SWARM_DIFFERENCES.map((difference) => [
    difference.variables.map(code).join(", "),
    difference.services.join(", "),
    difference.reason,
  ]);
  return `${[
    "# Settings",
    "<!-- Written by `make docs-settings` (tools/settings/) from the services' settings modules and the compose files; `make test` fails when it is out of date. Do not edit. -->",
    [
      "Every setting goes in `.env` (`make setup` makes it from [`.env.example`](../.env.example)). An empty variable counts as unset: the default applies.",
      "Each default is written once, in the service's settings module (`services/*/src/settings.ts`, read with [lib/settings](../lib/settings/src/)):",
      "compose passes values only (`${NAME:-}`). A variable shown with `NAME_FILE` may come from a file instead (a docker secret).",
    ].join("\n"),
    [
      "**Compose** and **Swarm**: how [docker-compose.yml](../docker-compose.yml) and [compose.swarm.yml](../compose.swarm.yml) set the variable:",
      "`.env` (the variable of that name in `.env`, or the one named), `secret` (a docker secret's file), `fixed` (a value of the file), `from` (made of other variables), — (not set: the default applies).",
    ].join("\n"),
    ...SERVICE_SETTINGS.map(({ service, summary, variables }) =>
      serviceSection(service, summary, variables, compose, swarm),
    ),
    "## gateway",
    [
      "The OpenClaw gateway has no settings module of clawbridge's: openclaw.json, which config-init writes, refers to these variables (`${NAME}`),",
      "and the gateway reads them when it starts. Each is config-init's (above); the image's entrypoint reads `NAME_FILE` for each.",
    ].join("\n"),
    table(["Variable", "Compose", "Swarm", "What it does"], gateway),
    "## compose and Swarm",
    "Variables that only the compose files read. Their defaults live in [tools/settings/compose-variables.ts](../tools/settings/compose-variables.ts); each file writes them again, as compose needs, and a unit test holds them equal.",
    table(
      ["Variable", "Default", "What it does"],
      COMPOSE_VARIABLES.map((variable) => [
        code(variable.name),
        variable.default === "" ? "(empty)" : code(variable.default),
        variable.description,
      ]),
    ),
    "## What Swarm leaves out on purpose",
    "Settings that reach a service in docker-compose.yml and not in compose.swarm.yml ([tools/settings/swarm-differences.ts](../tools/settings/swarm-differences.ts); a unit test fails on any other difference). On Swarm, config-init runs in the gateway's task.",
    table(["Variables", "Services (compose)", "Why"], differences),
  ].join("\n\n")}\n`;
}
