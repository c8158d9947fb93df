// Reading the JSON that docker compose and the openclaw CLI print, without trusting its shape.

export type JsonRecord = Record<string, unknown>;

export const isRecord = (value: unknown): value is JsonRecord =>
  typeof value === "object" && value !== null && !Array.isArray(value);
export const asRecord = (value: unknown): JsonRecord => (isRecord(value) ? value : {});
export const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
export const asString = (value: unknown): string => (typeof value === "string" ? value : "");
export const asNumber = (value: unknown): number | undefined =>
  typeof value === "number" && Number.isFinite(value) ? value : undefined;

// eslint-disable-next-line no-control-regex -- terminal escapes are exactly what is removed
const ANSI = /\u001b\[[0-9;?]*[A-Za-z]/g;

/** Output without terminal escapes (some container output starts lines with `ESC[2K`). */
export const stripAnsi = (text: string): string => text.replace(ANSI, "");

/**
 * The JSON document in a command's output: the whole output, or else from the first line that
 * starts a JSON object or array (CLIs sometimes print a notice first). Throws when there is none.
 */
export function parseJsonOutput(output: string): unknown {
  const text = stripAnsi(output).trim();
  try {
    return JSON.parse(text) as unknown;
  } catch {
    // look for a later start
  }
  const lines = text.split("\n");
  for (let i = 1; i < lines.length; i++) {
    if (!/^\s*[{[]/.test(lines[i] ?? "")) continue;
    try {
      return JSON.parse(lines.slice(i).join("\n")) as unknown;
    } catch {
      // keep looking
    }
  }
  throw new Error(text === "" ? "no output" : `no JSON in the output: ${firstLine(text)}`);
}

/** The first non-empty line of a text, cut to `max` characters. */
export function firstLine(text: string, max = 160): string {
  const line =
    stripAnsi(text)
      .split("\n")
      .map((l) => l.trim())
      .find(Boolean) ?? "";
  return clip(line, max);
}

/** Text cut to `max` characters, with an ellipsis when cut; newlines become spaces. */
export function clip(text: string, max: number): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
