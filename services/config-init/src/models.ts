// The models of openclaw.json, from the one model table (lib/models): the chains of references
// per choice and mode, the proxy's and the metered fallback's model rows, and how a reference of an
// earlier install is brought into the chosen mode.
import {
  choiceChain,
  displayName,
  FAMILIES,
  FAMILY_FACTS,
  familyChoice,
  MODELS,
  modelRef,
  newestOf,
  openclawId,
  parseChoice,
  PROXY_PROVIDER,
  providerOf,
  SUBSCRIPTION_CONTEXT_WINDOW,
  type AuthMode,
  type Family,
  type ModelChoice,
  type ModelFacts,
} from "@clawbridge/models";
import type { ImagePolicy } from "@clawbridge/settings";

export { modelRef, PROXY_PROVIDER, type AuthMode, type ModelChoice };

/** A choice's id for the metered fallback: OpenClaw's catalogue runs it, or else its family's newest there. */
const apiFallbackId = (choice: ModelChoice): string =>
  openclawId("setup-token", choice) ?? newestOf(choice.family, (model) => model.inOpenClaw).id;

/**
 * `{primary, fallbacks}` for OpenClaw: the choice, then every lower family (lib/models
 * fallbackFamilies). With `apiFallback` (FALLBACK_ANTHROPIC_API_KEY set) the same models follow on
 * the metered API, after every subscription entry: the API answers only once the subscription's
 * models have all failed.
 */
export function modelChain(
  mode: AuthMode,
  choice: ModelChoice,
  apiFallback = false,
): { primary: string; fallbacks: string[] } {
  const chain = choiceChain(choice);
  const api = apiFallback ? chain.map((entry) => `${API_FALLBACK_PROVIDER}/${apiFallbackId(entry)}`) : [];
  return {
    primary: modelRef(mode, choice),
    fallbacks: [...new Set([...chain.slice(1).map((entry) => modelRef(mode, entry)), ...api])],
  };
}

/**
 * The reasoning efforts maxapi takes: the CLI's `--effort` levels, and none (thinking off). Listed
 * in the rows, they are the thinking levels OpenClaw offers (`/think`, `--thinking`): off sends
 * none, minimal the nearest (low), xhigh and max their own.
 */
export const PROXY_REASONING_EFFORTS = ["none", "low", "medium", "high", "xhigh", "max"] as const;

/**
 * A row's limits: the model's output limit as the CLI gives it (OpenClaw sends it as
 * max_completion_tokens, thinking included), and the context window a subscription gives without
 * usage credits (lib/models SUBSCRIPTION_CONTEXT_WINDOW), where OpenClaw compacts.
 */
const limits = (model: ModelFacts) => ({
  contextWindow: Math.min(model.contextWindow, SUBSCRIPTION_CONTEXT_WINDOW),
  maxTokens: model.maxOutputTokens,
});

/**
 * The claude-max-proxy provider's model rows for openclaw.json: one per family (it runs the newest
 * model of it, and its name says which) and one per exact id (a pin). They take images only when
 * the normalizer sends them (IMAGE_POLICY=send); otherwise OpenClaw keeps images back itself and
 * says so in the turn, rather than sending what would become a placeholder or a 400.
 */
export function proxyModelRows(imagePolicy: ImagePolicy) {
  const row = (id: string, name: string, model: ModelFacts) => ({
    id,
    name: `${name} (subscription, via clawbridge)`,
    // thinking: OpenClaw sends its level as reasoning_effort and shows the model's reasoning_content
    reasoning: true,
    input: imagePolicy === "send" ? ["text", "image"] : ["text"],
    cost: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 },
    ...limits(model),
    compat: {
      // OpenClaw flattens text-only content itself; the normalizer handles the rest
      requiresStringContent: true,
      // stream_options.include_usage: OpenClaw sends it to a custom base URL only when asked, and
      // without the usage chunk it records no tokens (context tracking and compaction run blind)
      supportsUsageInStreaming: true,
      supportsReasoningEffort: true,
      supportedReasoningEfforts: [...PROXY_REASONING_EFFORTS],
    },
  });
  return [
    ...FAMILIES.map((family) => {
      const newest = newestOf(family);
      return row(
        family,
        `Claude ${FAMILY_FACTS[family].name}, newest (${displayName(newest.id).slice("Claude ".length)})`,
        newest,
      );
    }),
    ...MODELS.map((model) => row(model.id, displayName(model.id), model)),
  ];
}

// The metered fallback (FALLBACK_ANTHROPIC_API_KEY): a provider of its own, not OpenClaw's
// `anthropic`. An API key on `anthropic` would be preferred over the setup token in setup-token
// mode (a key in the provider's config wins over stored profiles) or rotated to on any rate limit
// of it, and OpenClaw would pick it for image and PDF understanding by itself; here the key is
// reached only through the fallbacks config-init renders. Config-init's model migration leaves the
// provider alone (it owns only claude-max-proxy and anthropic).
export const API_FALLBACK_PROVIDER = "anthropic-api";
export const API_FALLBACK_BASE_URL = "https://api.anthropic.com";

/**
 * The metered fallback provider's model rows: every model of OpenClaw's anthropic catalogue, with
 * Anthropic's API price of its family, so OpenClaw's usage shows what the metered turns cost. Limits
 * as the proxy's rows: a session moves between the two. In max-proxy mode they take images exactly
 * when the proxy's rows do (IMAGE_POLICY), so a turn that moves to the API sees what it would have
 * seen, and OpenClaw never picks the API on its own to look at an image or a PDF the subscription's
 * models cannot take. In setup-token mode the anthropic models take images, and so do these.
 */
export function apiFallbackModelRows(mode: AuthMode, imagePolicy: ImagePolicy) {
  const images = mode === "setup-token" || imagePolicy === "send";
  return MODELS.filter((model) => model.inOpenClaw).map((model) => ({
    id: model.id,
    name: `${displayName(model.id)} (metered API, clawbridge fallback)`,
    reasoning: false,
    input: images ? ["text", "image"] : ["text"],
    cost: FAMILY_FACTS[model.family].apiPrice,
    ...limits(model),
  }));
}

/**
 * The family a model reference names in any naming an install may hold: this table's, claude-max-api's
 * (claude-opus-4) and Anthropic's older ones (claude-3-5-sonnet-20241022, claude-opus-4-1); undefined otherwise.
 */
export function familyOf(ref: string): Family | undefined {
  const id = ref.slice(ref.lastIndexOf("/") + 1).toLowerCase();
  return (
    parseChoice(id)?.family ??
    FAMILIES.find((family) => new RegExp(`^claude-(?:\\d+(?:[.-]\\d+)?-)?${family}(?:$|[-.])`).test(id))
  );
}

// The providers whose Claude models clawbridge owns: one per mode. Any other provider's reference
// (openai/..., openrouter/anthropic/..., OpenClaw's own claude-cli/...) is the user's and kept.
const OWNED_PROVIDERS: readonly string[] = [providerOf("max-proxy"), providerOf("setup-token")];

/**
 * What becomes of one model reference in `mode`:
 * - `keep`: not ours (another provider, an alias) or already right;
 * - `map`: a Claude model on either owned provider (or a bare Claude id) → the same choice in
 *   `mode`: a pin stays the same exact id where the mode runs it, a family (or an old id such as
 *   claude-opus-4, which ran the family) becomes that family; an id the mode cannot run becomes its family;
 * - `unmappable`: an owned provider's model whose family is unknown.
 * Forms: `provider/model`, `provider/*` (a policy wildcard), a bare id, with an optional
 * `@auth-profile` suffix (kept while the provider stays, dropped when it changes: profiles are
 * per provider).
 */
export type RefMapping = { kind: "keep" } | { kind: "map"; to: string } | { kind: "unmappable" };

export function mapModelRef(ref: string, mode: AuthMode): RefMapping {
  const at = ref.indexOf("@");
  const bare = at === -1 ? ref : ref.slice(0, at);
  const slash = bare.indexOf("/");
  const provider = slash === -1 ? "" : bare.slice(0, slash).toLowerCase();
  const id = slash === -1 ? bare : bare.slice(slash + 1);
  const target = providerOf(mode);
  if (provider !== "" && !OWNED_PROVIDERS.includes(provider)) return { kind: "keep" };
  if (id === "*") return provider === "" || provider === target ? { kind: "keep" } : { kind: "map", to: `${target}/*` };
  const family = familyOf(id);
  if (!family) return provider === "" ? { kind: "keep" } : { kind: "unmappable" };
  const choice = parseChoice(id) ?? familyChoice(family);
  const mapped = modelRef(mode, runsIn(mode, choice) ? choice : familyChoice(family));
  const to = provider === target && at !== -1 ? `${mapped}${ref.slice(at)}` : mapped;
  return to === ref ? { kind: "keep" } : { kind: "map", to };
}

/** Whether `mode` can run a choice: the proxy runs every one, OpenClaw's anthropic provider its catalogue. */
export const runsIn = (mode: AuthMode, choice: ModelChoice): boolean => openclawId(mode, choice) !== undefined;

/** The exact ids OpenClaw's anthropic catalogue has, for a refusal in setup-token mode. */
export const OPENCLAW_IDS: readonly string[] = MODELS.filter((model) => model.inOpenClaw).map((model) => model.id);
