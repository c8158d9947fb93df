// Warm Claude Code CLI processes: started ahead of need, each waiting on stdin for one request, so a
// request skips the CLI's start-up (~300 ms of the ~400 ms to a first token). claude-max-api starts
// its CLI through `spawnCli` (patch 009), with the full command line of the request: model, input
// format, tool flags. A process started with exactly that command line (and environment and
// directory) fits; the stub tool server of a tool turn is then connected already. Each process
// serves one request and is gone, so nothing passes from one request to the next.
//
// What to keep warm is learnt from the traffic: the command lines of the last `size` requests
// (OpenClaw sends the same model and tools on every turn of an agent). Bounds: at most `size` warm
// processes, and busy plus warm never above `capacity` (MAX_CONCURRENCY: the memory budget counts
// warm processes too); on a miss at the bound, a warm one makes room. A warm process is replaced by
// a fresh one after `idleMs`, and when the CLI's login file changes (a new login must not be
// served by a process that read the old one); a command line unused for FORGET_MS is let go.
import { spawn as nodeSpawn, type ChildProcess, type SpawnOptions } from "node:child_process";
import { createHash } from "node:crypto";
import { HandedOver } from "./handover.ts";

export type Spawn = (command: string, args: readonly string[], options: SpawnOptions) => ChildProcess;

export interface PoolOptions {
  /** Warm processes at most (WARM_POOL_SIZE); 0: none, every request starts its own. */
  size: number;
  /** CLI processes at most, busy and warm together (MAX_CONCURRENCY). */
  capacity: number;
  /** How long a warm process may wait before it is replaced by a fresh one (WARM_IDLE_MS). */
  idleMs: number;
  spawn?: Spawn;
  /** Holds what processes of a command line need (its tool definitions) while it is remembered. */
  hold?: (args: readonly string[]) => () => void;
  /** Changes when the CLI's credentials change. */
  credentials?: () => string;
  log?: (level: "info" | "warn" | "debug", entry: Record<string, unknown>, message: string) => void;
}

/** A command line remembered from a request. */
interface Shape {
  key: string;
  command: string;
  args: readonly string[];
  options: SpawnOptions;
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
  /** Warm processes that ended or failed before answering, replaced by a fresh start. */
  fallbacks: number;
  /** Warm processes ended unused: replaced after idleMs or a login change, evicted, forgotten. */
  recycled: number;
  idle: number;
  busy: number;
}

/** A command line not used for an hour is not kept warm any longer. */
export const FORGET_MS = 60 * 60 * 1000;

export class WarmPool {
  private readonly shapes: (Shape & { usedAt: number })[] = [];
  private readonly idle: Warm[] = [];
  private busy = 0;
  private closed = false;
  private refillQueued = false;
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

  /** claude-max-api's spawn: a warm process that fits, or a fresh one. */
  readonly spawnCli = (command: string, args: readonly string[], options: SpawnOptions): ChildProcess => {
    if (this.closed || this.options.size === 0) {
      this.counts.misses++;
      return this.spawn(command, args, options);
    }
    const key = shapeKey(command, args, options);
    this.remember({ key, command, args, options });
    const warm = this.take(key);
    const detail = describe(args);
    if (warm) {
      this.counts.hits++;
      const handed = new HandedOver(warm.child, () => this.spawn(command, args, options));
      handed.once("fallback", () => {
        this.counts.fallbacks++;
        this.log("warn", { ...detail, pid: warm.child.pid }, "warm CLI process ended before answering: the request runs on a fresh one");
      });
      this.log("info", { warm: true, ...detail, pid: warm.child.pid }, "CLI process for a request");
      // refilled when it closes, not now: a CLI starting beside it would slow its answer
      this.track(handed);
      return handed as unknown as ChildProcess;
    }
    this.counts.misses++;
    this.makeRoom(1);
    const child = this.spawn(command, args, options);
    this.log("info", { warm: false, ...detail, pid: child.pid }, "CLI process for a request");
    this.track(child);
    return child;
  };

  /** Ends every warm process at once and starts no more (SIGTERM). */
  close(): void {
    this.closed = true;
    for (const warm of this.idle.splice(0)) this.end(warm);
    for (const shape of this.shapes.splice(0)) shape.release();
  }

  private remember(shape: Omit<Shape, "release">): void {
    const release = this.options.hold?.(shape.args) ?? (() => {});
    this.shapes.push({ ...shape, release, usedAt: Date.now() });
    while (this.shapes.length > this.options.size) this.shapes.shift()?.release();
  }

  private take(key: string): Warm | undefined {
    const credentials = this.options.credentials?.() ?? "";
    for (const warm of this.idle.filter((w) => w.key === key)) {
      this.remove(warm);
      if (!alive(warm.child)) continue;
      if (warm.credentials !== credentials) {
        this.log("info", { pid: warm.child.pid }, "warm CLI process ended: the CLI's login changed since it started");
        this.end(warm);
        continue;
      }
      return warm;
    }
    return undefined;
  }

  /** Counts a request's process as busy until it closes, then refills. */
  private track(process: ChildProcess | HandedOver): void {
    this.busy++;
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      this.busy--;
      this.queueRefill();
    };
    process.once("close", finish);
    process.once("error", finish);
  }

  private queueRefill(): void {
    if (this.refillQueued || this.closed) return;
    this.refillQueued = true;
    setImmediate(() => {
      this.refillQueued = false;
      this.refill();
    });
  }

  /** Starts what the remembered command lines want warm, within the bounds. */
  private refill(): void {
    if (this.closed) return;
    const now = Date.now();
    for (const shape of this.shapes.filter((s) => now - s.usedAt > FORGET_MS)) {
      this.shapes.splice(this.shapes.indexOf(shape), 1);
      shape.release();
    }
    const wanted = new Map<string, number>();
    for (const shape of this.shapes) wanted.set(shape.key, (wanted.get(shape.key) ?? 0) + 1);
    // warm processes of a command line no longer remembered (or more of one than wanted) go first
    for (const warm of [...this.idle]) {
      const left = wanted.get(warm.key) ?? 0;
      if (left > 0) wanted.set(warm.key, left - 1);
      else this.end(warm);
    }
    for (let i = this.shapes.length - 1; i >= 0; i--) {
      const shape = this.shapes[i];
      if (!shape || (wanted.get(shape.key) ?? 0) === 0) continue;
      if (this.busy + this.idle.length >= this.options.capacity || this.idle.length >= this.options.size) return;
      wanted.set(shape.key, (wanted.get(shape.key) ?? 0) - 1);
      this.start(shape);
    }
  }

  private start(shape: Shape): void {
    const child = this.spawn(shape.command, shape.args, shape.options);
    const warm: Warm = {
      key: shape.key,
      child,
      credentials: this.options.credentials?.() ?? "",
      timer: setTimeout(() => {
        this.end(warm);
        this.queueRefill(); // a fresh one in its place, if still wanted
      }, this.options.idleMs),
    };
    warm.timer.unref();
    child.stdin?.on("error", () => {});
    child.on("error", (error) => {
      if (this.remove(warm)) this.log("warn", { err: error.message }, "warm CLI process failed to start");
    });
    child.once("exit", (code, signal) => {
      if (this.remove(warm)) this.log("warn", { pid: child.pid, code, signal }, "warm CLI process ended while waiting: discarded");
    });
    this.idle.push(warm);
    this.log("debug", { ...describe(shape.args), pid: child.pid }, "warm CLI process started");
  }

  /** Makes room for `n` more processes by ending warm ones (oldest first). */
  private makeRoom(n: number): void {
    while (this.idle.length > 0 && this.busy + this.idle.length + n > this.options.capacity) {
      const oldest = this.idle[0];
      if (oldest) this.end(oldest);
    }
  }

  private end(warm: Warm): void {
    this.remove(warm);
    this.counts.recycled++;
    warm.child.kill("SIGTERM");
  }

  private remove(warm: Warm): boolean {
    clearTimeout(warm.timer);
    const index = this.idle.indexOf(warm);
    if (index < 0) return false;
    this.idle.splice(index, 1);
    return true;
  }

  private log(level: "info" | "warn" | "debug", entry: Record<string, unknown>, message: string): void {
    this.options.log?.(level, entry, message);
  }
}

const alive = (child: ChildProcess) => child.exitCode === null && child.signalCode === null && !child.killed;

/** Two requests fit the same process when everything the CLI is started with is the same. */
function shapeKey(command: string, args: readonly string[], options: SpawnOptions): string {
  return createHash("sha256")
    .update(JSON.stringify([command, args, options.cwd ?? "", options.env ?? {}]))
    .digest("hex")
    .slice(0, 16);
}

/** For the log: the model and whether tools are offered, never the arguments themselves. */
function describe(args: readonly string[]): { model: string | undefined; tools: boolean } {
  const model = args.indexOf("--model");
  return { model: model >= 0 ? args[model + 1] : undefined, tools: args.includes("--mcp-config") };
}
