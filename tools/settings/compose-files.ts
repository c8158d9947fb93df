// The compose files as compose reads them: the `${NAME}` references in their text, a value
// interpolated as compose would, each service's environment, and the .env variables that reach each
// service (anywhere in its definition: environment, image, build args, ports, healthcheck, volumes).
import { readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const COMPOSE_FILE = "docker-compose.yml";
/** The Swarm stack: its file, and the overlay that publishes the gateway (make deploy PUBLISH=1). */
export const SWARM_FILES = ["compose.swarm.yml", "compose.swarm.publish.yml"] as const;
/** On Swarm, config-init runs in the gateway's task: its settings are the gateway's there. */
export const SWARM_SERVICE: Readonly<Record<string, string>> = { "config-init": "gateway" };

export const readText = (path: string): string => readFileSync(join(ROOT, path), "utf8");

export interface Reference {
  variable: string;
  /** "", ":-", "-", ":+", "+", ":?" or "?". */
  operator: string;
  operand: string;
}

// `$$` is an escaped dollar; `${NAME}`, `${NAME:-default}`, `${NAME:+alternative}`, ...
const REFERENCE = /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-+?])([^}]*))?\}/g;

/** Every `${NAME…}` in a text. */
export function references(text: string): Reference[] {
  return [...text.matchAll(REFERENCE)].flatMap(([, variable, operator = "", operand = ""]) =>
    variable === undefined ? [] : [{ variable, operator, operand }],
  );
}

/** Every `${NAME…}` in a compose file's values (its comments left out), anchors and top-level sections included. */
export const fileReferences = (path: string): Reference[] => strings(parse(readText(path))).flatMap(references);

/** `text` as compose interpolates it with `env` (unset: absent from env). */
export function interpolate(text: string, env: Readonly<Record<string, string>>): string {
  return text.replace(
    REFERENCE,
    (_whole, variable: string | undefined, operator: string | undefined, operand: string | undefined) => {
      if (variable === undefined) return "$";
      operator ??= "";
      operand ??= "";
      const value = env[variable];
      const set = value !== undefined && (value !== "" || !operator.startsWith(":"));
      if (operator.endsWith("-")) return set ? value : operand;
      if (operator.endsWith("+")) return set ? operand : "";
      return value ?? "";
    },
  );
}

type Service = Record<string, unknown>;

interface ComposeFile {
  services: Record<string, Service>;
  secrets?: Record<string, { file?: string }>;
}

/** A compose file, YAML anchors and merge keys resolved. */
export function readCompose(path: string): ComposeFile {
  const parsed = parse(readText(path), { merge: true }) as Partial<ComposeFile> | null;
  return { services: {}, ...parsed };
}

function strings(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (typeof value === "object" && value !== null) return Object.values(value).flatMap(strings);
  return [];
}

/** The files a service extends: a path with `${NAME:+…}` in it names one file with NAME set and one without. */
function extendedServices(service: Service): Service[] {
  const { file, service: name } = (service.extends ?? {}) as { file?: string; service?: string };
  if (file === undefined || name === undefined) return [];
  const named = references(file).map((reference) => reference.variable);
  const paths = new Set([
    interpolate(file, {}),
    interpolate(file, Object.fromEntries(named.map((variable) => [variable, "set"]))),
  ]);
  return [...paths].flatMap((path): Service[] => {
    const found = readCompose(path).services[name];
    return found === undefined ? [] : [found];
  });
}

/** A service's environment as written, with that of the files it extends (NAME → value). */
export function environmentOf(service: Service): Record<string, string> {
  // compose files write a value as a string, a number or nothing (null)
  const text = (value: unknown) =>
    typeof value === "string" || typeof value === "number" || typeof value === "boolean" ? String(value) : "";
  const own = (s: Service) =>
    Object.entries((s.environment ?? {}) as Record<string, unknown>).map(
      ([name, value]) => [name, text(value)] as const,
    );
  return Object.fromEntries([...extendedServices(service).flatMap(own), ...own(service)]);
}

/** The .env variables that reach each service of a compose file. */
export function variablesReaching(
  path: string,
  secretSources: ReadonlyMap<string, string> = new Map(),
): Map<string, Set<string>> {
  const file = readCompose(path);
  const reach = new Map<string, Set<string>>();
  for (const [name, service] of Object.entries(file.services)) {
    const texts = [...strings(service), ...extendedServices(service).flatMap(strings)];
    const variables = new Set(texts.flatMap(references).map((reference) => reference.variable));
    // a docker secret's file, which make deploy writes from a .env variable
    for (const value of Object.values(environmentOf(service))) {
      const secret = /^\/run\/secrets\/(.+)$/.exec(value)?.[1];
      const source =
        secret === undefined ? undefined : secretSources.get(basename(file.secrets?.[secret]?.file ?? secret));
      if (source !== undefined) variables.add(source);
    }
    reach.set(name, variables);
  }
  return reach;
}

/** The variables reaching each service of the Swarm stack, by the name of the compose service they stand for. */
export function swarmVariablesReaching(): Map<string, Set<string>> {
  const reach = new Map<string, Set<string>>();
  for (const path of SWARM_FILES) {
    for (const [service, variables] of variablesReaching(path, swarmSecretSources())) {
      reach.set(service, new Set([...(reach.get(service) ?? []), ...variables]));
    }
  }
  return reach;
}

/** bin/swarm-deploy's docker secrets: the file it writes → the .env variable it writes it from. */
export function swarmSecretSources(): Map<string, string> {
  const pairs = /^for pair in ([^;]+); do/m.exec(readText("bin/swarm-deploy"))?.[1] ?? "";
  return new Map(
    pairs
      .trim()
      .split(/\s+/)
      .map((pair) => pair.split(":") as [string, string]),
  );
}

/** The .env variable a value passes on as it is (`${NAME}` or `${NAME:-}`), or undefined. */
export function passedVariable(value: string): string | undefined {
  return /^\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-)?\}$/.exec(value)?.[1];
}
