// Runs `docker compose` (the command in COMPOSE, default "docker compose") with execFile: no shell,
// a timeout on every call, and output with the stack's secrets masked once they are known.
import { execFile } from "node:child_process";
import { firstLine, stripAnsi } from "./json.ts";
import { redact } from "./secrets.ts";

export interface RunResult {
  /** Exit code; null when the process was killed or could not start. */
  code: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  /** Why the process could not run at all (ENOENT, ...). */
  error: string;
}

export const DEFAULT_TIMEOUT_MS = 30_000;

/** COMPOSE split on whitespace; "docker compose" when unset or blank. */
export function composeCommand(value: string | undefined): string[] {
  const words = (value ?? "").trim().split(/\s+/).filter(Boolean);
  return words.length > 0 ? words : ["docker", "compose"];
}

export class Compose {
  /** Secret values masked in every later result. */
  secrets: string[] = [];
  private readonly command: string[];
  private readonly cwd: string;

  constructor(command: string[], cwd: string) {
    this.command = command;
    this.cwd = cwd;
  }

  /** The command as users type it, for fixes: `docker compose`. */
  get display(): string {
    return this.command.join(" ");
  }

  run(args: string[], timeoutMs = DEFAULT_TIMEOUT_MS): Promise<RunResult> {
    const [file = "docker", ...prefix] = this.command;
    const started = Date.now();
    return new Promise<RunResult>((resolve) => {
      execFile(
        file,
        [...prefix, ...args],
        { cwd: this.cwd, timeout: timeoutMs, killSignal: "SIGKILL", maxBuffer: 64 * 1024 * 1024, encoding: "utf8" },
        (error, stdout, stderr) => {
          const failure = error as (NodeJS.ErrnoException & { killed?: boolean; code?: unknown }) | null;
          const code = failure === null ? 0 : typeof failure.code === "number" ? failure.code : null;
          resolve({
            code,
            stdout: redact(stdout, this.secrets),
            stderr: redact(stderr, this.secrets),
            timedOut: failure?.killed === true,
            error: failure !== null && typeof failure.code === "string" ? `${file}: ${failure.code}` : "",
          });
        },
      );
    }).then((result) => {
      // VERIFY_DEBUG=1: each command's exit and duration on stderr (the chat probe's script left out)
      if (process.env.VERIFY_DEBUG) {
        const what = args.map((arg) => (arg.length > 60 ? "…" : arg)).join(" ");
        process.stderr.write(redact(`verify: ${this.display} ${what}: exit ${result.code ?? (result.timedOut ? "timeout" : "?")} in ${Date.now() - started} ms\n`, this.secrets));
      }
      return result;
    });
  }

  /** A command inside a running service's container (`exec -T`), with extra environment variables. */
  exec(service: string, command: string[], options: { env?: Record<string, string>; timeoutMs?: number } = {}): Promise<RunResult> {
    const env = Object.entries(options.env ?? {}).flatMap(([name, value]) => ["-e", `${name}=${value}`]);
    return this.run(["exec", "-T", ...env, service, ...command], options.timeoutMs);
  }
}

/** Why a run failed, in one line: timeout, could not start, or what it printed (openclaw's "Reason:" first). */
export function runFailure(result: RunResult, timeoutMs = DEFAULT_TIMEOUT_MS): string {
  if (result.timedOut) return `no answer within ${Math.round(timeoutMs / 1000)} s`;
  if (result.error !== "") return result.error;
  const output = result.stderr || result.stdout;
  const reason = /^\[openclaw\] Reason: (.*)$/m.exec(stripAnsi(output))?.[1] ?? "";
  const line = firstLine(reason || output, 200);
  return `exit ${result.code ?? "?"}${line === "" ? "" : `: ${line}`}`;
}
