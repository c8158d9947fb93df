// A warm CLI process handed to a request, as the ChildProcess the chat route's CLI run expects
// (stdin, stdout and stderr data, error, close, kill, pid, exitCode), with one difference: if the
// warm process turns out to have been gone when it was handed over (its stdin pipe broken, killed
// by a signal, or failed, all before any output), the request is not told. A fresh process is
// started in its place and given the same input, so a warm process can never cost a request an
// error that a cold start would not have had. A CLI that exits by itself (it refused the input)
// ends the request as a cold one would; so does anything after its first output.
import type { ChildProcess } from "node:child_process";
import { EventEmitter } from "node:events";

/** What the request writes to the CLI, kept so that a replacement can be given it again. */
class StdinRelay extends EventEmitter {
  readonly written: (string | Buffer)[] = [];
  ended = false;

  private readonly target: () => ChildProcess;

  constructor(target: () => ChildProcess) {
    super();
    this.target = target;
  }

  write(chunk: string | Buffer): boolean {
    this.written.push(chunk);
    return this.target().stdin?.write(chunk) ?? false;
  }

  end(chunk?: string | Buffer): this {
    if (chunk !== undefined) this.written.push(chunk);
    this.ended = true;
    this.target().stdin?.end(chunk);
    return this;
  }
}

export class HandedOver extends EventEmitter {
  readonly stdin: StdinRelay;
  readonly stdout = new EventEmitter();
  readonly stderr = new EventEmitter();
  pid: number | undefined;
  exitCode: number | null = null;
  signalCode: NodeJS.Signals | null = null;
  killed = false;
  private child: ChildProcess;
  private answered = false;
  private replaced = false;
  /** The warm process's stdin pipe broke: it was gone before it could read the request. */
  private pipeBroken = false;
  private readonly replacement: () => ChildProcess;

  /**
   * `warm`: the waiting process; `replacement`: starts a fresh one (the same command), called at
   * most once, when `warm` turns out to have been gone at the hand-over.
   */
  constructor(warm: ChildProcess, replacement: () => ChildProcess) {
    super();
    this.replacement = replacement;
    this.child = warm;
    this.stdin = new StdinRelay(() => this.child);
    this.attach(warm);
  }

  kill(signal: NodeJS.Signals = "SIGTERM"): boolean {
    this.killed = true;
    return this.child.kill(signal);
  }

  private attach(child: ChildProcess): void {
    this.pid = child.pid;
    const current = () => child === this.child;
    child.stdin?.on("error", () => {
      if (current()) this.pipeBroken = true; // a process that is gone; its close says the rest
    });
    child.stdout?.on("data", (data: Buffer) => {
      if (!current()) return;
      this.answered = true;
      this.stdout.emit("data", data);
    });
    child.stderr?.on("data", (data: Buffer) => {
      if (current()) this.stderr.emit("data", data);
    });
    child.on("error", (error) => {
      if (current() && !this.replace()) this.emit("error", error);
    });
    child.on("close", (code: number | null, signal: NodeJS.Signals | null) => {
      if (!current() || ((this.pipeBroken || signal !== null) && this.replace())) return;
      this.exitCode = code;
      this.signalCode = signal;
      this.emit("exit", code, signal);
      this.emit("close", code, signal);
    });
  }

  /** Starts the replacement and gives it the input so far, unless the warm one already answered. */
  private replace(): boolean {
    if (this.answered || this.replaced || this.killed) return false;
    this.replaced = true;
    let child: ChildProcess;
    try {
      child = this.replacement();
    } catch (error) {
      // as a cold start that failed: an error, and a close without a result (a 502 for the client)
      this.emit("error", error);
      this.emit("close", null, null);
      return true;
    }
    this.child = child;
    this.emit("fallback");
    this.attach(child);
    for (const chunk of this.stdin.written) child.stdin?.write(chunk);
    if (this.stdin.ended) child.stdin?.end();
    return true;
  }
}
