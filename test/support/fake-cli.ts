// A stand-in for the Claude Code CLI in maxapi's in-process tests: it replays a recorded stream-json
// transcript of the real CLI 2.1.330 (test/fixtures/cli/) once its stdin ends, then exits as the
// real one did. It records what it was started with and what it read. Used as the warm pool's spawn.
import type { ChildProcess, SpawnOptions } from "node:child_process";
import { EventEmitter } from "node:events";
import { readFileSync } from "node:fs";

export type Fixture =
  | "ok"
  | "ok-warning-cache-usage"
  | "thinking"
  | "tool-turn-two-calls"
  | "fail-mid-stream"
  | "api-401"
  | "oauth-expired"
  | "not-logged-in"
  | "rate-limited-429"
  | "usage-limit-5h"
  | "usage-limit-7d"
  | "usage-limit-7d-opus"
  // a spent 5-hour window answered on the account's extra usage (a success, billed)
  | "overage-in-use"
  | "billing-third-party"
  | "billing-out-of-extra-usage"
  | "billing-long-context"
  | "prompt-too-long"
  // Anthropic's floor on the CLI's version for a model (2 calls); a model the account may not use (404, 2 calls)
  | "version-too-old"
  | "model-not-allowed"
  // the model stopped at max_tokens, the CLI asked it to resume and it finished (2 calls)
  | "max-tokens-resumed";

export const fixtureLines = (name: Fixture): string[] =>
  readFileSync(new URL(`../fixtures/cli/${name}.jsonl`, import.meta.url), "utf8")
    .split("\n")
    .filter(Boolean);

export interface Script {
  /** The transcript to replay; none: the CLI writes nothing. */
  fixture?: Fixture;
  /** Lines of the transcript to write before dying (killed by a signal) or hanging. */
  upTo?: number;
  /** After the lines: exit with the transcript's code (default), hang until killed, or die by SIGKILL. */
  then?: "exit" | "hang" | "die";
  stderr?: string;
  /** Lines written before the transcript's. */
  before?: string[];
  /** Changes each transcript line (its text, say). */
  transform?: (line: string) => string;
  /** Writes stdout in pieces of this many bytes, cutting lines and UTF-8 characters anywhere. */
  chunkBytes?: number;
  /** The process cannot be started: spawn throws, or it emits `error` (as for a missing program). */
  spawnError?: "throw" | "error";
}

let nextPid = 50_000;

export class FakeCliProcess extends EventEmitter {
  readonly pid = nextPid++;
  readonly stdout = new EventEmitter();
  readonly stderr = new EventEmitter();
  readonly args: readonly string[];
  readonly options: SpawnOptions;
  input = "";
  killedBy: NodeJS.Signals | undefined;
  exitCode: number | null = null;
  signalCode: NodeJS.Signals | null = null;
  readonly stdin = Object.assign(new EventEmitter(), {
    write: (chunk: string) => {
      this.input += chunk;
      return true;
    },
    end: (chunk?: string) => {
      if (chunk !== undefined) this.input += chunk;
      setImmediate(() => this.play());
    },
  });
  private readonly script: Script;

  constructor(args: readonly string[], options: SpawnOptions, script: Script) {
    super();
    this.args = args;
    this.options = options;
    this.script = script;
  }

  /** The lines the CLI read on stdin, parsed. */
  get lines(): Record<string, unknown>[] {
    return this.input
      .trimEnd()
      .split("\n")
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  }

  /** The request's user message, as the CLI read it on stdin (the last line). */
  get message(): { role: string; content: unknown } {
    return (this.lines.at(-1) as { message: { role: string; content: unknown } }).message;
  }

  /** The system prompt an `initialize` control request gave the CLI, if one did. */
  get systemPrompt(): string | undefined {
    const control = this.lines.find((line) => line.type === "control_request") as
      { request?: { subtype?: string; systemPrompt?: string } } | undefined;
    return control?.request?.subtype === "initialize" ? control.request.systemPrompt : undefined;
  }

  kill(signal: NodeJS.Signals = "SIGTERM"): boolean {
    if (this.exitCode !== null || this.signalCode !== null) return false;
    this.killedBy = signal;
    setImmediate(() => this.exit(null, signal));
    return true;
  }

  private play(): void {
    if (this.killedBy || this.exitCode !== null) return;
    const { fixture, upTo, stderr, before = [], transform = (line: string) => line, chunkBytes } = this.script;
    const lines = fixture ? fixtureLines(fixture).map(transform) : [];
    const shown = [...before, ...(upTo === undefined ? lines : lines.slice(0, upTo))];
    if (stderr) this.stderr.emit("data", Buffer.from(stderr));
    if (chunkBytes) {
      const bytes = Buffer.from(shown.map((line) => `${line}\n`).join(""));
      for (let at = 0; at < bytes.length; at += chunkBytes)
        this.stdout.emit("data", bytes.subarray(at, at + chunkBytes));
    } else {
      // one line a chunk, and the last one split in two: the reader must join them
      for (const line of shown.slice(0, -1)) this.stdout.emit("data", Buffer.from(`${line}\n`));
      const last = shown.at(-1);
      if (last) {
        this.stdout.emit("data", Buffer.from(last.slice(0, 10)));
        this.stdout.emit("data", Buffer.from(`${last.slice(10)}\n`));
      }
    }
    const then = this.script.then ?? "exit";
    if (then === "hang") return;
    if (then === "die") this.exit(null, "SIGKILL");
    else this.exit(lines.some((line) => /"is_error":true/.test(line)) ? 1 : 0, null);
  }

  private exit(code: number | null, signal: NodeJS.Signals | null): void {
    if (this.exitCode !== null || this.signalCode !== null) return;
    this.exitCode = code;
    this.signalCode = signal;
    this.emit("exit", code, signal);
    this.emit("close", code, signal);
  }
}

/** A spawn for the warm pool: each process plays `script` (the test changes it between requests). */
export class FakeCli {
  script: Script = { fixture: "ok" };
  readonly started: FakeCliProcess[] = [];

  readonly spawn = (_program: string, args: readonly string[], options: SpawnOptions): ChildProcess => {
    if (this.script.spawnError === "throw") throw new Error("spawn EAGAIN");
    const child = new FakeCliProcess(args, options, this.script);
    this.started.push(child);
    if (this.script.spawnError === "error") {
      setImmediate(() => {
        child.emit("error", Object.assign(new Error("spawn claude ENOENT"), { code: "ENOENT" }));
        child.emit("close", -2, null);
      });
    }
    return child as unknown as ChildProcess;
  };

  /** The process that served the last request (its stdin was written). */
  get last(): FakeCliProcess {
    const served = this.started.filter((child) => child.input !== "");
    const last = served.at(-1);
    if (!last) throw new Error("no CLI process has served a request");
    return last;
  }
}
