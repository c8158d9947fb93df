// Model references per auth mode. Users choose a family (opus, sonnet, haiku); each mode turns it
// into the provider/model id OpenClaw calls. Fallbacks go down the families: opus → sonnet → haiku.

export const FAMILIES = ["opus", "sonnet", "haiku"] as const;
export type Family = (typeof FAMILIES)[number];
export type AuthMode = "max-proxy" | "setup-token";
/** The normalizer's IMAGE_POLICY: whether images reach the proxy's models. */
export type ImagePolicy = "send" | "placeholder" | "reject";

export const PROXY_PROVIDER = "claude-max-proxy";

// The ids claude-max-api knows (the normalizer maps any other to one of these).
const PROXY_MODELS: Record<Family, string> = { opus: "claude-opus-4", sonnet: "claude-sonnet-4", haiku: "claude-haiku-4" };

// OpenClaw 2026.9.6's anthropic catalog (docs/openclaw-2026.9.6.md). The article's
// anthropic/claude-opus-4-6 and claude-sonnet-4-6 are not in it: they validate but fail at run time.
const ANTHROPIC_MODELS: Record<Family, string> = { opus: "claude-opus-5", sonnet: "claude-sonnet-5", haiku: "claude-haiku-4-5" };

export function modelRef(mode: AuthMode, family: Family): string {
  return mode === "max-proxy" ? `${PROXY_PROVIDER}/${PROXY_MODELS[family]}` : `anthropic/${ANTHROPIC_MODELS[family]}`;
}

/**
 * `{primary, fallbacks}` for OpenClaw: the family, then every smaller family. With `apiFallback`
 * (FALLBACK_ANTHROPIC_API_KEY set) the same families follow on the metered API, after every
 * subscription entry: the API answers only once the subscription's models have all failed.
 */
export function modelChain(mode: AuthMode, family: Family, apiFallback = false): { primary: string; fallbacks: string[] } {
  const chain = FAMILIES.slice(FAMILIES.indexOf(family));
  const api = apiFallback ? chain.map(apiFallbackRef) : [];
  return { primary: modelRef(mode, family), fallbacks: [...chain.slice(1).map((f) => modelRef(mode, f)), ...api] };
}

// Output limits of the model rows. OpenClaw sends the row's as max_completion_tokens on every
// request, and maxapi gives it to the CLI as the model's limit, thinking included: the same room for
// every family (each takes more), so a Haiku heartbeat that thinks is not cut short.
const MAX_TOKENS: Record<Family, number> = { opus: 32_000, sonnet: 32_000, haiku: 32_000 };

/**
 * The reasoning efforts maxapi takes: the CLI's `--effort` levels, and none (thinking off). Listed
 * in the rows, they are the thinking levels OpenClaw offers (`/think`, `--thinking`): off sends
 * none, minimal the nearest (low), xhigh and max their own.
 */
export const PROXY_REASONING_EFFORTS = ["none", "low", "medium", "high", "xhigh", "max"] as const;

/**
 * The claude-max-proxy provider's model rows for openclaw.json. They take images only when the
 * normalizer sends them (IMAGE_POLICY=send); otherwise OpenClaw keeps images back itself and
 * says so in the turn, rather than sending what would become a placeholder or a 400.
 */
export function proxyModelRows(imagePolicy: ImagePolicy) {
  return FAMILIES.map((family) => ({
    id: PROXY_MODELS[family],
    name: `Claude ${family[0]?.toUpperCase() ?? ""}${family.slice(1)} (subscription, via clawbridge)`,
    // thinking: OpenClaw sends its level as reasoning_effort and shows the model's reasoning_content
    reasoning: true,
    input: imagePolicy === "send" ? ["text", "image"] : ["text"],
    cost: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 },
    contextWindow: 200_000,
    maxTokens: MAX_TOKENS[family],
    compat: {
      // OpenClaw flattens text-only content itself; the normalizer handles the rest
      requiresStringContent: true,
      // stream_options.include_usage: OpenClaw sends it to a custom base URL only when asked, and
      // without the usage chunk it records no tokens (context tracking and compaction run blind)
      supportsUsageInStreaming: true,
      supportsReasoningEffort: true,
      supportedReasoningEfforts: [...PROXY_REASONING_EFFORTS],
    },
  }));
}

// The metered fallback (FALLBACK_ANTHROPIC_API_KEY): a provider of its own, not OpenClaw's
// `anthropic`. An API key on `anthropic` would be preferred over the setup token in setup-token
// mode (a key in the provider's config wins over stored profiles) or rotated to on any rate limit
// of it, and OpenClaw would pick it for image and PDF understanding by itself; here the key is
// reached only through the fallbacks config-init renders. Config-init's model migration leaves the
// provider alone (it owns only claude-max-proxy and anthropic).
export const API_FALLBACK_PROVIDER = "anthropic-api";
export const API_FALLBACK_BASE_URL = "https://api.anthropic.com";

/** The metered fallback of a family: the id of OpenClaw 2026.9.6's anthropic catalog. */
export const apiFallbackRef = (family: Family): string => `${API_FALLBACK_PROVIDER}/${ANTHROPIC_MODELS[family]}`;

// Anthropic's API prices in USD per million tokens (OpenClaw 2026.9.6's anthropic catalog for opus
// and sonnet; haiku 4.5 from Anthropic's price list), so OpenClaw's usage shows what the metered
// turns cost. Context window and output limit as the proxy's rows: a session moves between the two.
const API_COST: Record<Family, { input: number; output: number; cacheRead: number; cacheWrite: number }> = {
  opus: { input: 5, output: 25, cacheRead: 0.5, cacheWrite: 6.25 },
  sonnet: { input: 2, output: 10, cacheRead: 0.2, cacheWrite: 2.5 },
  haiku: { input: 1, output: 5, cacheRead: 0.1, cacheWrite: 1.25 },
};

/**
 * The metered fallback provider's model rows. In max-proxy mode they take images exactly when the
 * proxy's rows do (IMAGE_POLICY), so a turn that moves to the API sees what it would have seen, and
 * OpenClaw never picks the API on its own to look at an image or a PDF the subscription's models
 * cannot take. In setup-token mode the anthropic models take images, and so do these.
 */
export function apiFallbackModelRows(mode: AuthMode, imagePolicy: ImagePolicy) {
  const images = mode === "setup-token" || imagePolicy === "send";
  return FAMILIES.map((family) => ({
    id: ANTHROPIC_MODELS[family],
    name: `Claude ${family[0]?.toUpperCase() ?? ""}${family.slice(1)} (metered API, clawbridge fallback)`,
    reasoning: false,
    input: images ? ["text", "image"] : ["text"],
    cost: API_COST[family],
    contextWindow: 200_000,
    maxTokens: MAX_TOKENS[family],
  }));
}

/** The family a model reference names, in either mode or the article's old ids; undefined otherwise. */
export function familyOf(ref: string): Family | undefined {
  const id = ref.slice(ref.lastIndexOf("/") + 1).toLowerCase();
  return FAMILIES.find((family) => id === family || new RegExp(`^claude-(?:\\d+(?:[.-]\\d+)?-)?${family}(?:$|[-.])`).test(id));
}

// The providers whose Claude models clawbridge owns: one per mode. Any other provider's reference
// (openai/..., openrouter/anthropic/..., OpenClaw's own claude-cli/...) is the user's and kept.
const MODE_PROVIDER: Record<AuthMode, string> = { "max-proxy": PROXY_PROVIDER, "setup-token": "anthropic" };
const OWNED_PROVIDERS: readonly string[] = Object.values(MODE_PROVIDER);

// Model ids each mode's provider serves as they are: the proxy's three, and OpenClaw 2026.9.6's
// anthropic catalog (docs/openclaw-2026.9.6.md), so a chosen anthropic/claude-fable-5 stays.
const SERVED_IDS: Record<AuthMode, readonly string[]> = {
  "max-proxy": Object.values(PROXY_MODELS),
  "setup-token": ["claude-opus-5-5", "claude-opus-5", "claude-sonnet-5", "claude-haiku-4-5", "claude-opus-4-8", "claude-fable-5", "claude-fable-5-1", "claude-mythos-5"],
};

/**
 * What becomes of one model reference in `mode`:
 * - `keep`: not ours (another provider, an alias) or already right;
 * - `map`: a Claude family on either owned provider (or a bare Claude id) → that family in `mode`;
 * - `unmappable`: an owned provider's model this mode cannot serve and whose family is unknown.
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
  const target = MODE_PROVIDER[mode];
  if (provider !== "" && !OWNED_PROVIDERS.includes(provider)) return { kind: "keep" };
  if (id === "*") return provider === "" || provider === target ? { kind: "keep" } : { kind: "map", to: `${target}/*` };
  if (provider === target && SERVED_IDS[mode].includes(id)) return { kind: "keep" };
  const family = familyOf(id);
  if (!family) return provider === "" ? { kind: "keep" } : { kind: "unmappable" };
  const mapped = modelRef(mode, family);
  const to = provider === target && at !== -1 ? `${mapped}${ref.slice(at)}` : mapped;
  return to === ref ? { kind: "keep" } : { kind: "map", to };
}
