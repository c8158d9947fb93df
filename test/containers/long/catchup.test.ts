// The catch-up service on the product stack (real gateway, normalizer, maxapi and Claude CLI; the mock
// Anthropic API): cron jobs at minute M meet the 5-hour window spent from M-20 s to M+9 min, so the
// slot's run and OpenClaw's early retries (30 s, 1 min and 5 min after each failure) fail; on an idle
// machine all three retries come before the reset, on a loaded one (runs of 15 s, a late start) some
// come after it, where they would run the slot a second time, and the catch-up clears them. After the
// reset each job has exactly one successful run within 6 minutes, and no slot runs twice:
// - an hourly job (`M * * * *`), which OpenClaw would otherwise run again only at M+60;
// - a one-shot job at M, which OpenClaw switches off after its retries;
// - an hourly job with 9 failures behind it, which OpenClaw switches off at its 10th.
// A webhook receiver on the test network (the mock's POST /notices) gets one notice per event: the
// window spent and open again, each run done; then, on the same stack, a window past its warning
// threshold, spent and open again, extra usage refused (EXTRA_USAGE=off) and a billing refusal, from
// real answers of the real CLI to requests sent with the OpenAI client library through the normalizer.
// About 15 minutes of wall clock, mostly waiting: its own vitest project, run beside the others.
import OpenAI from "openai";
import type { StartedDockerComposeEnvironment } from "testcontainers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { docker } from "../../support/containers.ts";
import { gatewayCall } from "../../support/gateway-rpc.ts";
import { MockAnthropicClient } from "../../support/mock-anthropic-client.ts";
import { agentTurn } from "../../support/openclaw-agent.ts";
import { GATEWAY_URL, openclawJson } from "../../support/openclaw-cli.ts";
import { cronAddArgs } from "../../support/openclaw-cron.ts";
import { stackEnv, startStack } from "../../support/stack.ts";
import { until } from "../../support/until.ts";

const PROJECT = `clawbridge-catchup-${process.pid}`;
const MINUTE = 60_000;

interface Run {
  status?: string;
  runAtMs?: number;
  durationMs?: number;
  runId?: string;
  error?: string;
}
interface JobState {
  id: string;
  enabled: boolean;
  state: {
    lastRunStatus?: string;
    nextRunAtMs?: number;
    runningAtMs?: number;
    consecutiveErrors?: number;
    autoDisabled?: unknown;
    lastError?: string;
  };
}

let stack: StartedDockerComposeEnvironment;
let call: ReturnType<typeof gatewayCall>;
let mock: MockAnthropicClient;
let client: OpenAI;

interface NoticeBody {
  text: string;
  content: string;
  event: string;
  job?: string;
  window?: string;
  resetsAt?: string;
}

beforeAll(async () => {
  // notices to a webhook receiver on the test network (the mock's POST /notices)
  // (a look at the jobs and limits every 5 s: a 20 s window is seen spent)
  stack = await startStack(PROJECT, {
    env: { NOTICE_WEBHOOK_URL: "http://mock-anthropic:8080/notices", CATCHUP_POLL_MS: "5000" },
  });
  call = gatewayCall(`http://127.0.0.1:${stack.getContainer("gateway-1").getMappedPort(18789)}`);
  mock = new MockAnthropicClient(`http://127.0.0.1:${stack.getContainer("mock-anthropic-1").getMappedPort(8080)}`);
  const normalizer = docker("port", stack.getContainer("normalizer-1").getId(), "3457/tcp").split("\n")[0] ?? "";
  client = new OpenAI({
    baseURL: `http://${normalizer}/v1`,
    apiKey: stackEnv.PROXY_API_KEY ?? "",
    maxRetries: 0,
    timeout: 120_000,
  });
});

afterAll(async () => {
  // a stack that did not start: beforeAll's error says why
  if ((stack as StartedDockerComposeEnvironment | undefined) === undefined) return;
  // what the catch-up did, for a failure's reader (the stack goes away below)
  console.log(`the catch-up's log:\n${docker("logs", "--tail", "80", stack.getContainer("catchup-1").getId())}`);
  const maxapiLog = docker("logs", stack.getContainer("maxapi-1").getId()).split("\n");
  console.log(
    `maxapi's requests that were not answered 200:\n${maxapiLog
      .filter((line) => /"status":(?!200)\d+/.test(line))
      .slice(-40)
      .map((line) => line.slice(0, 400))
      .join("\n")}`,
  );
  await stack.down({ removeVolumes: true });
});

const gatewayId = () => stack.getContainer("gateway-1").getId();

function addJob(name: string, schedule: string[]): string {
  const args = cronAddArgs(name, "main", schedule, `Scheduled check (${name}): reply with one short sentence.`);
  return (openclawJson(gatewayId(), args, [GATEWAY_URL]) as { id: string }).id;
}

const runsOf = async (id: string) =>
  (await call<{ entries?: Run[] }>("cron.runs", { id, limit: 50, sortDir: "asc" })).entries ?? [];
const jobOf = async (id: string) => call<JobState>("cron.get", { id });

const notices = async () =>
  (await mock.received()).filter((r) => r.path === "/notices").map((r) => r.body as NoticeBody);
/** The notices of `event` from the `since`-th on (the ones before belong to the catch-up part). */
const noticesOf = async (event: string, since = 0) => (await notices()).slice(since).filter((n) => n.event === event);
const ask = () =>
  client.chat.completions.create({ model: "sonnet", messages: [{ role: "user", content: "hello" }] }).then(
    () => 200,
    (error: unknown) => (error instanceof OpenAI.APIError ? Number(error.status) : 0),
  );
/** A GET on the catch-up's own port, from inside its container (the port is not published). */
const catchUpGet = (path: string) =>
  docker(
    "exec",
    stack.getContainer("catchup-1").getId(),
    "node",
    "-e",
    `fetch('http://127.0.0.1:3458${path}').then(r => r.text()).then(t => process.stdout.write(t))`,
  );
/** When the catch-up's last pass read OpenClaw's jobs and maxapi's limits (epoch seconds), from its /metrics. */
const lastPass = () => Number(/^catchup_last_pass_seconds (\d+)$/m.exec(catchUpGet("/metrics"))?.[1] ?? 0);
/** The catch-up's ledger (its GET /v1/catchup): what it did with each failed slot. */
const catchUpLedger = () =>
  (JSON.parse(catchUpGet("/v1/catchup")) as { entries: { jobId: string; state: string; outcome?: string }[] }).entries;
/** The test's jobs by their names in OpenClaw. */
const JOB_NAMES = { hourly: "catchup-hourly", oneShot: "catchup-once", worn: "catchup-worn" };
/** Each job's runs and state, for a failure's reader: when each run started and ended, and why it failed. */
async function report(m: number, jobs: Record<string, string>) {
  const at = (ms: number | undefined) =>
    ms === undefined ? "-" : `M${ms < m ? "-" : "+"}${Math.round(Math.abs(ms - m) / 1000)}s`;
  for (const [name, id] of Object.entries(jobs)) {
    const runs = (await runsOf(id)).map(
      (r) => `  ${at(r.runAtMs)} ${r.status ?? "?"} ${String(r.durationMs ?? "?")} ms ${(r.error ?? "").slice(0, 160)}`,
    );
    const { enabled, state } = await jobOf(id);
    console.log(
      `${name}: enabled ${String(enabled)}, running since ${at(state.runningAtMs)}, next ${at(state.nextRunAtMs)}\n${runs.join("\n")}`,
    );
  }
}
const told = (event: string, since: number) =>
  until(`a ${event} notice`, async () => (await noticesOf(event, since)).length > 0 || undefined, 120, 1000);

describe("a cron job that meets a spent window runs once more after the reset; notices", () => {
  it("hourly, one-shot and switched-off jobs: each has exactly one successful run within 6 minutes of the reset, no slot twice", async () => {
    // the agent answers once first, as on any gateway in use: its store exists before the jobs meet it
    // (three first runs of a fresh agent at once can fail on OpenClaw's own store, "Session metadata
    // unavailable (schema-missing)", a failure of another cause, which the catch-up rightly leaves)
    const warmUp = await agentTurn(gatewayId(), "Hello before the jobs.");
    expect(warmUp.code, warmUp.output).toBe(0);
    // M: a whole minute far enough ahead to add the jobs and spend the window 20 s before it
    const m = Math.ceil((Date.now() + 75_000) / MINUTE) * MINUTE;
    const minute = new Date(m).getUTCMinutes();
    const hourly = addJob(JOB_NAMES.hourly, ["--cron", `${minute} * * * *`, "--tz", "UTC", "--exact"]);
    const oneShot = addJob(JOB_NAMES.oneShot, ["--at", new Date(m).toISOString(), "--keep-after-run"]);
    const worn = addJob(JOB_NAMES.worn, ["--cron", `${minute} * * * *`, "--tz", "UTC", "--exact"]);
    // 9 failures behind it: OpenClaw switches it off at the 10th (MAX_CONSECUTIVE_RUN_FAILURES)
    await call("cron.update", { id: worn, patch: { state: { consecutiveErrors: 9, lastRunStatus: "error" } } });
    expect((await jobOf(worn)).state.consecutiveErrors).toBe(9);

    const reset = m + 9 * MINUTE;
    await until("M - 20 s", () => Date.now() >= m - 20_000 || undefined, 600, 500);
    await mock.spendWindow("five_hour", Math.floor(reset / 1000));

    // the slot and OpenClaw's retries fail until the reset: the slot and two retries within about 3
    // minutes, the third 5 minutes after the second ended (before the reset when runs take a second,
    // after it when a loaded machine makes them take 15 s: then the catch-up must clear it)
    await until("the reset", () => Date.now() >= reset || undefined, 1200, 1000);
    const failedBefore = await Promise.all(
      [hourly, oneShot, worn].map(
        async (id) => (await runsOf(id)).filter((r) => r.status === "error" && (r.runAtMs ?? 0) < reset).length,
      ),
    );
    console.log(`failed runs before the reset (hourly, one-shot, worn): ${failedBefore.join(", ")}`);
    await report(m, { hourly, oneShot, worn });
    for (const count of failedBefore) expect(count, "each job's slot failed").toBeGreaterThanOrEqual(1);
    expect(failedBefore[2], "the worn job's one failure").toBe(1);
    if (failedBefore[1] === 4)
      expect((await jobOf(oneShot)).enabled, "after its three retries OpenClaw switched the one-shot job off").toBe(
        false,
      );
    expect(
      (await jobOf(worn)).state.autoDisabled,
      "OpenClaw switched the worn job off at its 10th failure",
    ).toBeDefined();

    const succeeded = async (id: string) => (await runsOf(id)).filter((r) => r.status === "ok");
    await until(
      "one successful run of each job after the reset",
      async () => {
        const ok = await Promise.all([hourly, oneShot, worn].map(succeeded));
        return ok.every((runs) => runs.length > 0) && ok;
      },
      90,
      5_000,
    ).catch(async (error: unknown) => {
      await report(m, { hourly, oneShot, worn });
      throw error;
    });
    // the later of the end of 6 minutes and now: a second run would have come by then
    await until("6 minutes after the reset", () => Date.now() >= reset + 6 * MINUTE || undefined, 600, 1_000);

    const relative = (at: number | undefined) =>
      `M${(at ?? m) < m ? "-" : "+"}${Math.round(Math.abs((at ?? m) - m) / 1000)}s`;
    for (const [name, id] of Object.entries({ hourly, oneShot, worn })) {
      console.log(
        `${name}: ${(await runsOf(id)).map((r) => `${relative(r.runAtMs)} ${r.status ?? "?"}`).join(", ")} (reset M+540s)`,
      );
    }
    // One successful run each, asking Anthropic after the reset: the catch-up's, or OpenClaw's own
    // last retry when it began in the seconds before the reset (the catch-up then leaves the job).
    const ranBy: Record<string, "catch-up" | "its own retry"> = {};
    const ledger = catchUpLedger();
    for (const [name, id] of Object.entries({ hourly, oneShot, worn })) {
      const runs = await runsOf(id);
      const ok = runs.filter((r) => r.status === "ok");
      expect(ok, `${name}: exactly one successful run`).toHaveLength(1);
      const run = ok[0] as Run;
      const ended = (run.runAtMs ?? 0) + (run.durationMs ?? 0);
      expect(ended, `${name}: its successful run ended after the reset`).toBeGreaterThanOrEqual(reset);
      expect(ended, `${name}: ... within 6 minutes of it`).toBeLessThanOrEqual(reset + 6 * MINUTE);
      expect(
        runs.filter((r) => r !== run && (r.runAtMs ?? 0) >= reset),
        `${name}: nothing else ran after the reset`,
      ).toEqual([]);
      const entry = ledger.find((e) => e.jobId === id);
      expect(entry?.state, `${name}: the catch-up's entry`).toMatch(/^(done|skipped)$/);
      if (entry?.state === "done") ranBy[name] = "catch-up";
      else {
        expect(entry?.outcome).toBe("its own retry succeeded across the reset");
        ranBy[name] = "its own retry";
      }
    }
    console.log(`run after the reset by: ${JSON.stringify(ranBy)}`);
    expect(ranBy.worn, "the worn job has no retry left: the catch-up ran it").toBe("catch-up");
    const hourlyAfter = await jobOf(hourly);
    expect(hourlyAfter.state).toMatchObject({ lastRunStatus: "ok", nextRunAtMs: m + 60 * MINUTE });
    const wornAfter = await jobOf(worn);
    expect(wornAfter.enabled, "switched back on").toBe(true);
    expect(wornAfter.state.autoDisabled).toBeUndefined();
    expect(wornAfter.state.nextRunAtMs).toBe(m + 60 * MINUTE);

    // one notice per event: the window spent and open again, each job's catch-up run done
    const received = await notices();
    const ours = received.filter(
      (n) => !n.event.startsWith("catchup-") || Object.values(JOB_NAMES).includes(n.job ?? ""),
    );
    const done = Object.entries(JOB_NAMES).filter(([name]) => ranBy[name] === "catch-up");
    expect(ours.map((n) => `${n.event}${n.job ? ` ${n.job}` : ""}`).sort()).toEqual(
      [...done.map(([, job]) => `catchup-done ${job}`), "window-reopened", "window-spent"].sort(),
    );
    for (const notice of ours)
      expect(notice).toMatchObject({ window: "five_hour", resetsAt: new Date(reset).toISOString() });
    expect(JSON.stringify(received)).not.toContain("stack-test-");

    const catchUpLog = docker("logs", stack.getContainer("catchup-1").getId());
    // (pino's JSON lines: the job's name in escaped quotes)
    expect(
      catchUpLog.match(/"event":"done".*catchup-(hourly|once|worn)\\": catch-up run done/g),
      "one done line per job the catch-up ran",
    ).toHaveLength(done.length);
    expect(catchUpLog).toMatch(/catchup-worn\\": switched back on/);
    expect(catchUpLog).not.toContain("stack-test-gateway-token");
  });
  // the same stack after the catch-up
  it("notices to a webhook: one per limits event, with the window and reset, and no secret", async () => {
    const before = (await notices()).length;
    // past the warning threshold
    await mock.setMode("ok", { windows: { five_hour: 0.95 } });
    expect(await ask()).toBe(200);
    await told("window-warning", before);

    // spent, then open again at the reset
    const reset = Math.ceil(Date.now() / 1000) + 30;
    await mock.spendWindow("five_hour", reset);
    expect(await ask()).toBe(429);
    expect(await ask(), "refused by maxapi at once").toBe(429);
    await told("window-spent", before);
    await mock.untilReset(60, 1000);
    await told("window-reopened", before);

    // extra usage: one answer billed, then requests refused (EXTRA_USAGE=off)
    const overageReset = Math.ceil(Date.now() / 1000) + 20;
    await mock.setMode("overage-in-use", { window: "five_hour", resetsAt: overageReset });
    expect(await ask(), "the billed answer is delivered").toBe(200);
    expect(await ask(), "the next is refused").toBe(429);
    await told("extra-usage-refused", before);
    await mock.untilReset(60, 1000);

    // a billing refusal
    await mock.setMode("billing-out-of-extra-usage");
    expect(await ask()).toBe(402);
    await told("billing-refusal", before);
    await mock.setMode("ok");

    // two passes more, each of which would have told an event again: nothing is told twice
    const after = lastPass();
    await until("two catch-up passes more", () => lastPass() >= after + 10 || undefined, 120, 1000);
    const all = (await notices()).slice(before);
    const count = (event: string) => all.filter((n) => n.event === event).length;
    expect(
      Object.fromEntries(
        ["window-warning", "window-spent", "window-reopened", "extra-usage-refused", "billing-refusal"].map((e) => [
          e,
          count(e),
        ]),
      ),
    ).toEqual({
      "window-warning": 1,
      "window-spent": 1,
      "window-reopened": 1,
      "extra-usage-refused": 1,
      "billing-refusal": 1,
    });
    const spent = all.find((n) => n.event === "window-spent");
    expect(spent).toMatchObject({ window: "five_hour", resetsAt: new Date(reset * 1000).toISOString() });
    expect(spent?.text).toBe(spent?.content);
    expect(spent?.text).toMatch(/^Claude subscription: the 5-hour window is spent until \d\d:\d\d UTC\./);
    expect(all.find((n) => n.event === "window-reopened")).toMatchObject({
      window: "five_hour",
      resetsAt: new Date(reset * 1000).toISOString(),
    });
    expect(all.find((n) => n.event === "extra-usage-refused")).toMatchObject({
      window: "five_hour",
      resetsAt: new Date(overageReset * 1000).toISOString(),
    });
    const text = JSON.stringify(all);
    for (const secret of [stackEnv.PROXY_API_KEY, stackEnv.OPENCLAW_GATEWAY_TOKEN, stackEnv.CLAUDE_SETUP_TOKEN])
      expect(text).not.toContain(secret);
  });
});
