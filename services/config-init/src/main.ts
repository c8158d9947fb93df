// config-init: renders openclaw.json from the environment, merges it into the state volume's
// existing file, has the pinned OpenClaw validate the result, and only then replaces the file
// (after a timestamped backup, atomically). Exits 0 only when the volume holds a valid config.
//   node dist/main.js [--dry-run]
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { pino } from "pino";
import writeFileAtomic from "write-file-atomic";
import { ConfigFileError, readConfig, serialize, writeConfig } from "./config-file.ts";
import { dryRunDiff } from "./dry-run.ts";
import { mergeOwned } from "./merge.ts";
import { validateConfig } from "./openclaw-cli.ts";
import { RenderError } from "./render.ts";
import { renderOwnedConfig } from "./render-config.ts";
import { loadSettings, SettingsError } from "./settings.ts";

const logger = pino({ base: { service: "config-init" } });
const TEMPLATES_DIR = process.env.CONFIG_TEMPLATES_DIR ?? new URL("../../../config-templates/", import.meta.url).pathname;

async function run(dryRun: boolean): Promise<number> {
  const settings = loadSettings();
  const path = join(settings.OPENCLAW_STATE_DIR, "openclaw.json");
  const existing = await readConfig(path);
  const next = mergeOwned(existing?.config ?? {}, await renderOwnedConfig(settings, TEMPLATES_DIR));

  if (dryRun) {
    process.stdout.write(`${dryRunDiff(path, existing?.config, next)}\n`);
    return 0;
  }

  // OpenClaw judges the candidate before it replaces anything
  const candidate = `${path}.candidate-${process.pid}`;
  await writeFileAtomic(candidate, serialize(next), { mode: 0o600 });
  const validation = await validateConfig(candidate, process.env).finally(() => rm(candidate, { force: true }));
  if (!validation.valid) {
    logger.fatal({ problems: validation.problems, path }, `OpenClaw rejects the rendered config; ${path} was left as it was`);
    return 1;
  }

  const outcome = await writeConfig(path, next, existing?.config);
  if (outcome.changed) logger.info({ path, backup: outcome.backup, mode: settings.AUTH_MODE }, "openclaw.json written and valid");
  else logger.info({ path, mode: settings.AUTH_MODE }, "openclaw.json already up to date: nothing changed");
  return 0;
}

try {
  process.exitCode = await run(process.argv.includes("--dry-run"));
} catch (error) {
  if (error instanceof SettingsError || error instanceof RenderError || error instanceof ConfigFileError) {
    logger.fatal({ problems: "problems" in error ? error.problems : undefined }, error.message);
    process.exitCode = 1;
  } else throw error;
}
