// Facts about settings that more than one program reads. Where each service listens and how the
// others reach it inside the stack; and the defaults of the variables make verify reads. verify
// checks a stack's settings as its containers got them, where an empty variable means the default:
// the owner's settings module takes its default from here, so verify falls back to the same value.

/** Each service's port inside its container (its default PORT). */
export const PORTS = { maxapi: 3456, normalizer: 3457, catchup: 3458, gateway: 18789 } as const;

/** maxapi as the normalizer reaches it. */
export const MAXAPI_URL = `http://maxapi:${PORTS.maxapi}`;
/** The normalizer's OpenAI base URL, as the gateway and the catch-up reach it. */
export const NORMALIZER_URL = `http://normalizer:${PORTS.normalizer}/v1`;
/** The OpenClaw gateway, as the catch-up reaches it. */
export const GATEWAY_URL = `http://gateway:${PORTS.gateway}`;

export const AUTH_MODES = ["max-proxy", "setup-token"] as const;

/** Defaults of variables whose owner is one service and which another program reads. */
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
} as const satisfies Record<string, string | number>;

/** The normalizer waits for maxapi a little longer than maxapi waits for the CLI, so maxapi's 504 gets through. */
export const UPSTREAM_TIMEOUT_MARGIN_MS = 10_000;
