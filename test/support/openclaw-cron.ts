// A cron job run the way a user runs one by hand: `openclaw cron run <id> --wait` inside the
// gateway's container. It exits 0 only when the run's completionStatus is "succeeded".
import { GATEWAY_URL, jsonOutput } from "./openclaw-cli.ts";
import { run } from "./stack.ts";

export interface CronRun {
  status: "ok" | "error" | "skipped";
  completionStatus: "succeeded" | "failed" | "unknown";
  error?: string;
  summary?: string;
  provider?: string;
  model?: string;
  deliveryStatus?: string;
  diagnostics?: { entries: { source: string; message: string }[] };
}

export interface CronRunResult {
  code: number;
  output: string;
  /** The finished run, when the CLI printed one. */
  run: CronRun | undefined;
}

/**
 * `openclaw cron add` for an agent's turn in an isolated session, delivered nowhere, the job printed
 * as JSON; `schedule`: `--cron <expr>` or `--at <time>` with their flags.
 */
export const cronAddArgs = (name: string, agent: string, schedule: string[], message: string): string[] => [
  "cron",
  "add",
  "--name",
  name,
  "--agent",
  agent,
  ...schedule,
  "--session",
  "isolated",
  "--no-deliver",
  "--message",
  message,
  "--json",
];

export async function cronRun(container: string, jobId: string): Promise<CronRunResult> {
  const result = await run(
    "docker",
    ["exec", "-e", GATEWAY_URL, container, "openclaw", "cron", "run", jobId, "--wait"],
    {},
    240_000,
  );
  const printed = result.stdout.includes("{") ? (jsonOutput(result.stdout) as { run?: CronRun }) : undefined;
  return { code: result.code, output: result.stdout + result.stderr, run: printed?.run };
}
