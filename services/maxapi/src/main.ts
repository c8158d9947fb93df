#!/usr/bin/env node
// maxapi's process: settings, the Claude login check, the warm pool, listen, SIGTERM. Also the
// image's `claude-max-api [port]` command (claude-max-api 1.0.0's), which starts the same server.
import { statSync } from "node:fs";
import { createServer } from "node:http";
import { printRefusal, problem } from "@clawbridge/settings";
import { createApp, createPool } from "./app.ts";
import { AUTH_FIX, cliAuthStatus } from "./cli/auth.ts";
import { createLogger } from "./logging.ts";
import { loadSettings, SettingsError, type Settings } from "./settings.ts";
import { sweepToolsDirs } from "./tools/tool-files.ts";

// `claude-max-api 3459`: the port as claude-max-api's command took it
const [portArgument] = process.argv.slice(2);
const env = portArgument === undefined ? process.env : { ...process.env, PORT: portArgument };

let settings: Settings;
try {
  settings = loadSettings(env);
  // every CLI starts there: a missing one would fail each request as if the CLI were missing
  if (!statSync(settings.CLI_WORKDIR, { throwIfNoEntry: false })?.isDirectory()) {
    throw new SettingsError([
      problem(
        "CLI_WORKDIR",
        `is ${settings.CLI_WORKDIR}, which is not a directory`,
        "create it, or set CLI_WORKDIR to an empty directory the CLI may run in",
      ),
    ]);
  }
} catch (error) {
  if (!(error instanceof SettingsError)) throw error;
  printRefusal("maxapi", error);
  createLogger("info").fatal({ problems: error.problems }, error.message);
  process.exit(1);
}
const logger = createLogger(settings.LOG_LEVEL);

// Every CLI process inherits this environment: the token from a file reaches them as the variable,
// and the CLI's own retries are maxapi's setting (its default too).
if (settings.CLAUDE_CODE_OAUTH_TOKEN) process.env.CLAUDE_CODE_OAUTH_TOKEN = settings.CLAUDE_CODE_OAUTH_TOKEN;
delete process.env.CLAUDE_CODE_OAUTH_TOKEN_FILE;
process.env.CLAUDE_CODE_MAX_RETRIES = String(settings.CLAUDE_CODE_MAX_RETRIES);

const auth = await cliAuthStatus(process.env);
if (auth.loggedIn) logger.info({ authMethod: auth.method }, "Claude CLI credentials found");
else logger.error({ authMethod: auth.method }, AUTH_FIX);

sweepToolsDirs(); // what a killed predecessor left in /tmp
const pool = createPool(settings, logger);
const server = createServer(createApp(settings, pool, logger));
server.on("error", (error) => {
  logger.fatal({ err: error.message }, `cannot listen on ${settings.HOST}:${settings.PORT}`);
  process.exit(1);
});
server.listen(settings.PORT, settings.HOST, () => {
  logger.info(
    {
      port: settings.PORT,
      host: settings.HOST,
      warmPoolSize: settings.WARM_POOL_SIZE,
      cliTimeoutMs: settings.CLI_TIMEOUT_MS,
    },
    "maxapi listening",
  );
});

let stopping = false;
const stop = (signal: string) => {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, "stopping: finishing in-flight requests");
  pool.close(); // warm processes serve nobody now
  server.close(() => process.exit(0));
  server.closeIdleConnections();
  // CLI runs can take minutes; compose's stop_grace_period is the hard bound, this one is ours
  setTimeout(() => {
    logger.warn(`in-flight requests cut after ${settings.SHUTDOWN_TIMEOUT_MS} ms`);
    process.exit(0);
  }, settings.SHUTDOWN_TIMEOUT_MS).unref();
};
process.on("SIGTERM", () => stop("SIGTERM"));
process.on("SIGINT", () => stop("SIGINT"));
