import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import type { RefReport } from "../../../../services/config-init/src/migrate/model-refs.ts";
import { describe, expect, it } from "vitest";
import { migrateSessionPins } from "../../../../services/config-init/src/migrate/session-pins.ts";

/** What a migration reported, in the order config-init logs it. */
const reported = (report: RefReport): string[] => [...report.changes, ...report.unmappable];

const NOW = new Date("2026-11-24T03:00:00.000Z");

/** A state dir with one agent store holding these sessions, in 2026.9.6's table layout (the columns that matter). */
function stateWithSessions(
  agent: string,
  sessions: { key: string; entry: Record<string, unknown>; window?: [string, string] }[],
): string {
  const dir = mkdtempSync(join(tmpdir(), "config-init-sessions-"));
  mkdirSync(join(dir, "agents", agent, "agent"), { recursive: true });
  const db = new DatabaseSync(join(dir, "agents", agent, "agent", "openclaw-agent.sqlite"));
  db.exec(`
    CREATE TABLE session_nodes (session_key TEXT NOT NULL PRIMARY KEY, current_session_id TEXT NOT NULL, entry_json TEXT NOT NULL,
      entry_valid INTEGER NOT NULL DEFAULT 0, updated_at INTEGER NOT NULL) STRICT;
    CREATE TABLE session_windows (session_id TEXT NOT NULL PRIMARY KEY, session_key TEXT NOT NULL, model_provider TEXT, model TEXT) STRICT;
    CREATE TRIGGER session_nodes_entry_valid_after_entry_update AFTER UPDATE OF entry_json ON session_nodes
      BEGIN UPDATE session_nodes SET entry_valid = 0 WHERE session_key = NEW.session_key; END;`);
  for (const [i, session] of sessions.entries()) {
    db.prepare("INSERT INTO session_nodes VALUES (?, ?, ?, 1, 1)").run(
      session.key,
      `s${i}`,
      JSON.stringify(session.entry),
    );
    if (session.window)
      db.prepare("INSERT INTO session_windows VALUES (?, ?, ?, ?)").run(`s${i}`, session.key, ...session.window);
  }
  db.close();
  return dir;
}

function stored(dir: string, agent: string) {
  const db = new DatabaseSync(join(dir, "agents", agent, "agent", "openclaw-agent.sqlite"));
  const nodes = db
    .prepare("SELECT session_key, entry_json, entry_valid FROM session_nodes ORDER BY session_key")
    .all() as { session_key: string; entry_json: string; entry_valid: number }[];
  const windows = db.prepare("SELECT session_id, model_provider, model FROM session_windows ORDER BY session_id").all();
  db.close();
  return {
    entries: Object.fromEntries(
      nodes.map((n) => [n.session_key, { ...(JSON.parse(n.entry_json) as object), valid: n.entry_valid }]),
    ),
    windows,
  };
}

describe("migrateSessionPins", () => {
  it("moves pins and routes to the chosen mode, keeps other providers' pins and the pins already right", () => {
    const dir = stateWithSessions("main", [
      {
        key: "agent:main:telegram:42",
        entry: {
          sessionId: "s0",
          providerOverride: "anthropic",
          modelOverride: "claude-opus-4-6",
          modelOverrideSource: "user",
          modelOverrideFallbackOriginProvider: "anthropic",
          modelOverrideFallbackOriginModel: "claude-opus-4-6",
          fallbackNotice: { selectedModel: "anthropic/claude-opus-4-6", activeModel: "anthropic/claude-sonnet-4-6" },
          authProfileOverride: "anthropic:default",
          authProfileOverrideSource: "user",
          modelProvider: "anthropic",
          model: "claude-sonnet-4-6",
          label: "my chat",
        },
        window: ["anthropic", "claude-sonnet-4-6"],
      },
      {
        key: "agent:main:cron:hourly",
        entry: {
          sessionId: "s1",
          modelProvider: "openai",
          model: "gpt-5.4",
          providerOverride: "openai",
          modelOverride: "gpt-5.4",
        },
        window: ["openai", "gpt-5.4"],
      },
      // claude-max-api's old id: the family it always ran
      {
        key: "agent:main:main",
        entry: { sessionId: "s2", modelProvider: "claude-max-proxy", model: "claude-opus-4" },
        window: ["claude-max-proxy", "claude-opus-4"],
      },
      // a pin on the proxy: already right
      {
        key: "agent:main:discord:7",
        entry: {
          sessionId: "s3",
          providerOverride: "claude-max-proxy",
          modelOverride: "claude-opus-4-8",
          modelProvider: "claude-max-proxy",
          model: "claude-opus-4-8",
        },
        window: ["claude-max-proxy", "claude-opus-4-8"],
      },
    ]);
    const lines = reported(migrateSessionPins(dir, "max-proxy", NOW));
    expect(lines).toEqual([
      "agents/main/agent/openclaw-agent.sqlite backed up to agents/main/agent/openclaw-agent.sqlite.bak-2026-11-24T03-00-00-000Z",
      // the hand-made Option 1 install's ids are pins the proxy runs as themselves
      "agents/main/agent/openclaw-agent.sqlite session agent:main:telegram:42: modelOverride anthropic/claude-opus-4-6 → claude-max-proxy/claude-opus-4-6; model anthropic/claude-sonnet-4-6 → claude-max-proxy/claude-sonnet-4-6",
      "agents/main/agent/openclaw-agent.sqlite session agent:main:main: model claude-max-proxy/claude-opus-4 → claude-max-proxy/opus",
      "agents/main/agent/openclaw-agent.sqlite session agent:main:telegram:42 window s0: anthropic/claude-sonnet-4-6 → claude-max-proxy/claude-sonnet-4-6",
      "agents/main/agent/openclaw-agent.sqlite session agent:main:main window s2: claude-max-proxy/claude-opus-4 → claude-max-proxy/opus",
    ]);
    const after = stored(dir, "main");
    expect(after.entries["agent:main:telegram:42"]).toMatchObject({
      sessionId: "s0",
      providerOverride: "claude-max-proxy",
      modelOverride: "claude-opus-4-6",
      modelOverrideSource: "user",
      modelProvider: "claude-max-proxy",
      model: "claude-sonnet-4-6",
      label: "my chat",
      valid: 0, // OpenClaw revalidates a changed record
    });
    expect(after.entries["agent:main:cron:hourly"]).toMatchObject({
      providerOverride: "openai",
      modelOverride: "gpt-5.4",
      valid: 1,
    });
    expect(after.entries["agent:main:main"]).toEqual({
      sessionId: "s2",
      modelProvider: "claude-max-proxy",
      model: "opus",
      valid: 0,
    });
    expect(after.entries["agent:main:discord:7"]).toMatchObject({
      providerOverride: "claude-max-proxy",
      modelOverride: "claude-opus-4-8",
      model: "claude-opus-4-8",
      valid: 1,
    });
    expect(after.windows).toEqual([
      { session_id: "s0", model_provider: "claude-max-proxy", model: "claude-sonnet-4-6" },
      { session_id: "s1", model_provider: "openai", model: "gpt-5.4" },
      { session_id: "s2", model_provider: "claude-max-proxy", model: "opus" },
      { session_id: "s3", model_provider: "claude-max-proxy", model: "claude-opus-4-8" },
    ]);

    // the second run finds nothing to do and backs nothing up
    expect(reported(migrateSessionPins(dir, "max-proxy", new Date("2026-11-25T03:00:00.000Z")))).toEqual([]);
  });

  // what OpenClaw's applyModelOverrideToSessionEntry drops with a changed pin; the auth profile only when the provider changes
  const routeState = (provider: string, model: string, active: string) => ({
    modelOverrideSource: "user",
    modelOverrideFallbackOriginProvider: provider,
    modelOverrideFallbackOriginModel: model,
    fallbackNotice: { selectedModel: `${provider}/${model}`, activeModel: `${provider}/${active}` },
    authProfileOverride: `${provider}:default`,
    authProfileOverrideSource: "user",
    label: "my chat",
  });

  it("drops what described the old route, and the old provider's auth profile, when a pin moves to another model", () => {
    const dir = stateWithSessions("main", [
      {
        key: "old-id",
        entry: {
          providerOverride: "claude-max-proxy",
          modelOverride: "claude-opus-4",
          ...routeState("claude-max-proxy", "claude-opus-4", "claude-sonnet-4"),
        },
      },
      {
        key: "fable",
        entry: {
          providerOverride: "claude-max-proxy",
          modelOverride: "claude-fable-5-2",
          ...routeState("claude-max-proxy", "claude-fable-5-2", "opus"),
        },
      },
    ]);
    expect(reported(migrateSessionPins(dir, "setup-token", NOW)).slice(1)).toEqual([
      "agents/main/agent/openclaw-agent.sqlite session old-id: modelOverride claude-max-proxy/claude-opus-4 → anthropic/claude-opus-5-5",
      "agents/main/agent/openclaw-agent.sqlite session fable: modelOverride claude-max-proxy/claude-fable-5-2 → anthropic/claude-fable-5-1",
    ]);
    const after = stored(dir, "main").entries;
    expect(after["old-id"]).toEqual({
      providerOverride: "anthropic",
      modelOverride: "claude-opus-5-5",
      modelOverrideSource: "user",
      label: "my chat",
      valid: 0,
    });
    expect(after.fable).toEqual({
      providerOverride: "anthropic",
      modelOverride: "claude-fable-5-1",
      modelOverrideSource: "user",
      label: "my chat",
      valid: 0,
    });
  });

  it("drops them too when a pin keeps its exact id on the other provider", () => {
    const dir = stateWithSessions("main", [
      // a hand-made Option 1 install's pin, moved to a pin the proxy runs as itself
      {
        key: "option1",
        entry: {
          providerOverride: "anthropic",
          modelOverride: "claude-opus-4-6",
          ...routeState("anthropic", "claude-opus-4-6", "claude-sonnet-4-6"),
        },
      },
      {
        key: "pinned",
        entry: {
          providerOverride: "anthropic",
          modelOverride: "claude-opus-4-8",
          ...routeState("anthropic", "claude-opus-4-8", "claude-sonnet-5"),
        },
      },
    ]);
    expect(reported(migrateSessionPins(dir, "max-proxy", NOW)).slice(1)).toEqual([
      "agents/main/agent/openclaw-agent.sqlite session option1: modelOverride anthropic/claude-opus-4-6 → claude-max-proxy/claude-opus-4-6",
      "agents/main/agent/openclaw-agent.sqlite session pinned: modelOverride anthropic/claude-opus-4-8 → claude-max-proxy/claude-opus-4-8",
    ]);
    const after = stored(dir, "main").entries;
    // the fallback origin and notice name anthropic/…, and anthropic:default is no profile of claude-max-proxy
    expect(after.option1).toEqual({
      providerOverride: "claude-max-proxy",
      modelOverride: "claude-opus-4-6",
      modelOverrideSource: "user",
      label: "my chat",
      valid: 0,
    });
    expect(after.pinned).toEqual({
      providerOverride: "claude-max-proxy",
      modelOverride: "claude-opus-4-8",
      modelOverrideSource: "user",
      label: "my chat",
      valid: 0,
    });
  });

  it("keeps the auth profile while the provider stays, and reports a pin it cannot map", () => {
    const dir = stateWithSessions("lite", [
      {
        key: "a",
        entry: {
          providerOverride: "anthropic",
          modelOverride: "claude-sonnet-4-6",
          authProfileOverride: "anthropic:manual",
        },
      },
      { key: "b", entry: { providerOverride: "claude-max-proxy", modelOverride: "gpt-4o" } },
      {
        key: "c",
        entry: {
          providerOverride: "claude-max-proxy",
          modelOverride: "claude-opus-4-8",
          authProfileOverride: "claude-max-proxy:default",
        },
      },
      {
        key: "d",
        entry: {
          providerOverride: "claude-max-proxy",
          modelOverride: "fable",
          authProfileOverride: "claude-max-proxy:default",
        },
      },
    ]);
    const lines = reported(migrateSessionPins(dir, "setup-token", NOW));
    expect(lines.slice(1)).toEqual([
      // a pin OpenClaw's anthropic catalogue lacks becomes its family's newest there
      "agents/lite/agent/openclaw-agent.sqlite session a: modelOverride anthropic/claude-sonnet-4-6 → anthropic/claude-sonnet-5",
      // a pin it has stays itself; a family becomes its newest there
      "agents/lite/agent/openclaw-agent.sqlite session c: modelOverride claude-max-proxy/claude-opus-4-8 → anthropic/claude-opus-4-8",
      "agents/lite/agent/openclaw-agent.sqlite session d: modelOverride claude-max-proxy/fable → anthropic/claude-fable-5-1",
      "agents/lite/agent/openclaw-agent.sqlite session b modelOverride: claude-max-proxy/gpt-4o names no Claude model clawbridge can map (mythos, fable, opus, sonnet, haiku); kept as it is: change it by hand if this mode cannot serve it",
    ]);
    const after = stored(dir, "lite").entries;
    expect(after.a).toMatchObject({
      providerOverride: "anthropic",
      modelOverride: "claude-sonnet-5",
      authProfileOverride: "anthropic:manual",
    });
    expect(after.c).toMatchObject({ providerOverride: "anthropic", modelOverride: "claude-opus-4-8", valid: 0 });
    // the provider changed: its auth profile goes
    expect(after.d).toEqual({ providerOverride: "anthropic", modelOverride: "claude-fable-5-1", valid: 0 });
  });

  it("does nothing without agent stores", () => {
    expect(reported(migrateSessionPins(mkdtempSync(join(tmpdir(), "no-agents-")), "max-proxy"))).toEqual([]);
  });
});
