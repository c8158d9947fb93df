import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHAT_PROBE_SCRIPT, chatRow } from "../../../services/verify/src/chat.ts";
import { DC, fixture, result } from "./fixtures.ts";

describe("chatRow", () => {
  it("passes an answer", () => {
    expect(chatRow(result(fixture("max-proxy/chat.json")), "max-proxy", DC)).toEqual({
      check: "chat completion",
      status: "ok",
      detail: 'answered "Hello from mock!" in 857 ms, a tool offered (claude-haiku-4 via http://normalizer:3457/v1)',
      fix: "",
    });
  });

  it("passes an answer that calls the offered tool; fails tools refused by an image that does not know them", () => {
    const called = JSON.stringify({
      url: "http://normalizer:3457/v1",
      status: 200,
      model: "claude-haiku-4",
      text: "",
      toolCalls: 1,
      ms: 900,
    });
    expect(chatRow(result(called), "max-proxy", DC)).toMatchObject({
      status: "ok",
      detail: expect.stringContaining("answered with a call of the offered tool") as string,
    });
    const refused = JSON.stringify({
      url: "http://normalizer:3457/v1",
      status: 400,
      errorType: "invalid_request_error",
      errorCode: "invalid_tools",
      error: "tools[0].function.name: a tool needs a name",
      ms: 5,
    });
    const row = chatRow(result(refused), "max-proxy", DC);
    expect(row).toMatchObject({
      status: "FAIL",
      detail: expect.stringMatching(/^tools are refused: HTTP 400 invalid_tools/) as string,
    });
    expect(row.fix).toBe(
      "the normalizer and maxapi images must match: docker compose build normalizer maxapi && docker compose up -d",
    );
  });

  it("tells the normalizer's own 401 (wrong key) from the Claude CLI's (not logged in)", () => {
    const wrongKey = chatRow(result(fixture("wrong-proxy-key/chat.json")), "max-proxy", DC);
    expect(wrongKey).toMatchObject({
      status: "FAIL",
      detail: "the normalizer refused the gateway's PROXY_API_KEY (via http://normalizer:3457/v1)",
    });
    expect(wrongKey.fix).toContain("same PROXY_API_KEY");
    const loggedOut = chatRow(result(fixture("provider-401/chat.json")), "max-proxy", DC);
    expect(loggedOut).toMatchObject({
      status: "FAIL",
      detail: "HTTP 401 cli_auth_failed: Not logged in · Please run /login (via http://normalizer:3457/v1)",
    });
    expect(loggedOut.fix).toContain("make login");
  });

  it("sends an unreachable maxapi to the logs of maxapi and the normalizer", () => {
    const row = chatRow(result(fixture("maxapi-stopped/chat.json")), "max-proxy", DC);
    expect(row).toMatchObject({
      status: "FAIL",
      detail:
        "HTTP 502 upstream_unreachable: claude-max-api (upstream) is unreachable (EAI_AGAIN) (via http://normalizer:3457/v1)",
    });
    expect(row.fix).toBe("docker compose logs --tail 50 normalizer maxapi");
  });

  it("fails when the probe printed nothing or timed out", () => {
    expect(chatRow(result("", 1, 'service "gateway" is not running'), "max-proxy", DC).detail).toBe(
      'exit 1: service "gateway" is not running',
    );
    expect(chatRow({ ...result(""), code: null, timedOut: true }, "max-proxy", DC).detail).toBe(
      "no answer within 30 s",
    );
  });
});

describe("the chat probe script", () => {
  const KEY = "probe-test-key-0123456789abcdef";
  let seen: { url: string; headers: IncomingHttpHeaders; body: string }[] = [];
  let mode: "ok" | "401" = "ok";
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString()));
    req.on("end", () => {
      seen.push({ url: req.url ?? "", headers: req.headers, body });
      res.setHeader("content-type", "application/json");
      if (mode === "401") {
        res.statusCode = 401;
        res.end(
          JSON.stringify({
            error: { type: "authentication_error", code: "invalid_api_key", message: "the API key is not valid" },
          }),
        );
      } else {
        // the answer names the model that ran
        res.end(
          JSON.stringify({ model: "claude-haiku-5-5", choices: [{ message: { role: "assistant", content: "OK" } }] }),
        );
      }
    });
  });
  let base = "";
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const probe = async (home: string, url: string) => {
    seen = [];
    const { stdout } = await promisify(execFile)(process.execPath, ["-e", CHAT_PROBE_SCRIPT, url, "5000"], {
      env: { HOME: home, PROXY_API_KEY: KEY },
    });
    return { stdout, out: JSON.parse(stdout) as Record<string, unknown> };
  };

  it("posts to <url>/chat/completions with the container's key and prints the answer as one JSON line, without the key", async () => {
    mode = "ok";
    const { stdout, out } = await probe(mkdtempSync(join(tmpdir(), "verify-probe-")), `${base}/v1/`);
    expect(out).toMatchObject({ url: `${base}/v1/`, status: 200, model: "claude-haiku-5-5", text: "OK", error: "" });
    expect(seen[0]?.url).toBe("/v1/chat/completions");
    expect(seen[0]?.headers.authorization).toBe(`Bearer ${KEY}`);
    // the probe asks for the Haiku family, the newest model of it
    expect(JSON.parse(seen[0]?.body ?? "{}")).toMatchObject({
      model: "haiku",
      tools: [{ type: "function", function: { name: "clawbridge_verify" } }],
    });
    expect(stdout).not.toContain(KEY);
    expect(stdout.trim().split("\n")).toHaveLength(1);
  });

  it("takes the URL from openclaw.json's claude-max-proxy provider when there is one, and reports errors", async () => {
    mode = "401";
    const home = mkdtempSync(join(tmpdir(), "verify-probe-"));
    mkdirSync(join(home, ".openclaw"));
    writeFileSync(
      join(home, ".openclaw", "openclaw.json"),
      JSON.stringify({ models: { providers: { "claude-max-proxy": { baseUrl: `${base}/from-config` } } } }),
    );
    const { out } = await probe(home, "http://unused.invalid/v1");
    expect(seen[0]?.url).toBe("/from-config/chat/completions");
    expect(out).toMatchObject({ status: 401, errorCode: "invalid_api_key", error: "the API key is not valid" });
  });

  it("reports an unreachable URL with status 0", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const { out } = await probe(mkdtempSync(join(tmpdir(), "verify-probe-")), `http://127.0.0.1:${port}/v1`);
    expect(out).toMatchObject({ status: 0, error: "ECONNREFUSED" });
  });
});
