// The normalizer as an express app, without a port: tests mount it in-process, main.ts listens.
import express, { type ErrorRequestHandler, type RequestHandler } from "express";
import type { Logger } from "pino";
import { AdmissionGate } from "./admission.ts";
import { requireApiKey } from "./auth.ts";
import { normalizeChatBody, parseJsonBody } from "./chat-request.ts";
import { ApiError, bodyParserError, sendError } from "@clawbridge/openai";
import { PROBE_PATHS, requestLogger } from "./logging.ts";
import { createMetrics, type Metrics } from "./metrics.ts";
import { probes } from "./probes.ts";
import { createUpstreamProxy } from "./proxy.ts";
import type { Settings } from "./settings.ts";

export const CHAT_PATH = "/v1/chat/completions";

export function createApp(settings: Settings, logger: Logger) {
  const gate = new AdmissionGate({
    concurrency: settings.maxConcurrency,
    maxQueue: settings.maxQueue,
    queueTimeoutMs: settings.queueTimeoutMs,
  });
  const metrics = createMetrics(gate);
  const proxy = createUpstreamProxy(settings, metrics, logger);

  const app = express();
  app.disable("x-powered-by");
  app.use(requestLogger(logger), countRequests(metrics));
  app.use(probes(settings.upstreamUrl, metrics));
  if (settings.apiKey) app.use(requireApiKey(settings.apiKey));
  app.post(
    CHAT_PATH,
    parseJsonBody(settings.maxBodyBytes),
    normalizeChatBody(settings, metrics),
    gate.middleware,
    proxy,
  );
  app.use(proxy); // every other path (/v1/models, ...) goes upstream unchanged
  app.use(errorHandler(settings.maxBodyBytes, logger));
  return { app, gate, metrics };
}

function countRequests(metrics: Metrics): RequestHandler {
  return (req, res, next) => {
    res.once("close", () => {
      const route = req.path === CHAT_PATH ? "chat_completions" : PROBE_PATHS.has(req.path) ? "probe" : "proxy";
      metrics.requests.inc({ route, status: res.writableFinished ? res.statusCode : "aborted" });
    });
    next();
  };
}

/** body-parser's errors and our ApiErrors become OpenAI error bodies; anything else is a 500 whose detail stays in the log. */
function errorHandler(maxBodyBytes: number, logger: Logger): ErrorRequestHandler {
  return (error: unknown, _req, res, _next) => {
    const known = error instanceof ApiError ? error : bodyParserError(error, maxBodyBytes);
    if (known === "aborted") res.locals.error = "client aborted the upload";
    else if (known) sendError(res, known);
    else {
      logger.error({ reqId: res.locals.requestId, err: error }, "unexpected error");
      sendError(
        res,
        new ApiError(500, "api_error", "internal_error", "the normalizer failed unexpectedly; see its log"),
      );
    }
  };
}
