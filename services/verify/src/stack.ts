// The stack as `docker compose config --format json` resolves it (.env, COMPOSE_* variables,
// override files): which services the active profiles select and each one's environment. verify
// reads the settings it checks from here, as the containers received them.
import { agentEntries, isValidAgent, type AuthMode, type ModelChoice } from "@clawbridge/models";
import { DEFAULTS } from "@clawbridge/settings";
import { asRecord, isRecord } from "./json.ts";

export const CONFIG_INIT = "config-init";
export type { AuthMode };

export interface Agent {
  id: string;
  /** The model as AGENTS writes it (opus, claude-opus-4-8). */
  model: string;
  choice: ModelChoice;
}

export interface Stack {
  /** A compose project, or a Swarm stack (where config-init runs inside the gateway's task). */
  kind: "compose" | "swarm";
  /** Long-running services the active profiles select (config-init, a one-shot, is not one of them). */
  services: string[];
  /** config-init is selected (this machine runs the gateway). */
  configInit: boolean;
  /** Each selected service's resolved environment. */
  env: Record<string, Record<string, string>>;
  authMode: AuthMode;
  /** AGENTS as config-init reads it, or why it cannot be read. */
  agents: Agent[] | { error: string };
}

// The usual order of the stack, then anything else (a test's mock) by name.
const ORDER = ["maxapi", "normalizer", "gateway"];
export const rank = (name: string) => (ORDER.includes(name) ? ORDER.indexOf(name) : ORDER.length);

function environment(service: unknown): Record<string, string> {
  const env = asRecord(asRecord(service).environment);
  // compose prints strings, and null for a variable without a value
  const text = (value: unknown) =>
    typeof value === "string" ? value : typeof value === "number" || typeof value === "boolean" ? String(value) : "";
  return Object.fromEntries(Object.entries(env).map(([name, value]) => [name, text(value)]));
}

/** `main=opus,lite=claude-opus-4-8` → agents, by config-init's rules (lib/models); empty: config-init's default. */
export function parseAgents(spec: string): Agent[] | { error: string } {
  const agents: Agent[] = [];
  for (const agent of agentEntries(spec.trim() === "" ? DEFAULTS.AGENTS : spec)) {
    if (!isValidAgent(agent))
      return { error: `AGENTS: "${agent.entry}" is not id=model (the model a family or an exact id)` };
    agents.push({ id: agent.id, model: agent.model, choice: agent.choice });
  }
  return agents.length > 0 ? agents : { error: "AGENTS: no agent" };
}

/** The stack from `docker compose config --format json` output, parsed. */
export function parseStack(config: unknown): Stack {
  if (!isRecord(config) || !isRecord(config.services)) throw new Error("docker compose config printed no services");
  const env: Record<string, Record<string, string>> = {};
  for (const [name, service] of Object.entries(config.services)) env[name] = environment(service);
  const names = Object.keys(env);
  const initEnv = env[CONFIG_INIT] ?? {};
  return {
    kind: "compose",
    services: names.filter((name) => name !== CONFIG_INIT).sort((a, b) => rank(a) - rank(b) || a.localeCompare(b)),
    configInit: names.includes(CONFIG_INIT),
    env,
    authMode: initEnv.AUTH_MODE === "setup-token" ? "setup-token" : "max-proxy",
    agents: parseAgents(initEnv.AGENTS ?? ""),
  };
}

/** A variable of a service's environment; "" when unset or the service is not selected. */
export const envValue = (stack: Stack, service: string, name: string): string => stack.env[service]?.[name] ?? "";

export const has = (stack: Stack, service: string): boolean => stack.services.includes(service);
