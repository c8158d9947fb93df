// Benchmark of the whole stack: time from `docker compose up -d --wait` to every service healthy, with
// the images already built and an empty state volume (config-init's first run), and the images' sizes.
// It runs the product docker-compose.yml with the test override (mock Anthropic API, no route out),
// with the shipped healthcheck timings (checked every second while starting: start_interval) and
// without start_interval (checked every 10 s from the start, as a Docker Engine older than 25 does). Then an
// OpenClaw agent turn with two tool round trips (three model requests: exec, exec, the answer) through
// the whole stack, with maxapi's default warm pool and with WARM_POOL_SIZE=0, BENCH_AGENT_N each.
//   node bench/stack.bench.ts        env: BENCH_STACK_ROUNDS (default 3), BENCH_AGENT_N (20)
import { execFileSync, spawn } from "node:child_process";
import { once } from "node:events";
import { readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { MockAnthropicClient } from "../test/support/mock-anthropic-client.ts";
import { agentTurn } from "../test/support/openclaw-agent.ts";
import { composeCommand, ROOT } from "../test/support/stack.ts";

const ROUNDS = Number(process.env.BENCH_STACK_ROUNDS ?? 3);
const AGENT_N = Number(process.env.BENCH_AGENT_N ?? 20);
const PROJECT = `clawbridge-bench-stack-${process.pid}`;
const SERVICES = ["config-init", "mock-anthropic", "maxapi", "normalizer", "gateway"];
const IMAGES = ["config-init", "gateway", "maxapi", "normalizer"];

const [docker = "docker", ...composeArgs] = composeCommand(PROJECT);
// The shipped healthcheck timings, as .env.example sets them (the tests' stack.env checks every second)
const SHIPPED: Record<string, string> = Object.fromEntries(
  readFileSync(new URL("../.env.example", import.meta.url), "utf8")
    .split("\n")
    .filter((line) => line.startsWith("HEALTHCHECK_"))
    .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
);
const compose = (env: Record<string, string>, ...args: string[]) =>
  execFileSync(docker, [...composeArgs, ...args], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });

interface PsRow {
  Service: string;
  State: string;
  Health: string;
  ExitCode: number;
}

const ps = (env: Record<string, string>): PsRow[] =>
  compose(env, "ps", "--all", "--format", "json")
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as PsRow);

const ready = (row: PsRow) =>
  row.Service === "config-init" ? row.State === "exited" && row.ExitCode === 0 : row.Health === "healthy";

/** Seconds from `up -d --wait` to each service ready (config-init: exited 0), to all of them, and to the command returning. */
async function upOnce(env: Record<string, string>): Promise<Record<string, number>> {
  const started = performance.now();
  const seconds = () => (performance.now() - started) / 1000;
  const at: Record<string, number> = {};
  // `up -d` itself waits for each depends_on condition before starting the next service: poll meanwhile
  const up = spawn(docker, [...composeArgs, "up", "-d", "--wait"], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: "ignore",
  });
  const upExit = once(up, "exit").then(([code]) => {
    if (code !== 0) throw new Error(`up -d --wait exited ${String(code)}`);
    at["up -d --wait"] = seconds();
  });
  while (SERVICES.some((service) => at[service] === undefined)) {
    if (seconds() > 300) throw new Error(`not ready after 300 s: ${JSON.stringify(ps(env))}`);
    for (const row of ps(env)) if (at[row.Service] === undefined && ready(row)) at[row.Service] = seconds();
    await sleep(100);
  }
  at.all = Math.max(...SERVICES.map((service) => at[service] ?? NaN));
  await upExit;
  compose(env, "down", "--volumes", "--timeout", "30");
  return at;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

console.log("building the images (not timed) ...");
compose({}, "build", "--quiet");
for (const [label, env] of ROUNDS === 0
  ? []
  : ([
      [
        `shipped timings (every ${SHIPPED.HEALTHCHECK_START_INTERVAL} while starting, then every ${SHIPPED.HEALTHCHECK_INTERVAL})`,
        SHIPPED,
      ],
      [
        `without start_interval (every ${SHIPPED.HEALTHCHECK_INTERVAL} from the start)`,
        { ...SHIPPED, HEALTHCHECK_START_INTERVAL: SHIPPED.HEALTHCHECK_INTERVAL ?? "10s" },
      ],
    ] as const)) {
  const rounds: Record<string, number>[] = [];
  for (let round = 0; round < ROUNDS; round++) rounds.push(await upOnce(env));
  console.log(`\nup -d --wait → ready, ${label}, median of ${ROUNDS} (min-max), seconds:`);
  for (const service of [...SERVICES, "all", "up -d --wait"]) {
    const values = rounds.map((r) => r[service] ?? NaN);
    console.log(
      `  ${service.padEnd(15)} ${median(values).toFixed(1).padStart(5)}  (${Math.min(...values).toFixed(1)}-${Math.max(...values).toFixed(1)})`,
    );
  }
}

/**
 * Seconds of agent turns with two tool round trips, each in a session of its own, 3 s apart (a
 * person reads an answer before the next message; cron jobs are minutes apart), on the running stack.
 */
async function agentTurns(
  env: Record<string, string>,
  label: string,
  count: number,
  warmUp: number,
): Promise<number[]> {
  const mock = new MockAnthropicClient(`http://${compose(env, "port", "mock-anthropic", "8080").trim()}`);
  const gateway = compose(env, "ps", "-q", "gateway").trim();
  const call = (command: string) => ({ answer: "", toolCalls: [{ name: "exec", input: { command } }] });
  const seconds: number[] = [];
  for (let i = -warmUp; i < count; i++) {
    await mock.setMode("ok", { answer: "Both commands ran.", next: [call("echo one"), call("echo two")] });
    await sleep(3000);
    const started = performance.now();
    const turn = await agentTurn(gateway, `Run two commands (${label} ${i})`, {
      sessionKey: `bench-${label}-${String(performance.now())}`,
    });
    if (turn.text !== "Both commands ran.") throw new Error(`agent turn failed: ${turn.output.slice(0, 500)}`);
    if (i >= 0) seconds.push((performance.now() - started) / 1000);
  }
  return seconds;
}

// blocks of 5 turns, warm and cold in turn, so that the machine's drift falls on both; maxapi alone
// is recreated between blocks (its WARM_POOL_SIZE), everything else keeps running
const BLOCK = 5;
const turns: Record<string, number[]> = { warm: [], cold: [] };
compose(SHIPPED, "up", "-d", "--wait");
for (let done = 0; done < AGENT_N; done += BLOCK) {
  for (const [label, extra] of [
    ["warm", {}],
    ["cold", { WARM_POOL_SIZE: "0" }],
  ] as const) {
    const env = { ...SHIPPED, ...extra };
    compose(env, "up", "-d", "--wait", "--no-deps", "maxapi");
    // one turn to warm up OpenClaw (its first turn loads more) and to teach the pool the agent's tools
    turns[label]?.push(...(await agentTurns(env, label, Math.min(BLOCK, AGENT_N - done), 1)));
  }
}
compose(SHIPPED, "down", "--volumes", "--timeout", "30");
console.log(
  `\nan OpenClaw agent turn with two tool round trips (three model requests), ${AGENT_N} each in blocks of ${BLOCK}, 3 s apart, seconds:`,
);
for (const [label, list] of Object.entries(turns)) {
  console.log(
    `  ${(label === "warm" ? "default warm pool" : "WARM_POOL_SIZE=0").padEnd(18)} median ${median(list).toFixed(2)}  (${Math.min(...list).toFixed(2)}-${Math.max(...list).toFixed(2)})`,
  );
}
console.log(`  warm is faster by ${(median(turns.cold ?? []) - median(turns.warm ?? [])).toFixed(2)} s (medians)`);

console.log("\nimage sizes (uncompressed, as `docker images` reports):");
const tag = (name: string) => `clawbridge/${name}:test`;
const base = Number(
  execFileSync("docker", ["image", "inspect", "--format", "{{.Size}}", "node:24-bookworm-slim"], { encoding: "utf8" }),
);
console.log(`  ${"node:24-bookworm-slim (base)".padEnd(30)} ${(base / 1e6).toFixed(0).padStart(5)} MB`);
for (const name of IMAGES) {
  const size = Number(
    execFileSync("docker", ["image", "inspect", "--format", "{{.Size}}", tag(name)], { encoding: "utf8" }),
  );
  console.log(
    `  ${tag(name).padEnd(30)} ${(size / 1e6).toFixed(0).padStart(5)} MB  (+${((size - base) / 1e6).toFixed(0)} MB over the base)`,
  );
}
