// OpenAI-style errors: every failure the normalizer itself produces has this body, so any OpenAI
// client (and OpenClaw's failover, which reads the status) understands it.
import type { Response } from "express";

export type OpenAIErrorType =
  | "invalid_request_error"
  | "authentication_error"
  | "rate_limit_error"
  | "api_error";

export interface OpenAIErrorBody {
  error: { message: string; type: OpenAIErrorType; param: string | null; code: string | null };
}

/** An error meant for the client: status, OpenAI type and code, and optional response headers. */
export class ApiError extends Error {
  readonly status: number;
  readonly type: OpenAIErrorType;
  readonly code: string;
  readonly param: string | null;
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    status: number,
    type: OpenAIErrorType,
    code: string,
    message: string,
    param: string | null = null,
    headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.type = type;
    this.code = code;
    this.param = param;
    this.headers = headers;
  }

  get body(): OpenAIErrorBody {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } };
  }
}

export const invalidRequest = (message: string, param: string | null = null, code = "invalid_request") =>
  new ApiError(400, "invalid_request_error", code, message, param);

/** Sends the error unless a response is already under way; records it for the request log line. */
export function sendError(res: Response, error: ApiError): void {
  res.locals.error = error.message;
  if (res.headersSent) return;
  res.status(error.status).set(error.headers).json(error.body);
}

/** An SSE event that ends a stream that already started, in the shape OpenAI streams use. */
export function sseErrorEvent(error: ApiError): string {
  return `\n\ndata: ${JSON.stringify(error.body)}\n\ndata: [DONE]\n\n`;
}
