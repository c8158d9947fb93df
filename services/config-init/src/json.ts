// openclaw.json's values as config-init handles them: parsed JSON5, walked as plain objects.
export type JsonObject = Record<string, unknown>;

export const isPlainObject = (value: unknown): value is JsonObject =>
  typeof value === "object" && value !== null && !Array.isArray(value);
