// maxapi launcher: checks the environment, then starts claude-max-api's own server bound to all
// interfaces (its `claude-max-api` command binds 127.0.0.1 only, unreachable in a container).
import { pino } from "pino";
import { startServer, stopServer } from "claude-max-api-proxy";
import { AUTH_FIX, cliAuthStatus } from "./cli-auth.ts";
import { printRefusal } from "@clawbridge/settings";
import { loadSettings, SettingsError } from "./config.ts";
import { registerHooks } from "./hooks.ts";

const logger = pino({ base: { service: "maxapi" }, level: process.env.LOG_LEVEL || "info" });

let settings;
try {
  settings = loadSettings();
} catch (error) {
  if (!(error instanceof SettingsError)) throw error;
  printRefusal("maxapi", error);
  logger.fatal({ problems: error.problems }, error.message);
  process.exit(1);
}

// Every CLI process inherits this environment: the token from a file reaches them as the variable.
if (settings.CLAUDE_CODE_OAUTH_TOKEN) process.env.CLAUDE_CODE_OAUTH_TOKEN = settings.CLAUDE_CODE_OAUTH_TOKEN;
delete process.env.CLAUDE_CODE_OAUTH_TOKEN_FILE;
process.chdir(settings.CLI_WORKDIR);

const auth = await cliAuthStatus(process.env);
if (auth.loggedIn) logger.info({ authMethod: auth.method }, "Claude CLI credentials found");
else logger.error({ authMethod: auth.method }, AUTH_FIX);

const pool = registerHooks(settings, logger);
await startServer({ port: settings.PORT, host: settings.HOST });
logger.info({ port: settings.PORT, host: settings.HOST, warmPoolSize: settings.WARM_POOL_SIZE }, "maxapi listening");

let stopping = false;
const stop = (signal: string) => {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, "stopping: finishing in-flight requests");
  pool.close(); // warm processes serve nobody now
  void stopServer().then(() => process.exit(0));
  // CLI runs can take minutes; compose's stop_grace_period is the hard bound, this one is ours
  setTimeout(() => {
    logger.warn(`in-flight requests cut after ${settings.SHUTDOWN_TIMEOUT_MS} ms`);
    process.exit(0);
  }, settings.SHUTDOWN_TIMEOUT_MS).unref();
};
process.on("SIGTERM", () => stop("SIGTERM"));
process.on("SIGINT", () => stop("SIGINT"));
