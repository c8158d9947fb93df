// What a .env variable means: compose passes it to services (each may call it by another name, as
// maxapi calls CLAUDE_SETUP_TOKEN CLAUDE_CODE_OAUTH_TOKEN), whose settings modules give its default;
// or it is one of compose's own (compose-variables.ts). And .env.example's assignments.
import type { VariableReference } from "@clawbridge/settings";
import { COMPOSE_FILE, environmentOf, passedVariable, readCompose, readText } from "./compose-files.ts";
import { COMPOSE_VARIABLES, type ComposeVariable } from "./compose-variables.ts";
import { settingsOf } from "./services.ts";

export interface Receiver {
  service: string;
  /** The service's own variable it becomes. */
  variable: VariableReference;
}

/** Each .env variable that docker-compose.yml passes on as it is, and the settings variables that get it. */
export function receivers(): Map<string, Receiver[]> {
  const found = new Map<string, Receiver[]>();
  for (const [service, definition] of Object.entries(readCompose(COMPOSE_FILE).services)) {
    const settings = settingsOf(service);
    for (const [name, value] of Object.entries(environmentOf(definition))) {
      const source = passedVariable(value);
      const variable = settings?.variables.find((candidate) => candidate.name === name);
      if (source !== undefined && variable !== undefined)
        found.set(source, [...(found.get(source) ?? []), { service, variable }]);
    }
  }
  return found;
}

export const composeVariable = (name: string): ComposeVariable | undefined =>
  COMPOSE_VARIABLES.find((variable) => variable.name === name);

/** The defaults a .env variable has: compose's own, or each receiving service's (they should be one). */
export function defaultsOf(name: string): (string | undefined)[] {
  const own = composeVariable(name);
  if (own) return [own.default];
  return [...new Set((receivers().get(name) ?? []).map((receiver) => receiver.variable.default))];
}

export interface Assignment {
  name: string;
  value: string;
  line: number;
}

/** `NAME=value` lines of .env.example, in order. */
export function exampleAssignments(): Assignment[] {
  return readText(".env.example")
    .split("\n")
    .flatMap((text, index) => {
      const match = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(text);
      return match?.[1] === undefined ? [] : [{ name: match[1], value: match[2] ?? "", line: index + 1 }];
    });
}
