// The normalizer process: configuration, listening, and a graceful stop on SIGTERM/SIGINT
// (stop accepting, let in-flight requests finish for up to SHUTDOWN_TIMEOUT_MS, exit 0).
import { createServer } from "node:http";
import { createApp } from "./app.ts";
import { printRefusal } from "@clawbridge/settings";
import { loadSettings, SettingsError } from "./settings.ts";
import { createLogger } from "./logging.ts";

function start(): void {
  let settings;
  try {
    settings = loadSettings();
  } catch (error) {
    if (!(error instanceof SettingsError)) throw error;
    printRefusal("normalizer", error);
    createLogger("info").fatal({ problems: error.problems }, error.message);
    process.exit(1);
  }
  const logger = createLogger(settings.logLevel);
  const { app, gate } = createApp(settings, logger);
  if (!settings.apiKey)
    logger.warn("PROXY_API_KEY is not set: anyone who can reach this port can use the subscription");

  const server = createServer(app);
  server.listen(settings.port, settings.host, () => {
    logger.info(
      {
        port: settings.port,
        upstream: settings.upstreamUrl,
        maxConcurrency: settings.maxConcurrency,
        maxQueue: settings.maxQueue,
      },
      "normalizer listening",
    );
  });

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal, running: gate.running, waiting: gate.waiting }, "stopping: finishing in-flight requests");
    server.close(() => {
      logger.info("stopped");
      process.exit(0);
    });
    server.closeIdleConnections();
    setTimeout(() => {
      logger.warn(
        { running: gate.running, waiting: gate.waiting },
        `in-flight requests cut after ${settings.shutdownTimeoutMs} ms`,
      );
      server.closeAllConnections();
      process.exit(0);
    }, settings.shutdownTimeoutMs).unref();
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
}

start();
