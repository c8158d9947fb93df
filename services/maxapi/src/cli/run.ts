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
  | { kind: "unreadable"; error: Error }
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
/** A CLI that gave its result exits at once; one still there after this long is stopped. */
const EXIT_AFTER_RESULT_MS = 10_000;

export class CliRun {
  private readonly child: CliProcess;
  private readonly handlers: RunHandlers;
  private timer: NodeJS.Timeout;
  private kept = "";
  private ended = false;
  private exited = false;

  constructor(child: CliProcess, input: string, handlers: RunHandlers) {
    this.child = child;
    this.handlers = handlers;
    const reader = new LineReader(
      (line) => this.read(line),
      (text) => this.note(text),
    );
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

  /** What the CLI wrote besides its stream-json: stderr and stray stdout text, the last 2000 characters. */
  get diagnostics(): string {
    return this.kept;
  }

  /** The CLI gave its result: it has this long to exit (it counts toward MAX_CONCURRENCY until then). */
  resultGiven(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.kill(), EXIT_AFTER_RESULT_MS);
    this.timer.unref();
  }

  /**
   * Stops the CLI (the client hung up, the time ran out, maxapi is stopping): SIGTERM, then SIGKILL;
   * SIGKILL at once for a CLI that must not send another request.
   */
  kill(signal: "SIGTERM" | "SIGKILL" = "SIGTERM"): void {
    if (this.exited) return;
    this.child.kill(signal);
    if (signal === "SIGKILL") return;
    setTimeout(() => {
      if (!this.exited) this.child.kill("SIGKILL");
    }, KILL_AFTER_MS).unref();
  }

  /** A line the handler cannot take (a shape this CLI version never printed) ends the run, not maxapi. */
  private read(line: CliLine): void {
    if (this.ended) return;
    try {
      this.handlers.line(line);
    } catch (error) {
      this.end({ kind: "unreadable", error: error as Error });
      this.kill();
    }
  }

  private note(text: string): void {
    this.kept = (this.kept + text).slice(-DIAGNOSTICS_KEPT);
  }

  private end(end: CliEnd): void {
    if (this.ended) return;
    clearTimeout(this.timer);
    this.ended = true;
    this.handlers.end(end);
  }
}
