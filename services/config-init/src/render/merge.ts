// Merging what the templates own into an existing openclaw.json: objects merge key by key, anything
// else the templates set (a scalar, an array) replaces the old value. Keys only the existing file
// has stay as the user left them.
import { isPlainObject, type JsonObject } from "../json.ts";

export function mergeOwned(existing: JsonObject, owned: JsonObject): JsonObject {
  const merged: JsonObject = { ...existing };
  for (const [key, value] of Object.entries(owned)) {
    const current = merged[key];
    merged[key] = isPlainObject(current) && isPlainObject(value) ? mergeOwned(current, value) : value;
  }
  return merged;
}

/** Merges several rendered templates in order (later ones win on the same key). */
export const mergeAll = (parts: readonly JsonObject[]): JsonObject => parts.reduce<JsonObject>(mergeOwned, {});

/** Sections an earlier run rendered for an optional setting; each holds that setting's `${VAR}` reference. */
const OPTIONAL_SECTIONS = [
  { path: ["channels", "telegram"], key: "botToken", variable: "TELEGRAM_BOT_TOKEN" },
  { path: ["channels", "discord"], key: "token", variable: "DISCORD_BOT_TOKEN" },
  // max-proxy mode's provider, left behind after a switch to setup-token mode without the key
  { path: ["models", "providers", "claude-max-proxy"], key: "apiKey", variable: "PROXY_API_KEY" },
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
export function retireUnsetSections(config: JsonObject, isSet: (variable: string) => boolean): { config: JsonObject; removed: string[] } {
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
