// Whether the Claude Code CLI has credentials (`claude auth status`: no network, so "configured",
// not "valid"), and the one-line fix when it has none.
import { execFile } from "node:child_process";
import { promisify } from "node:util";

const LOGIN_FIX =
  "set CLAUDE_SETUP_TOKEN in .env to the token `claude setup-token` prints (make setup asks for it) and run docker compose up -d, or run make login once";

export const AUTH_FIX = `the Claude CLI has no credentials: ${LOGIN_FIX}`;

/** A CLI authentication error as the caller (an OpenClaw agent, its user) should read it: what and the fix. */
export function explainAuthError(message: string): string {
  if (/not logged in/i.test(message)) return `The Claude login is missing: ${LOGIN_FIX}.`;
  return `${message.trim().replace(/[.\s]+$/, "")}. The Claude login was refused: make a new setup token with \`claude setup-token\`, put it in .env as CLAUDE_SETUP_TOKEN and run docker compose up -d (or run make login).`;
}

export interface CliAuth {
  loggedIn: boolean;
  method: string;
}

export async function cliAuthStatus(env: NodeJS.ProcessEnv): Promise<CliAuth> {
  try {
    const { stdout } = await promisify(execFile)("claude", ["auth", "status", "--json"], { env, timeout: 10_000 });
    const status = JSON.parse(stdout) as { loggedIn?: boolean; authMethod?: string };
    return { loggedIn: status.loggedIn === true, method: status.authMethod ?? "unknown" };
  } catch (error) {
    // exit 1 with the same JSON when not logged in
    const stdout = (error as { stdout?: string }).stdout;
    try {
      const status = JSON.parse(stdout ?? "") as { authMethod?: string };
      return { loggedIn: false, method: status.authMethod ?? "none" };
    } catch {
      return { loggedIn: false, method: `unknown (${(error as Error).message.split("\n")[0] ?? "error"})` };
    }
  }
}
