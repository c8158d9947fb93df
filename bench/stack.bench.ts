// Benchmark of the whole stack: time from `docker compose up -d --wait` to every service healthy, with
// the images already built and an empty state volume (config-init's first run), and the images' sizes.
// It runs the product docker-compose.yml with the test override (mock Anthropic API, no route out),
// with the shipped healthcheck timings (checked every second while starting: start_interval) and
// without start_interval (checked every 10 s from the start, as before Docker Engine 25).
//   node bench/stack.bench.ts        env: BENCH_STACK_ROUNDS (default 3)
import { execFileSync, spawn } from "node:child_process";
import { once } from "node:events";
import { readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { composeCommand, ROOT } from "../test/support/stack.ts";

const ROUNDS = Number(process.env.BENCH_STACK_ROUNDS ?? 3);
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
  execFileSync(docker, [...composeArgs, ...args], { cwd: ROOT, encoding: "utf8", env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });

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

const ready = (row: PsRow) => (row.Service === "config-init" ? row.State === "exited" && row.ExitCode === 0 : row.Health === "healthy");

/** Seconds from `up -d --wait` to each service ready (config-init: exited 0), to all of them, and to the command returning. */
async function upOnce(env: Record<string, string>): Promise<Record<string, number>> {
  const started = performance.now();
  const seconds = () => (performance.now() - started) / 1000;
  const at: Record<string, number> = {};
  // `up -d` itself waits for each depends_on condition before starting the next service: poll meanwhile
  const up = spawn(docker, [...composeArgs, "up", "-d", "--wait"], { cwd: ROOT, env: { ...process.env, ...env }, stdio: "ignore" });
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
for (const [label, env] of [
  [`shipped timings (every ${SHIPPED.HEALTHCHECK_START_INTERVAL} while starting, then every ${SHIPPED.HEALTHCHECK_INTERVAL})`, SHIPPED],
  [`without start_interval (every ${SHIPPED.HEALTHCHECK_INTERVAL} from the start)`, { ...SHIPPED, HEALTHCHECK_START_INTERVAL: SHIPPED.HEALTHCHECK_INTERVAL ?? "10s" }],
] as const) {
  const rounds: Record<string, number>[] = [];
  for (let round = 0; round < ROUNDS; round++) rounds.push(await upOnce(env));
  console.log(`\nup -d --wait → ready, ${label}, median of ${ROUNDS} (min-max), seconds:`);
  for (const service of [...SERVICES, "all", "up -d --wait"]) {
    const values = rounds.map((r) => r[service] ?? NaN);
    console.log(`  ${service.padEnd(15)} ${median(values).toFixed(1).padStart(5)}  (${Math.min(...values).toFixed(1)}-${Math.max(...values).toFixed(1)})`);
  }
}

console.log("\nimage sizes (uncompressed, as `docker images` reports):");
const tag = (name: string) => `clawbridge/${name}:test`;
const base = Number(execFileSync("docker", ["image", "inspect", "--format", "{{.Size}}", "node:24-bookworm-slim"], { encoding: "utf8" }));
console.log(`  ${"node:24-bookworm-slim (base)".padEnd(30)} ${(base / 1e6).toFixed(0).padStart(5)} MB`);
for (const name of IMAGES) {
  const size = Number(execFileSync("docker", ["image", "inspect", "--format", "{{.Size}}", tag(name)], { encoding: "utf8" }));
  console.log(`  ${tag(name).padEnd(30)} ${(size / 1e6).toFixed(0).padStart(5)} MB  (+${((size - base) / 1e6).toFixed(0)} MB over the base)`);
}
