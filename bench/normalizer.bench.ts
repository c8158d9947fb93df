// Benchmark of the normalizer against the mock upstream: throughput (autocannon) and time to the
// first SSE byte, each measured directly against the mock and through the normalizer, so the
// numbers show what the normalizer adds. Both servers run as child processes, like in production.
//   node bench/normalizer.bench.ts      env: BENCH_SECONDS, BENCH_ROUNDS, BENCH_TTFB_N
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { Agent, request, type OutgoingHttpHeaders } from "node:http";
import { availableParallelism } from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import { openClawRequest } from "../test/support/openclaw-request.ts";
import { freePorts } from "../test/support/ports.ts";

const HOST = "127.0.0.1";
const ROOT = fileURLToPath(new URL("..", import.meta.url));
const API_KEY = "bench-key-0123456789abcdef";
const CONNECTIONS = 10;
const WARMUP_SECONDS = 1;
const WARMUP_STREAMS = 20;
// The default cap (4 upstream slots) protects the Claude CLI; the mock answers instantly, so the
// cap is raised to measure the normalizer's own cost rather than its queue.
const MAX_CONCURRENCY = 64;
const MAX_QUEUE = 1024;

function envInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer, got "${raw}"`);
  return value;
}

const SECONDS = envInt("BENCH_SECONDS", 5);
const ROUNDS = envInt("BENCH_ROUNDS", 3);
const TTFB_N = envInt("BENCH_TTFB_N", 200);

const HEADERS = { "content-type": "application/json", authorization: `Bearer ${API_KEY}` };
const JSON_BODY = Buffer.from(JSON.stringify(openClawRequest({ stream: false })));
const SSE_BODY = Buffer.from(JSON.stringify(openClawRequest({ stream: true })));

// ---- child processes ----------------------------------------------------------------------------

const children: ChildProcess[] = [];

/** Starts `node <args>` with only `env` (no stray config from the shell) and waits for `healthUrl`. */
async function startChild(name: string, args: string[], env: Record<string, string>, healthUrl: string): Promise<void> {
  // stdout is dropped: the normalizer logs one line per request, as in production, but the bench
  // must not pay for a terminal. stderr stays visible for crashes.
  const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ["ignore", "ignore", "inherit"] });
  children.push(child);
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`${name} exited during start (${child.exitCode ?? child.signalCode})`);
    try {
      const res = await fetch(healthUrl, { signal: AbortSignal.timeout(1_000) });
      await res.body?.cancel();
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(50);
  }
  throw new Error(`${name} did not become healthy at ${healthUrl} within 15 s`);
}

async function stopChildren(): Promise<void> {
  await Promise.all(
    children.map(async (child) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, "exit");
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
      await exited;
      clearTimeout(timer);
    }),
  );
}

// ---- statistics ---------------------------------------------------------------------------------

/** Nearest-rank percentile of `sorted` (ascending). */
function percentile(sorted: readonly number[], p: number): number {
  const value = sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
  if (value === undefined) throw new Error("percentile of no samples");
  return value;
}

const mean = (values: readonly number[]) => values.reduce((sum, v) => sum + v, 0) / values.length;
const ascending = (values: number[]) => values.sort((a, b) => a - b);
const ms = (value: number) => `${value.toFixed(2)} ms`;

// ---- throughput ---------------------------------------------------------------------------------

interface LoadResult {
  reqPerSec: number;
  /** Per-response latencies in ms; autocannon's own histogram rounds to whole milliseconds. */
  latenciesMs: number[];
}

/** Load at full speed over `connections` keep-alive connections. */
function load(url: string, seconds: number, connections = CONNECTIONS): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const latenciesMs: number[] = [];
    const options = {
      url,
      method: "POST" as const,
      headers: HEADERS,
      body: JSON_BODY,
      connections,
      duration: seconds,
    };
    const instance = autocannon(options, (error: unknown, result) => {
      if (error) {
        reject(error instanceof Error ? error : new Error("autocannon failed", { cause: error }));
        return;
      }
      if (result.errors > 0 || result.timeouts > 0 || result.non2xx > 0) {
        const codes = JSON.stringify(result.statusCodeStats ?? {});
        reject(
          new Error(
            `${url}: ${result.errors} errors, ${result.timeouts} timeouts, ${result.non2xx} non-2xx (status counts ${codes})`,
          ),
        );
        return;
      }
      resolve({ reqPerSec: result.requests.average, latenciesMs });
    });
    instance.on("response", (_client, _status, _bytes, responseTime) => latenciesMs.push(responseTime));
  });
}

// ---- time to first SSE byte ---------------------------------------------------------------------

/** Sends one streaming request; resolves with ms from sending to the first body byte, after the stream ends. */
function firstByteMs(url: string, agent: Agent): Promise<number> {
  return new Promise((resolve, reject) => {
    const headers: OutgoingHttpHeaders = { ...HEADERS, "content-length": SSE_BODY.byteLength };
    const started = performance.now();
    const req = request(url, { method: "POST", headers, agent }, (res) => {
      let firstByte: number | undefined;
      let text = "";
      res.once("data", () => (firstByte = performance.now() - started));
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (text += chunk));
      res.on("error", reject);
      res.on("end", () => {
        // a complete, well-formed stream, so a fast error answer cannot pass for a fast first byte
        if (
          res.statusCode !== 200 ||
          !String(res.headers["content-type"]).includes("text/event-stream") ||
          !text.includes("data: [DONE]")
        ) {
          reject(new Error(`${url}: bad stream (status ${res.statusCode}): ${text.slice(0, 200)}`));
        } else if (firstByte === undefined) {
          reject(new Error(`${url}: stream without a body`));
        } else resolve(firstByte);
      });
    });
    req.on("error", reject);
    req.end(SSE_BODY);
  });
}

// ---- run ----------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const [mockPort, normalizerPort] = await freePorts(2);
  if (mockPort === undefined || normalizerPort === undefined) throw new Error("no free ports");
  const mockBase = `http://${HOST}:${mockPort}`;
  const normalizerBase = `http://${HOST}:${normalizerPort}`;
  await startChild(
    "mock upstream",
    ["test/support/mock-openai-upstream.ts", String(mockPort), HOST],
    {},
    `${mockBase}/health`,
  );
  await startChild(
    "normalizer",
    ["services/normalizer/src/main.ts"],
    {
      NODE_ENV: "production",
      PORT: String(normalizerPort),
      HOST,
      UPSTREAM_URL: mockBase,
      PROXY_API_KEY: API_KEY,
      MAX_CONCURRENCY: String(MAX_CONCURRENCY),
      MAX_QUEUE: String(MAX_QUEUE),
      LOG_LEVEL: "info",
    },
    `${normalizerBase}/healthz`,
  );

  const targets = [
    { name: "direct", url: `${mockBase}/v1/chat/completions` },
    { name: "through", url: `${normalizerBase}/v1/chat/completions` },
  ] as const;

  // auth really is on: the same request without the key is refused
  const unauthorized = await fetch(targets[1].url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON_BODY,
  });
  await unauthorized.body?.cancel();
  if (unauthorized.status !== 401)
    throw new Error(`normalizer answered ${unauthorized.status} without an API key, expected 401`);

  console.log(
    `normalizer benchmark (OpenClaw-shaped request: ${Math.round(JSON_BODY.byteLength / 1024)} KB body, 12 tools; auth, validation, metrics on; LOG_LEVEL=info to /dev/null)`,
  );
  console.log(`node ${process.version}, ${availableParallelism()} CPUs shared by autocannon, normalizer and mock`);
  console.log(
    `note: MAX_CONCURRENCY=${MAX_CONCURRENCY}, MAX_QUEUE=${MAX_QUEUE} (raised from 4/64 for the throughput measurement: the mock answers instantly)`,
  );

  for (const target of targets) await load(target.url, WARMUP_SECONDS);
  const runs = { direct: [] as LoadResult[], through: [] as LoadResult[] };
  for (let round = 0; round < ROUNDS; round++) {
    for (const target of targets) runs[target.name].push(await load(target.url, SECONDS));
  }

  console.log(`throughput (${ROUNDS} rounds x ${SECONDS} s, ${CONNECTIONS} connections, interleaved)`);
  const reqPerSec = { direct: 0, through: 0 };
  for (const target of targets) {
    const results = runs[target.name];
    reqPerSec[target.name] = mean(results.map((r) => r.reqPerSec));
    const latencies = ascending(results.flatMap((r) => r.latenciesMs));
    console.log(
      `  ${target.name.padEnd(8)} ${Math.round(reqPerSec[target.name]).toString().padStart(6)} req/s  p50 ${ms(percentile(latencies, 50))}  p99 ${ms(percentile(latencies, 99))}`,
    );
  }
  console.log(`  ratio    ${(reqPerSec.through / reqPerSec.direct).toFixed(2)}`);

  // With 10 connections three processes compete for 2 CPUs, so p99 there is mostly waiting for a
  // core. One connection at a time shows what the normalizer itself adds to a request.
  const single = { direct: [] as number[], through: [] as number[] };
  for (let round = 0; round < ROUNDS; round++) {
    for (const target of targets) single[target.name].push(...(await load(target.url, SECONDS, 1)).latenciesMs);
  }
  console.log(`latency, one connection (${ROUNDS} rounds x ${SECONDS} s, interleaved)`);
  for (const target of targets) {
    const latencies = ascending(single[target.name]);
    console.log(
      `  ${target.name.padEnd(8)} p50 ${ms(percentile(latencies, 50))}  p99 ${ms(percentile(latencies, 99))}`,
    );
  }

  // one keep-alive connection per target, so connection setup is not part of the first byte
  const agents = {
    direct: new Agent({ keepAlive: true, maxSockets: 1 }),
    through: new Agent({ keepAlive: true, maxSockets: 1 }),
  };
  try {
    for (let i = 0; i < WARMUP_STREAMS; i++)
      for (const target of targets) await firstByteMs(target.url, agents[target.name]);
    const firstBytes = { direct: [] as number[], through: [] as number[] };
    for (let i = 0; i < TTFB_N; i++) {
      for (const target of targets) firstBytes[target.name].push(await firstByteMs(target.url, agents[target.name]));
    }
    console.log(`first SSE byte (${TTFB_N} sequential streams each, alternating)`);
    const medians = { direct: 0, through: 0 };
    for (const target of targets) {
      const sorted = ascending(firstBytes[target.name]);
      medians[target.name] = percentile(sorted, 50);
      console.log(`  ${target.name.padEnd(8)} median ${ms(medians[target.name])}  p99 ${ms(percentile(sorted, 99))}`);
    }
    const difference = medians.through - medians.direct;
    console.log(`  difference of medians: ${difference >= 0 ? "+" : ""}${ms(difference)}`);
  } finally {
    agents.direct.destroy();
    agents.through.destroy();
  }
}

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => void stopChildren().finally(() => process.exit(signal === "SIGINT" ? 130 : 143)));
}

let exitCode = 0;
try {
  await main();
} catch (error) {
  console.error("benchmark failed:", error);
  exitCode = 1;
} finally {
  await stopChildren();
}
process.exit(exitCode);
