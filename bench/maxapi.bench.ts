// Benchmark of maxapi: the real Claude Code CLI in the maxapi image, against the mock Anthropic API
// (test/containers/maxapi.compose.yml, only its mock-anthropic and maxapi services).
//   1. time to the first token and to the end, for one short streamed answer, sequentially;
//   2. a tool turn (OpenAI tools offered, the model calls one) against a text turn with the same tools
//      offered and one with none, BENCH_TOOLS_N each, interleaved: time to the first tool_calls delta
//      (the text turn: first token) and to the end; the difference is the stub MCP server's cost;
//   3. a request with one 1 MB image (a PNG of incompressible pixels) against the same request
//      without it, BENCH_IMAGES_N each, interleaved: time to the first token and to the end, and
//      the peak memory (PSS, below) while one such request runs;
//   4. peak memory with 1, 4 and 8 requests in flight: the sum of the container's processes' PSS
//      (shared pages such as the 380 MB CLI binary split fairly between processes), sampled from
//      the host, and the memory cgroup's own peak (which also counts page cache);
//   5. warm CLI processes: maxapi (pool off) against maxapi-warm (the default pool), BENCH_WARM_N
//      each, interleaved, one request a second: time to the first token of a text turn and to the
//      first tool_calls delta of a tool turn; then the idle memory (PSS) of each warm process.
// Needs Docker and root on the host (to read the container's cgroup and /proc).
//   node bench/maxapi.bench.ts        env: BENCH_TTFT_N (default 20), BENCH_TOOLS_N (10), BENCH_IMAGES_N (10), BENCH_WARM_N (20)
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { MAXAPI_METRICS as M } from "@clawbridge/limits";
import { PORTS } from "@clawbridge/settings";
import { dataUrl, imagePart, png } from "../test/support/images.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const PROJECT = `clawbridge-bench-${process.pid}`;
const COMPOSE = [
  "compose",
  "-f",
  "test/containers/maxapi.compose.yml",
  "-f",
  "bench/maxapi.bench.compose.yml",
  "-p",
  PROJECT,
];
const N = Number(process.env.BENCH_TTFT_N ?? 20);
const TOOLS_N = Number(process.env.BENCH_TOOLS_N ?? 10);
const IMAGES_N = Number(process.env.BENCH_IMAGES_N ?? 10);
const WARM_N = Number(process.env.BENCH_WARM_N ?? 20);
const PHOTO = png(578, 578, { noise: true }); // 1.00 MB
const EXEC_TOOL = {
  type: "function",
  function: {
    name: "exec",
    description: "Run a shell command",
    parameters: { type: "object", properties: { command: { type: "string" } }, required: ["command"] },
  },
};
const IN_FLIGHT = [1, 4, 8];
const SAMPLE_MS = 25;

const docker = (...args: string[]) =>
  execFileSync("docker", args, { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();

function endpoint(service: string, port: number): string {
  return `http://${docker(...COMPOSE, "port", service, String(port))}`;
}

async function setMode(mockUrl: string, settings: Record<string, unknown>): Promise<void> {
  const response = await fetch(`${mockUrl}/__mock/mode`, { method: "PUT", body: JSON.stringify(settings) });
  if (!response.ok) throw new Error(`mock mode: ${response.status} ${await response.text()}`);
}

/** Streams one answer; ms to the first content (or tool_calls) delta and to the end of the stream. */
async function streamOnce(
  url: string,
  extra: Record<string, unknown> = {},
): Promise<{ firstToken: number; end: number; text: string }> {
  const started = performance.now();
  const response = await fetch(`${url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      model: "claude-haiku-4",
      stream: true,
      messages: [{ role: "user", content: "Say hello." }],
      ...extra,
    }),
  });
  if (response.status !== 200 || !response.body)
    throw new Error(`maxapi answered ${response.status}: ${await response.text()}`);
  let firstToken: number | undefined;
  let text = "";
  const decoder = new TextDecoder();
  for await (const chunk of response.body) {
    text += decoder.decode(chunk as Uint8Array, { stream: true });
    if (firstToken === undefined && /"(content|tool_calls)"/.test(text)) firstToken = performance.now() - started;
  }
  if (firstToken === undefined || !text.includes("data: [DONE]"))
    throw new Error(`incomplete stream: ${text.slice(0, 200)}`);
  return { firstToken, end: performance.now() - started, text };
}

// ---- memory, read from the host -----------------------------------------------------------------

function cgroupDir(containerId: string): string {
  return `/sys/fs/cgroup/memory/docker/${containerId}`;
}

/** The container's processes: PID, parent, command line and PSS in bytes. */
function processesOf(containerId: string): { pid: number; ppid: number; cmdline: string; pss: number }[] {
  const list = [];
  for (const pid of readFileSync(`${cgroupDir(containerId)}/cgroup.procs`, "utf8")
    .split("\n")
    .filter(Boolean)) {
    try {
      const pss = /^Pss:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, "utf8"))?.[1];
      const ppid = /^PPid:\s+(\d+)$/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ");
      list.push({ pid: Number(pid), ppid: Number(ppid), cmdline, pss: Number(pss ?? 0) * 1024 });
    } catch {
      // the process ended between listing and reading
    }
  }
  return list;
}

const pssSumBytes = (containerId: string) => processesOf(containerId).reduce((sum, p) => sum + p.pss, 0);

async function peakWhile<T>(
  containerId: string,
  work: Promise<T>,
): Promise<{ pss: number; cgroup: number; result: T }> {
  writeFileSync(`${cgroupDir(containerId)}/memory.max_usage_in_bytes`, "0"); // reset the cgroup's peak
  const finished = new AbortController();
  let pss = 0;
  const sampling = (async () => {
    while (!finished.signal.aborted) {
      pss = Math.max(pss, pssSumBytes(containerId));
      await sleep(SAMPLE_MS);
    }
  })();
  const result = await work.finally(() => finished.abort());
  await sampling;
  const cgroup = Number(readFileSync(`${cgroupDir(containerId)}/memory.max_usage_in_bytes`, "utf8"));
  return { pss, cgroup, result };
}

// ---- run ----------------------------------------------------------------------------------------

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;
const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MiB`;
const ms = (value: number) => `${value.toFixed(0)} ms`;

async function waitForHealth(url: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const ok = await fetch(`${url}/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    if (attempt > 100) throw new Error(`${url} did not answer /health`);
    await sleep(100);
  }
}

/** maxapi's /metrics as name → value. */
async function metrics(url: string): Promise<Record<string, number>> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return Object.fromEntries([...text.matchAll(/^(maxapi_\w+) (\d+)$/gm)].map((m) => [m[1] ?? "", Number(m[2])]));
}

/** Section 5: the same requests on maxapi without warm processes and on maxapi-warm. */
async function warmAgainstCold(coldUrl: string, warmUrl: string, mockUrl: string, warmId: string): Promise<void> {
  const tools = { tools: [EXEC_TOOL] };
  const call = { mode: "ok", answer: "", toolCalls: [{ name: "exec", input: { command: "echo $((6*7))" } }] };
  const kinds = {
    "text turn": { mode: { mode: "ok" }, extra: {} },
    "tool turn": { mode: call, extra: tools },
  };
  const before = await metrics(warmUrl);
  const timings: Record<string, number[]> = {};
  for (let i = 0; i < WARM_N; i++) {
    for (const [kind, { mode, extra }] of Object.entries(kinds)) {
      await setMode(mockUrl, mode);
      for (const [pool, url] of [
        ["cold", coldUrl],
        ["warm", warmUrl],
      ] as const) {
        await sleep(1000); // one request a second: the pool refills between them, as between an agent's turns
        (timings[`${kind}, ${pool}`] ??= []).push((await streamOnce(url, extra)).firstToken);
      }
    }
  }
  const after = await metrics(warmUrl);
  const count = (name: string) => (after[name] ?? 0) - (before[name] ?? 0);
  console.log(
    `warm CLI processes: pool off (maxapi) against the default pool (maxapi-warm), ${WARM_N} of each, interleaved, 1 s apart`,
  );
  for (const [kind, list] of Object.entries(timings)) {
    console.log(
      `  ${kind.padEnd(16)} first token median ${ms(median(list))}  min ${ms(Math.min(...list))}  max ${ms(Math.max(...list))}`,
    );
  }
  console.log(
    `  maxapi-warm: ${count(M.warmHits)} served warm, ${count(M.warmMisses)} cold, ${count(M.warmFallbacks)} fell back`,
  );

  // idle memory: two tool turns last, so both warm processes wait with a stub tool server each
  await setMode(mockUrl, call);
  for (let i = 0; i < 2; i++) await streamOnce(warmUrl, tools);
  await sleep(3000);
  const processes = processesOf(warmId);
  const waiting = processes.filter((p) => p.cmdline.includes("--print --output-format stream-json"));
  const withStub = waiting.map(
    (cli) => cli.pss + processes.filter((p) => p.ppid === cli.pid).reduce((sum, p) => sum + p.pss, 0),
  );
  console.log(
    `  idle: ${waiting.length} warm processes; PSS each (CLI + its stub tool server): ${withStub.map(mib).join(", ")}; together ${mib(withStub.reduce((a, b) => a + b, 0))}`,
  );
  console.log(`  the whole container idle: ${mib(processes.reduce((sum, p) => sum + p.pss, 0))} PSS`);
}

async function main(): Promise<void> {
  docker(...COMPOSE, "up", "-d", "--build", "mock-anthropic", "maxapi", "maxapi-warm"); // maxapi starts once the mock is healthy
  const maxapiUrl = endpoint("maxapi", PORTS.maxapi);
  const warmUrl = endpoint("maxapi-warm", PORTS.maxapi);
  const mockUrl = endpoint("mock-anthropic", 8080);
  const containerId = docker(...COMPOSE, "ps", "-q", "--no-trunc", "maxapi");
  const warmId = docker(...COMPOSE, "ps", "-q", "--no-trunc", "maxapi-warm");
  await waitForHealth(maxapiUrl);
  await waitForHealth(warmUrl);

  console.log(
    `maxapi benchmark: Claude Code CLI ${docker("exec", containerId, "claude", "--version")} in clawbridge/maxapi, mock Anthropic API`,
  );

  await setMode(mockUrl, { mode: "ok" });
  await streamOnce(maxapiUrl); // warm-up: the first run of the CLI reads its 380 MB binary from disk
  const runs = [];
  for (let i = 0; i < N; i++) runs.push(await streamOnce(maxapiUrl));
  const firstTokens = runs.map((r) => r.firstToken);
  const ends = runs.map((r) => r.end);
  console.log(`one short streamed answer, ${N} sequential requests`);
  console.log(
    `  first token  median ${ms(median(firstTokens))}  min ${ms(Math.min(...firstTokens))}  max ${ms(Math.max(...firstTokens))}`,
  );
  console.log(`  end          median ${ms(median(ends))}  min ${ms(Math.min(...ends))}  max ${ms(Math.max(...ends))}`);

  // tool turns: in the last kind the mock calls exec (its input in 3 fragments)
  const tools = { tools: [EXEC_TOOL] };
  const kinds = {
    "text, no tools": async () => {
      await setMode(mockUrl, { mode: "ok" });
      return streamOnce(maxapiUrl);
    },
    "text, a tool offered": async () => {
      await setMode(mockUrl, { mode: "ok" });
      return streamOnce(maxapiUrl, tools);
    },
    "tool call": async () => {
      await setMode(mockUrl, {
        mode: "ok",
        answer: "",
        toolCalls: [{ name: "exec", input: { command: "echo $((6*7))" } }],
      });
      const timing = await streamOnce(maxapiUrl, tools);
      if (!timing.text.includes('"finish_reason":"tool_calls"'))
        throw new Error(`no tool call in the stream: ${timing.text.slice(0, 300)}`);
      return timing;
    },
  };
  const timings = Object.fromEntries(
    Object.keys(kinds).map((kind) => [kind, [] as { firstToken: number; end: number }[]]),
  );
  for (let i = 0; i < TOOLS_N; i++) for (const [kind, run] of Object.entries(kinds)) timings[kind]?.push(await run());
  console.log(`tool turns, ${TOOLS_N} of each kind, interleaved (first: first content or tool_calls delta)`);
  for (const [kind, list] of Object.entries(timings)) {
    console.log(
      `  ${kind.padEnd(22)} first median ${ms(median(list.map((r) => r.firstToken)))}  end median ${ms(median(list.map((r) => r.end)))}`,
    );
  }

  // one 1 MB image against none: the same words, the same answer
  await setMode(mockUrl, { mode: "ok" });
  const photo = {
    messages: [
      { role: "user", content: [{ type: "text", text: "Say hello." }, imagePart(dataUrl(PHOTO, "image/png"))] },
    ],
  };
  const imageKinds = { "no image": {}, "one 1 MB image": photo };
  const imageRuns = Object.fromEntries(
    Object.keys(imageKinds).map((kind) => [
      kind,
      { timings: [] as { firstToken: number; end: number }[], peaks: [] as number[] },
    ]),
  );
  for (let i = 0; i < IMAGES_N; i++) {
    for (const [kind, extra] of Object.entries(imageKinds)) {
      await sleep(300); // the previous CLI process gone, so the peak is this request's
      const { pss, result } = await peakWhile(containerId, streamOnce(maxapiUrl, extra));
      imageRuns[kind]?.timings.push(result);
      imageRuns[kind]?.peaks.push(pss);
    }
  }
  console.log(
    `images, ${IMAGES_N} of each kind, interleaved (the image: ${(PHOTO.length / 1e6).toFixed(2)} MB PNG, ${(PHOTO.toString("base64").length / 1e6).toFixed(2)} MB in base64)`,
  );
  for (const [kind, { timings: list, peaks }] of Object.entries(imageRuns)) {
    console.log(
      `  ${kind.padEnd(16)} first median ${ms(median(list.map((r) => r.firstToken)))}  end median ${ms(median(list.map((r) => r.end)))}  peak PSS median ${mib(median(peaks))}`,
    );
  }

  await sleep(500); // let the last CLI process exit
  const idle = pssSumBytes(containerId);
  console.log(`memory (idle: ${mib(idle)} PSS); answers of 30 chunks 100 ms apart, so requests overlap`);
  await setMode(mockUrl, { mode: "slow", chunks: 30, chunkDelayMs: 100 });
  for (const count of IN_FLIGHT) {
    const { pss, cgroup } = await peakWhile(
      containerId,
      Promise.all(Array.from({ length: count }, () => streamOnce(maxapiUrl))),
    );
    console.log(
      `  ${String(count).padStart(2)} in flight  peak PSS ${mib(pss).padStart(8)}  (+${mib((pss - idle) / count)} per request)  cgroup peak ${mib(cgroup)}`,
    );
  }

  await streamOnce(warmUrl); // the warm container's first CLI reads the binary from disk too
  await warmAgainstCold(maxapiUrl, warmUrl, mockUrl, warmId);
}

let exitCode = 0;
try {
  await main();
} catch (error) {
  console.error("benchmark failed:", error);
  exitCode = 1;
} finally {
  docker(...COMPOSE, "down", "-v", "--remove-orphans");
}
process.exit(exitCode);
