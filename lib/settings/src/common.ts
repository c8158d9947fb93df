// Variables of the same kind in several services, and their words.
import { z } from "zod";
import { MIN_KEY_LENGTH } from "./keys.ts";
import { AUTH_MODES, DEFAULTS, IMAGE_POLICIES } from "./stack.ts";

const NOTICE_CHANNELS = ["telegram", "discord"] as const;
import type { VariableHelp } from "./read.ts";

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

/** "a, b or c". */
const oneOf = (values: readonly string[]): string =>
  values.length < 2 ? values.join("") : `${values.slice(0, -1).join(", ")} or ${values.at(-1) ?? ""}`;

export const common = {
  host: () => z.string().default("0.0.0.0"),
  port: (fallback: number) => z.coerce.number().int().min(1).max(65535).default(fallback),
  positiveInt: (fallback: number) => z.coerce.number().int().positive().default(fallback),
  nonNegativeInt: (fallback: number) => z.coerce.number().int().nonnegative().default(fallback),
  logLevel: () => z.enum(LOG_LEVELS).default("info"),
  /** A random key of clawbridge's own (PROXY_API_KEY, OPENCLAW_GATEWAY_TOKEN). */
  key: () => z.string().min(MIN_KEY_LENGTH),
  authMode: () => z.enum(AUTH_MODES).default(DEFAULTS.AUTH_MODE),
  imagePolicy: () => z.enum(IMAGE_POLICIES).default(DEFAULTS.IMAGE_POLICY),
  maxBodyBytes: () => z.coerce.number().int().positive().default(DEFAULTS.MAX_BODY_BYTES),
  cliTimeoutMs: () => z.coerce.number().int().positive().default(DEFAULTS.CLI_TIMEOUT_MS),
  maxConcurrency: () => z.coerce.number().int().positive().default(DEFAULTS.MAX_CONCURRENCY),
  /** The OpenClaw channel notices go to (config-init renders OpenClaw's alerts there; the catch-up sends its own). */
  noticeChannel: () => z.enum(NOTICE_CHANNELS).optional(),
  shutdownTimeoutMs: () => z.coerce.number().int().nonnegative().default(DEFAULTS.SHUTDOWN_TIMEOUT_MS),
} as const;

/** What a key of clawbridge's own must be, to follow "is not". */
export const KEY_EXPECTED = `${MIN_KEY_LENGTH} or more characters`;

export const commonHelp = {
  PORT: { description: "The port it listens on inside its container", expected: "a port number (1-65535)" },
  HOST: { description: "The address it listens on inside its container", expected: "an address to listen on" },
  SHUTDOWN_TIMEOUT_MS: {
    description: "How long requests in flight may finish after a stop signal (ms)",
    expected: "a number of milliseconds (0 or more)",
  },
  MAX_BODY_BYTES: {
    description: "Largest request body accepted (bytes); a larger one gets 413",
    expected: "a number of bytes (1 or more)",
  },
  LOG_LEVEL: { description: "How much it logs", expected: `one of ${LOG_LEVELS.join(", ")}` },
  IMAGE_POLICY: { description: "What becomes of a request's images", expected: oneOf(IMAGE_POLICIES) },
  NOTICE_CHANNEL: {
    description: "OpenClaw channel notices go to (its bot token set); empty: none",
    expected: oneOf(NOTICE_CHANNELS),
  },
  NOTICE_TO: {
    description: "The chat on NOTICE_CHANNEL",
    expected: "a chat: a Telegram chat id, or a Discord channel id",
  },
  AUTH_MODE: {
    description:
      "max-proxy: the subscription through maxapi and the normalizer (Option 2); setup-token: the gateway uses CLAUDE_SETUP_TOKEN itself (Option 1)",
    expected: oneOf(AUTH_MODES),
  },
} as const satisfies Record<string, VariableHelp>;

/** A notice channel needs its chat: reports NOTICE_TO when NOTICE_CHANNEL is set without it. */
export function checkNoticeChat(
  settings: { NOTICE_CHANNEL?: string | undefined; NOTICE_TO?: string | undefined },
  report: (variable: string, what: string, fix?: string) => void,
): void {
  if (settings.NOTICE_CHANNEL !== undefined && settings.NOTICE_TO === undefined) {
    report(
      "NOTICE_TO",
      `is not set, and NOTICE_CHANNEL is ${settings.NOTICE_CHANNEL}`,
      "set the chat notices go to, or leave NOTICE_CHANNEL empty",
    );
  }
}
