// The warm pool's rules (services/maxapi/src/warm/pool.ts, handover.ts) with a stand-in for node's
// spawn: which process a request gets, the bounds, recycling, and the fall-back when a warm process
// dies. The real CLI in a real pool is test/containers/maxapi.test.ts's "warm CLI processes".
// The pool's timers (quiet time, idle time, forgetting) run on vitest's fake clock, so no test waits
// on real time; the last test runs real processes on real pipes.
import type { ChildProcess, SpawnOptions } from "node:child_process";
import { EventEmitter } from "node:events";
import { spawn as nodeSpawn } from "node:child_process";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { CliCommand } from "../../../services/maxapi/src/cli/command.ts";
import { FORGET_MS, WarmPool, type PoolOptions } from "../../../services/maxapi/src/warm/pool.ts";
import { until } from "../../support/until.ts";

/** Runs the pool's quiet-time refill (quietMs 0 here) and the fake processes' exits. */
const tick = (ms = 5) => vi.advanceTimersByTimeAsync(ms);

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
  readonly options: SpawnOptions;

  constructor(args: readonly string[], options: SpawnOptions = {}) {
    super();
    this.args = args;
    this.options = options;
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
const spawn = vi.fn((_program: string, args: readonly string[], options: SpawnOptions) => {
  const child = new FakeCli(args, options);
  spawned.push(child);
  return child as unknown as ChildProcess;
});

const pools: WarmPool[] = [];
function pool(options: Partial<PoolOptions> = {}): WarmPool {
  const created = new WarmPool({ size: 2, capacity: 4, idleMs: 60_000, quietMs: 0, spawn, ...options });
  pools.push(created);
  return created;
}

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  const busy = pools.map((p) => p.stats.busy);
  for (const p of pools.splice(0)) p.close();
  spawned.splice(0);
  spawn.mockClear();
  vi.useRealTimers();
  expect(
    busy.every((n) => n === 0),
    "every request's process counted out again",
  ).toBe(true);
});

const command = (model: CliCommand["model"], extra: Partial<CliCommand> = {}): CliCommand => ({
  model,
  family: "opus",
  args: ["--print", "--model", model, "--input-format", "stream-json"],
  env: {},
  toolsFile: undefined,
  ...extra,
});
const SONNET = command("sonnet");
const HAIKU = command("haiku");
const WITH_TOOLS = command("sonnet", {
  args: [...SONNET.args, "--mcp-config", '{"mcpServers":{}}'],
  env: { ENABLE_TOOL_SEARCH: "false" },
  toolsFile: "/tmp/tools.json",
});

/** What the chat route does with the process: listens, writes the request, reads the answer. */
function request(p: WarmPool, cli = SONNET, input = '{"type":"user"}\n') {
  const child = p.start(cli) as unknown as FakeCli;
  const seen = { output: "", closed: undefined as number | null | undefined, errors: 0 };
  child.stdout.on("data", (data: Buffer) => (seen.output += data.toString()));
  child.on("close", (code: number | null) => (seen.closed = code));
  child.on("error", () => seen.errors++);
  child.stdin.end(input);
  return { child, seen };
}

/** The real process behind what the request got (the warm one, or its replacement). */
/** A pool of size 1 (and `options`) with one process waiting: a first request came and went. */
async function poolWithOneWaiting(options: Partial<PoolOptions> = {}): Promise<WarmPool> {
  const p = pool({ size: 1, ...options });
  processOf(request(p).child.pid)?.exit(0);
  await tick();
  return p;
}

/** A `hold` that counts, per command, the holds taken and not yet released. */
function holds() {
  const held = new Map<string, number>();
  const hold = (cli: CliCommand) => {
    const key = cli.args.join(" ");
    held.set(key, (held.get(key) ?? 0) + 1);
    return () => held.set(key, (held.get(key) ?? 0) - 1);
  };
  return { held, hold };
}

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

    const second = request(p, SONNET, "second input");
    const warm = processOf(second.child.pid);
    expect(warm, "served by the warm process").toBe(spawned[1]);
    expect(warm?.input).toEqual(["second input"]);
    warm?.answer("two");
    warm?.exit(0);
    expect(second.seen).toMatchObject({ output: "two", closed: 0 });
    expect(p.stats).toMatchObject({ hits: 1, misses: 1 });
  });

  it("a process fits only the same command: arguments and environment", async () => {
    const p = await poolWithOneWaiting();
    expect(idle()).toHaveLength(1);
    const waiting = idle()[0];
    for (const cli of [HAIKU, WITH_TOOLS, { ...SONNET, env: { A: "2" } }]) {
      const { child } = request(p, cli);
      expect(child.pid, JSON.stringify(cli)).not.toBe(waiting?.pid);
      expect(processOf(child.pid)?.args).toEqual(cli.args);
      processOf(child.pid)?.exit(0);
    }
    expect(p.stats.hits).toBe(0);
  });

  it("starts the CLI in the pool's directory with maxapi's environment plus the command's", () => {
    const p = pool({ cwd: "/srv/claude-work", program: "claude" });
    processOf(request(p, WITH_TOOLS).child.pid)?.exit(0);
    expect(spawn).toHaveBeenCalledWith("claude", WITH_TOOLS.args, expect.objectContaining({ cwd: "/srv/claude-work" }));
    expect(spawned[0]?.options.env).toMatchObject({ ...process.env, ENABLE_TOOL_SEARCH: "false" });
  });

  it("keeps warm what the last requests used: two tool sets, one process each", async () => {
    const p = pool({ size: 2 });
    for (const args of [SONNET, WITH_TOOLS]) {
      const { child } = request(p, args);
      processOf(child.pid)?.exit(0);
    }
    await tick();
    expect(
      idle()
        .map((c) => c.args)
        .sort(),
    ).toEqual([SONNET.args, WITH_TOOLS.args].sort());
    const a = request(p, WITH_TOOLS);
    const b = request(p, SONNET);
    expect(p.stats.hits).toBe(2);
    expect(processOf(a.child.pid)?.args).toEqual(WITH_TOOLS.args);
    expect(processOf(b.child.pid)?.args).toEqual(SONNET.args);
    processOf(a.child.pid)?.exit(0);
    processOf(b.child.pid)?.exit(0);
  });

  it("busy and warm processes stay within the capacity; a miss at the bound ends a warm one first", async () => {
    const p = pool({ size: 2, capacity: 2 });
    const alive = () => spawned.filter((c) => c.exitCode === null && c.signalCode === null);
    processOf(request(p, SONNET).child.pid)?.exit(0);
    await tick();
    const warmSonnet = idle()[0];
    expect(alive()).toHaveLength(1);
    const haiku = request(p, HAIKU); // a miss: 1 busy + 1 warm = the capacity, nothing ended
    expect(warmSonnet?.killed).toBe(false);
    const tools = request(p, WITH_TOOLS); // another miss: the warm sonnet process makes room
    expect(warmSonnet?.killed).toBe(true);
    await tick();
    expect(alive()).toHaveLength(2); // the two busy ones; no refill while they hold the capacity
    processOf(haiku.child.pid)?.exit(0);
    processOf(tools.child.pid)?.exit(0);
    await tick();
    expect(
      alive()
        .map((c) => c.args)
        .sort(),
      "then the last two commands, within the capacity",
    ).toEqual([HAIKU.args, WITH_TOOLS.args].sort());
  });

  it("size 0: every request starts its own process, is counted a miss, and nothing is started ahead", async () => {
    const p = pool({ size: 0 });
    const { child } = request(p);
    processOf(child.pid)?.exit(0);
    await tick();
    request(p).child.emit("close", 0);
    expect(spawned).toHaveLength(2);
    expect(spawned.every((c) => c.stdinEnded)).toBe(true);
    expect(p.stats).toMatchObject({ hits: 0, misses: 2, idle: 0 });
  });

  it("a warm process that died while waiting is not handed out", async () => {
    const p = await poolWithOneWaiting();
    const dead = idle()[0];
    dead?.exit(1);
    const { child } = request(p);
    expect(child.pid).not.toBe(dead?.pid);
    expect(p.stats).toMatchObject({ hits: 0, misses: 2 });
    processOf(child.pid)?.exit(0);
  });

  it("a warm process killed before its first output: the request runs on a fresh process with the same input, and never sees the failure", async () => {
    const p = await poolWithOneWaiting();
    const { child, seen } = request(p, SONNET, "the input");
    const warm = processOf(child.pid);
    warm?.exit(null, "SIGKILL"); // e.g. the OOM killer, before it read anything
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

  it("a warm process that exits by itself before any output (it refused the input) ends the request as a cold one would", async () => {
    const p = await poolWithOneWaiting();
    const before = spawned.length;
    const { child, seen } = request(p);
    processOf(child.pid)?.exit(1);
    expect(seen.closed).toBe(1);
    expect(spawned).toHaveLength(before); // not run twice
    expect(p.stats.fallbacks).toBe(0);
  });

  it("a replacement that cannot be started ends the request with an error and one close, and the pool goes on", async () => {
    const p = await poolWithOneWaiting();
    const { child, seen } = request(p);
    spawn.mockImplementationOnce(() => {
      throw new Error("spawn ENOMEM");
    });
    processOf(child.pid)?.exit(null, "SIGKILL");
    expect(seen).toMatchObject({ closed: null, errors: 1 });
    await tick();
    const next = request(p);
    processOf(next.child.pid)?.exit(0);
    expect(next.seen.closed).toBe(0);
  });

  it("a warm process that cannot be started is logged and skipped; requests start their own", async () => {
    const logged: string[] = [];
    const p = pool({ size: 1, log: (_level, _entry, message) => logged.push(message) });
    spawn.mockImplementationOnce((_c, args, options) => {
      const child = new FakeCli(args, options);
      spawned.push(child);
      return child as unknown as ChildProcess;
    });
    spawn.mockImplementationOnce(() => {
      throw new Error("spawn EAGAIN");
    });
    processOf(request(p).child.pid)?.exit(0);
    await tick();
    expect(logged).toContain("warm CLI process could not be started");
    expect(idle()).toHaveLength(0);
  });

  it("a request that ends its own process (the client hung up) is not given a replacement", async () => {
    const p = await poolWithOneWaiting();
    const before = spawned.length;
    const { child, seen } = request(p);
    child.kill("SIGTERM");
    await tick();
    expect(seen.closed).toBeNull();
    expect(spawned.length - before, "only the pool's own refill, no replacement for the request").toBeLessThanOrEqual(
      1,
    );
    expect(p.stats.fallbacks).toBe(0);
  });

  it("once a warm process has answered, its end is the request's (an error mid-answer stays an error)", async () => {
    const p = await poolWithOneWaiting();
    const { child, seen } = request(p);
    const warm = processOf(child.pid);
    warm?.answer("partial");
    warm?.exit(null, "SIGKILL");
    expect(seen).toMatchObject({ output: "partial", closed: null });
    expect(p.stats.fallbacks).toBe(0);
  });

  it("starts nothing while requests go on: used processes are replaced once it has been quiet for quietMs", async () => {
    const p = pool({ size: 2, quietMs: 60 });
    processOf(request(p).child.pid)?.exit(0);
    await tick(100);
    expect(idle()).toHaveLength(1);
    const count = spawned.length;
    const { child } = request(p);
    processOf(child.pid)?.exit(0);
    await tick(59);
    expect(spawned, "not within quietMs of the request").toHaveLength(count);
    await tick(2);
    expect(idle()).toHaveLength(2);
  });

  it("replaces a warm process that waited idleMs by a fresh one", async () => {
    const p = await poolWithOneWaiting({ idleMs: 50 }); // it started within the last 5 ms
    const first = idle()[0];
    await tick(40);
    expect(first?.killed, "not before idleMs").toBe(false);
    await tick(10);
    expect(first?.killed).toBe(true);
    await tick(); // the replacement, after quietMs
    expect(idle()).toHaveLength(1);
    expect(idle()[0]).not.toBe(first);
    expect(p.stats.recycled).toBeGreaterThanOrEqual(1);
  });

  it("does not hand over a process that started before the CLI's login changed", async () => {
    let login = "v1";
    const p = await poolWithOneWaiting({ credentials: () => login });
    const waiting = idle()[0];
    login = "v2";
    const { child } = request(p);
    expect(child.pid, "a fresh start, not the process that read the old login").not.toBe(waiting?.pid);
    expect(waiting?.killed).toBe(true);
    expect(p.stats.hits).toBe(0);
    processOf(child.pid)?.exit(0);
  });

  it("lets a command go when it has not been used for FORGET_MS, with its warm process", async () => {
    const p = pool({ size: 2 });
    processOf(request(p, WITH_TOOLS).child.pid)?.exit(0);
    await tick();
    const waiting = idle()[0];
    vi.setSystemTime(Date.now() + FORGET_MS + 1);
    processOf(request(p, HAIKU).child.pid)?.exit(0);
    await tick();
    expect(waiting?.killed).toBe(true);
    expect(idle().map((c) => c.args)).toEqual([HAIKU.args]);
  });

  it("close ends every warm process, releases what it held and starts no more", async () => {
    const { held, hold } = holds();
    const p = pool({ size: 2, hold });
    processOf(request(p).child.pid)?.exit(0);
    await tick();
    const waiting = idle();
    expect(waiting).toHaveLength(1);
    p.close();
    expect(waiting[0]?.killed).toBe(true);
    await tick();
    expect(idle()).toHaveLength(0);
    expect(
      [...held.values()].every((n) => n === 0),
      JSON.stringify([...held]),
    ).toBe(true);
  });

  it("holds a command's tool definitions while it is remembered and while a warm process of it lives", async () => {
    const { held, hold } = holds();
    const p = pool({ size: 1, hold });
    processOf(request(p, WITH_TOOLS).child.pid)?.exit(0);
    await tick();
    expect(held.get(WITH_TOOLS.args.join(" ")), "the remembered line and its warm process").toBe(2);
    const haiku = request(p, HAIKU); // the tool set drops out of the last 1; its warm process still lives
    expect(held.get(WITH_TOOLS.args.join(" "))).toBe(1);
    processOf(haiku.child.pid)?.exit(0);
    await tick(); // the refill ends the tools process (no longer wanted)
    expect(held.get(WITH_TOOLS.args.join(" "))).toBe(0);
  });
});

describe("warm pool with real processes", () => {
  // a stand-in CLI on real pipes: reads its whole stdin, then answers with it
  const ECHO = [
    "-e",
    'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{process.stdout.write("answer:"+s);process.exit(0)})',
  ];

  it("a warm process killed just before the hand-over (its exit not seen yet): the request is answered by a fresh one, with its input", async () => {
    vi.useRealTimers(); // real processes on real pipes
    const real: ChildProcess[] = [];
    const p = pool({
      size: 1,
      program: process.execPath,
      spawn: (program, args, options) => {
        const child = nodeSpawn(program, args, options);
        real.push(child);
        return child;
      },
    });
    const echo: CliCommand = { model: "sonnet", family: "sonnet", args: ECHO, env: {}, toolsFile: undefined };
    const run = (input: string) =>
      new Promise<{ output: string; code: number | null }>((resolve) => {
        const child = p.start(echo);
        let output = "";
        child.stdout?.on("data", (d: Buffer) => (output += d.toString()));
        child.on("close", (code: number | null) => resolve({ output, code }));
        child.stdin?.on("error", () => {});
        child.stdin?.end(input);
      });
    expect(await run("first")).toEqual({ output: "answer:first", code: 0 });
    await until("a warm process started", () => (p.stats.idle === 1 ? true : undefined), 100, 20);
    const warm = real.at(-1);
    expect(warm?.exitCode).toBeNull();
    process.kill(warm?.pid ?? 0, "SIGKILL"); // gone, but node has not told the pool yet
    expect(await run("second")).toEqual({ output: "answer:second", code: 0 });
    expect(p.stats).toMatchObject({ hits: 1, fallbacks: 1 });
  });
});
