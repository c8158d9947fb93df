// What the middlewares of one request tell each other (and the request's log line) via res.locals.
import type { Normalizations } from "./normalize.ts";

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace -- Express declares Locals this way
  namespace Express {
    interface Locals {
      /** The client's x-request-id, or a new UUID. */
      requestId?: string;
      /** The model sent upstream, and the one the client asked for. */
      model?: string;
      requestedModel?: string;
      normalizations?: Normalizations;
      /** The normalized JSON body, serialized once. */
      upstreamBody?: Buffer;
      /** Why the request failed, for the log line (never content, never the key). */
      error?: string;
    }
  }
}

export {};
