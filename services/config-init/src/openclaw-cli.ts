// The pinned OpenClaw's own CLI, which config-init runs from the gateway image: the only authority
// on whether a config is valid for it.
import { execFile } from "node:child_process";
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
    if (!stdout.trim()) return { valid: false, problems: [`openclaw config validate failed: ${(error as Error).message.split("\n")[0] ?? ""}`] };
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
