// The normalizer app in-process, in front of a real HTTP mock upstream, over real sockets.
import { afterEach, describe, expect, it, vi } from "vitest";
import { dataUrl, imagePart, png } from "../support/images.ts";
import { openClawRequest } from "../support/openclaw-request.ts";
import { chat, startNormalizer, type Normalizer } from "../support/normalizer-harness.ts";
import { freePort } from "../support/ports.ts";

const KEY = "test-key-0123456789abcdef";
const auth = { authorization: `Bearer ${KEY}` };
const simple = (extra: Record<string, unknown> = {}) => ({
  model: "sonnet",
  messages: [{ role: "user", content: "hello" }],
  ...extra,
});

let normalizer: Normalizer | undefined;
const start = async (env: Record<string, string> = {}) => (normalizer = await startNormalizer(env));
afterEach(async () => {
  await normalizer?.close();
  normalizer = undefined;
});

async function expectOpenAIError(response: Response, status: number, type: string, code?: string) {
  expect(response.status).toBe(status);
  expect(response.headers.get("content-type")).toMatch(/application\/json/);
  const body = (await response.json()) as { error: Record<string, unknown> };
  expect(Object.keys(body.error).sort()).toEqual(["code", "message", "param", "type"]);
  expect(body.error.type).toBe(type);
  expect(typeof body.error.message).toBe("string");
  if (code) expect(body.error.code).toBe(code);
  return body.error;
}

describe("what reaches the upstream", () => {
  it("is string content only, a known model, the client's tools as sent and no client key", async () => {
    const { url, upstream } = await start({ PROXY_API_KEY: KEY });
    const response = await chat(url, openClawRequest({ stream: false }), { ...auth, "x-request-id": "trace-42" });
    expect(response.status).toBe(200);
    expect(
      ((await response.json()) as { choices: { message: { content: string } }[] }).choices[0]?.message.content,
    ).toBe("mock answer");
    expect(response.headers.get("x-request-id")).toBe("trace-42");

    const received = upstream.requests.find((r) => r.url === "/v1/chat/completions");
    const body = received?.body as { model: string; messages: { role: string; content: unknown }[] };
    expect(body.model).toBe("opus");
    expect(
      body.messages.every((m) => typeof m.content === "string" && ["system", "user", "assistant"].includes(m.role)),
    ).toBe(true);
    expect(JSON.stringify(body)).not.toContain("[object Object]");
    expect((received?.body as { tools: unknown }).tools).toEqual(openClawRequest().tools);
    expect(received?.headers.authorization).toBeUndefined();
    expect(received?.headers["x-request-id"]).toBe("trace-42");
    expect(received?.headers["content-length"]).toBe(String(received?.bytes));
  });

  it("is the client's gzip body, inflated and normalized", async () => {
    const { url, upstream } = await start();
    const { gzipSync } = await import("node:zlib");
    const response = await fetch(`${url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", "content-encoding": "gzip" },
      body: gzipSync(
        JSON.stringify(simple({ messages: [{ role: "user", content: [{ type: "text", text: "zipped" }] }] })),
      ),
    });
    expect(response.status).toBe(200);
    expect(upstream.requests.at(-1)?.body).toMatchObject({ messages: [{ role: "user", content: "zipped" }] });
  });
});

describe("streaming", () => {
  it("forwards each SSE chunk before the upstream has finished", async () => {
    const { url, upstream } = await start();
    const response = await chat(url, simple({ stream: true }), {
      "x-mock-chunks": "3",
      "x-mock-chunk-delay-ms": "300",
    });
    expect(response.headers.get("content-type")).toMatch(/text\/event-stream/);
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    const first = await reader.read();
    expect(decoder.decode(first.value)).toContain("part0");
    expect(upstream.completed).toBe(0); // the upstream is still sending
    let rest = "";
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) rest += decoder.decode(chunk.value);
    expect(rest).toContain("part2");
    expect(rest).toContain("data: [DONE]");
    expect(upstream.completed).toBe(1);
  });

  it("passes a client's disconnect on to the upstream and frees the slot", async () => {
    const { url, upstream, gate } = await start();
    const abort = new AbortController();
    const pending = chat(url, simple({ stream: true }), { "x-mock-hang": "1" }, abort.signal).catch((e: unknown) => e);
    await upstream.until(() => upstream.inFlight === 1);
    abort.abort();
    await pending;
    await upstream.until(() => upstream.abandoned === 1);
    await vi.waitFor(() => expect(gate.running).toBe(0));
  });

  it("ends a stream whose upstream goes silent with an error event and [DONE]", async () => {
    const { url, upstream } = await start({ UPSTREAM_TIMEOUT_MS: "300" });
    const response = await chat(url, simple({ stream: true }), { "x-mock-chunks": "3", "x-mock-stall-after": "1" });
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text).toContain("part0");
    expect(text).toMatch(
      /data: \{"error":\{"message":"maxapi \(upstream\) sent nothing for 300 ms","type":"api_error"/,
    );
    expect(text.trimEnd().endsWith("data: [DONE]")).toBe(true);
    await upstream.until(() => upstream.abandoned === 1);
  });

  it("ends a stream whose upstream dies mid-answer with an error event and [DONE], not a cut", async () => {
    const { url } = await start();
    const response = await chat(url, simple({ stream: true }), {
      "x-mock-chunks": "3",
      "x-mock-drop-after": "1",
      "x-mock-chunk-delay-ms": "20",
    });
    expect(response.status).toBe(200);
    const text = await response.text(); // rejects ("terminated") if the connection is cut
    expect(text).toContain("part0");
    expect(text).toMatch(
      /data: \{"error":\{"message":"maxapi \(upstream\) went away in the middle of the answer","type":"api_error"/,
    );
    expect(text.trimEnd().endsWith("data: [DONE]")).toBe(true);
  });
});

describe("errors are OpenAI error bodies with the right status", () => {
  it("400 for malformed JSON, with one warn log line that does not quote the body", async () => {
    const { url, logs } = await start();
    const response = await chat(url, '{"model": "claude-opus-4", "messages": [ secret-text');
    await expectOpenAIError(response, 400, "invalid_request_error", "invalid_json");
    const lines = logs.filter((l) => l.reqId === response.headers.get("x-request-id"));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 40, status: 400, error: "request body is not valid JSON" });
    expect(JSON.stringify(logs)).not.toContain("secret-text");
  });

  it("400 naming the field for a wrong shape", async () => {
    const { url, upstream } = await start();
    const error = await expectOpenAIError(
      await chat(url, simple({ messages: [{ role: "user", content: [{ type: "text", text: 7 }] }] })),
      400,
      "invalid_request_error",
    );
    expect(error.param).toBe("messages[0].content[0].text");
    expect(upstream.requests).toHaveLength(0);
  });

  it("passes an image on as a checked data: URL part; a 4.4 MB image is within the default body limit", async () => {
    const { url, upstream, logs } = await start();
    const photo = png(1100, 1000, { noise: true }); // 4.4 MB in base64
    const response = await chat(
      url,
      simple({
        messages: [
          { role: "user", content: [{ type: "text", text: "what is this?" }, imagePart(dataUrl(photo, "image/jpeg"))] },
        ],
      }),
    );
    expect(response.status).toBe(200);
    const body = upstream.requests.find((r) => r.url === "/v1/chat/completions")?.body as {
      messages: { content: unknown }[];
    };
    expect(body.messages[0]?.content).toEqual([
      { type: "text", text: "what is this?" },
      imagePart(dataUrl(photo, "image/png")),
    ]);
    const line = logs.find((l) => l.reqId === response.headers.get("x-request-id") && l.status === 200);
    expect(line?.normalizations).toEqual({ image_sent: 1, image_retyped: 1 });
    expect(JSON.stringify(logs)).not.toContain(photo.toString("base64").slice(0, 100));
  });

  it("400 naming the part for an image it would have to fetch, with one warn log line; nothing reaches the upstream", async () => {
    const { url, upstream, logs } = await start();
    const response = await chat(
      url,
      simple({
        messages: [{ role: "user", content: [{ type: "image_url", image_url: { url: "http://10.0.0.1/admin.png" } }] }],
      }),
    );
    const error = await expectOpenAIError(response, 400, "invalid_request_error", "remote_image_url");
    expect(error.param).toBe("messages[0].content[0].image_url.url");
    const lines = logs.filter((l) => l.reqId === response.headers.get("x-request-id"));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 40, status: 400 });
    expect(upstream.requests).toHaveLength(0);
  });

  it("400 listing the accepted ids for an unknown model", async () => {
    const { url } = await start();
    const error = await expectOpenAIError(
      await chat(url, simple({ model: "gpt-4o" })),
      400,
      "invalid_request_error",
      "model_not_found",
    );
    expect(error.message).toContain(
      "a family (mythos, fable, opus, sonnet, haiku: the newest model of it) or an exact id to pin (claude-mythos-5-2,",
    );
  });

  it("401 without the key or with a wrong one; probes stay open", async () => {
    const { url, upstream } = await start({ PROXY_API_KEY: KEY });
    await expectOpenAIError(await chat(url, simple()), 401, "authentication_error", "invalid_api_key");
    await expectOpenAIError(
      await chat(url, simple(), { authorization: `Bearer ${KEY}x` }),
      401,
      "authentication_error",
    );
    await expectOpenAIError(await fetch(`${url}/v1/models`), 401, "authentication_error");
    expect(upstream.requests.filter((r) => r.url.startsWith("/v1/"))).toHaveLength(0);
    for (const probe of ["/healthz", "/readyz", "/metrics"]) expect((await fetch(`${url}${probe}`)).status).toBe(200);
    expect((await chat(url, simple(), auth)).status).toBe(200);
  });

  it("413 for a body over MAX_BODY_BYTES", async () => {
    const { url, upstream } = await start({ MAX_BODY_BYTES: "1000" });
    const big = simple({ messages: [{ role: "user", content: "x".repeat(2000) }] });
    await expectOpenAIError(await chat(url, big), 413, "invalid_request_error", "request_too_large");
    expect(upstream.requests).toHaveLength(0);
  });

  it("429 with Retry-After when the queue is full", async () => {
    const { url, upstream, gate } = await start({ MAX_CONCURRENCY: "1", MAX_QUEUE: "1" });
    const abort = new AbortController();
    const hanging = [1, 2].map(() => chat(url, simple(), { "x-mock-hang": "1" }, abort.signal).catch(() => undefined));
    await vi.waitFor(() => expect([gate.running, gate.waiting]).toEqual([1, 1]));
    const response = await chat(url, simple());
    await expectOpenAIError(response, 429, "rate_limit_error", "queue_full");
    expect(Number(response.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(upstream.requests.filter((r) => r.url === "/v1/chat/completions")).toHaveLength(1);
    abort.abort();
    await Promise.all(hanging);
  });

  it("429 with Retry-After when a request waited QUEUE_TIMEOUT_MS", async () => {
    const { url, gate } = await start({ MAX_CONCURRENCY: "1", QUEUE_TIMEOUT_MS: "200" });
    const abort = new AbortController();
    const hanging = chat(url, simple(), { "x-mock-hang": "1" }, abort.signal).catch(() => undefined);
    await vi.waitFor(() => expect(gate.running).toBe(1));
    const response = await chat(url, simple());
    await expectOpenAIError(response, 429, "rate_limit_error", "queue_timeout");
    expect(response.headers.get("retry-after")).toMatch(/^\d+$/);
    abort.abort();
    await hanging;
  });

  it("502 when the upstream is unreachable", async () => {
    const { url } = await start({ UPSTREAM_URL: `http://127.0.0.1:${await freePort()}` });
    await expectOpenAIError(await chat(url, simple()), 502, "api_error", "upstream_unreachable");
    await expectOpenAIError(await fetch(`${url}/v1/models`), 502, "api_error", "upstream_unreachable");
  });

  it("504 when the upstream sends nothing for UPSTREAM_TIMEOUT_MS, and the upstream request is dropped", async () => {
    const { url, upstream } = await start({ UPSTREAM_TIMEOUT_MS: "300" });
    await expectOpenAIError(await chat(url, simple(), { "x-mock-hang": "1" }), 504, "api_error", "upstream_timeout");
    await upstream.until(() => upstream.abandoned === 1);
  });

  it("passes the upstream's own errors through unchanged", async () => {
    const { url } = await start();
    const response = await chat(url, simple(), { "x-mock-status": "503" });
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({
      error: { message: "mock upstream error 503", type: "api_error", param: null, code: null },
    });
  });
});

describe("concurrency", () => {
  it("serves queued requests in arrival order, none lost, one at a time with MAX_CONCURRENCY=1", async () => {
    const { url, upstream, gate } = await start({ MAX_CONCURRENCY: "1" });
    const responses: Promise<Response>[] = [];
    for (let i = 0; i < 8; i++) {
      responses.push(
        chat(url, simple({ messages: [{ role: "user", content: `request ${i}` }] }), { "x-mock-delay-ms": "20" }),
      );
      await vi.waitFor(() => expect(gate.running + gate.waiting + upstream.completed).toBe(i + 1));
    }
    const statuses = await Promise.all(responses.map(async (r) => (await r).status));
    expect(statuses).toEqual(Array(8).fill(200));
    const order = upstream.requests.map((r) => (r.body as { messages: { content: string }[] }).messages[0]?.content);
    expect(order).toEqual(Array.from({ length: 8 }, (_, i) => `request ${i}`));
    expect(upstream.maxInFlight).toBe(1);
  });

  it("drops a queued request whose client hangs up: it never reaches the upstream", async () => {
    const { url, upstream, gate, logs } = await start({ MAX_CONCURRENCY: "1" });
    const holder = new AbortController();
    const hanging = chat(url, simple(), { "x-mock-hang": "1" }, holder.signal).catch(() => undefined);
    await vi.waitFor(() => expect(gate.running).toBe(1));
    const leaver = new AbortController();
    const queued = chat(url, simple(), { "x-request-id": "leaver" }, leaver.signal).catch(() => undefined);
    await vi.waitFor(() => expect(gate.waiting).toBe(1));
    leaver.abort();
    await queued;
    await vi.waitFor(() => expect(gate.waiting).toBe(0));
    holder.abort();
    await hanging;
    await vi.waitFor(() => expect(gate.running).toBe(0));
    expect(upstream.requests.filter((r) => r.url === "/v1/chat/completions")).toHaveLength(1);
    await vi.waitFor(() =>
      expect(logs.find((l) => l.reqId === "leaver")).toMatchObject({ level: 40, msg: "request aborted by the client" }),
    );
  });

  it("never runs more than MAX_CONCURRENCY upstream at once", async () => {
    const { url, upstream, gate } = await start({ MAX_CONCURRENCY: "4" });
    const statuses = await Promise.all(
      Array.from({ length: 16 }, async () =>
        (await chat(url, simple({ stream: true }), { "x-mock-chunk-delay-ms": "10" })).text(),
      ),
    );
    expect(statuses.every((text) => text.includes("data: [DONE]"))).toBe(true);
    expect(upstream.completed).toBe(16);
    expect(upstream.maxInFlight).toBe(4);
    expect(gate.waiting + gate.running).toBe(0);
  });
});

describe("other paths, probes, metrics and logs", () => {
  it("proxies /v1/models unchanged, without claude-max-api's allow-any-origin header", async () => {
    const { url } = await start();
    const response = await fetch(`${url}/v1/models`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ object: "list", data: [{ id: "claude-opus-4", object: "model" }] });
    expect(response.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("/readyz is 200 while the upstream answers and 503 when it does not", async () => {
    const { url, upstream } = await start();
    expect(await (await fetch(`${url}/readyz`)).json()).toEqual({ status: "ready" });
    await upstream.stop();
    const response = await fetch(`${url}/readyz`);
    expect(response.status).toBe(503);
    expect(((await response.json()) as { reason: string }).reason).toMatch(/upstream unreachable/);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    await upstream.start(); // for close()
  });

  it("/metrics counts requests by status, normalizations by kind and upstream latency", async () => {
    const { url } = await start();
    await chat(url, openClawRequest({ stream: false }));
    await chat(url, simple({ model: "nope" }));
    const text = await (await fetch(`${url}/metrics`)).text();
    expect(text).toMatch(/normalizer_requests_total\{route="chat_completions",status="200"\} 1/);
    expect(text).toMatch(/normalizer_requests_total\{route="chat_completions",status="400"\} 1/);
    expect(text).toMatch(/normalizer_normalizations_total\{kind="content_flattened"\} 2/);
    expect(text).toMatch(/normalizer_normalizations_total\{kind="tool_calls"\} 1/);
    expect(text).toMatch(/normalizer_upstream_duration_seconds_count\{status="200"\} 1/);
    expect(text).toMatch(/normalizer_queue_depth 0/);
    expect(text).toMatch(/normalizer_upstream_in_flight 0/);
  });

  it("logs one line per request with id, model, status, duration and normalizations; never content or key", async () => {
    const { url, logs, logFor } = await start({ PROXY_API_KEY: KEY });
    const response = await chat(url, openClawRequest({ stream: false, userText: "my private words" }), auth);
    const lines = logFor(response.headers.get("x-request-id") ?? "");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 30,
      model: "opus",
      requestedModel: "claude-max-proxy/opus",
      status: 200,
      method: "POST",
      path: "/v1/chat/completions",
      normalizations: { model_mapped: 1, content_flattened: 2, content_null: 1, tool_calls: 1, tool_result: 1 },
    });
    expect(typeof lines[0]?.durationMs).toBe("number");
    const all = JSON.stringify(logs);
    expect(all).not.toContain("my private words");
    expect(all).not.toContain(KEY);
  });
});
