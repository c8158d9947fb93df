// An OpenClaw agent turn the way a user runs one: `openclaw agent --agent main --json` inside the
// gateway's container, talking to that gateway over its loopback port.
import { GATEWAY_URL, jsonOutput } from "./openclaw-cli.ts";
import { run } from "./stack.ts";

export interface AgentReply {
  status: string;
  result: { payloads: { text: string }[]; meta: { agentMeta: { provider: string; model: string } } };
}

export interface AgentTurn {
  code: number;
  /** stdout and stderr: what the CLI said, also when the turn failed. */
  output: string;
  /** The parsed reply when the CLI exited 0. */
  reply: AgentReply | undefined;
  /** The reply's text, all payloads joined; "" without a reply. */
  text: string;
}

export interface AgentTurnOptions {
  /** The agent that answers; main by default. */
  agent?: string;
  /** The engine the container runs on, when not this machine's default one. */
  dockerHost?: string;
  /** A session of the user's instead of the agent's main one. */
  sessionKey?: string;
  /** Exactly as an operator types it: no variables added (not even the gateway's URL). */
  bare?: boolean;
  /** The turn's thinking level (`--thinking`: off, minimal, low, medium, high, xhigh, max), kept by the session. */
  thinking?: string;
}

export async function agentTurn(
  container: string,
  message: string,
  options: AgentTurnOptions = {},
): Promise<AgentTurn> {
  const env = options.bare ? [] : ["-e", GATEWAY_URL];
  const result = await run(
    "docker",
    [
      "exec",
      ...env,
      container,
      "openclaw",
      "agent",
      "--agent",
      options.agent ?? "main",
      ...(options.sessionKey ? ["--session-key", options.sessionKey] : []),
      ...(options.thinking ? ["--thinking", options.thinking] : []),
      "--message",
      message,
      "--json",
    ],
    options.dockerHost ? { DOCKER_HOST: options.dockerHost } : {},
    180_000,
  );
  const reply = result.code === 0 ? (jsonOutput(result.stdout) as AgentReply) : undefined;
  return {
    code: result.code,
    output: result.stdout + result.stderr,
    reply,
    text: reply?.result.payloads.map((p) => p.text).join("") ?? "",
  };
}
