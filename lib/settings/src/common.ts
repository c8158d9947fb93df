// Variables of the same kind in several services, and their words.
import { z } from "zod";
import { MIN_KEY_LENGTH } from "./keys.ts";
import { AUTH_MODES, DEFAULTS } from "./stack.ts";
import type { VariableHelp } from "./read.ts";

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

export const common = {
  port: (fallback: number) => z.coerce.number().int().min(1).max(65535).default(fallback),
  positiveInt: (fallback: number) => z.coerce.number().int().positive().default(fallback),
  nonNegativeInt: (fallback: number) => z.coerce.number().int().nonnegative().default(fallback),
  logLevel: () => z.enum(LOG_LEVELS).default("info"),
  /** A random key of clawbridge's own (PROXY_API_KEY, OPENCLAW_GATEWAY_TOKEN). */
  key: () => z.string().min(MIN_KEY_LENGTH),
  authMode: () => z.enum(AUTH_MODES).default(DEFAULTS.AUTH_MODE),
} as const;

/** What a key of clawbridge's own must be, to follow "is not". */
export const KEY_EXPECTED = `${MIN_KEY_LENGTH} or more characters`;

export const commonHelp = {
  PORT: { description: "The port it listens on inside its container", expected: "a port number (1-65535)" },
  HOST: { description: "The address it listens on inside its container", expected: "an address to listen on" },
  SHUTDOWN_TIMEOUT_MS: { description: "How long requests in flight may finish after a stop signal (ms)", expected: "a number of milliseconds (0 or more)" },
  MAX_BODY_BYTES: { description: "Largest request body accepted (bytes); a larger one gets 413", expected: "a number of bytes (1 or more)" },
  LOG_LEVEL: { description: "How much it logs", expected: `one of ${LOG_LEVELS.join(", ")}` },
  AUTH_MODE: {
    description: "max-proxy: the subscription through maxapi and the normalizer (Option 2); setup-token: the gateway uses CLAUDE_SETUP_TOKEN itself (Option 1)",
    expected: AUTH_MODES.join(" or "),
  },
} as const satisfies Record<string, VariableHelp>;
