// pino JSON logs, one line per request when it ends: its id (the client's x-request-id, which the
// normalizer sends, so one request's lines join across both services), status, duration, the model,
// what the request carried, and on failure the error and what the CLI said on stderr. Never message
// content, never a token. The probes are not logged.
import { requestIdFrom } from "@clawbridge/openai";
import type { RequestHandler } from "express";
import { pino, type Level, type Logger } from "pino";
import "./locals.ts";

const UNLOGGED = new Set(["/health", "/metrics"]);

export function createLogger(level: string): Logger {
  return pino({ level, base: { service: "maxapi" } });
}

/** Gives each request an id (`res.locals.requestId`, the `x-request-id` response header) and logs it once it ends. */
export function requestLog(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const requestId = requestIdFrom(req.headers["x-request-id"]);
    res.locals.requestId = requestId;
    res.setHeader("x-request-id", requestId);
    if (UNLOGGED.has(req.path)) {
      next();
      return;
    }
    const started = performance.now();
    const write = () => {
      const { model, images, tools, systemPromptChars, settings, cliPid, cliExit, cliStderr, error } = res.locals;
      const complete = res.writableFinished;
      // an error event after the stream began leaves status 200: still an error
      const failed = res.statusCode >= 500 || (error !== undefined && res.statusCode < 400);
      const level: Level = failed ? "error" : res.statusCode >= 400 || !complete ? "warn" : "info";
      logger[level](
        {
          reqId: requestId,
          method: req.method,
          path: req.originalUrl,
          status: res.headersSent ? res.statusCode : undefined, // none was sent to a client that left first
          durationMs: Math.round(performance.now() - started),
          model,
          images,
          tools,
          systemPromptChars,
          settings,
          cliPid,
          cliExit,
          cliStderr,
          error,
        },
        complete ? "request completed" : "request aborted by the client",
      );
    };
    res.once("close", () => {
      // a client that left: the line waits for its CLI to be stopped, so it can say how that went
      const { cliEnded } = res.locals;
      if (!res.writableFinished && cliEnded) void cliEnded.then(write);
      else write();
    });
    next();
  };
}
