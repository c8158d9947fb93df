// Model ids: claude-max-api knows three ids and silently turns any other into Opus, so every id
// a client sends is mapped to one of those three here, or refused.

export const UPSTREAM_MODELS = ["claude-opus-4", "claude-sonnet-4", "claude-haiku-4"] as const;
export type UpstreamModel = (typeof UPSTREAM_MODELS)[number];

/** Extra ids from MODEL_ALIASES, lower-cased, each to an upstream model. */
export type ModelAliases = ReadonlyMap<string, UpstreamModel>;

// The CLI picks "the current Opus/Sonnet/Haiku of the subscription" (`--model opus`), so a
// versioned id can only choose the family: claude-sonnet-4-5, claude-haiku-4-5-20251001,
// claude-opus-4.1, and the older claude-3-5-sonnet-20241022 naming.
const CURRENT_NAMING = /^claude-(opus|sonnet|haiku)(?:-\d+(?:[.-][0-9a-z]+)*)?$/;
const LEGACY_NAMING = /^claude-\d+(?:[.-]\d+)?-(opus|sonnet|haiku)(?:-[0-9a-z]+)*$/;
const BARE_FAMILY = /^(opus|sonnet|haiku)$/;

/** `anthropic/claude-sonnet-4-5` → `claude-sonnet-4-5`; ids can carry several prefixes. */
function withoutProvider(id: string): string {
  return id.slice(id.lastIndexOf("/") + 1);
}

function byNaming(id: string): UpstreamModel | undefined {
  const family = (CURRENT_NAMING.exec(id) ?? LEGACY_NAMING.exec(id) ?? BARE_FAMILY.exec(id))?.[1];
  return family === undefined ? undefined : (`claude-${family}-4` as UpstreamModel);
}

/** The upstream model for a client's id, or undefined when it names no Claude family. */
export function resolveModel(requested: string, aliases: ModelAliases): UpstreamModel | undefined {
  const id = requested.trim().toLowerCase();
  const bare = withoutProvider(id);
  return aliases.get(id) ?? aliases.get(bare) ?? byNaming(bare);
}

/** Parses MODEL_ALIASES: `alias=target[,alias=target...]`, each target a known model or family. */
export function parseModelAliases(spec: string): ModelAliases {
  const aliases = new Map<string, UpstreamModel>();
  for (const entry of spec.split(",").map((s) => s.trim()).filter(Boolean)) {
    const [alias, target, ...rest] = entry.split("=").map((s) => s.trim());
    if (!alias || !target || rest.length > 0) {
      throw new Error(`"${entry}" is not of the form alias=target`);
    }
    const model = byNaming(withoutProvider(target.toLowerCase()));
    if (!model) {
      throw new Error(`target "${target}" of "${alias}" is none of ${UPSTREAM_MODELS.join(", ")}`);
    }
    aliases.set(alias.toLowerCase(), model);
  }
  return aliases;
}
