// The model each family becomes in each auth mode: what config-init writes into openclaw.json
// (services/config-init/src/models.ts; a unit test keeps the two equal). verify runs on the host
// without installing config-init, so it carries its own copy.
import type { AuthMode, Family } from "./stack.ts";

const PROXY_MODELS: Record<Family, string> = { opus: "claude-opus-4", sonnet: "claude-sonnet-4", haiku: "claude-haiku-4" };
const ANTHROPIC_MODELS: Record<Family, string> = { opus: "claude-opus-5", sonnet: "claude-sonnet-5", haiku: "claude-haiku-4-5" };

/** The provider of the Claude models in each mode. */
export const providerOf = (mode: AuthMode): string => (mode === "max-proxy" ? "claude-max-proxy" : "anthropic");

export function modelRef(mode: AuthMode, family: Family): string {
  return `${providerOf(mode)}/${(mode === "max-proxy" ? PROXY_MODELS : ANTHROPIC_MODELS)[family]}`;
}
