// A model as someone chooses it (a request's `model`, AGENTS, DEFAULT_MODEL, MODEL_ALIASES, a cron
// job): a family, which follows the newest model the pinned CLI runs, or an exact id, a pin, which
// reaches Anthropic as that id and is never swapped for another.
import { FAMILIES, FAMILY_FACTS, MODELS, OLD_IDS, modelFacts, type Family } from "./table.ts";

export interface ModelChoice {
  family: Family;
  /** The exact id of a pin; undefined for a family. */
  pin: string | undefined;
}

/** `anthropic/claude-sonnet-4-5` → `claude-sonnet-4-5`; ids can carry several provider prefixes. */
export const withoutProvider = (id: string): string => id.slice(id.lastIndexOf("/") + 1);

/**
 * What a model id chooses, or undefined when it is none of the accepted ones: a family (`opus`, or
 * `claude-opus`), an exact id of the table (`claude-opus-4-8`), or one of claude-max-api's old ids
 * (`claude-opus-4`: its family). Case and provider prefixes do not matter.
 */
export function parseChoice(text: string): ModelChoice | undefined {
  const id = withoutProvider(text.trim().toLowerCase());
  const family = FAMILIES.find((name) => id === name || id === `claude-${name}`) ?? OLD_IDS[id];
  if (family) return { family, pin: undefined };
  const model = modelFacts(id);
  return model ? { family: model.family, pin: model.id } : undefined;
}

/** How the choice is named to the proxy and in OpenClaw's rows: the family's name, or the pinned id. */
export const choiceId = (choice: ModelChoice): string => choice.pin ?? choice.family;

/** The CLI's `--model` for a choice: a pin as itself, a family as the CLI's alias of it. */
export const cliArgument = (choice: ModelChoice): string => choice.pin ?? FAMILY_FACTS[choice.family].cliArgument;

/** Every id that can be asked for, as GET /v1/models lists them: the families, then the exact ids. */
export const ACCEPTED_IDS: readonly string[] = [...FAMILIES, ...MODELS.map((model) => model.id)];

/** The accepted ids in one line, for an error that refuses an id. */
export const acceptedInWords = (): string =>
  `a family (${FAMILIES.join(", ")}: the newest model of it) or an exact id to pin (${MODELS.map((model) => model.id).join(", ")})`;

/**
 * The families a choice falls back to, in order: every lower tier. Mythos, given to some accounts
 * only, is never a fallback: Mythos falls to Fable, Fable to Opus, Opus to Sonnet, Sonnet to Haiku.
 */
export function fallbackFamilies(family: Family): Family[] {
  return FAMILIES.slice(FAMILIES.indexOf(family) + 1).filter((lower) => !FAMILY_FACTS[lower].limitedAccess);
}
