// The warm pool's rules (services/maxapi/src/warm/pool.ts, handover.ts) with a stand-in for node's
// spawn: which process a request gets, the bounds, recycling, and the fall-back when a warm process
// dies. The real CLI in a real pool is test/containers/maxapi.test.ts's "warm CLI processes".
import type { ChildProcess, SpawnOptions } from "node:child_process";
import { EventEmitter } from "node:events";
import { setImmediate as tick } from "node:timers/promises";
import { afterEach, describe, expect, it, vi } from "vitest";
import { WarmPool, type PoolOptions } from "../../../services/maxapi/src/warm/pool.ts";

let nextPid = 100;

/** A stand-in CLI process: records its stdin, answers when told, exits when told or killed. */
class FakeCli extends EventEmitter {
  readonly pid = nextPid++;
  readonly stdout = new EventEmitter();
  readonly stderr = new EventEmitter();
  readonly input: string[] = [];
  exitCode: number | null = null;
  signalCode: NodeJS.Signals | null = null;
  killed = false;
  stdinEnded = false;
  readonly stdin = Object.assign(new EventEmitter(), {
    write: (chunk: string) => this.input.push(chunk) > 0,
    end: (chunk?: string) => {
      if (chunk !== undefined) this.input.push(chunk);
      this.stdinEnded = true;
    },
  });

  readonly args: readonly string[];

  constructor(args: readonly string[]) {
    super();
    this.args = args;
  }

  answer(text: string): void {
    this.stdout.emit("data", Buffer.from(text));
  }

  exit(code: number | null, signal: NodeJS.Signals | null = null): void {
    this.exitCode = code;
    this.signalCode = signal;
    this.emit("exit", code, signal);
    this.emit("close", code, signal);
  }

  kill(signal: NodeJS.Signals = "SIGTERM"): boolean {
    this.killed = true;
    queueMicrotask(() => this.exit(null, signal));
    return true;
  }
}

const spawned: FakeCli[] = [];
const spawn = vi.fn((_command: string, args: readonly string[], _options: SpawnOptions) => {
  const child = new FakeCli(args);
  spawned.push(child);
  return child as unknown as ChildProcess;
});

const pools: WarmPool[] = [];
function pool(options: Partial<PoolOptions> = {}): WarmPool {
  const created = new WarmPool({ size: 2, capacity: 4, idleMs: 60_000, spawn, ...options });
  pools.push(created);
  return created;
}

afterEach(() => {
  for (const p of pools.splice(0)) p.close();
  spawned.splice(0);
  spawn.mockClear();
  vi.useRealTimers();
});

const SONNET = ["--print", "--model", "sonnet", "--input-format", "stream-json"];
const HAIKU = ["--print", "--model", "haiku", "--input-format", "stream-json"];
const WITH_TOOLS = [...SONNET, "--mcp-config", '{"mcpServers":{}}'];
const OPTIONS: SpawnOptions = { cwd: "/srv", env: { A: "1" }, stdio: ["pipe", "pipe", "pipe"] };

/** What claude-max-api's runner does with the process: listens, writes the request, reads the answer. */
function request(p: WarmPool, args = SONNET, options = OPTIONS, input = '{"type":"user"}\n') {
  const child = p.spawnCli("claude", args, options) as unknown as FakeCli;
  const seen = { output: "", closed: undefined as number | null | undefined, errors: 0 };
  child.stdout.on("data", (data: Buffer) => (seen.output += data.toString()));
  child.on("close", (code: number | null) => (seen.closed = code));
  child.on("error", () => seen.errors++);
  child.stdin.end(input);
  return { child, seen };
}

/** The real process behind what the request got (the warm one, or its replacement). */
const processOf = (pid: number | undefined) => spawned.find((c) => c.pid === pid);
const idle = () => spawned.filter((c) => !c.stdinEnded && c.exitCode === null && c.signalCode === null);

describe("warm pool", () => {
  it("a first request starts its own process; once it is done, one waits for the next such request, which it serves", async () => {
    const p = pool();
    const first = request(p);
    expect(spawned).toHaveLength(1);
    expect(p.stats).toMatchObject({ hits: 0, misses: 1, busy: 1 });
    spawned[0]?.answer("one");
    spawned[0]?.exit(0);
    await tick();
    expect(first.seen).toMatchObject({ output: "one", closed: 0 });
    expect(idle()).toHaveLength(1);

    const second = request(p, SONNET, OPTIONS, "second input");
    const warm = processOf(second.child.pid);
    expect(warm, "served by the warm process").toBe(spawned[1]);
    expect(warm?.input).toEqual(["second input"]);
    warm?.answer("two");
    warm?.exit(0);
    expect(second.seen).toMatchObject({ output: "two", closed: 0 });
    expect(p.stats).toMatchObject({ hits: 1, misses: 1 });
  });

  it("a process fits only the same command line, environment and directory", async () => {
    const p = pool({ size: 1 });
    request(p).child.emit("close", 0);
    spawned[0]?.exit(0);
    await tick();
    expect(idle()).toHaveLength(1);
    for (const [args, options] of [
      [HAIKU, OPTIONS],
      [WITH_TOOLS, OPTIONS],
      [SONNET, { ...OPTIONS, env: { A: "2" } }],
      [SONNET, { ...OPTIONS, cwd: "/elsewhere" }],
    ] as const) {
      const { child } = request(p, args, options);
      expect(processOf(child.pid)?.args).toEqual(args);
      expect(processOf(child.pid)?.stdinEnded).toBe(true);
    }
    expect(p.stats.hits).toBe(0);
  });

  it("keeps warm what the last requests used: two tool sets, one process each", async () => {
    const p = pool({ size: 2 });
    for (const args of [SONNET, WITH_TOOLS]) {
      const { child } = request(p, args);
      processOf(child.pid)?.exit(0);
    }
    await tick();
    expect(idle().map((c) => c.args).sort()).toEqual([SONNET, WITH_TOOLS].sort());
    const a = request(p, WITH_TOOLS);
    const b = request(p, SONNET);
    expect(p.stats.hits).toBe(2);
    expect(processOf(a.child.pid)?.args).toEqual(WITH_TOOLS);
    expect(processOf(b.child.pid)?.args).toEqual(SONNET);
  });

  it("busy and warm processes stay within the capacity; a miss at the bound ends a warm one first", async () => {
    const p = pool({ size: 2, capacity: 2 });
    const one = request(p, SONNET);
    processOf(one.child.pid)?.exit(0);
    await tick();
    expect(idle()).toHaveLength(1);
    const busy = request(p, HAIKU); // a miss: 1 busy + 1 warm = the capacity
    await tick();
    const alive = () => spawned.filter((c) => c.exitCode === null && c.signalCode === null).length;
    expect(alive()).toBeLessThanOrEqual(2);
    request(p, WITH_TOOLS); // another miss: the warm sonnet process makes room
    await tick();
    expect(alive()).toBeLessThanOrEqual(2);
    expect(p.stats.recycled).toBeGreaterThanOrEqual(1);
    processOf(busy.child.pid)?.exit(0);
    await tick();
    expect(alive()).toBeLessThanOrEqual(2);
  });

  it("size 0: every request starts its own process and nothing is started ahead", async () => {
    const p = pool({ size: 0 });
    const { child } = request(p);
    processOf(child.pid)?.exit(0);
    await tick();
    request(p);
    expect(spawned).toHaveLength(2);
    expect(spawned.every((c) => c.stdinEnded)).toBe(true);
  });

  it("a warm process that died while waiting is not handed out", async () => {
    const p = pool({ size: 1 });
    processOf(request(p).child.pid)?.exit(0);
    await tick();
    idle()[0]?.exit(1);
    const { child } = request(p);
    expect(processOf(child.pid)?.stdinEnded).toBe(true);
    expect(p.stats).toMatchObject({ hits: 0, misses: 2 });
  });

  it("a warm process that ends before answering: the request runs on a fresh process with the same input, and never sees the failure", async () => {
    const p = pool({ size: 1 });
    processOf(request(p).child.pid)?.exit(0);
    await tick();
    const { child, seen } = request(p, SONNET, OPTIONS, "the input");
    const warm = processOf(child.pid);
    warm?.exit(1); // gone before its first output
    expect(seen.closed).toBeUndefined();
    const fresh = spawned.at(-1);
    expect(fresh).not.toBe(warm);
    expect(fresh?.input).toEqual(["the input"]);
    expect(fresh?.stdinEnded).toBe(true);
    fresh?.answer("answer");
    fresh?.exit(0);
    expect(seen).toMatchObject({ output: "answer", closed: 0, errors: 0 });
    expect(p.stats.fallbacks).toBe(1);
  });

  it("once a warm process has answered, its end is the request's (an error mid-answer stays an error)", async () => {
    const p = pool({ size: 1 });
    processOf(request(p).child.pid)?.exit(0);
    await tick();
    const { child, seen } = request(p);
    const warm = processOf(child.pid);
    warm?.answer("partial");
    warm?.exit(null, "SIGKILL");
    expect(seen).toMatchObject({ output: "partial", closed: null });
    expect(p.stats.fallbacks).toBe(0);
  });

  it("replaces a warm process after idleMs, and when the CLI's login changes", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    let login = "v1";
    const p = pool({ size: 1, idleMs: 1000, credentials: () => login });
    processOf(request(p).child.pid)?.exit(0);
    await tick();
    const first = idle()[0];
    vi.advanceTimersByTime(1001);
    await tick();
    await tick();
    expect(first?.killed).toBe(true);
    expect(idle()).toHaveLength(1);
    expect(idle()[0]).not.toBe(first);

    login = "v2";
    const { child } = request(p);
    expect(processOf(child.pid)?.input, "a fresh start, not the process that read the old login").toHaveLength(1);
    expect(p.stats.hits).toBe(0);
  });

  it("close ends every warm process and starts no more", async () => {
    const p = pool({ size: 2 });
    processOf(request(p).child.pid)?.exit(0);
    await tick();
    const waiting = idle();
    expect(waiting).toHaveLength(1);
    p.close();
    expect(waiting[0]?.killed).toBe(true);
    await tick();
    expect(idle()).toHaveLength(0);
  });

  it("holds what a remembered command line needs, and lets it go when it is forgotten", async () => {
    const held: string[] = [];
    const p = pool({ size: 1, hold: (args) => (held.push(args.join(" ")), () => held.splice(held.indexOf(args.join(" ")), 1)) });
    processOf(request(p, WITH_TOOLS).child.pid)?.exit(0);
    await tick();
    expect(held).toEqual([WITH_TOOLS.join(" ")]);
    processOf(request(p, HAIKU).child.pid)?.exit(0); // the tool set drops out of the last 1
    await tick();
    expect(held).toEqual([HAIKU.join(" ")]);
  });
});
