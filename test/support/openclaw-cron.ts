// A cron job run the way a user runs one by hand: `openclaw cron run <id> --wait` inside the
// gateway's container. It exits 0 only when the run's completionStatus is "succeeded".
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

export async function cronRun(container: string, jobId: string): Promise<CronRunResult> {
  const result = await run("docker", ["exec", "-e", "OPENCLAW_GATEWAY_URL=ws://127.0.0.1:18789", container, "openclaw", "cron", "run", jobId, "--wait"], {}, 240_000);
  const start = result.stdout.indexOf("{");
  const printed = start === -1 ? undefined : (JSON.parse(result.stdout.slice(start)) as { run?: CronRun });
  return { code: result.code, output: result.stdout + result.stderr, run: printed?.run };
}
