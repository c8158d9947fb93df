// Merging what the templates own into an existing openclaw.json: objects merge key by key, anything
// else the templates set (a scalar, an array) replaces the old value. Keys only the existing file
// has stay as the user left them.
import { isPlainObject, type JsonObject } from "./render.ts";

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
