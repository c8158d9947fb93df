// The normalizer as a process (services/normalizer/src/main.ts run by Node 24 directly): start-up
// checks and the SIGTERM drain.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { afterEach, describe, expect, it } from "vitest";
import { MockOpenAIUpstream } from "../support/mock-openai-upstream.ts";
import { chat } from "../support/normalizer-harness.ts";
import { freePort } from "../support/ports.ts";

const MAIN = new URL("../../services/normalizer/src/main.ts", import.meta.url).pathname;

function run(env: Record<string, string>) {
  const child = spawn(process.execPath, [MAIN], { env: { PATH: process.env.PATH, HOST: "127.0.0.1", ...env } });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = once(child, "exit").then(([code]) => code as number | null);
  return { child, exited, output: () => output };
}

const upstreams: MockOpenAIUpstream[] = [];
afterEach(async () => {
  await Promise.all(upstreams.splice(0).map((u) => u.stop()));
});

describe("normalizer process", () => {
  it("refuses to start on bad configuration: one plain sentence per bad variable, and one JSON log line", async () => {
    const { exited, output } = run({ MAX_QUEUE: "-1", LOG_LEVEL: "loud", PROXY_API_KEY: "abc" });
    expect(await exited).toBe(1);
    const lines = output().trim().split("\n");
    const json = lines.filter((l) => l.startsWith("{"));
    expect(json).toHaveLength(1);
    const line = JSON.parse(json[0] ?? "{}") as { level: number; msg: string; problems: string[] };
    expect(line.level).toBe(60);
    expect(lines.filter((l) => !l.startsWith("{"))).toEqual([
      "normalizer cannot start:",
      "  PROXY_API_KEY is too short (3 characters; 16 or more characters): run make setup, or set 16 or more random characters in .env (the same on every gateway host).",
      "  MAX_QUEUE is not a whole number of 0 or more: fix it in .env.",
      "  LOG_LEVEL is not one of fatal, error, warn, info, debug, trace, silent: fix it in .env.",
    ]);
    expect(line.problems).toHaveLength(3);
  });

  it("warns once at start when no PROXY_API_KEY is set", async () => {
    const port = await freePort();
    const { child, exited, output } = run({ PORT: String(port), UPSTREAM_URL: "http://127.0.0.1:9" });
    while (!output().includes("normalizer listening")) await once(child.stdout, "data");
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(output().match(/PROXY_API_KEY is not set/g)).toHaveLength(1);
  });

  it("on SIGTERM stops accepting, lets the in-flight request finish, and exits 0", async () => {
    const upstream = await new MockOpenAIUpstream().start();
    upstreams.push(upstream);
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const { child, exited, output } = run({
      PORT: String(port),
      UPSTREAM_URL: upstream.url,
      PROXY_API_KEY: "k".repeat(20),
    });
    while (!output().includes("normalizer listening")) await once(child.stdout, "data");

    const body = { model: "claude-haiku-4", messages: [{ role: "user", content: "hi" }] };
    const inFlight = chat(url, body, { authorization: `Bearer ${"k".repeat(20)}`, "x-mock-delay-ms": "500" });
    await upstream.until(() => upstream.inFlight === 1);
    child.kill("SIGTERM");

    const response = await inFlight;
    expect(response.status).toBe(200);
    expect(await response.text()).toContain("mock answer");
    expect(await exited).toBe(0);
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
    expect(output()).toMatch(/"running":1.*stopping: finishing in-flight requests/);
  });
});
