// pino JSON logs: one line per request with its id, model, status, duration and the
// normalizations applied. Request headers and bodies are never logged (they hold the key and
// the conversation).
import { randomUUID } from "node:crypto";
import type { Response } from "express";
import { pino, type Logger } from "pino";
import { pinoHttp } from "pino-http";
import "./locals.ts";

export const PROBE_PATHS = new Set(["/healthz", "/readyz", "/metrics"]);

// A client's x-request-id is kept when it is a plausible id, so traces join across services.
const SAFE_REQUEST_ID = /^[\w.:-]{1,128}$/;

export function createLogger(level: string): Logger {
  return pino({ level, base: { service: "normalizer" } });
}

export function requestLogger(logger: Logger) {
  return pinoHttp({
    logger,
    genReqId(req, res) {
      const given = req.headers["x-request-id"];
      const id = typeof given === "string" && SAFE_REQUEST_ID.test(given) ? given : randomUUID();
      res.setHeader("x-request-id", id);
      return id;
    },
    autoLogging: { ignore: (req) => PROBE_PATHS.has(req.url ?? "") },
    quietReqLogger: true,
    serializers: {
      req: (req: { id: unknown; method: string; url: string }) => ({ id: req.id, method: req.method, url: req.url }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
    customProps(_req, res) {
      const { model, requestedModel, normalizations, error } = (res as Response).locals;
      return { model, requestedModel, normalizations, error };
    },
    // a 5xx is explained by `error` above; pino-http's synthetic stack trace would only add noise
    customErrorObject: (_req, _res, _error, { err: _err, ...line }: Record<string, unknown>) => line,
    customLogLevel(_req, res, error) {
      if (error || res.statusCode >= 500) return "error";
      return res.statusCode >= 400 ? "warn" : "info";
    },
  });
}
