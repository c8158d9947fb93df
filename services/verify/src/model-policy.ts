// Which models OpenClaw lets an agent's cron jobs and overrides use: `openclaw models status --agent
// <id> --json` resolves the agent's allowlist the way the gateway does (the agent's own
// modelPolicy.allow, else agents.defaults.modelPolicy.allow, else the keys of agents.defaults.models)
// into `allowed` (empty: any model) and its `aliases`. A cron job whose model is outside it fails
// before it runs ("automation model override ... rejected by agents.defaults.modelPolicy.allow");
// an agent's own configured model is always allowed (measured on 2026.9.6), so agents are judged by
// whether their model's provider has a credential (`auth.missingProvidersInUse`).
import { asArray, asRecord, asString, parseJsonOutput } from "./json.ts";

export interface ModelPolicy {
  agentId: string;
  /** Refs and `provider/*` wildcards; empty when every model is allowed. */
  allowed: string[];
  /** alias (lower case) → provider/model */
  aliases: Map<string, string>;
  /** Providers the agent's models use that have no credential. */
  missingProviders: string[];
  /**
   * Providers whose key OpenClaw has paused after a refused request (`auth.unusableProfiles` of
   * kind cooldown: about a minute after a 401); they count as missing until then.
   */
  cooldowns: { provider: string; reason: string; remainingMs: number }[];
}

export function parseModelsStatus(output: string): ModelPolicy {
  const status = asRecord(parseJsonOutput(output));
  const agentId = asString(status.agentId);
  if (agentId === "") throw new Error("openclaw models status printed no agentId");
  return {
    agentId,
    allowed: asArray(status.allowed).map(asString).filter(Boolean),
    aliases: new Map(
      Object.entries(asRecord(status.aliases)).map(([alias, ref]) => [alias.toLowerCase(), asString(ref)]),
    ),
    missingProviders: asArray(asRecord(status.auth).missingProvidersInUse).map(asString).filter(Boolean),
    cooldowns: asArray(asRecord(status.auth).unusableProfiles)
      .map(asRecord)
      .filter((profile) => profile.kind === "cooldown")
      // profile ids read "<kind>:<provider>" (inline-api-key:claude-max-proxy)
      .map((profile) => ({
        provider: asString(profile.profileId).split(":").at(-1) ?? "",
        reason: asString(profile.reason),
        remainingMs: Number(profile.remainingMs) || 0,
      })),
  };
}

/** provider lower-cased, model id as it is: how OpenClaw compares references. */
const normalize = (ref: string): string => {
  const slash = ref.indexOf("/");
  return slash === -1 ? ref : `${ref.slice(0, slash).toLowerCase()}${ref.slice(slash)}`;
};

/** Whether the policy lets a job or override use `model` (an exact ref, a wildcard's provider, or an alias of one). */
export function allows(policy: ModelPolicy, model: string): boolean {
  if (policy.allowed.length === 0) return true;
  const ref = normalize(policy.aliases.get(model.toLowerCase()) ?? model);
  return policy.allowed.some((entry) => {
    const allowed = normalize(entry);
    return allowed.endsWith("/*") ? ref.startsWith(allowed.slice(0, -1)) : allowed === ref;
  });
}
