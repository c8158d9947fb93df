// The model table: every Claude model the subscription's Claude Code CLI runs, and the facts
// clawbridge needs of each. Measured on the pinned CLI (2.1.330) against the mock Anthropic API,
// which records the model id each request names (shared/notes/models-and-cli.md): what `--model`
// sends to Anthropic, and the context window and output limit the CLI reports for the model in its
// result's `modelUsage`. The normalizer, maxapi, config-init and verify read models only from here.

/** The families, highest tier first: a fallback chain goes down from a family, never up. */
export const FAMILIES = ["mythos", "fable", "opus", "sonnet", "haiku"] as const;
export type Family = (typeof FAMILIES)[number];

/** USD per million tokens on Anthropic's metered API (OpenClaw 2026.9.6's anthropic catalogue and docs). */
export interface ApiPrice {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
}

export interface FamilyFacts {
  /** "Opus". */
  name: string;
  /**
   * What `--model` gets when a family is chosen: the CLI's alias, which the CLI resolves to its
   * newest model of the family, so a newer CLI moves the family on. Mythos has no alias (2.1.330
   * sends "mythos" as written, and Anthropic knows no such id): its newest id here.
   */
  cliArgument: string;
  /** Anthropic gives it to some accounts only (OpenClaw's docs: "a limited-access model"). */
  limitedAccess: boolean;
  apiPrice: ApiPrice;
}

export const FAMILY_FACTS: Readonly<Record<Family, FamilyFacts>> = {
  mythos: {
    name: "Mythos",
    cliArgument: "claude-mythos-5-2",
    limitedAccess: true,
    apiPrice: { input: 10, output: 50, cacheRead: 1, cacheWrite: 12.5 },
  },
  fable: {
    name: "Fable",
    cliArgument: "fable",
    limitedAccess: false,
    apiPrice: { input: 10, output: 50, cacheRead: 0.25, cacheWrite: 12.5 },
  },
  opus: {
    name: "Opus",
    cliArgument: "opus",
    limitedAccess: false,
    apiPrice: { input: 5, output: 25, cacheRead: 0.5, cacheWrite: 6.25 },
  },
  sonnet: {
    name: "Sonnet",
    cliArgument: "sonnet",
    limitedAccess: false,
    apiPrice: { input: 2, output: 10, cacheRead: 0.2, cacheWrite: 2.5 },
  },
  haiku: {
    name: "Haiku",
    cliArgument: "haiku",
    limitedAccess: false,
    apiPrice: { input: 1, output: 5, cacheRead: 0.1, cacheWrite: 1.25 },
  },
};

export interface ModelFacts {
  /** The id Anthropic knows, and the one the CLI sends as given: claude-opus-4-8. */
  id: string;
  family: Family;
  /** The CLI's figures for it (`modelUsage.<id>.contextWindow`, `.maxOutputTokens`). */
  contextWindow: number;
  maxOutputTokens: number;
  /**
   * In OpenClaw 2026.9.6's anthropic catalogue, so Option 1 (setup token) can run it
   * (docs/openclaw-2026.9.6.md: ids its bundle names but the catalogue lacks validate, then fail at run time).
   */
  inOpenClaw: boolean;
}

const M = 1_000_000;
const K = 1_000;

// Newest first within each family: a family's first row is what its CLI alias runs (measured).
// claude-opus-4-1 is left out: the CLI 2.1.330 sends claude-opus-5-5 for it, so it is no pin.
const ROWS: readonly [id: string, contextWindow: number, maxOutputTokens: number, inOpenClaw: boolean][] = [
  ["claude-mythos-5-2", M, 128 * K, false],
  ["claude-mythos-5-1", M, 64 * K, false],
  ["claude-mythos-5", M, 64 * K, true],
  ["claude-fable-5-2", M, 128 * K, false],
  ["claude-fable-5-1", M, 64 * K, true],
  ["claude-fable-5", M, 64 * K, true],
  ["claude-opus-5-5", M, 128 * K, true],
  ["claude-opus-5", M, 64 * K, true],
  ["claude-opus-4-8", M, 64 * K, true],
  ["claude-opus-4-7", M, 64 * K, false],
  ["claude-opus-4-6", 200 * K, 64 * K, false],
  ["claude-opus-4-5", 200 * K, 32 * K, false],
  ["claude-sonnet-5-5", M, 128 * K, false],
  ["claude-sonnet-5", M, 64 * K, true],
  ["claude-sonnet-4-6", 200 * K, 32 * K, false],
  ["claude-sonnet-4-5", 200 * K, 32 * K, false],
  ["claude-haiku-5-5", M, 128 * K, false],
  ["claude-haiku-4-5", 200 * K, 32 * K, true],
];

/** Every exact id the subscription's CLI runs as itself (a pin), newest first within a family. */
export const MODELS: readonly ModelFacts[] = ROWS.map(([id, contextWindow, maxOutputTokens, inOpenClaw]) => ({
  id,
  family: FAMILIES.find((family) => id.startsWith(`claude-${family}-`)) ?? "opus",
  contextWindow,
  maxOutputTokens,
  inOpenClaw,
}));

/**
 * claude-max-api's three ids, which earlier installs name: each ran the CLI's alias of its family,
 * so each still chooses the family (and answers with the model that runs).
 */
export const OLD_IDS: Readonly<Record<string, Family>> = {
  "claude-opus-4": "opus",
  "claude-sonnet-4": "sonnet",
  "claude-haiku-4": "haiku",
};

/**
 * The context window the subscription's rows give OpenClaw. The models take 1M tokens, but on a
 * subscription a request over 200,000 can need usage credits ("Usage credits required for 1M
 * context": a billing refusal, shared/notes/subscription-limits.md); OpenClaw compacts a session
 * before it reaches the row's window, so a long session stays within the plan.
 */
export const SUBSCRIPTION_CONTEXT_WINDOW = 200_000;

/** The exact model a family runs today on the pinned CLI: its newest row. */
export function newestOf(family: Family, where: (model: ModelFacts) => boolean = () => true): ModelFacts {
  const model = MODELS.find((candidate) => candidate.family === family && where(candidate));
  if (!model) throw new Error(`the model table has no ${family} model`);
  return model;
}

export const modelFacts = (id: string): ModelFacts | undefined => MODELS.find((model) => model.id === id);

/** "claude-opus-4-8" → "Claude Opus 4.8". */
export function displayName(id: string): string {
  const facts = modelFacts(id);
  if (!facts) return id;
  return `Claude ${FAMILY_FACTS[facts.family].name} ${id.slice(`claude-${facts.family}-`.length).replace("-", ".")}`;
}
