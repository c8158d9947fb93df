// Runs `docker compose` (the command in COMPOSE, default "docker compose") with execFile: no shell,
// a timeout on every call, and output with the stack's secrets masked once they are known. A compose
// project is one Target verify checks; a Swarm stack (swarm.ts) is the other.
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { composeCommands, type Commands } from "./commands.ts";
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

/** What verify checks: a compose project or a Swarm stack (swarm.ts). */
export interface Target {
  /** The commands fixes name. */
  readonly commands: Commands;
  /** Secret values masked in every later result. */
  secrets: string[];
  /** A command inside a running service's container, with extra environment variables. */
  exec(
    service: string,
    command: string[],
    options?: { env?: Record<string, string>; timeoutMs?: number },
  ): Promise<RunResult>;
  /** A service's log, plain (no prefixes, no colour). */
  logs(service: string, options: { tail?: number; since?: string }): Promise<RunResult>;
}

/** Runs a command without a shell, with a timeout, its output masked; VERIFY_DEBUG=1 logs exit and duration. */
export function runCommand(
  command: string[],
  cwd: string,
  secrets: readonly string[],
  timeoutMs = DEFAULT_TIMEOUT_MS,
): Promise<RunResult> {
  const [file = "docker", ...args] = command;
  const started = Date.now();
  return new Promise<RunResult>((resolve) => {
    execFile(
      file,
      args,
      { cwd, timeout: timeoutMs, killSignal: "SIGKILL", maxBuffer: 64 * 1024 * 1024, encoding: "utf8" },
      (error, stdout, stderr) => {
        const failure = error as (NodeJS.ErrnoException & { killed?: boolean; code?: unknown }) | null;
        const code = failure === null ? 0 : typeof failure.code === "number" ? failure.code : null;
        resolve({
          code,
          stdout: redact(stdout, secrets),
          stderr: redact(stderr, secrets),
          timedOut: failure?.killed === true,
          error: failure !== null && typeof failure.code === "string" ? `${file}: ${failure.code}` : "",
        });
      },
    );
  }).then((result) => {
    // the chat probe's script left out
    if (process.env.VERIFY_DEBUG) {
      const what = command.map((arg) => (arg.length > 60 ? "…" : arg)).join(" ");
      process.stderr.write(
        redact(
          `verify: ${what}: exit ${result.code ?? (result.timedOut ? "timeout" : "?")} in ${Date.now() - started} ms\n`,
          secrets,
        ),
      );
    }
    return result;
  });
}

export class Compose implements Target {
  secrets: string[] = [];
  readonly commands: Commands;
  private readonly command: string[];
  private readonly cwd: string;

  constructor(command: string[], cwd: string) {
    this.command = command;
    this.cwd = cwd;
    this.commands = composeCommands(command.join(" "));
  }

  /** The command as users type it, for fixes: `docker compose`. */
  get display(): string {
    return this.command.join(" ");
  }

  run(args: string[], timeoutMs = DEFAULT_TIMEOUT_MS): Promise<RunResult> {
    return runCommand([...this.command, ...args], this.cwd, this.secrets, timeoutMs);
  }

  exec(
    service: string,
    command: string[],
    options: { env?: Record<string, string>; timeoutMs?: number } = {},
  ): Promise<RunResult> {
    const env = Object.entries(options.env ?? {}).flatMap(([name, value]) => ["-e", `${name}=${value}`]);
    return this.run(["exec", "-T", ...env, service, ...command], options.timeoutMs);
  }

  logs(service: string, options: { tail?: number; since?: string }): Promise<RunResult> {
    const window = [
      ...(options.tail === undefined ? [] : ["--tail", String(options.tail)]),
      ...(options.since ? ["--since", options.since] : []),
    ];
    return this.run(["logs", "--no-log-prefix", "--no-color", ...window, service]);
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

/** KEY=value lines of an .env file (comments, blanks and a missing file give nothing), quotes removed. */
export function readEnvFile(path: string): Record<string, string> {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    return {};
  }
  const values: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const match = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (match?.[1]) values[match[1]] = (match[2] ?? "").trim().replace(/^(["'])(.*)\1$/, "$2");
  }
  return values;
}
