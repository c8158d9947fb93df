// What the chat route tells the request's log line (logging.ts) via res.locals.
import type { ModelSettings } from "./chat/model-settings.ts";

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace -- Express declares Locals this way
  namespace Express {
    interface Locals {
      /** The client's x-request-id, or a new UUID. */
      requestId?: string;
      /** The model id the client asked for. */
      model?: string;
      /** Image blocks and tools the request carried. */
      images?: number;
      tools?: number;
      /** Characters of the system prompt the CLI was given (SYSTEM_PROMPT=system-prompt). */
      systemPromptChars?: number | undefined;
      /** The model settings the request set (max output tokens, sampling, effort), by name. */
      settings?: ModelSettings | undefined;
      /** The CLI process that served it, how it ended (code, signal, timeout, failed), what it wrote besides its output. */
      cliPid?: number | undefined;
      cliExit?: number | string;
      cliStderr?: string | undefined;
      /** Settles when the CLI run has ended: the log line of a client that left waits for it. */
      cliEnded?: Promise<void>;
      /** Why the request failed (never content, never a token). */
      error?: string;
    }
  }
}

export {};
