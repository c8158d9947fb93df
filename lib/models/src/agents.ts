// AGENTS as it is written: `main=opus,lite=claude-opus-4-8`, comma-separated `id=model` entries, the
// first the default agent. config-init renders the agents from it; make verify compares them with
// what OpenClaw lists. Each words a bad entry its own way.
import { parseChoice, type ModelChoice } from "./choice.ts";

/** An agent id: lower-case letters, digits and dashes, a letter first, at most 32 characters. */
export const AGENT_ID = /^[a-z][a-z0-9-]{0,31}$/;

export interface AgentEntry {
  id: string;
  /** The model as written (opus, claude-opus-4-8). */
  model: string;
  /** What it chooses; undefined when it names no model. */
  choice: ModelChoice | undefined;
  /** The entry as written, trimmed. */
  entry: string;
}

/** Each non-empty entry, its id and model trimmed; nothing is judged here. */
export function agentEntries(spec: string): AgentEntry[] {
  return spec
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      const [id = "", model = ""] = entry.split("=").map((part) => part.trim());
      return { id, model, choice: parseChoice(model), entry };
    });
}

/** The entry names a valid id and a model. */
export const isValidAgent = (agent: AgentEntry): agent is AgentEntry & { choice: ModelChoice } =>
  AGENT_ID.test(agent.id) && agent.choice !== undefined;
