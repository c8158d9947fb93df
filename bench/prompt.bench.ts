// Benchmark of what reaches Anthropic per request: bytes sent, and the share of each request that lies
// in a prefix identical to one the previous request marked for caching (test/support/cache-prefix.ts:
// what Anthropic can read from its prompt cache instead of processing afresh).
//   1. the OpenClaw-shaped conversation (test/support/openclaw-conversation.ts: 30 KB system prompt,
//      12 tools, 6 requests, each ending with OpenClaw's runtime context) and a generic client's
//      growing conversation (test/support/generic-conversation.ts: 36 KB system prompt, four 8 KB
//      messages, each request repeating the history and the previous answer) through the normalizer
//      and maxapi with the real CLI, with SYSTEM_PROMPT=system-prompt and =in-user-message
//      (test/containers/prompt.compose.yml), BENCH_PROMPT_N times each;
//   2. real OpenClaw agent turns: one session of three turns with a tool call each (6 requests), on the
//      product stack in Option 2 (through maxapi) and in Option 1 (the gateway straight to the mock).
//   node bench/prompt.bench.ts        env: BENCH_PROMPT_N (default 3), BENCH_PROMPT_PARTS (conversation,option2,option1)
import { execFileSync } from "node:child_process";
import OpenAI from "openai";
import { PORTS } from "@clawbridge/settings";
import { cachePrefixShares, requestBytes, summarize } from "../test/support/cache-prefix.ts";
import type { RecordedPrompt } from "../test/support/mock-anthropic-api.ts";
import { marker } from "../test/support/marker.ts";
import { MockAnthropicClient } from "../test/support/mock-anthropic-client.ts";
import { genericSystemPrompt, runGenericConversation } from "../test/support/generic-conversation.ts";
import { agentTurn } from "../test/support/openclaw-agent.ts";
import { MOCK_SCRIPT, openclawSystemPrompt, runOpenclawConversation } from "../test/support/openclaw-conversation.ts";
import { composeCommand, ROOT } from "../test/support/stack.ts";

const N = Number(process.env.BENCH_PROMPT_N ?? 3);
const PROMPT_COMPOSE = [
  "compose",
  "-f",
  "test/containers/prompt.compose.yml",
  "-p",
  `clawbridge-bench-prompt-${process.pid}`,
];

const docker = (args: string[], env: Record<string, string> = {}) =>
  execFileSync("docker", args, {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  }).trim();
const port = (compose: string[], service: string, inner: number, env: Record<string, string> = {}) =>
  docker([...compose, "port", service, String(inner)], env)
    .split(":")
    .at(-1) ?? "";

interface Figures {
  bytes: number[];
  shares: number[];
}

function figures(prompts: RecordedPrompt[]): Figures {
  return { bytes: requestBytes(prompts), shares: cachePrefixShares(prompts) };
}

function report(name: string, runs: Figures[]): string {
  const bytes = runs.flatMap((run) => run.bytes);
  const shares = runs.flatMap((run) => run.shares);
  const { mean, min } = summarize(shares);
  const meanBytes = bytes.reduce((a, b) => a + b, 0) / bytes.length;
  // every request after the first: the bytes outside the previous one's cached prefix
  const uncached = runs.flatMap((run) => run.shares.map((share, i) => (run.bytes[i + 1] ?? 0) * (1 - share)));
  const meanUncached = uncached.reduce((a, b) => a + b, 0) / uncached.length;
  // request 2, 3, ...: the mean share over the runs (the generic client's improves as it goes)
  const perRequest = (runs[0]?.shares ?? []).map((_, i) => summarize(runs.flatMap((run) => run.shares[i] ?? [])).mean);
  const percent = (share: number) => (share * 100).toFixed(1);
  return `| ${name} | ${runs.length} | ${(meanBytes / 1000).toFixed(1)} KB | ${percent(mean)} % (min ${percent(min)} %) | ${perRequest.map(percent).join(" / ")} % | ${(meanUncached / 1000).toFixed(2)} KB |`;
}

async function conversation(): Promise<string[]> {
  docker([...PROMPT_COMPOSE, "up", "-d", "--build", "--wait"]);
  try {
    const mock = new MockAnthropicClient(`http://127.0.0.1:${port(PROMPT_COMPOSE, "mock-anthropic", 8080)}`);
    const rows: string[] = [];
    for (const [setting, service] of [
      ["system-prompt", "normalizer"],
      ["in-user-message", "normalizer-user-message"],
    ] as const) {
      const client = new OpenAI({
        baseURL: `http://127.0.0.1:${port(PROMPT_COMPOSE, service, PORTS.normalizer)}/v1`,
        apiKey: "container-test-key-0123456789",
        maxRetries: 0,
      });
      const runs: Figures[] = [];
      const generic: Figures[] = [];
      for (let i = 0; i < N; i++) {
        const tag = marker("bench");
        await mock.setMode("ok", MOCK_SCRIPT);
        await runOpenclawConversation(client, "claude-sonnet-4", openclawSystemPrompt(`You are Pip (${tag}).`));
        runs.push(figures(await mock.prompts(tag)));
        const genericTag = marker("bench-generic");
        await mock.setMode("ok");
        await runGenericConversation(
          client,
          "claude-sonnet-4",
          genericSystemPrompt(`You are a careful reading assistant (${genericTag}).`),
        );
        generic.push(figures(await mock.prompts(genericTag)));
      }
      rows.push(
        report(`OpenClaw-shaped, SYSTEM_PROMPT=${setting}`, runs),
        report(`generic client, SYSTEM_PROMPT=${setting}`, generic),
      );
    }
    return rows;
  } finally {
    docker([...PROMPT_COMPOSE, "down", "-v"]);
  }
}

/** One session of three agent turns, a tool call each, on the product stack in `mode`. */
async function openclawTurns(mode: "max-proxy" | "setup-token"): Promise<string> {
  const project = `clawbridge-bench-turns-${mode}-${process.pid}`;
  const compose = composeCommand(project).slice(1);
  const env = { AUTH_MODE: mode, COMPOSE_PROFILES: mode };
  docker([...compose, "up", "-d", "--build", "--wait"], env);
  try {
    const mock = new MockAnthropicClient(`http://127.0.0.1:${port(compose, "mock-anthropic", 8080, env)}`);
    const gateway = docker([...compose, "ps", "-q", "gateway"], env);
    // Option 1's gateway calls Anthropic itself: point its anthropic provider at the mock (applied live)
    if (mode === "setup-token")
      docker([
        "exec",
        gateway,
        "openclaw",
        "config",
        "set",
        "models.providers.anthropic.baseUrl",
        "http://mock-anthropic:8080",
      ]);
    const step = (n: number) => ({ answer: "", toolCalls: [{ name: "exec", input: { command: `echo step ${n}` } }] });
    const runs: Figures[] = [];
    for (let i = 0; i < N; i++) {
      const tag = marker("turns");
      await mock.setMode("ok", {
        answer: "Done.",
        next: [step(1), { answer: "Done." }, step(2), { answer: "Done." }, step(3), { answer: "Done." }],
      });
      const sessionKey = `agent:main:bench-${tag}`;
      for (const message of [`Start ${tag}: run echo.`, "Again, please.", "Once more."]) {
        const turn = await agentTurn(gateway, message, { sessionKey });
        if (turn.code !== 0) throw new Error(`agent turn failed: ${turn.output}`);
      }
      runs.push(figures(await mock.prompts(tag)));
    }
    return report(
      mode === "max-proxy" ? "OpenClaw turns, Option 2 (maxapi)" : "OpenClaw turns, Option 1 (straight to Anthropic)",
      runs,
    );
  } finally {
    docker([...compose, "down", "-v"], env);
  }
}

// BENCH_PROMPT_PARTS: which parts to run (default all): conversation, option2, option1
const PARTS = (process.env.BENCH_PROMPT_PARTS ?? "conversation,option2,option1").split(",");
console.log(
  "| requests | runs | bytes per request | in the previous request's cached prefix | requests 2, 3, … | uncached per request |",
);
console.log("| --- | --- | --- | --- | --- | --- |");
if (PARTS.includes("conversation")) for (const row of await conversation()) console.log(row);
if (PARTS.includes("option2")) console.log(await openclawTurns("max-proxy"));
if (PARTS.includes("option1")) console.log(await openclawTurns("setup-token"));
