// One CLI run: the request's input on stdin, its stdout read line by line, its end told once
// (closed with an exit code, failed to start, or stopped at the time limit). The process is a fresh
// one or a warm one handed over (warm/pool.ts); both look the same from here.
import { LineReader, type CliLine } from "./stream-json.ts";

/** What node's ChildProcess and a handed-over warm process both offer. */
export interface CliProcess {
  readonly pid?: number | undefined;
  readonly stdin: { end(chunk: string): unknown; on(event: "error", listener: (error: Error) => void): unknown } | null;
  readonly stdout: { on(event: "data", listener: (chunk: Buffer) => void): unknown } | null;
  readonly stderr: { on(event: "data", listener: (chunk: Buffer) => void): unknown } | null;
  on(event: "close", listener: (code: number | null, signal: NodeJS.Signals | null) => void): unknown;
  on(event: "error", listener: (error: Error) => void): unknown;
  kill(signal?: NodeJS.Signals): boolean;
}

export type CliEnd =
  | { kind: "closed"; code: number | null; signal: NodeJS.Signals | null }
  | { kind: "failed"; error: Error }
  | { kind: "timeout" };

export interface RunHandlers {
  timeoutMs: number;
  line(line: CliLine): void;
  end(end: CliEnd): void;
}

/** How much of the CLI's diagnostics (stderr, stray stdout text) is kept for the request's log line. */
const DIAGNOSTICS_KEPT = 2000;
/** A CLI told to stop that has not exited after this long is killed. */
const KILL_AFTER_MS = 5000;

export class CliRun {
  private readonly child: CliProcess;
  private readonly handlers: RunHandlers;
  private readonly timer: NodeJS.Timeout;
  private diagnostics = "";
  private ended = false;
  private exited = false;

  constructor(child: CliProcess, input: string, handlers: RunHandlers) {
    this.child = child;
    this.handlers = handlers;
    const reader = new LineReader((line) => handlers.line(line), (text) => this.note(text));
    child.stdout?.on("data", (chunk) => reader.push(chunk));
    child.stderr?.on("data", (chunk) => this.note(chunk.toString()));
    child.on("error", (error) => this.end({ kind: "failed", error }));
    child.on("close", (code, signal) => {
      this.exited = true;
      reader.end();
      this.end({ kind: "closed", code, signal });
    });
    this.timer = setTimeout(() => {
      this.end({ kind: "timeout" });
      this.kill();
    }, handlers.timeoutMs);
    // a CLI that exits before reading its input breaks the pipe; its close says why
    child.stdin?.on("error", () => {});
    child.stdin?.end(input);
  }

  /** What the CLI wrote besides its stream-json: stderr and stray text, the last 2000 characters. */
  get stderr(): string {
    return this.diagnostics;
  }

  /** Stops the CLI (the client hung up, the time ran out, maxapi is stopping): SIGTERM, then SIGKILL. */
  kill(): void {
    if (this.exited) return;
    this.child.kill("SIGTERM");
    setTimeout(() => {
      if (!this.exited) this.child.kill("SIGKILL");
    }, KILL_AFTER_MS).unref();
  }

  private note(text: string): void {
    this.diagnostics = (this.diagnostics + text).slice(-DIAGNOSTICS_KEPT);
  }

  private end(end: CliEnd): void {
    clearTimeout(this.timer);
    if (this.ended) return;
    this.ended = true;
    this.handlers.end(end);
  }
}
