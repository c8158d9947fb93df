// openclaw.json on disk: read (JSON5), and write only when something changes, after a timestamped
// backup, atomically (temp file + rename), so an interrupted run never leaves half a file.
import { copyFile, readFile } from "node:fs/promises";
import { constants } from "node:fs";
import { isDeepStrictEqual } from "node:util";
import JSON5 from "json5";
import writeFileAtomic from "write-file-atomic";
import { isPlainObject, type JsonObject } from "../json.ts";

export class ConfigFileError extends Error {}

/** The config in `path`, or undefined when there is none; refuses a file it cannot parse. */
export async function readConfig(path: string): Promise<{ text: string; config: JsonObject } | undefined> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  let config: unknown;
  try {
    config = JSON5.parse(text);
  } catch (error) {
    throw new ConfigFileError(
      `${path} is not valid JSON5 (${(error as Error).message}): fix or move it; nothing was written`,
    );
  }
  if (!isPlainObject(config))
    throw new ConfigFileError(`${path} does not hold an object: fix or move it; nothing was written`);
  return { text, config };
}

export const serialize = (config: JsonObject) => `${JSON.stringify(config, null, 2)}\n`;

export interface WriteOutcome {
  changed: boolean;
  /** Where the previous file was copied, when there was one. */
  backup?: string;
}

/** Writes `config` unless `current` already equals it; backs the previous file up first. */
export async function writeConfig(
  path: string,
  config: JsonObject,
  current: JsonObject | undefined,
  now = new Date(),
): Promise<WriteOutcome> {
  if (current && isDeepStrictEqual(current, config)) return { changed: false };
  let backup: string | undefined;
  if (current) {
    backup = `${path}.bak-${now.toISOString().replace(/[:.]/g, "-")}`;
    await copyFile(path, backup, constants.COPYFILE_EXCL);
  }
  await writeFileAtomic(path, serialize(config), { mode: 0o600 });
  return backup ? { changed: true, backup } : { changed: true };
}
