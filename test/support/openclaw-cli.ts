// The openclaw CLI the way an operator runs it: `docker exec <gateway> openclaw …`. With --json it
// prints one JSON object, which notices (log lines) may precede.
import { docker } from "./containers.ts";

/** Points a `docker exec`'d openclaw command at the gateway's loopback port (`-e` to docker exec). */
export const GATEWAY_URL = "OPENCLAW_GATEWAY_URL=ws://127.0.0.1:18789";

/** The JSON object an `openclaw … --json` command printed: from its first "{" on, past any log lines before it. */
export function jsonOutput(output: string): unknown {
  return JSON.parse(output.slice(output.indexOf("{")));
}

/**
 * `openclaw <args>` (with --json among them) in the container, its JSON object. `env`: variables
 * for the command (`-e` to docker exec), such as GATEWAY_URL; none when left out. Throws when the
 * command fails.
 */
export function openclawJson(container: string, args: string[], env: string[] = []): unknown {
  return jsonOutput(docker("exec", ...env.flatMap((variable) => ["-e", variable]), container, "openclaw", ...args));
}
