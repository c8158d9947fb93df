// Every model reference in openclaw.json, brought into the chosen mode (models.ts mapModelRef: a
// pin stays itself where the mode runs it, anything else becomes its family), so nothing the user
// kept from the other mode names a provider that is not there, or an allowlist that refuses the models config-init sets (a cron job's model override is checked
// against agents.defaults.modelPolicy.allow, or the keys of agents.defaults.models without one).
//
// Where OpenClaw 2026.9.6 keeps model references, found in its config schema (zod-schema*.mjs) and
// in doctor's own walker over them (legacy-config-migrations.runtime.models*.mjs), whose key names
// this follows:
// - a string (or `{primary, fallbacks}`) under a model key: agents.defaults/entries.*.model,
//   heartbeat.model, subagents.model, imageModel, pdfModel, voiceModel, utilityModel,
//   decisionModel, compaction(.memoryFlush).model, mediaModels.*, tts.summaryModel,
//   tools.exec.reviewer.model, tools.media.*.preferredModel, hooks.mappings[].model,
//   hooks.gmail.model, channels.discord.voice.model, plugin settings (memory-core dreaming,
//   active-memory model/modelFallback, logbook visionModel);
// - a list: fallbacks, modelPolicy.allow, plugins.entries.*.subagent/llm allowedModels;
// - a map keyed by references: agents.defaults.models, agents.entries.*.models (aliases, params);
// - channels.modelByChannel.<channel>.<target>;
// - split pairs: `{provider, model}` (tools.media.models[]) and llm-task's
//   `{defaultProvider, defaultModel}`.
// models.providers (provider catalogs, not references) is left alone.
import { isPlainObject, type JsonObject } from "../json.ts";
import { FAMILIES } from "@clawbridge/models";
import { mapModelRef, type AuthMode } from "../models.ts";

const STRING_KEYS = new Set([
  "model",
  "primary",
  "summaryModel",
  "imageModel",
  "utilityModel",
  "voiceModel",
  "decisionModel",
  "pdfModel",
  "imageGenerationModel",
  "musicGenerationModel",
  "videoGenerationModel",
  "preferredModel",
  "visionModel",
  "modelFallback",
  "pinnedModel",
]);
const LIST_KEYS = new Set([
  "fallback",
  "fallbacks",
  "allowedModels",
  "allowedCompletionModels",
  "modelFallbacks",
  "imageModelFallbacks",
  "allowModels",
]);
const PAIRS = [
  ["provider", "model"],
  ["defaultProvider", "defaultModel"],
] as const;

export interface RefReport {
  /** One line per thing whose references changed (a path, a job, a session), and per backup. */
  changes: string[];
  /** One line per reference left alone because no family could be read from it. */
  unmappable: string[];
}

const UNMAPPABLE = "names no Claude model clawbridge can map";

/** Maps references to one mode (mapModelRef), keeping one plain line per reference it cannot map. */
export class RefMapper {
  readonly unmappable: string[] = [];
  private readonly mode: AuthMode;

  constructor(mode: AuthMode) {
    this.mode = mode;
  }

  /** `ref` in the mode; `ref` itself (and a line saying so) when it cannot be mapped. */
  ref(ref: string, where: string): string {
    const mapping = mapModelRef(ref, this.mode);
    if (mapping.kind === "unmappable")
      this.unmappable.push(
        `${where}: ${ref} ${UNMAPPABLE} (${FAMILIES.join(", ")}); kept as it is: change it by hand if this mode cannot serve it`,
      );
    return mapping.kind === "map" ? mapping.to : ref;
  }

  /** A reference kept as a provider and a model id apart, in the mode; undefined when it stays. */
  pair(provider: string, model: string, where: string): { provider: string; model: string } | undefined {
    const ref = `${provider}/${model}`;
    const to = this.ref(ref, where);
    if (to === ref) return undefined;
    const slash = to.indexOf("/");
    return { provider: to.slice(0, slash), model: to.slice(slash + 1) };
  }
}

/** `agents.entries.main.model.primary`; map keys and odd keys in brackets. */
const pathText = (path: readonly (string | number)[]): string =>
  path
    .map((part, i) =>
      typeof part === "number"
        ? `[${part}]`
        : /^[A-Za-z_][\w-]*$/.test(part)
          ? `${i === 0 ? "" : "."}${part}`
          : `["${part}"]`,
    )
    .join("");

/**
 * The config with every model reference in `mode`, and what changed. Pure: `config` is not touched.
 */
export function remapConfigModelRefs(config: JsonObject, mode: AuthMode): { config: JsonObject; report: RefReport } {
  const mapper = new RefMapper(mode);
  const report: RefReport = { changes: [], unmappable: mapper.unmappable };
  const one = (ref: string, path: readonly (string | number)[]): string =>
    mapper.ref(ref, `openclaw.json ${pathText(path)}`);

  const list = (refs: unknown[], path: readonly (string | number)[]): unknown[] => {
    const mapped = [...new Set(refs.map((ref, i) => (typeof ref === "string" ? one(ref, [...path, i]) : ref)))];
    if (JSON.stringify(mapped) !== JSON.stringify(refs))
      report.changes.push(`openclaw.json ${pathText(path)}: ${refs.join(", ")} → ${mapped.join(", ")}`);
    return mapped;
  };

  const keyedMap = (map: JsonObject, path: readonly (string | number)[]): JsonObject => {
    const out: JsonObject = {};
    for (const [key, value] of Object.entries(map)) {
      const to = one(key, [...path, key]);
      const walked = walk(value, [...path, to]);
      if (to !== key)
        report.changes.push(
          `openclaw.json ${pathText(path)}: ${key} → ${to}${Object.hasOwn(out, to) ? " (merged with the entry already there)" : ""}`,
        );
      // two old references of one family become one entry; the first one's settings win
      out[to] =
        Object.hasOwn(out, to) && isPlainObject(out[to]) && isPlainObject(walked)
          ? { ...walked, ...out[to] }
          : (out[to] ?? walked);
    }
    return out;
  };

  function walk(value: unknown, path: readonly (string | number)[], parentKey = ""): unknown {
    if (Array.isArray(value)) return value.map((item, i) => walk(item, [...path, i], parentKey));
    if (!isPlainObject(value)) return value;
    const out: JsonObject = { ...value };
    const paired = new Set<string>();
    for (const [providerKey, modelKey] of PAIRS) {
      const provider = out[providerKey];
      const model = out[modelKey];
      if (typeof provider !== "string" || typeof model !== "string") continue;
      paired.add(modelKey);
      const to = mapper.pair(provider, model, `openclaw.json ${pathText([...path, modelKey])}`);
      if (!to) continue;
      out[providerKey] = to.provider;
      out[modelKey] = to.model;
      report.changes.push(
        `openclaw.json ${pathText(path)}: ${providerKey}/${modelKey} ${provider}/${model} → ${to.provider}/${to.model}`,
      );
    }
    for (const [key, child] of Object.entries(out)) {
      if (paired.has(key)) continue;
      const here = [...path, key];
      if (path.length === 0 && key === "models") continue; // provider catalogs
      if (
        typeof child === "string" &&
        (STRING_KEYS.has(key) || parentKey === "mediaModels" || parentKey === "modelByChannel")
      ) {
        const to = one(child, here);
        if (to !== child) report.changes.push(`openclaw.json ${pathText(here)}: ${child} → ${to}`);
        out[key] = to;
      } else if (Array.isArray(child) && (LIST_KEYS.has(key) || (key === "allow" && path.at(-1) === "modelPolicy"))) {
        out[key] = list(child, here);
      } else if (key === "models" && isPlainObject(child)) {
        out[key] = keyedMap(child, here);
      } else {
        // under modelByChannel every string two levels down (channel → target) is a reference
        out[key] = walk(
          child,
          here,
          key === "modelByChannel" || parentKey === "modelByChannel" ? "modelByChannel" : key,
        );
      }
    }
    return out;
  }

  return { config: walk(config, []) as JsonObject, report };
}
