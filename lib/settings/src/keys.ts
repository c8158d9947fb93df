// What clawbridge's keys and Anthropic's credentials look like: the rules config-init, the
// normalizer, the catch-up, maxapi and make verify apply to them. bin/setup, a shell script, states
// the setup token's two rules again; a unit test holds it to these.

/** The shortest random key clawbridge accepts (PROXY_API_KEY, OPENCLAW_GATEWAY_TOKEN). */
export const MIN_KEY_LENGTH = 16;

/** How the setup token `claude setup-token` prints begins (an OAuth token of the subscription). */
export const SETUP_TOKEN_PREFIX = "sk-ant-oat01-";

/** OpenClaw refuses shorter setup tokens. */
export const MIN_SETUP_TOKEN_LENGTH = 80;

/** How an Anthropic API key (console.anthropic.com, billed per token) begins: sk-ant-api03-… */
export const API_KEY_PREFIX = "sk-ant-api";

/** Shorter than this is no Anthropic API key (theirs have over 100 characters). */
export const MIN_API_KEY_LENGTH = 40;

/** The fix for a missing or short key: `make setup` makes one. */
export const MAKE_SETUP = `run make setup, or set ${MIN_KEY_LENGTH} or more random characters in .env`;
