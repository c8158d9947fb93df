// Merging what the templates own into an existing openclaw.json: objects merge key by key, anything
// else the templates set (a scalar, an array) replaces the old value. Keys only the existing file
// has stay as the user left them. One kind of array merges too: a provider's model rows
// (`models.providers.<id>.models`), by id, so a row the user added stays, and so do the keys they
// added to one of ours, while every key the templates set (compat flags, images, limits) is ours.
// The rows an earlier release rendered for ids that no longer name a model go.
import { OLD_IDS } from "@clawbridge/models";
import { isPlainObject, type JsonObject } from "../json.ts";

export function mergeOwned(existing: JsonObject, owned: JsonObject, path: readonly string[] = []): JsonObject {
  const merged: JsonObject = { ...existing };
  for (const [key, value] of Object.entries(owned)) {
    const current = merged[key];
    const here = [...path, key];
    if (isPlainObject(current) && isPlainObject(value)) merged[key] = mergeOwned(current, value, here);
    else if (isModelRows(here) && Array.isArray(current) && Array.isArray(value))
      merged[key] = mergeRows(current, value, here);
    else merged[key] = value;
  }
  return merged;
}

/** `models.providers.<id>.models` */
const isModelRows = (path: readonly string[]) =>
  path.length === 4 && path[0] === "models" && path[1] === "providers" && path[3] === "models";

const rowId = (row: unknown): unknown => (isPlainObject(row) ? row.id : undefined);

/**
 * claude-max-api's ids (claude-opus-4, ...), which earlier releases rendered as rows of the proxy: they
 * name no model (references to them become their family), so their rows would only offer a name that
 * is not true. A row of that id the user wrote (another name) stays.
 */
const isEarlierReleaseRow = (row: unknown, path: readonly string[]): boolean =>
  path[2] === "claude-max-proxy" &&
  isPlainObject(row) &&
  typeof row.id === "string" &&
  Object.hasOwn(OLD_IDS, row.id) &&
  String(row.name).endsWith("(subscription, via clawbridge)");

/** Our rows in our order, each merged over the user's row of the same id; then the user's other rows. */
function mergeRows(existing: unknown[], owned: unknown[], path: readonly string[]): unknown[] {
  const ours = new Set<unknown>(owned.map(rowId).filter((id) => id !== undefined));
  existing = existing.filter((row) => !isEarlierReleaseRow(row, path));
  const rows = owned.map((row) => {
    const theirs = existing.find((old) => rowId(old) !== undefined && rowId(old) === rowId(row));
    return isPlainObject(theirs) && isPlainObject(row) ? mergeOwned(theirs, row, [...path, "*"]) : row;
  });
  return [...rows, ...existing.filter((old) => !ours.has(rowId(old)))];
}

/** Merges several rendered templates in order (later ones win on the same key). */
export const mergeAll = (parts: readonly JsonObject[]): JsonObject =>
  parts.reduce<JsonObject>((merged, part) => mergeOwned(merged, part), {});

/** Sections an earlier run rendered for an optional setting; each holds that setting's `${VAR}` reference. */
const OPTIONAL_SECTIONS = [
  { path: ["channels", "telegram"], key: "botToken", variable: "TELEGRAM_BOT_TOKEN" },
  { path: ["channels", "discord"], key: "token", variable: "DISCORD_BOT_TOKEN" },
  // max-proxy mode's provider, left behind after a switch to setup-token mode without the key
  { path: ["models", "providers", "claude-max-proxy"], key: "apiKey", variable: "PROXY_API_KEY" },
  // the metered fallback, once FALLBACK_ANTHROPIC_API_KEY is unset (the agents' fallbacks are
  // rendered anew without it)
  { path: ["models", "providers", "anthropic-api"], key: "apiKey", variable: "FALLBACK_ANTHROPIC_API_KEY" },
] as const;

/** `config` without the object at `path`; unchanged when there is none. */
function without(config: JsonObject, path: readonly string[]): JsonObject {
  const [head, ...rest] = path;
  if (head === undefined || !Object.hasOwn(config, head)) return config;
  if (rest.length === 0) return Object.fromEntries(Object.entries(config).filter(([name]) => name !== head));
  const child = config[head];
  return isPlainObject(child) ? { ...config, [head]: without(child, rest) } : config;
}

const at = (config: JsonObject, path: readonly string[]): unknown =>
  path.reduce<unknown>((node, key) => (isPlainObject(node) ? node[key] : undefined), config);

/**
 * Removes the sections of optional settings that are no longer set: merging alone would keep, say,
 * `channels.telegram` with its `${TELEGRAM_BOT_TOKEN}` reference, and OpenClaw would then refuse the
 * whole config for the missing variable. A section the user wrote (with any other value) stays.
 * Returns the config and the dotted paths removed.
 */
export function retireUnsetSections(
  config: JsonObject,
  isSet: (variable: string) => boolean,
): { config: JsonObject; removed: string[] } {
  const removed: string[] = [];
  let result = config;
  for (const { path, key, variable } of OPTIONAL_SECTIONS) {
    if (isSet(variable)) continue;
    const section = at(result, path);
    if (!isPlainObject(section) || section[key] !== `\${${variable}}`) continue;
    result = without(result, path);
    removed.push(path.join("."));
  }
  return { config: result, removed };
}
