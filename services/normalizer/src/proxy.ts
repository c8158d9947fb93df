// The pass-through to maxapi (http-proxy-middleware). Responses are piped, so SSE chunks
// reach the client as they arrive; a client that hangs up destroys the upstream request (httpxy
// does that on `res` close). What this module adds: the normalized body, no client key upstream,
// an idle timeout that ends the exchange with a clear error, and OpenAI error bodies for 502/504.
import type { IncomingMessage } from "node:http";
import { ServerResponse } from "node:http";
import type { Response } from "express";
import { createProxyMiddleware, proxyEventsPlugin } from "http-proxy-middleware";
import type { Logger } from "pino";
import { ApiError, sendError, sseErrorEvent } from "@clawbridge/openai";
import type { Metrics } from "./metrics.ts";

export interface ProxyOptions {
  upstreamUrl: string;
  upstreamTimeoutMs: number;
}

class UpstreamTimeout extends Error {}

const upstreamTimeout = (ms: number) =>
  new ApiError(504, "api_error", "upstream_timeout", `maxapi (upstream) sent nothing for ${ms} ms`);

const upstreamUnreachable = (cause: string) =>
  new ApiError(502, "api_error", "upstream_unreachable", `maxapi (upstream) is unreachable (${cause})`);

const upstreamLost = () =>
  new ApiError(502, "api_error", "upstream_lost", "maxapi (upstream) went away in the middle of the answer");

const isEventStream = (res: ServerResponse) => String(res.getHeader("content-type")).includes("text/event-stream");

/** Ends a response with an error however far it got: a JSON error, a final SSE event, or a cut. */
function endWithError(res: Response, error: ApiError): void {
  if (!res.headersSent) sendError(res, error);
  else if (isEventStream(res) && !res.writableEnded) {
    res.locals.error = error.message;
    res.end(sseErrorEvent(error));
  } else res.destroy();
}

export function createUpstreamProxy(options: ProxyOptions, metrics: Metrics, logger: Logger) {
  return createProxyMiddleware({
    target: options.upstreamUrl,
    changeOrigin: true,
    // our own error handling replaces the default plain-text 504/500 plugin
    ejectPlugins: true,
    plugins: [proxyEventsPlugin],
    on: {
      proxyReq(proxyReq, _req, serverResponse) {
        const res = serverResponse as Response; // the proxy is mounted in express
        proxyReq.removeHeader("authorization"); // the client's key is for us, not for upstream
        if (res.locals.requestId) proxyReq.setHeader("x-request-id", res.locals.requestId);
        const body = res.locals.upstreamBody;
        if (body) {
          // express.json consumed (and possibly inflated) the client's body: send ours instead
          proxyReq.removeHeader("content-encoding");
          proxyReq.setHeader("content-type", "application/json");
          proxyReq.setHeader("content-length", body.byteLength);
          proxyReq.write(body);
        }

        let upstream: IncomingMessage | undefined;
        const started = performance.now();
        proxyReq.once("response", (response: IncomingMessage) => {
          upstream = response;
          // maxapi went away mid-answer (killed, crashed, restarted): finish with an error the client
          // can read, not a cut connection. 'aborted' fires before httpxy's own error handling, which
          // then closes the connection once our last event is flushed.
          response.once("aborted", () => {
            response.unpipe(res);
            endWithError(res, upstreamLost());
          });
        });
        res.once("close", () => {
          metrics.upstreamDuration.observe(
            { status: upstream?.statusCode ?? "none" },
            (performance.now() - started) / 1000,
          );
        });
        proxyReq.setTimeout(options.upstreamTimeoutMs, () => {
          if (!upstream) {
            proxyReq.destroy(new UpstreamTimeout()); // reaches `error` below → 504
            return;
          }
          // mid-response: stop relaying, tell the client, then drop the upstream request
          upstream.unpipe(res);
          endWithError(res, upstreamTimeout(options.upstreamTimeoutMs));
          res.once("close", () => proxyReq.destroy());
        });
      },
      proxyRes(proxyRes) {
        // claude-max-api 1.0.0 allowed any origin; this proxy serves programs, not web pages
        delete proxyRes.headers["access-control-allow-origin"];
      },
      error(error, _req, res) {
        if (!(res instanceof ServerResponse)) {
          res.destroy();
          return;
        }
        const response = res as Response;
        if (response.writableEnded || response.destroyed) return;
        const code = (error as NodeJS.ErrnoException).code ?? error.message;
        const apiError =
          error instanceof UpstreamTimeout ? upstreamTimeout(options.upstreamTimeoutMs) : upstreamUnreachable(code);
        logger.debug({ reqId: response.locals.requestId, code }, "upstream request failed");
        endWithError(response, apiError);
      },
    },
  });
}
