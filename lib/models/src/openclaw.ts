// What a model choice becomes in OpenClaw's config, in each auth mode: a reference
// `provider/model` to the proxy's rows (Option 2) or to OpenClaw's own anthropic catalogue
// (Option 1, the setup token). config-init renders these; verify checks them.
import { choiceId, fallbackFamilies, type ModelChoice } from "./choice.ts";
import { modelFacts, newestOf, type Family } from "./table.ts";

export type AuthMode = "max-proxy" | "setup-token";

/** The provider of the subscription's models in openclaw.json, per mode. */
export const PROXY_PROVIDER = "claude-max-proxy";
export const providerOf = (mode: AuthMode): string => (mode === "max-proxy" ? PROXY_PROVIDER : "anthropic");

/**
 * The model id of a choice in `mode`, or undefined when the mode cannot run it. The proxy takes
 * every choice as it is named. OpenClaw's anthropic provider runs only its catalogue: a family is
 * its newest model there, a pin must be in it.
 */
export function openclawId(mode: AuthMode, choice: ModelChoice): string | undefined {
  if (mode === "max-proxy") return choiceId(choice);
  if (choice.pin === undefined) return newestOf(choice.family, (model) => model.inOpenClaw).id;
  return modelFacts(choice.pin)?.inOpenClaw ? choice.pin : undefined;
}

/** `claude-max-proxy/opus`, `anthropic/claude-opus-4-8`; throws for a choice the mode cannot run (settings refuse those first). */
export function modelRef(mode: AuthMode, choice: ModelChoice): string {
  const id = openclawId(mode, choice);
  if (id === undefined) throw new Error(`${choiceId(choice)} is not in OpenClaw's anthropic catalogue`);
  return `${providerOf(mode)}/${id}`;
}

export const familyChoice = (family: Family): ModelChoice => ({ family, pin: undefined });

/** A choice, then each lower family (fallbackFamilies): what OpenClaw tries, in order. */
export const choiceChain = (choice: ModelChoice): ModelChoice[] => [
  choice,
  ...fallbackFamilies(choice.family).map(familyChoice),
];
