// Warm Claude Code CLI processes: started ahead of need, each waiting on stdin for one request, so a
// request skips the CLI's start-up (~300 ms of the ~400 ms to a first token). The chat route starts
// every CLI through `start`, with the request's command (cli/command.ts: model, tool flags, their
// environment). A process started with exactly that command (in the same directory) fits; the stub
// tool server of a tool turn is then connected already. Each process serves one request and is
// gone, so nothing passes from one request to the next.
//
// What to keep warm is learnt from the traffic: the commands of the last `size` requests
// (OpenClaw sends the same model and tools on every request of an agent, so two of one agent's).
// Bounds: at most `size` warm processes, and busy plus warm (plus ones still ending) never above
// `capacity` (MAX_CONCURRENCY: the memory budget counts warm processes too); on a miss at the bound,
// a warm one makes room. Used processes are replaced once requests have been quiet for `quietMs`:
// a CLI starting up beside a busy one (and OpenClaw, between an agent's tool round trips) would
// slow the very answers the pool is for. A warm process is replaced by a fresh one after `idleMs`,
// and when the CLI's login file changes (a new login must not be served by a process that read the
// old one); a command unused for FORGET_MS is let go.
import { spawn as nodeSpawn, type ChildProcess, type SpawnOptions } from "node:child_process";
import { createHash } from "node:crypto";
import type { CliCommand } from "../cli/command.ts";
import type { CliProcess } from "../cli/run.ts";
import { HandedOver } from "./handover.ts";

export type Spawn = (command: string, args: readonly string[], options: SpawnOptions) => ChildProcess;

/** What the chat route starts its CLI with. */
export interface CliStarter {
  start(command: CliCommand, requestId?: string): CliProcess;
}

export interface PoolOptions {
  /** Warm processes at most (WARM_POOL_SIZE); 0: none, every request starts its own. */
  size: number;
  /** CLI processes at most, busy and warm together (MAX_CONCURRENCY). */
  capacity: number;
  /** How long a warm process may wait before it is replaced by a fresh one (WARM_IDLE_MS). */
  idleMs: number;
  /** How long no request may have started or ended before used processes are replaced. */
  quietMs?: number;
  spawn?: Spawn;
  /** The CLI program (`claude`) and the directory it runs in (CLI_WORKDIR). */
  program?: string;
  cwd?: string;
  /** Holds what a process of this command needs (its tool definitions) until released. */
  hold?: (command: CliCommand) => () => void;
  /** Changes when the CLI's credentials change. */
  credentials?: () => string;
  log?: (level: "info" | "warn" | "debug", entry: Record<string, unknown>, message: string) => void;
}

/** A command remembered from a request. */
interface Shape {
  key: string;
  command: CliCommand;
  usedAt: number;
  release: () => void;
}

interface Warm {
  key: string;
  child: ChildProcess;
  credentials: string;
  timer: NodeJS.Timeout;
}

export interface PoolStats {
  hits: number;
  misses: number;
  /** Warm processes that were gone when handed over; the request ran on a fresh one. */
  fallbacks: number;
  /** Warm processes ended unused: replaced after idleMs or a login change, evicted, forgotten. */
  recycled: number;
  idle: number;
  busy: number;
}

/** A command not used for an hour is not kept warm any longer. */
export const FORGET_MS = 60 * 60 * 1000;
/** An ended warm process that has not exited after this long is killed. */
const KILL_AFTER_MS = 5000;

export class WarmPool implements CliStarter {
  private readonly shapes: Shape[] = [];
  private readonly idle: Warm[] = [];
  /** Warm processes told to end that have not exited yet: they still take memory. */
  private ending = 0;
  private busy = 0;
  private closed = false;
  private quietTimer: NodeJS.Timeout | undefined;
  private readonly counts = { hits: 0, misses: 0, fallbacks: 0, recycled: 0 };
  private readonly spawn: Spawn;
  private readonly options: PoolOptions;

  constructor(options: PoolOptions) {
    this.options = options;
    this.spawn = options.spawn ?? nodeSpawn;
  }

  get stats(): PoolStats {
    return { ...this.counts, idle: this.idle.length, busy: this.busy };
  }

  /** A request's CLI: a warm process that fits, or a fresh one. */
  start(command: CliCommand, requestId?: string): CliProcess {
    const detail = { reqId: requestId, model: command.model, tools: command.toolsFile !== undefined };
    const off = this.closed || this.options.size === 0;
    const key = shapeKey(command, this.options.cwd);
    if (!off) this.remember(key, command);
    const warm = off ? undefined : this.take(key);
    if (!warm) {
      this.counts.misses++;
      this.makeRoom(1);
      const child = this.spawnFor(command); // a throw here is the caller's, as without the pool
      this.log("info", { warm: false, ...detail, pid: child.pid }, "CLI process for a request");
      this.track(child);
      return child;
    }
    this.counts.hits++;
    const handed = new HandedOver(warm.child, () => this.spawnFor(command));
    handed.once("fallback", () => {
      this.counts.fallbacks++;
      this.log(
        "warn",
        { ...detail, pid: warm.child.pid, replacement: handed.pid },
        "warm CLI process was gone when handed over: the request runs on a fresh one",
      );
    });
    this.log("info", { warm: true, ...detail, pid: warm.child.pid }, "CLI process for a request");
    this.track(handed);
    return handed;
  }

  private spawnFor(command: CliCommand): ChildProcess {
    return this.spawn(this.options.program ?? "claude", command.args, {
      cwd: this.options.cwd ?? process.cwd(),
      env: { ...process.env, ...command.env },
      stdio: ["pipe", "pipe", "pipe"],
    });
  }

  /** Ends every warm process at once and starts no more (SIGTERM). */
  close(): void {
    this.closed = true;
    clearTimeout(this.quietTimer);
    for (const warm of [...this.idle]) this.end(warm);
    for (const shape of this.shapes.splice(0)) shape.release();
  }

  private remember(key: string, command: CliCommand): void {
    const release = this.options.hold?.(command) ?? (() => {});
    this.shapes.push({ key, command, release, usedAt: Date.now() });
    while (this.shapes.length > this.options.size) this.shapes.shift()?.release();
  }

  private take(key: string): Warm | undefined {
    const credentials = this.credentials();
    for (const warm of this.idle.filter((w) => w.key === key)) {
      if (warm.credentials !== credentials) {
        this.log("info", { pid: warm.child.pid }, "warm CLI process ended: the CLI's login changed since it started");
        this.end(warm);
        continue;
      }
      this.remove(warm);
      return warm;
    }
    return undefined;
  }

  /** Counts a request's process as busy until it closes; requests going on put the refill off. */
  private track(process: ChildProcess | HandedOver): void {
    this.busy++;
    this.refillWhenQuiet();
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      this.busy--;
      this.refillWhenQuiet();
    };
    process.once("close", finish);
    process.once("error", finish);
  }

  private refillWhenQuiet(): void {
    if (this.closed) return;
    clearTimeout(this.quietTimer);
    this.quietTimer = setTimeout(() => this.refill(), this.options.quietMs ?? 1000);
    this.quietTimer.unref();
  }

  /** Starts what the remembered commands want warm, within the bounds. */
  private refill(): void {
    if (this.closed) return;
    const now = Date.now();
    for (const shape of this.shapes.filter((s) => now - s.usedAt > FORGET_MS)) {
      this.shapes.splice(this.shapes.indexOf(shape), 1);
      shape.release();
    }
    const wanted = new Map<string, number>();
    for (const shape of this.shapes) wanted.set(shape.key, (wanted.get(shape.key) ?? 0) + 1);
    // warm processes of a command no longer remembered (or more of one than wanted) go first
    for (const warm of [...this.idle]) {
      const left = wanted.get(warm.key) ?? 0;
      if (left > 0) wanted.set(warm.key, left - 1);
      else this.end(warm);
    }
    for (let i = this.shapes.length - 1; i >= 0; i--) {
      const shape = this.shapes[i];
      if (!shape || (wanted.get(shape.key) ?? 0) === 0) continue;
      if (this.processes() >= this.options.capacity || this.idle.length >= this.options.size) return;
      wanted.set(shape.key, (wanted.get(shape.key) ?? 0) - 1);
      try {
        this.startWarm(shape);
      } catch (error) {
        this.log("warn", { err: (error as Error).message }, "warm CLI process could not be started");
        return;
      }
    }
  }

  private startWarm(shape: Shape): void {
    const child = this.spawnFor(shape.command);
    const release = this.options.hold?.(shape.command) ?? (() => {}); // its tool definitions, until it exits
    child.once("close", release);
    const warm: Warm = {
      key: shape.key,
      child,
      credentials: this.credentials(),
      timer: setTimeout(() => {
        this.end(warm);
        this.refillWhenQuiet(); // a fresh one in its place, if still wanted
      }, this.options.idleMs),
    };
    warm.timer.unref();
    child.stdin?.on("error", () => {});
    child.on("error", (error) => {
      if (this.remove(warm)) this.log("warn", { err: error.message }, "warm CLI process failed to start");
    });
    child.once("exit", (code, signal) => {
      if (this.remove(warm))
        this.log("warn", { pid: child.pid, code, signal }, "warm CLI process ended while waiting: discarded");
    });
    this.idle.push(warm);
    this.log(
      "debug",
      { model: shape.command.model, tools: shape.command.toolsFile !== undefined, pid: child.pid },
      "warm CLI process started",
    );
  }

  private processes(): number {
    return this.busy + this.idle.length + this.ending;
  }

  /** Makes room for `n` more processes by ending warm ones (oldest first). */
  private makeRoom(n: number): void {
    while (this.idle.length > 0 && this.processes() + n > this.options.capacity) {
      const oldest = this.idle[0];
      if (oldest) this.end(oldest);
    }
  }

  /** Ends a waiting process; it counts until it has exited (SIGKILL if it does not in time). */
  private end(warm: Warm): void {
    if (!this.remove(warm)) return;
    this.counts.recycled++;
    if (warm.child.exitCode !== null || warm.child.signalCode !== null) return;
    this.ending++;
    const kill = setTimeout(() => warm.child.kill("SIGKILL"), KILL_AFTER_MS);
    kill.unref();
    warm.child.once("exit", () => {
      clearTimeout(kill);
      this.ending--;
    });
    warm.child.kill("SIGTERM");
  }

  private remove(warm: Warm): boolean {
    clearTimeout(warm.timer);
    const index = this.idle.indexOf(warm);
    if (index < 0) return false;
    this.idle.splice(index, 1);
    return true;
  }

  private credentials(): string {
    try {
      return this.options.credentials?.() ?? "";
    } catch {
      return "unknown"; // unreadable: as good as changed for processes that read it before
    }
  }

  private log(level: "info" | "warn" | "debug", entry: Record<string, unknown>, message: string): void {
    this.options.log?.(level, entry, message);
  }
}

/** Two requests fit the same process when everything the CLI is started with is the same. */
function shapeKey(command: CliCommand, cwd: string | undefined): string {
  return createHash("sha256")
    .update(JSON.stringify([command.args, command.env, cwd ?? ""]))
    .digest("hex")
    .slice(0, 16);
}
