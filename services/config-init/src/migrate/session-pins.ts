// Stored sessions' model pins, brought into the chosen mode. OpenClaw 2026.9.6 keeps sessions per
// agent in agents/<id>/agent/openclaw-agent.sqlite: `session_nodes.entry_json` is the session's
// record, with the pin as a split pair (providerOverride + modelOverride, e.g. "anthropic" +
// "claude-opus-4-6"), the last route (modelProvider + model) and the model a fallback left from
// (modelFallback.prev*); `session_windows.model_provider/model` overlays the route on read. A pin to
// the other mode's provider fails a user-pinned session outright and is skipped by cron.
// A changed pin gets what OpenClaw's own applyModelOverrideToSessionEntry does: derived state that
// described the old route goes (fallback origin and notice, context budget), and so does an auth
// profile override once the provider changes (profiles belong to a provider).
import { existsSync, readdirSync } from "node:fs";
import { join, relative } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { isPlainObject, type JsonObject } from "../json.ts";
import type { AuthMode } from "../models.ts";
import { backUp } from "./migrate.ts";
import { RefMapper, type RefReport } from "./model-refs.ts";

const ROUTE_PAIRS = [
  ["providerOverride", "modelOverride"],
  ["modelProvider", "model"],
] as const;
const FALLBACK_PAIRS = [
  ["prevProvider", "prevModel"],
  ["prevProviderOverride", "prevModelOverride"],
] as const;
const STALE_WITH_PIN = [
  "modelOverrideFallbackOriginProvider",
  "modelOverrideFallbackOriginModel",
  "fallbackNotice",
  "contextBudgetStatus",
  "contextTokens",
];
const AUTH_OVERRIDE = ["authProfileOverride", "authProfileOverrideSource", "authProfileOverrideCompactionCount"];

/** Remaps the pairs of `keys` in `record`; returns the descriptions of what changed. */
function remapPairs(
  record: JsonObject,
  pairs: readonly (readonly [string, string])[],
  mapper: RefMapper,
  where: string,
): string[] {
  const changed: string[] = [];
  for (const [providerKey, modelKey] of pairs) {
    const provider = record[providerKey];
    const model = record[modelKey];
    if (typeof provider !== "string" || typeof model !== "string") continue;
    const to = mapper.pair(provider, model, `${where} ${modelKey}`);
    if (!to) continue;
    record[providerKey] = to.provider;
    record[modelKey] = to.model;
    changed.push(`${modelKey} ${provider}/${model} → ${to.provider}/${to.model}`);
  }
  return changed;
}

/** One session's record in `mode`: the changed record and what changed, or undefined. */
function remapSessionEntry(
  entry: JsonObject,
  mapper: RefMapper,
  where: string,
): { entry: JsonObject; changes: string[] } | undefined {
  const next = structuredClone(entry);
  const pinProvider = next.providerOverride;
  const changes = remapPairs(next, ROUTE_PAIRS, mapper, where);
  if (isPlainObject(next.modelFallback)) changes.push(...remapPairs(next.modelFallback, FALLBACK_PAIRS, mapper, where));
  if (changes.length === 0) return undefined;
  // the pin moved: to another id, or (an exact id both modes run) to the other provider
  if (next.modelOverride !== entry.modelOverride || next.providerOverride !== pinProvider) {
    for (const key of STALE_WITH_PIN) Reflect.deleteProperty(next, key);
    if (next.providerOverride !== pinProvider) for (const key of AUTH_OVERRIDE) Reflect.deleteProperty(next, key);
  }
  return { entry: next, changes };
}

/** The stores of every agent that has one, relative to the state dir. */
function agentStores(stateDir: string): string[] {
  const agentsDir = join(stateDir, "agents");
  if (!existsSync(agentsDir)) return [];
  return readdirSync(agentsDir)
    .map((agent) => join(agentsDir, agent, "agent", "openclaw-agent.sqlite"))
    .filter((path) => existsSync(path))
    .sort();
}

/**
 * Remaps the model pins and routes of every stored session of every agent; one line per session
 * changed and per reference that cannot be mapped, and one per store backed up first.
 */
export function migrateSessionPins(stateDir: string, mode: AuthMode, now = new Date()): RefReport {
  const changes: string[] = [];
  const mapper = new RefMapper(mode);
  for (const storePath of agentStores(stateDir)) {
    const store = relative(stateDir, storePath);
    const db = new DatabaseSync(storePath);
    try {
      const tables = new Set(
        (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map(
          (t) => t.name,
        ),
      );
      if (!tables.has("session_nodes")) continue;
      const nodes = db.prepare("SELECT session_key, entry_json FROM session_nodes").all() as {
        session_key: string;
        entry_json: string;
      }[];
      const entryUpdates: { key: string; json: string; line: string }[] = [];
      for (const node of nodes) {
        let entry: unknown;
        try {
          entry = JSON.parse(node.entry_json);
        } catch {
          continue; // OpenClaw revalidates its own records; a broken one is not ours to fix
        }
        if (!isPlainObject(entry)) continue;
        const remapped = remapSessionEntry(entry, mapper, `${store} session ${node.session_key}`);
        if (remapped)
          entryUpdates.push({
            key: node.session_key,
            json: JSON.stringify(remapped.entry),
            line: `${store} session ${node.session_key}: ${remapped.changes.join("; ")}`,
          });
      }
      const windows = tables.has("session_windows")
        ? (db
            .prepare(
              "SELECT session_id, session_key, model_provider, model FROM session_windows WHERE model_provider IS NOT NULL AND model IS NOT NULL",
            )
            .all() as {
            session_id: string;
            session_key: string;
            model_provider: string;
            model: string;
          }[])
        : [];
      const windowUpdates = windows.flatMap((w) => {
        const to = mapper.pair(w.model_provider, w.model, `${store} session window ${w.session_id}`);
        return to
          ? [
              {
                id: w.session_id,
                ...to,
                line: `${store} session ${w.session_key} window ${w.session_id}: ${w.model_provider}/${w.model} → ${to.provider}/${to.model}`,
              },
            ]
          : [];
      });
      if (entryUpdates.length + windowUpdates.length > 0) {
        const backup = backUp(db, storePath, now);
        const updateEntry = db.prepare("UPDATE session_nodes SET entry_json = ? WHERE session_key = ?");
        const updateWindow = db.prepare(
          "UPDATE session_windows SET model_provider = ?, model = ? WHERE session_id = ?",
        );
        db.exec("BEGIN");
        for (const u of entryUpdates) updateEntry.run(u.json, u.key);
        for (const u of windowUpdates) updateWindow.run(u.provider, u.model, u.id);
        db.exec("COMMIT");
        changes.push(
          `${store} backed up to ${relative(stateDir, backup)}`,
          ...entryUpdates.map((u) => u.line),
          ...windowUpdates.map((u) => u.line),
        );
      }
    } finally {
      db.close();
    }
  }
  return { changes, unmappable: [...new Set(mapper.unmappable)] };
}
