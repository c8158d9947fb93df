// The row after the usage windows: whether the optional metered fallback is on, i.e. whether
// FALLBACK_ANTHROPIC_API_KEY (or FALLBACK_ANTHROPIC_API_KEY_FILE) reaches a service of the stack, as
// `docker compose config` resolves .env (or, on Swarm, as the services got it). With it, OpenClaw
// answers on the metered Anthropic API while the subscription refuses; without it, turns wait for the
// window's reset. The key is shown as its prefix and length only (secrets.ts).
import { API_KEY_PREFIX, MIN_API_KEY_LENGTH, SETUP_TOKEN_PREFIX } from "@clawbridge/settings";
import type { Commands } from "./commands.ts";
import { fail, ok, skip, type Row } from "./row.ts";
import { mask } from "./secrets.ts";
import { CONFIG_INIT, envValue, has, type Stack } from "./stack.ts";

export const FALLBACK_CHECK = "metered fallback";
export const FALLBACK_KEY = "FALLBACK_ANTHROPIC_API_KEY";

export interface FallbackSetting {
  /** The services that get it. */
  services: string[];
  /** The key itself, or "" when it comes from a file. */
  key: string;
  /** FALLBACK_ANTHROPIC_API_KEY_FILE: a path inside the container. */
  file: string;
}

/** Where the fallback key is set, looking at config-init and the gateway first; undefined when nowhere. */
export function fallbackSetting(stack: Stack): FallbackSetting | undefined {
  const services = [CONFIG_INIT, "gateway", ...Object.keys(stack.env).sort()].filter(
    (service, i, all) => all.indexOf(service) === i && service in stack.env,
  );
  const setting = (service: string) => ({
    key: envValue(stack, service, FALLBACK_KEY).trim(),
    file: envValue(stack, service, `${FALLBACK_KEY}_FILE`).trim(),
  });
  const using = services.filter((service) => {
    const { key, file } = setting(service);
    return key !== "" || file !== "";
  });
  const [first] = using;
  return first === undefined ? undefined : { services: using, ...setting(first) };
}

export const fallbackOn = (stack: Stack): boolean => fallbackSetting(stack) !== undefined;

/** Why the key is not an Anthropic API key, or "". */
function keyProblem(key: string): string {
  if (key.startsWith(SETUP_TOKEN_PREFIX)) return "a setup token (the subscription), not an API key";
  if (!key.startsWith(API_KEY_PREFIX)) return `not an Anthropic API key (${API_KEY_PREFIX}03-…)`;
  if (key.length < MIN_API_KEY_LENGTH) return `too short for an Anthropic API key (over 100 characters)`;
  return "";
}

const ON = "while the subscription is refused, OpenClaw falls back to the metered Anthropic API (costs money)";

export function fallbackRow(stack: Stack, dc: Commands): Row {
  const setting = fallbackSetting(stack);
  if (!setting) {
    if (!has(stack, "gateway") && !stack.configInit)
      return skip(FALLBACK_CHECK, `off here: ${FALLBACK_KEY} is the gateway's setting (no gateway here)`);
    return skip(FALLBACK_CHECK, "off: when the subscription's window is spent, turns wait for its reset");
  }
  if (setting.key === "") return ok(FALLBACK_CHECK, `on (${FALLBACK_KEY}_FILE, a file, not checked): ${ON}`);
  const problem = keyProblem(setting.key);
  if (problem) {
    const getKey = `create an API key at console.anthropic.com (billed per token) and set ${FALLBACK_KEY} in .env to it, or leave it empty to turn the fallback off`;
    const first = setting.key.startsWith(SETUP_TOKEN_PREFIX) ? "put it in CLAUDE_SETUP_TOKEN; " : "";
    return fail(
      FALLBACK_CHECK,
      `${FALLBACK_KEY} is ${mask(setting.key)}: ${problem}`,
      `${first}${getKey}; then ${dc.recreate(setting.services.join(" "))}`,
    );
  }
  return ok(FALLBACK_CHECK, `on, ${mask(setting.key)}: ${ON}`);
}
