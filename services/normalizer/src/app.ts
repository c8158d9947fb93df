// The normalizer as an express app, without a port: tests mount it in-process, main.ts listens.
import express, { type ErrorRequestHandler, type RequestHandler } from "express";
import type { Logger } from "pino";
import { AdmissionGate } from "./admission.ts";
import { requireApiKey } from "./auth.ts";
import { normalizeChatBody, parseJsonBody } from "./chat-request.ts";
import { ApiError, invalidRequest, sendError } from "./errors.ts";
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
  app.post(CHAT_PATH, parseJsonBody(settings.maxBodyBytes), normalizeChatBody(settings, metrics), gate.middleware, proxy);
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

/** body-parser's errors (they carry `type`) and our ApiErrors become OpenAI error bodies. */
function errorHandler(maxBodyBytes: number, logger: Logger): ErrorRequestHandler {
  return (error: unknown, _req, res, _next) => {
    if (error instanceof ApiError) {
      sendError(res, error);
      return;
    }
    const parserError = error as { type?: string; status?: number };
    switch (parserError.type) {
      case "entity.too.large":
        sendError(res, new ApiError(413, "invalid_request_error", "request_too_large", `request body is over ${maxBodyBytes} bytes (MAX_BODY_BYTES)`));
        return;
      case "entity.parse.failed": // the parser's message quotes the body, so it is not repeated
        sendError(res, invalidRequest("request body is not valid JSON", null, "invalid_json"));
        return;
      case "request.aborted":
        res.locals.error = "client aborted the upload";
        return;
    }
    if (parserError.status && parserError.status >= 400 && parserError.status < 500) {
      sendError(res, new ApiError(parserError.status, "invalid_request_error", parserError.type ?? "bad_request", (error as Error).message));
      return;
    }
    logger.error({ reqId: res.locals.requestId, err: error }, "unexpected error");
    sendError(res, new ApiError(500, "api_error", "internal_error", "the normalizer failed unexpectedly; see its log"));
  };
}
