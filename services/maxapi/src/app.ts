// maxapi as an express app, without a port: tests mount it in-process with a stand-in CLI, main.ts
// listens. claude-max-api 1.0.0's API: POST /v1/chat/completions, GET /v1/models, GET /health;
// GET /metrics (the warm pool's figures, the subscription's usage windows and billing refusals) and
// GET /v1/limits (the same limits as JSON, for the catch-up service).
import { ACCEPTED_IDS } from "@clawbridge/models";
import { ApiError, bodyParserError, sendError } from "@clawbridge/openai";
import express, { type ErrorRequestHandler } from "express";
import type { Logger } from "pino";
import { chatRoute } from "./chat/route.ts";
import { createLimits, type Limits } from "./limits/limits.ts";
import { limitsRoute } from "./limits/report.ts";
import { requestLog } from "./logging.ts";
import { metricsRoute } from "./metrics.ts";
import type { Settings } from "./settings.ts";
import { holdToolsFileAgain } from "./tools/tool-files.ts";
import { loginVersion } from "./warm/login-version.ts";
import { WarmPool, type Spawn } from "./warm/pool.ts";

export type AppSettings = Pick<
  Settings,
  "MAX_BODY_BYTES" | "CLI_TIMEOUT_MS" | "RATE_LIMIT_RETRY_AFTER_SECONDS" | "SYSTEM_PROMPT" | "EXTRA_USAGE"
>;
export type PoolSettings = Pick<Settings, "WARM_POOL_SIZE" | "MAX_CONCURRENCY" | "WARM_IDLE_MS" | "CLI_WORKDIR">;

/** The CLI processes' pool as maxapi runs it; tests give it a stand-in spawn (and a short quiet time). */
export function createPool(
  settings: PoolSettings,
  logger: Logger,
  test: { spawn?: Spawn; quietMs?: number } = {},
): WarmPool {
  return new WarmPool({
    size: settings.WARM_POOL_SIZE,
    capacity: settings.MAX_CONCURRENCY,
    idleMs: settings.WARM_IDLE_MS,
    cwd: settings.CLI_WORKDIR,
    hold: (command) => holdToolsFileAgain(command.toolsFile),
    credentials: loginVersion,
    log: (level, entry, message) => logger[level](entry, message),
    ...test,
  });
}

/** `limits`: what the subscription's windows and refusals are known to be; tests give it their own clock. */
export function createApp(
  settings: AppSettings,
  pool: WarmPool,
  logger: Logger,
  limits: Limits = createLimits(
    (level, entry, message) => logger[level](entry, message),
    Date.now,
    settings.EXTRA_USAGE,
  ),
) {
  const app = express();
  app.disable("x-powered-by");
  app.use(requestLog(logger));
  app.get("/health", (_req, res) => {
    res.json({ status: "ok", provider: "claude-code-cli", timestamp: new Date().toISOString() });
  });
  // what can be asked for: each family (its newest model) and each exact id (a pin)
  app.get("/v1/models", (_req, res) => {
    const created = Math.floor(Date.now() / 1000);
    res.json({
      object: "list",
      data: ACCEPTED_IDS.map((id) => ({ id, object: "model", owned_by: "anthropic", created })),
    });
  });
  app.get(
    "/metrics",
    metricsRoute(() => pool.stats, limits),
  );
  app.get("/v1/limits", limitsRoute(limits));
  app.post(
    "/v1/chat/completions",
    express.json({ limit: settings.MAX_BODY_BYTES }),
    chatRoute({
      cli: pool,
      limits,
      cliTimeoutMs: settings.CLI_TIMEOUT_MS,
      retryAfterSeconds: settings.RATE_LIMIT_RETRY_AFTER_SECONDS,
      systemPrompt: settings.SYSTEM_PROMPT,
    }),
  );
  app.use((req, res) => {
    sendError(res, new ApiError(404, "invalid_request_error", "not_found", `no route ${req.method} ${req.path}`));
  });
  app.use(errorHandler(settings.MAX_BODY_BYTES, logger));
  return app;
}

/** The body parser's errors become OpenAI error bodies; anything else is a 500 whose detail stays in the log. */
function errorHandler(maxBodyBytes: number, logger: Logger): ErrorRequestHandler {
  return (error: unknown, _req, res, _next) => {
    const known = bodyParserError(error, maxBodyBytes);
    if (known === "aborted") res.locals.error = "client aborted the upload";
    else if (known) sendError(res, known);
    else {
      logger.error({ reqId: res.locals.requestId, err: error }, "unexpected error");
      sendError(res, new ApiError(500, "api_error", "internal_error", "maxapi failed unexpectedly; see its log"));
    }
  };
}
