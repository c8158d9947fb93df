// config-init: renders openclaw.json from the environment, merges it into the state volume's
// existing file, has the pinned OpenClaw validate the result, and only then replaces the file
// (after a timestamped backup, atomically). Exits 0 only when the volume holds a valid config.
//   node dist/main.js [--dry-run]
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { pino } from "pino";
import writeFileAtomic from "write-file-atomic";
import { storeSetupToken } from "./credentials.ts";
import { cronJobsMissingProvider, findLegacy, migrateCronJobs, runDoctor } from "./migrate/migrate.ts";
import { API_FALLBACK_PROVIDER } from "./models.ts";
import { remapConfigModelRefs } from "./migrate/model-refs.ts";
import { migrateSessionPins } from "./migrate/session-pins.ts";
import { validateConfig } from "./openclaw-cli.ts";
import { ConfigFileError, readConfig, serialize, writeConfig } from "./render/config-file.ts";
import { dryRunDiff } from "./render/dry-run.ts";
import { mergeOwned, retireUnsetSections } from "./render/merge.ts";
import { renderOwnedConfig } from "./render/render-config.ts";
import { RenderError } from "./render/render.ts";
import { loadSettings, SettingsError, type Settings } from "./settings.ts";
import { printRefusal } from "@clawbridge/settings";

const logger = pino({ base: { service: "config-init" } });
const TEMPLATES_DIR =
  process.env.CONFIG_TEMPLATES_DIR ?? new URL("../../../config-templates/", import.meta.url).pathname;

/** Renders, merges, has OpenClaw validate, writes. Returns false when OpenClaw rejects the result. */
async function renderAndWrite(settings: Settings, path: string, dryRun: boolean): Promise<boolean> {
  const existing = await readConfig(path);
  const merged = mergeOwned(existing?.config ?? {}, await renderOwnedConfig(settings, TEMPLATES_DIR));
  const retired = retireUnsetSections(merged, (variable) => Boolean(settings[variable as keyof Settings]));
  for (const section of retired.removed) logger.info({ section }, `${section} removed: its token is no longer set`);
  const { config: next, report } = remapConfigModelRefs(retired.config, settings.AUTH_MODE);
  for (const line of report.unmappable) logger.warn(line);
  if (dryRun) {
    process.stdout.write(`${dryRunDiff(path, existing?.config, next)}\n`);
    return true;
  }

  // OpenClaw judges the candidate before it replaces anything
  const candidate = `${path}.candidate-${process.pid}`;
  await writeFileAtomic(candidate, serialize(next), { mode: 0o600 });
  const validation = await validateConfig(candidate, process.env).finally(() => rm(candidate, { force: true }));
  if (!validation.valid) {
    logger.fatal(
      { problems: validation.problems, path },
      `OpenClaw rejects the rendered config; ${path} was left as it was`,
    );
    return false;
  }

  const outcome = await writeConfig(path, next, existing?.config);
  for (const line of report.changes) logger.info(line);
  if (outcome.changed)
    logger.info({ path, backup: outcome.backup, mode: settings.AUTH_MODE }, "openclaw.json written and valid");
  else logger.info({ path, mode: settings.AUTH_MODE }, "openclaw.json already up to date: nothing changed");
  return true;
}

async function run(dryRun: boolean): Promise<number> {
  const settings = loadSettings();
  const stateDir = settings.OPENCLAW_STATE_DIR;
  const path = join(stateDir, "openclaw.json");
  const legacy = findLegacy(stateDir);
  if (legacy.length > 0) {
    if (dryRun) logger.info({ legacy }, "would have `openclaw doctor --fix` import the legacy files");
    else {
      await runDoctor(stateDir, process.env);
      for (const file of legacy)
        logger.info({ file }, `${file}: imported by openclaw doctor (the original is kept as a backup or archive)`);
    }
  }
  if (!(await renderAndWrite(settings, path, dryRun))) return 1;
  if (!dryRun) {
    for (const report of [
      migrateCronJobs(stateDir, settings.AUTH_MODE),
      migrateSessionPins(stateDir, settings.AUTH_MODE),
    ]) {
      for (const line of report.changes) logger.info(line);
      for (const line of report.unmappable) logger.warn(line);
    }
    if (settings.FALLBACK_ANTHROPIC_API_KEY) logApiFallback(settings.FALLBACK_ANTHROPIC_API_KEY, stateDir);
  }
  if (dryRun || settings.AUTH_MODE !== "setup-token" || !settings.CLAUDE_SETUP_TOKEN) return 0;

  const agents = settings.AGENTS.map((agent) => agent.id);
  const token = settings.CLAUDE_SETUP_TOKEN;
  if (await storeSetupToken(settings.OPENCLAW_STATE_DIR, agents, token, process.env)) {
    logger.info(
      { agents, token: `${token.slice(0, 13)}…(${token.length} chars)` },
      "setup token stored in OpenClaw's credential store",
    );
    // paste-token rewrote openclaw.json (its own keys stay; ours come back)
    return (await renderAndWrite(settings, path, false)) ? 0 : 1;
  }
  logger.info({ agents }, "setup token already stored: nothing changed");
  return 0;
}

/** Says that turns may now be billed per token, and which cron jobs will not use the fallback. */
function logApiFallback(key: string, stateDir: string): void {
  logger.info(
    { provider: API_FALLBACK_PROVIDER, key: `${key.slice(0, 13)}…(${key.length} chars)` },
    `metered API fallback on: once the subscription's models fail (a spent window, a billing refusal), turns run on ${API_FALLBACK_PROVIDER}/* and are billed to this API key`,
  );
  for (const job of cronJobsMissingProvider(stateDir, API_FALLBACK_PROVIDER)) {
    const own = job.fallbacks.length > 0 ? job.fallbacks.join(", ") : "none: a strict job";
    logger.warn(
      `cron job ${job.name} (${job.id}) has fallbacks of its own (${own}) and so never runs on the metered API fallback; to follow its agent's fallbacks: openclaw cron edit ${job.id} --clear-fallbacks`,
    );
  }
}

try {
  process.exitCode = await run(process.argv.includes("--dry-run"));
} catch (error) {
  if (error instanceof SettingsError || error instanceof RenderError || error instanceof ConfigFileError) {
    if (error instanceof SettingsError) printRefusal("config-init", error);
    logger.fatal({ problems: "problems" in error ? error.problems : undefined }, error.message);
    process.exitCode = 1;
  } else throw error;
}
