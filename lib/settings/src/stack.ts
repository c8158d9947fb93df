// Facts about settings that more than one program reads. Where each service listens and how the
// others reach it inside the stack; the defaults of variables that several services read (compose
// gives them the same .env variable) or that make verify reads (it checks a stack's settings as the
// containers got them, where an empty variable means the default). Each settings module takes such
// a default from here, so it is written once.

/** Each service's port inside its container (its default PORT). */
export const PORTS = { maxapi: 3456, normalizer: 3457, catchup: 3458, gateway: 18789 } as const;

/** maxapi as the normalizer reaches it. */
export const MAXAPI_URL = `http://maxapi:${PORTS.maxapi}`;
/** The normalizer's OpenAI base URL, as the gateway and the catch-up reach it. */
export const NORMALIZER_URL = `http://normalizer:${PORTS.normalizer}/v1`;
/** The OpenClaw gateway, as the catch-up reaches it. */
export const GATEWAY_URL = `http://gateway:${PORTS.gateway}`;

export const AUTH_MODES = ["max-proxy", "setup-token"] as const;

/** What becomes of a request's images: sent to the model, a short note instead, or refused (400). */
export const IMAGE_POLICIES = ["send", "placeholder", "reject"] as const;
export type ImagePolicy = (typeof IMAGE_POLICIES)[number];

export const DEFAULTS = {
  /** config-init's and the catch-up's (compose gives both the same value). */
  AUTH_MODE: "max-proxy",
  /** config-init's: the agents and their model; the first is the default agent. */
  AGENTS: "main=opus,lite=sonnet",
  /** config-init's: the model of agents.defaults. */
  DEFAULT_MODEL: "sonnet",
  /** config-init's: the heartbeat's model. */
  HEARTBEAT_MODEL: "haiku",
  /** maxapi's: warm CLI processes. */
  WARM_POOL_SIZE: 2,
  /** maxapi stops a CLI run after CLI_TIMEOUT_MS; the normalizer waits a little longer. */
  CLI_TIMEOUT_MS: 300_000,
  /** The normalizer's cap on requests at once; maxapi keeps busy and warm CLI processes within it. */
  MAX_CONCURRENCY: 4,
  /** Anthropic's own request limit, the normalizer's and maxapi's: room for a few images at 5 MB each. */
  MAX_BODY_BYTES: 32 * 1024 * 1024,
  /** The normalizer's, and config-init's (the proxy's models take images only under send). */
  IMAGE_POLICY: "send",
  /** How long requests in flight may finish after a stop signal (maxapi's and the normalizer's). */
  SHUTDOWN_TIMEOUT_MS: 25_000,
} as const satisfies Record<string, string | number>;

/** The normalizer waits for maxapi a little longer than maxapi waits for the CLI, so maxapi's 504 gets through. */
export const UPSTREAM_TIMEOUT_MARGIN_MS = 10_000;
