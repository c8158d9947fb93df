// Soak: the whole stack (the product docker-compose.yml with the test override: the mock Anthropic
// API, no route out; the catch-up service as shipped) for SOAK_MINUTES, with three OpenClaw cron jobs
// every minute, an hourly job and a one-shot job whose one slot (minute 3) is in the spent window,
// and faults injected on a schedule: maxapi killed while answering, a burst of 429s, the 5-hour
// window spent and reset, the gateway restarted (soak-report.ts faultPlan). Then, per job, from
// OpenClaw's own run records: runs due, done, lost once the faults were over, time from the reset to
// its first successful run, its state at the end; from maxapi's log: CLI processes started while the
// window was spent; from the mock: calls to "Anthropic" meanwhile; the catch-up's events. Prints a
// table and a JSON summary; exits 1 when a target fails (0 runs lost once the faults stopped, no slot
// run twice, 0 CLI processes while spent, every job ok at the end), 2 when there was no measurement.
// Definitions: bench/README.md#soak. Not part of `make test`: `make soak` / `npm run soak`.
//   node bench/soak.ts     env: SOAK_MINUTES (default 10, at least 6), SOAK_KEEP=1 (leave the stack up)
import { readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { MAXAPI_METRICS as M, metricsProbe } from "@clawbridge/limits";
import { PORTS } from "@clawbridge/settings";
import { killIn, pidsIn } from "../test/support/containers.ts";
import type { Mode } from "../test/support/mock-anthropic-api.ts";
import { MockAnthropicClient } from "../test/support/mock-anthropic-client.ts";
import { jsonOutput } from "../test/support/openclaw-cli.ts";
import { cronAddArgs } from "../test/support/openclaw-cron.ts";
import { compose, run } from "../test/support/stack.ts";
import {
  faultPlan,
  formatRuns,
  formatSummary,
  jobFigures,
  MINUTE,
  onceFigures,
  spentFigures,
  summarize,
  type CronJobState,
  type CronRunEntry,
  type FaultKind,
  type FaultSpan,
  type LogLine,
  type PlannedFault,
} from "./soak-report.ts";

const MINUTES = Number(process.env.SOAK_MINUTES ?? 10);
const PLAN = ((): PlannedFault[] => {
  try {
    return faultPlan(MINUTES); // refuses a run too short for the faults
  } catch (error) {
    console.error((error as Error).message);
    process.exit(2);
  }
})();
const PROJECT = `clawbridge-soak-${process.pid}`;
const KEEP = process.env.SOAK_KEEP === "1";
/** Three jobs every minute, on both agents (main: opus, lite: sonnet), isolated sessions, nothing delivered. */
const JOBS = [
  { name: "soak-main-a", agent: "main" },
  { name: "soak-lite", agent: "lite" },
  { name: "soak-main-b", agent: "main" },
];
/** The shipped healthcheck timings, as .env.example sets them (the tests' stack.env checks every second), and no fallback. */
const ENV: Record<string, string> = {
  ...Object.fromEntries(
    readFileSync(new URL("../.env.example", import.meta.url), "utf8")
      .split("\n")
      .filter((line) => line.startsWith("HEALTHCHECK_"))
      .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
  ),
  FALLBACK_ANTHROPIC_API_KEY: "",
};
const GATEWAY_URL = `OPENCLAW_GATEWAY_URL=ws://127.0.0.1:${PORTS.gateway}`;

let slot0: number | undefined;
const stamp = () => {
  if (slot0 === undefined) return new Date().toISOString().slice(11, 19);
  const s = Math.round((Date.now() - slot0) / 1000);
  return `${s < 0 ? "-" : "+"}${Math.floor(Math.abs(s) / 60)}:${String(Math.abs(s) % 60).padStart(2, "0")}`;
};
const say = (text: string) => console.log(`[${stamp()}] ${text}`);
const sleepUntil = (at: number) => sleep(Math.max(0, at - Date.now()));
const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

async function must(command: string, args: string[], timeoutMs = 120_000): Promise<string> {
  const result = await run(command, args, {}, timeoutMs);
  if (result.code !== 0)
    throw new Error(
      `${command} ${args.join(" ")} exited ${result.code}: ${(result.stderr || result.stdout).slice(-2000)}`,
    );
  return result.stdout;
}

async function containerId(service: string): Promise<string> {
  const result = await compose(PROJECT, ["ps", "-q", service], ENV);
  const id = result.stdout.trim();
  if (!id) throw new Error(`no container for ${service}: ${result.stderr}`);
  return id;
}

/** `openclaw …` inside the gateway's container, its JSON answer. */
async function openclaw(gateway: string, args: string[]): Promise<unknown> {
  const out = await must("docker", ["exec", "-e", GATEWAY_URL, gateway, "openclaw", ...args]);
  return jsonOutput(out);
}

interface Job {
  name: string;
  agent: string;
  id: string;
}

async function addJob(gateway: string, job: { name: string; agent: string }): Promise<Job> {
  const added = await openclaw(
    gateway,
    cronAddArgs(
      job.name,
      job.agent,
      ["--cron", "* * * * *", "--exact"],
      `Soak check (${job.name}): reply with one short sentence.`,
    ),
  );
  if (!isRecord(added) || typeof added.id !== "string")
    throw new Error(`cron add printed no job: ${JSON.stringify(added)}`);
  return { ...job, id: added.id };
}

/** Jobs with one slot at `at`, in the spent window: an hourly job at its minute, and a one-shot job (kept after it ran). */
async function addOnceJobs(gateway: string, at: number): Promise<(Job & { kind: "hourly" | "one-shot" })[]> {
  const schedules = [
    {
      name: "soak-hourly",
      kind: "hourly" as const,
      schedule: ["--cron", `${new Date(at).getUTCMinutes()} * * * *`, "--tz", "UTC", "--exact"],
    },
    {
      name: "soak-once",
      kind: "one-shot" as const,
      schedule: ["--at", new Date(at).toISOString(), "--keep-after-run"],
    },
  ];
  const jobs: (Job & { kind: "hourly" | "one-shot" })[] = [];
  for (const { name, kind, schedule } of schedules) {
    const added = await openclaw(
      gateway,
      cronAddArgs(name, "main", schedule, `Soak check (${name}): reply with one short sentence.`),
    );
    if (!isRecord(added) || typeof added.id !== "string")
      throw new Error(`cron add printed no job: ${JSON.stringify(added)}`);
    jobs.push({ name, agent: "main", kind, id: added.id });
  }
  return jobs;
}

async function jobStates(gateway: string): Promise<Map<string, CronJobState & { enabled?: boolean }>> {
  const listed = await openclaw(gateway, ["cron", "list", "--all", "--json"]);
  const jobs = isRecord(listed) && Array.isArray(listed.jobs) ? (listed.jobs as unknown[]) : [];
  return new Map(
    jobs
      .filter(isRecord)
      .map((job) => [
        String(job.id),
        { ...((isRecord(job.state) ? job.state : {}) as CronJobState), enabled: job.enabled === true },
      ]),
  );
}

async function jobRuns(gateway: string, id: string): Promise<CronRunEntry[]> {
  const listed = await openclaw(gateway, ["cron", "runs", "--id", id, "--limit", "200", "--json"]);
  const entries = isRecord(listed) && Array.isArray(listed.entries) ? (listed.entries as unknown[]) : [];
  return entries
    .filter(isRecord)
    .map((entry) => entry as unknown as CronRunEntry)
    .filter((entry) => entry.action === "finished");
}

/** maxapi's pino lines (stdout and stderr), optionally since an instant. */
async function maxapiLog(maxapi: string, since?: number): Promise<LogLine[]> {
  const result = await run(
    "docker",
    ["logs", ...(since === undefined ? [] : ["--since", new Date(since).toISOString()]), maxapi],
    {},
    60_000,
  );
  return `${result.stdout}\n${result.stderr}`.split("\n").flatMap((line): LogLine[] => {
    if (!line.startsWith("{")) return [];
    try {
      const parsed = JSON.parse(line) as unknown;
      return isRecord(parsed) && typeof parsed.time === "number" && typeof parsed.msg === "string"
        ? [parsed as unknown as LogLine]
        : [];
    } catch {
      return [];
    }
  });
}

/** Requests maxapi started a CLI process for since `since`, and those of them not yet answered. */
async function requests(maxapi: string, since: number): Promise<{ started: number; inFlight: number }> {
  const lines = (await maxapiLog(maxapi, since - 1000)).filter((line) => line.time >= since);
  const count = (...messages: string[]) => lines.filter((line) => messages.includes(line.msg)).length;
  const started = count("CLI process for a request");
  return { started, inFlight: started - count("request completed", "request aborted by the client") };
}

/** The samples the soak reports (any labels), by name{labels}. */
const REPORTED = [M.windowSpent, M.windowRefusedLocally, M.warmHits, M.warmMisses, M.warmFallbacks];

/** maxapi's /metrics, read inside its container: the samples the soak reports. */
async function maxapiMetrics(maxapi: string): Promise<Record<string, number>> {
  const result = await run("docker", ["exec", maxapi, "node", "-e", metricsProbe(PORTS.maxapi)], {}, 30_000);
  const wanted = new RegExp(`^((?:${REPORTED.join("|")})(?:\\{[^}]*\\})?)\\s+(\\S+)$`);
  return Object.fromEntries(
    result.stdout.split("\n").flatMap((line) => {
      const match = wanted.exec(line.trim());
      return match?.[1] && match[2] ? [[match[1], Number(match[2])]] : [];
    }),
  );
}

async function inspect(id: string): Promise<{ status: string; restarts: number; health: string }> {
  const out = await must("docker", [
    "inspect",
    "-f",
    "{{.State.Status}} {{.RestartCount}} {{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}}",
    id,
  ]);
  const [status = "", restarts = "0", health = ""] = out.trim().split(" ");
  return { status, restarts: Number(restarts), health };
}

/** Waits for the container to run healthy again (after `restartsAbove` restarts, when given); the time it was. */
async function healthyAgain(id: string, what: string, restartsAbove?: number): Promise<number> {
  const deadline = Date.now() + 300_000;
  while (Date.now() < deadline) {
    const state = await inspect(id).catch(() => undefined);
    if (
      state &&
      state.status === "running" &&
      state.health === "healthy" &&
      (restartsAbove === undefined || state.restarts > restartsAbove)
    )
      return Date.now();
    await sleep(500);
  }
  throw new Error(`${what} not healthy again after 300 s`);
}

async function mockMode(mock: MockAnthropicClient): Promise<Record<string, unknown>> {
  const settings: unknown = await (await fetch(`${mock.url}/__mock/mode`)).json();
  return isRecord(settings) ? settings : {};
}

const messageCount = async (mock: MockAnthropicClient) => (await mock.messages()).length;

interface Context {
  slot0: number;
  mock: MockAnthropicClient;
  gateway: string;
  maxapi: string;
  spans: FaultSpan[];
  notes: string[];
  /** What went wrong on the machine rather than in the stack: the figures are then no measurement. */
  environmentFailures: string[];
  spent?: { at: number; resetAt: number; anthropicCalls: number | undefined };
  metricsBeforeKill?: Record<string, number>;
}

async function setMode(
  ctx: Context,
  mode: Mode,
  options: Parameters<MockAnthropicClient["setMode"]>[1] = {},
): Promise<void> {
  await ctx.mock.setMode(mode, options);
  say(`mock: ${mode}${Object.keys(options).length > 0 ? ` ${JSON.stringify(options)}` : ""}`);
}

/** Runs one planned fault from its start to the stack being whole again; records its span. */
async function inject(ctx: Context, fault: PlannedFault): Promise<void> {
  const start = ctx.slot0 + fault.at;
  const until = ctx.slot0 + (fault.until ?? fault.at);
  await sleepUntil(start);
  const late = Math.max(0, Date.now() - start);
  if (late > 2000)
    ctx.notes.push(`the ${fault.kind} fault started ${Math.round(late / 1000)} s late (the one before it took longer)`);
  const span = (kind: FaultKind, from: number, to: number) => ctx.spans.push({ kind, from, to });
  switch (fault.kind) {
    case "burst": {
      // Anthropic's short rate limit: 429 with retry-after, no subscription window named
      await setMode(ctx, "rate-limited", { retryAfterSeconds: 7 });
      const from = Date.now();
      await sleepUntil(until + late); // as long as planned, when it started late
      await setMode(ctx, "ok");
      span("burst", from, Date.now());
      return;
    }
    case "spent": {
      const resetAt = until;
      const before = await messageCount(ctx.mock);
      const at = Date.now();
      try {
        await setMode(ctx, "usage-limit", { window: "five_hour", resetsAt: Math.round(resetAt / 1000) });
      } catch (error) {
        // a mock without resetsAt: the reset from now, and the soak puts it back to ok at the reset
        ctx.notes.push(
          `the mock refused resetsAt (${(error as Error).message}): its reset was set as retryAfterSeconds, and the soak set ok at the reset`,
        );
        await setMode(ctx, "usage-limit", { retryAfterSeconds: Math.round((resetAt - Date.now()) / 1000) });
      }
      await sleepUntil(resetAt - 15_000);
      const metrics = await maxapiMetrics(ctx.maxapi);
      say(`maxapi /metrics 15 s before the reset: ${JSON.stringify(metrics)}`);
      await sleepUntil(resetAt - 500);
      const calls = (await messageCount(ctx.mock)) - before;
      ctx.spent = { at, resetAt, anthropicCalls: calls };
      await sleepUntil(resetAt + 1500);
      const mode = await mockMode(ctx.mock);
      if (mode.mode !== "ok") {
        ctx.notes.push(`the mock was still in ${String(mode.mode)} 1.5 s after its reset: the soak set ok`);
        await setMode(ctx, "ok");
      } else say("mock: back to ok by itself at the reset");
      span("spent", at, resetAt);
      return;
    }
    case "kill": {
      // the slot's runs answered slowly (6 s each), so that the kill cuts requests in flight
      const slot = start + 10_000;
      await setMode(ctx, "slow", { chunks: 20, chunkDelayMs: 300 });
      ctx.metricsBeforeKill = await maxapiMetrics(ctx.maxapi);
      const { restarts } = await inspect(ctx.maxapi);
      await sleepUntil(slot);
      // (up to 75 s: after a slow gateway restart OpenClaw runs the jobs it missed 2 minutes after its start)
      const deadline = Date.now() + 75_000;
      while (Date.now() < deadline && (await requests(ctx.maxapi, slot)).started === 0) await sleep(250);
      await sleep(1000); // into the answer
      const { inFlight } = await requests(ctx.maxapi, slot);
      const pids = pidsIn(ctx.maxapi, "services/maxapi/dist/main.js");
      if (pids.length === 0) throw new Error("maxapi's main process not found in its container");
      // SIGKILL to the server under tini: the container exits 137 and its restart policy brings it back
      // (`docker kill` counts as stopped by hand: unless-stopped would leave it down)
      killIn(ctx.maxapi, pids, { containerMayExit: true });
      const from = Date.now();
      say(`maxapi: SIGKILL to pid ${pids.join(", ")}, ${inFlight} request(s) in flight`);
      ctx.notes.push(`maxapi was killed with ${inFlight} request(s) in flight`);
      await setMode(ctx, "ok");
      const to = await healthyAgain(ctx.maxapi, "maxapi", restarts);
      say(`maxapi: healthy again after ${((to - from) / 1000).toFixed(1)} s (restart policy)`);
      span("kill", from, to);
      return;
    }
    case "restart": {
      // once this minute's requests are answered (at most 25 s more): a restart that drains turns takes longer
      const deadline = Date.now() + 25_000;
      const minute = Math.floor(start / MINUTE) * MINUTE;
      while (Date.now() < deadline && (await requests(ctx.maxapi, minute)).inFlight > 0) await sleep(500);
      const from = Date.now();
      say("gateway: docker restart");
      await must("docker", ["restart", ctx.gateway], 180_000);
      const to = await healthyAgain(ctx.gateway, "the gateway");
      say(`gateway: healthy again after ${((to - from) / 1000).toFixed(1)} s`);
      span("restart", from, to);
      return;
    }
  }
}

/** One line a minute: maxapi's requests of the last minute by status, CLI processes started, the mock's mode. */
async function progress(ctx: Context, until: number, stopped: () => boolean): Promise<void> {
  let since = ctx.slot0;
  for (let minute = 0; ctx.slot0 + minute * MINUTE + 55_000 < until && !stopped(); minute++) {
    await sleepUntil(ctx.slot0 + minute * MINUTE + 55_000);
    if (stopped()) return;
    const now = Date.now();
    const lines = (await maxapiLog(ctx.maxapi, since - 2000)).filter((line) => line.time >= since && line.time < now);
    since = now;
    const statuses = new Map<string, number>();
    for (const line of lines.filter(
      (l) => l.msg === "request completed" || l.msg === "request aborted by the client",
    )) {
      const key = line.msg === "request completed" ? String(line.status) : "aborted";
      statuses.set(key, (statuses.get(key) ?? 0) + 1);
    }
    const cli = lines.filter((line) => line.msg === "CLI process for a request").length;
    const mode = await mockMode(ctx.mock).catch(() => ({ mode: "unreachable" }));
    const byStatus = [...statuses].map(([status, n]) => `${status}×${n}`).join(" ") || "none";
    const dns = await resolvesNormalizer(ctx.gateway);
    say(
      `minute ${minute}: maxapi requests ${byStatus}; CLI processes for requests ${cli}; mock ${String(mode.mode)}${dns ? "" : "; the gateway cannot resolve normalizer"}`,
    );
    if (!dns)
      ctx.environmentFailures.push(
        `minute ${minute}: the gateway could not resolve "normalizer" (Docker's embedded DNS)`,
      );
  }
}

/**
 * The gateway still finds the normalizer by name. Docker's embedded DNS can lose a running stack's
 * names (seen when another job on the same engine ran `docker swarm init` and `leave`): every run
 * then fails on "DNS lookup for the provider endpoint failed", a fault of the machine, not of the stack.
 */
async function resolvesNormalizer(gateway: string): Promise<boolean> {
  const script = `require("dns").lookup("normalizer", (error) => process.stdout.write(error ? "lookup failed: " + error.code : "resolved"))`;
  // a restarting gateway has no answer either: only a failed lookup counts
  const result = await run("docker", ["exec", gateway, "node", "-e", script], {}, 20_000);
  return !result.stdout.startsWith("lookup failed");
}

/** Waits until every job has a finished run that started at or after `slot` (or 3 minutes). */
async function lastSlotDone(gateway: string, jobs: Job[], slot: number): Promise<void> {
  const deadline = Date.now() + 180_000;
  while (Date.now() < deadline) {
    const states = await jobStates(gateway).catch(() => undefined);
    if (states && jobs.every((job) => (states.get(job.id)?.lastRunAtMs ?? 0) >= slot)) return;
    await sleep(10_000);
  }
  say("not every job finished a run of the last slot within 3 minutes; counting what is recorded");
}

async function soak(): Promise<number> {
  say(`soak: ${MINUTES} minutes, project ${PROJECT}; building and starting the stack ...`);
  const up = await compose(PROJECT, ["up", "-d", "--wait", "--build"], ENV, 1_200_000);
  if (up.code !== 0) throw new Error(`docker compose up exited ${up.code}: ${up.stderr.slice(-3000)}`);
  const gateway = await containerId("gateway");
  const maxapi = await containerId("maxapi");
  const mock = new MockAnthropicClient(
    `http://${(await compose(PROJECT, ["port", "mock-anthropic", "8080"], ENV)).stdout.trim()}`,
  );
  await mock.setMode("ok");
  const jobs: Job[] = [];
  for (const job of JOBS) jobs.push(await addJob(gateway, job));
  say(`cron jobs, every minute: ${jobs.map((job) => `${job.name} (agent ${job.agent}) ${job.id}`).join(", ")}`);

  // slot 0 is the first minute after a warm-up minute (OpenClaw's first turns load more)
  slot0 = Math.ceil((Date.now() + MINUTE) / MINUTE) * MINUTE;
  // an hourly and a one-shot job whose one slot comes while the window is spent (minute 3)
  const spentFault = PLAN.find((fault) => fault.kind === "spent");
  const onceAt = slot0 + 3 * MINUTE;
  if (!spentFault || onceAt < slot0 + spentFault.at || onceAt >= slot0 + (spentFault.until ?? 0))
    throw new Error("minute 3 is not in the spent window");
  const once = await addOnceJobs(gateway, onceAt);
  say(`cron jobs with one slot at minute 3: ${once.map((job) => `${job.name} (${job.kind}) ${job.id}`).join(", ")}`);
  const ctx: Context = { slot0, mock, gateway, maxapi, spans: [], notes: [], environmentFailures: [] };
  const slots = Array.from({ length: MINUTES + 1 }, (_, k) => (slot0 ?? 0) + k * MINUTE);
  const lastSlot = slots.at(-1) ?? slot0;
  say(
    `slot 0 at ${new Date(slot0).toISOString()}; ${slots.length} slots; faults: ${PLAN.map((f) => `${f.kind} at +${f.at / 1000} s`).join(", ")}`,
  );

  let stop = false;
  const ticking = progress(ctx, lastSlot + MINUTE, () => stop);
  for (const fault of PLAN) await inject(ctx, fault);
  say("faults over; none until the last slot");
  await sleepUntil(lastSlot + 30_000);
  await lastSlotDone(gateway, jobs, lastSlot);
  stop = true;
  await ticking;

  const states = await jobStates(gateway);
  const runs = new Map<string, CronRunEntry[]>();
  for (const job of jobs) runs.set(job.id, await jobRuns(gateway, job.id));
  const log = await maxapiLog(maxapi);
  const spent = ctx.spent;
  if (!spent) throw new Error("the spent window was not recorded");
  for (const job of once) runs.set(job.id, await jobRuns(gateway, job.id));
  const figures = jobs.map((job) =>
    jobFigures(job, slots, runs.get(job.id) ?? [], states.get(job.id), ctx.spans, spent.resetAt),
  );
  const onceFig = once.map((job) =>
    onceFigures(job, onceAt, slot0 ?? 0, runs.get(job.id) ?? [], states.get(job.id), spent.resetAt),
  );
  const spentFig = spentFigures(log, spent.at, spent.resetAt, spent.anthropicCalls);
  const summary = summarize(MINUTES, slots, ctx.spans, figures, onceFig, spentFig, ctx.notes);

  // what OpenClaw recorded as errors, grouped (numbers, times and ids blanked)
  const errors = new Map<string, number>();
  for (const entry of [...runs.values()].flat()) {
    if (entry.status !== "error" || (entry.runAtMs ?? 0) < slot0) continue;
    const text = (entry.error ?? "(no error text)")
      .replace(/\d\d:\d\d( UTC)?/g, "HH:MM$1")
      .replace(/\d+(\.\d+)?/g, "N")
      .slice(0, 300);
    errors.set(text, (errors.get(text) ?? 0) + 1);
  }
  console.log("");
  console.log(
    formatRuns(
      [...jobs, ...once].map((job) => ({ name: job.name, runs: runs.get(job.id) ?? [] })),
      slot0,
    ),
  );
  // what the catch-up service did: its log's events
  const catchupLog = (await run("docker", ["logs", await containerId("catchup")], {}, 60_000)).stdout;
  console.log("");
  console.log("the catch-up service (its log):");
  for (const line of catchupLog.split("\n").filter((l) => l.includes('"event"'))) {
    try {
      const parsed = JSON.parse(line) as { time: number; msg: string };
      console.log(`  ${new Date(parsed.time).toISOString().slice(11, 19)}  ${parsed.msg}`);
    } catch {
      // not a log line of its own
    }
  }
  console.log("");
  console.log("errors OpenClaw recorded in the runs (count × text, numbers as N):");
  for (const [text, n] of [...errors].sort((a, b) => b[1] - a[1])) console.log(`  ${n} × ${text}`);
  if (ctx.metricsBeforeKill)
    console.log(`maxapi /metrics before it was killed: ${JSON.stringify(ctx.metricsBeforeKill)}`);
  console.log("");
  console.log(formatSummary(summary, slots, ctx.spans));
  console.log("");
  console.log(`SOAK_SUMMARY ${JSON.stringify(summary)}`);
  if (ctx.environmentFailures.length > 0) {
    console.log(
      `\nnot a measurement: the machine failed the stack (exit 2):\n  ${ctx.environmentFailures.join("\n  ")}`,
    );
    return 2;
  }
  return summary.pass ? 0 : 1;
}

async function down(): Promise<void> {
  if (KEEP) {
    say(`SOAK_KEEP=1: the stack stays up (docker compose -p ${PROJECT} ... down --volumes to remove it)`);
    return;
  }
  say("removing the stack ...");
  await compose(PROJECT, ["down", "--volumes", "--timeout", "30"], ENV);
}

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    say(`${signal}: stopping`);
    void down().finally(() => process.exit(130));
  });
}

let code = 2;
try {
  code = await soak();
} catch (error) {
  console.error(error);
} finally {
  await down();
}
process.exit(code);
