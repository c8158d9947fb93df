// Model ids: each id a client sends becomes the one maxapi is asked for (lib/models): a family
// (`opus`, the newest Opus the subscription's CLI runs) or an exact id, a pin that reaches Anthropic
// as itself; or it is refused. MODEL_ALIASES adds the user's own names for either.
import { acceptedInWords, choiceId, parseChoice } from "@clawbridge/models";

/** Extra ids from MODEL_ALIASES, lower-cased, each to the id maxapi is asked for. */
export type ModelAliases = ReadonlyMap<string, string>;

/** The id maxapi is asked for (a family's name or a pinned id), or undefined when the id chooses no model. */
export function resolveModel(requested: string, aliases: ModelAliases): string | undefined {
  const id = requested.trim().toLowerCase();
  const alias = aliases.get(id) ?? aliases.get(id.slice(id.lastIndexOf("/") + 1));
  if (alias !== undefined) return alias;
  const choice = parseChoice(id);
  return choice && choiceId(choice);
}

/** Parses MODEL_ALIASES: `alias=target[,alias=target...]`, each target a family or an exact id. */
export function parseModelAliases(spec: string): ModelAliases {
  const aliases = new Map<string, string>();
  for (const entry of spec
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)) {
    const [alias, target, ...rest] = entry.split("=").map((s) => s.trim());
    if (!alias || !target || rest.length > 0) {
      throw new Error(`"${entry}" is not of the form alias=target`);
    }
    const choice = parseChoice(target);
    if (!choice) throw new Error(`target "${target}" of "${alias}" is not ${acceptedInWords()}`);
    aliases.set(alias.toLowerCase(), choiceId(choice));
  }
  return aliases;
}
