// OpenAI-style errors: every failure the normalizer or maxapi produces itself has this body, so any
// OpenAI client (and OpenClaw's failover, which reads the status) understands it.

// billing_error: Anthropic refused on billing grounds (extra usage), which is neither a rate limit nor a fault
// not_found_error: Anthropic's type for a model that is not there for this request (OpenClaw reads it
// as a missing model and falls back, where it reads invalid_request_error as a malformed request)
export type OpenAIErrorType =
  | "invalid_request_error"
  | "not_found_error"
  | "authentication_error"
  | "rate_limit_error"
  | "billing_error"
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

/** The part of express's Response that sending an error needs. */
interface ErrorResponse {
  headersSent: boolean;
  locals: Record<string, unknown>;
  status(code: number): { set(headers: Record<string, string>): { json(body: unknown): unknown } };
}

/** Sends the error unless a response is already under way; records it for the request's log line. */
export function sendError(res: ErrorResponse, error: ApiError): void {
  res.locals.error = error.message;
  if (res.headersSent) return;
  res
    .status(error.status)
    .set({ ...error.headers })
    .json(error.body);
}

/**
 * The end of a stream that already started: an error event in the shape OpenAI streams use, then
 * `[DONE]`. It starts with a blank line, so it also ends an event cut off mid-way.
 */
export function sseErrorEvent(error: ApiError): string {
  return `\n\ndata: ${JSON.stringify(error.body)}\n\ndata: [DONE]\n\n`;
}

/**
 * express.json()'s errors (they carry `type`) as what the client gets: 413, 400, or "aborted" for an
 * upload the client gave up; undefined for any other error, which is the service's own to log.
 */
export function bodyParserError(error: unknown, maxBodyBytes: number): ApiError | "aborted" | undefined {
  const { type, status } = error as { type?: string; status?: number };
  if (type === "entity.too.large")
    return new ApiError(
      413,
      "invalid_request_error",
      "request_too_large",
      `request body is over ${maxBodyBytes} bytes (MAX_BODY_BYTES)`,
    );
  if (type === "entity.parse.failed") return invalidRequest("request body is not valid JSON", null, "invalid_json"); // the parser's message quotes the body
  if (type === "request.aborted") return "aborted";
  if (status && status >= 400 && status < 500)
    return new ApiError(status, "invalid_request_error", type ?? "bad_request", (error as Error).message);
  return undefined;
}
