// The chat-completions route's own steps before the proxy: parse JSON with the size limit,
// validate and normalize, and hand the serialized body to the proxy.
import express, { type RequestHandler } from "express";
import type { Metrics } from "./metrics.ts";
import { normalizeChatRequest, type NormalizeOptions } from "./normalize.ts";

/** Parses any body as JSON (clients forget Content-Type); over `limit` bytes body-parser answers 413. */
export const parseJsonBody = (limit: number): RequestHandler => express.json({ limit, type: () => true });

export function normalizeChatBody(options: NormalizeOptions, metrics: Metrics): RequestHandler {
  return (req, res, next) => {
    const requested: unknown = (req.body as { model?: unknown } | undefined)?.model;
    if (typeof requested === "string") res.locals.requestedModel = requested;
    const { body, normalizations } = normalizeChatRequest(req.body, options); // throws ApiError → 400
    res.locals.model = body.model;
    res.locals.normalizations = normalizations;
    for (const [kind, times] of Object.entries(normalizations)) metrics.normalizations.inc({ kind }, times);
    res.locals.upstreamBody = Buffer.from(JSON.stringify(body));
    next();
  };
}
