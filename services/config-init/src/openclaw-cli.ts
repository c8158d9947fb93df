// The pinned OpenClaw's own CLI, which config-init runs from the gateway image: the only authority
// on whether a config is valid for it.
import { execFile, spawn } from "node:child_process";
import { promisify } from "node:util";

export interface Validation {
  valid: boolean;
  /** OpenClaw's issues and warnings, as "path: message". A warning counts as a failure here. */
  problems: string[];
}

interface ValidateOutput {
  valid?: boolean;
  issues?: { path: string; message: string }[];
  warnings?: { path: string; message: string }[];
  error?: { message: string };
}

/** `openclaw config validate --json` on the file at `path`, with `env` (its ${VAR} references). */
export async function validateConfig(path: string, env: NodeJS.ProcessEnv): Promise<Validation> {
  let stdout: string;
  try {
    ({ stdout } = await promisify(execFile)("openclaw", ["config", "validate", "--json"], {
      env: { ...env, OPENCLAW_CONFIG_PATH: path },
      timeout: 60_000,
    }));
  } catch (error) {
    // exit 1 still prints the JSON report on stdout
    stdout = (error as { stdout?: string }).stdout ?? "";
    if (!stdout.trim())
      return {
        valid: false,
        problems: [`openclaw config validate failed: ${(error as Error).message.split("\n")[0] ?? ""}`],
      };
  }
  let report: ValidateOutput;
  try {
    report = JSON.parse(stdout) as ValidateOutput;
  } catch {
    return { valid: false, problems: [`openclaw config validate printed no JSON: ${stdout.slice(0, 200)}`] };
  }
  // a missing ${VAR} is only a warning to OpenClaw, but means a dead feature (or a random gateway token)
  const problems = [...(report.issues ?? []), ...(report.warnings ?? [])].map((p) => `${p.path}: ${p.message}`);
  if (!report.valid && problems.length === 0) problems.push(report.error?.message ?? "invalid");
  return { valid: report.valid === true && problems.length === 0, problems };
}

/**
 * Stores a setup token as the agent's anthropic credential: `openclaw models auth paste-token`
 * with the token on stdin, never in argv. (It also rewrites openclaw.json: re-merge afterwards.)
 */
export async function pasteSetupToken(agentId: string, token: string, env: NodeJS.ProcessEnv): Promise<void> {
  const child = spawn("openclaw", ["models", "auth", "paste-token", "--provider", "anthropic", "--agent", agentId], {
    env,
    stdio: ["pipe", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stdin.end(`${token}\n`);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once("error", reject);
    child.once("close", resolve);
  });
  if (code !== 0) {
    // OpenClaw's message, minus anything that could echo the token
    const reason = output
      .split("\n")
      .filter((line) => line.trim() && !line.includes(token.slice(0, 20)))
      .slice(-3)
      .join(" / ");
    throw new Error(
      `openclaw models auth paste-token for agent ${agentId} failed (exit ${code ?? "killed"}): ${reason}`,
    );
  }
}
