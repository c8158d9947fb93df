// Bearer-key check for everything but the probes. Keys are compared as SHA-256 digests with
// timingSafeEqual, so neither the content nor the length of the key leaks through timing.
import { hash, timingSafeEqual } from "node:crypto";
import type { RequestHandler } from "express";
import { ApiError, sendError } from "@clawbridge/openai";

const digest = (value: string) => hash("sha256", value, "buffer");

export function requireApiKey(apiKey: string): RequestHandler {
  const expected = digest(apiKey);
  return (req, res, next) => {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? "");
    if (match?.[1] && timingSafeEqual(digest(match[1]), expected)) {
      next();
      return;
    }
    const problem = req.headers.authorization ? "the API key is not valid" : "an API key is required";
    sendError(
      res,
      new ApiError(
        401,
        "authentication_error",
        "invalid_api_key",
        `${problem}: send this normalizer's PROXY_API_KEY as the bearer token (on a gateway host: the same PROXY_API_KEY in .env)`,
        null,
        {
          "www-authenticate": "Bearer",
        },
      ),
    );
  };
}
