// What the model sees, on the real Claude Code CLI: the normalizer and maxapi in their containers,
// once per SYSTEM_PROMPT setting, the official OpenAI client library in front (as OpenClaw's
// openai-completions transport sends), the mock Anthropic API behind, which records each request's
// system prompt, blocks, cache breakpoints and settings (test/support/mock-anthropic-api.ts).
import OpenAI from "openai";
import type { StartedDockerComposeEnvironment } from "testcontainers";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { cachedPrefixBytes, cachePrefixShares, requestBytes } from "../support/cache-prefix.ts";
import { GENERIC_TURNS, genericSystemPrompt, runGenericConversation } from "../support/generic-conversation.ts";
import { untilCliProcessesExited } from "../support/maxapi-metrics.ts";
import { MockAnthropicClient } from "../support/mock-anthropic-client.ts";
import { MOCK_SCRIPT, openclawSystemPrompt, runOpenclawConversation } from "../support/openclaw-conversation.ts";
import { marker } from "../support/marker.ts";
import { startCompose } from "../support/stack.ts";

const KEY = "container-test-key-0123456789";
const MODEL = "claude-sonnet-4";

let stack: StartedDockerComposeEnvironment;
let mock: MockAnthropicClient;
const clients = {} as Record<"systemPrompt" | "userMessage", OpenAI>;

beforeAll(async () => {
  stack = await startCompose("prompt.compose.yml", {
    healthy: ["mock-anthropic", "normalizer", "normalizer-user-message"],
  });
  const client = (service: string) =>
    new OpenAI({
      baseURL: `http://127.0.0.1:${stack.getContainer(service).getMappedPort(3457)}/v1`,
      apiKey: KEY,
      maxRetries: 0,
      timeout: 120_000,
    });
  clients.systemPrompt = client("normalizer-1");
  clients.userMessage = client("normalizer-user-message-1");
  mock = new MockAnthropicClient(`http://127.0.0.1:${stack.getContainer("mock-anthropic-1").getMappedPort(8080)}`);
});

afterAll(async () => {
  await stack.down({ removeVolumes: true });
});

beforeEach(async () => {
  await mock.setMode("ok");
});

describe("the system prompt", () => {
  it("SYSTEM_PROMPT=system-prompt (the default): the request's system message is the model's system prompt, and the CLI's agent prompt is not sent", async () => {
    const persona = `You are Pip, ${marker("persona")}.`;
    await clients.systemPrompt.chat.completions.create({
      model: MODEL,
      messages: [
        { role: "system", content: persona },
        { role: "user", content: "Say hello" },
      ],
    });
    const [prompt, ...more] = await mock.prompts(persona);
    expect(more).toHaveLength(0);
    expect(prompt?.cliAgentPrompt).toBe(false);
    expect(prompt?.system).toContain(persona);
    // what the CLI writes about itself stays: its identity line, and the billing header (left out of `system`)
    expect(prompt?.system).toMatch(/^You are (a Claude agent|Claude Code)/);
    expect(prompt?.systemLength).toBeLessThan(persona.length + 200);
  });

  it("SYSTEM_PROMPT=in-user-message: the system message stays in the user message, and the CLI's agent prompt is the system prompt", async () => {
    const persona = `You are Pip, ${marker("persona")}.`;
    await clients.userMessage.chat.completions.create({
      model: MODEL,
      messages: [
        { role: "system", content: persona },
        { role: "user", content: "Say hello" },
      ],
    });
    const [prompt] = await mock.prompts(persona);
    expect(prompt?.cliAgentPrompt).toBe(true);
    expect(prompt?.system).not.toContain(persona);
    const [request] = (await mock.messages()).filter((r) => r.text.includes(persona));
    expect(JSON.stringify(request?.body)).toContain(`<system>\\n${persona}\\n</system>`);
  });
});

describe("a conversation paid for once", () => {
  // The share of each request's bytes that lies in a prefix identical to one the previous request
  // marked for caching (test/support/cache-prefix.ts); what Anthropic then reads from the cache.
  it.each([
    ["system-prompt", "systemPrompt"],
    ["in-user-message", "userMessage"],
  ] as const)(
    "SYSTEM_PROMPT=%s: each request of an OpenClaw-shaped conversation (30 KB system prompt, 12 tools, 6 requests, each ending with OpenClaw's context message) lies, 95 bytes in 100 or more, in the previous one's cached prefix",
    async (_setting, which) => {
      const tag = marker("conversation");
      await mock.setMode("ok", MOCK_SCRIPT);
      const messages = await runOpenclawConversation(
        clients[which],
        MODEL,
        openclawSystemPrompt(`You are Pip (${tag}).`),
      );
      expect(messages.filter((message) => message.role === "tool")).toHaveLength(4); // two round trips a turn, as scripted
      const prompts = await mock.prompts(tag);
      expect(prompts).toHaveLength(6);
      const shares = cachePrefixShares(prompts);
      console.log(
        `SYSTEM_PROMPT=${_setting}: bytes per request ${requestBytes(prompts).join(", ")}; cached prefix ${shares.map((share) => `${(share * 100).toFixed(1)} %`).join(", ")}`,
      );
      for (const share of shares) expect(share).toBeGreaterThanOrEqual(0.95);
      for (const prompt of prompts)
        expect(prompt.blocks.filter((block) => block.cacheControl).length).toBeLessThanOrEqual(4);
    },
  );

  // A generic client repeats its last message in the next request (OpenClaw does not repeat its
  // context message): maxapi marks the last message, so only what is new stays outside the prefix.
  it.each([
    ["system-prompt", "systemPrompt"],
    ["in-user-message", "userMessage"],
  ] as const)(
    "SYSTEM_PROMPT=%s: a generic client's growing conversation (36 KB system prompt, 8 KB a turn, 4 requests) sends only what is new uncached: 84 bytes in 100 or more cached from request 3",
    async (setting, which) => {
      const tag = marker("generic");
      await mock.setMode("ok");
      await runGenericConversation(
        clients[which],
        MODEL,
        genericSystemPrompt(`You are a careful reading assistant (${tag}).`),
      );
      const prompts = await mock.prompts(tag);
      expect(prompts).toHaveLength(4);
      const shares = cachePrefixShares(prompts);
      console.log(
        `generic client, SYSTEM_PROMPT=${setting}: bytes per request ${requestBytes(prompts).join(", ")}; cached prefix ${shares.map((share) => `${(share * 100).toFixed(1)} %`).join(", ")}`,
      );
      for (const [i, prompt] of prompts.entries()) {
        expect(prompt.blocks.filter((block) => block.cacheControl).length).toBeLessThanOrEqual(4);
        if (i === 0) continue;
        // outside the previous request's cached prefix: the previous answer, the new message and the
        // CLI's environment message (which it puts last), nothing of the history before them
        const [before = 0, after = 0] = requestBytes([
          { blocks: prompt.blocks.slice(0, -3) },
          { blocks: prompt.blocks.slice(-3) },
        ]);
        expect(cachedPrefixBytes(prompts[i - 1] as (typeof prompts)[number], prompt), `request ${i + 1}`).toBe(before);
        expect(after, `request ${i + 1}: what is new`).toBeLessThan((GENERIC_TURNS[i]?.length ?? 0) + 2000);
      }
      expect(shares[0]).toBeGreaterThanOrEqual(0.8); // request 2: the first request's only message follows the system prompt, so it is marked
      for (const share of shares.slice(1)) expect(share).toBeGreaterThanOrEqual(0.84);
    },
  );
});

describe("the request's settings", () => {
  it("max_completion_tokens, temperature, top_p and stop reach the model (thinking off beside sampling); reasoning_effort is the effort", async () => {
    const tag = marker("settings");
    await clients.systemPrompt.chat.completions.create({
      model: MODEL,
      messages: [{ role: "user", content: tag }],
      max_completion_tokens: 300,
      temperature: 0.3,
      top_p: 0.8,
      stop: ["END"],
    });
    const [sampled] = await mock.prompts(tag);
    expect(sampled).toMatchObject({
      maxTokens: 300,
      temperature: 0.3,
      topP: 0.8,
      stopSequences: ["END"],
      thinking: null,
    });

    const effortTag = marker("effort");
    await clients.systemPrompt.chat.completions.create({
      model: MODEL,
      messages: [{ role: "user", content: effortTag }],
      reasoning_effort: "high",
    });
    const [effort] = await mock.prompts(effortTag);
    expect(effort?.effort).toBe("high");
    expect(effort?.thinking).toMatchObject({ type: "adaptive" });

    const offTag = marker("thinking-off");
    await clients.systemPrompt.chat.completions.create({
      model: MODEL,
      messages: [{ role: "user", content: offTag }],
      reasoning_effort: "none",
    });
    expect((await mock.prompts(offTag))[0]?.thinking).toBeNull();
  });

  it("what has no equivalent gets a 400 naming the field, and nothing reaches the model", async () => {
    const tag = marker("refused");
    const refused = async (extra: Record<string, unknown>) => {
      const error = await clients.systemPrompt.chat.completions
        .create({ model: MODEL, messages: [{ role: "user", content: tag }], ...extra })
        .catch((thrown: unknown) => thrown);
      expect(error).toBeInstanceOf(OpenAI.BadRequestError);
      return (error as InstanceType<typeof OpenAI.BadRequestError>).param;
    };
    expect(await refused({ n: 2 })).toBe("n");
    expect(await refused({ logprobs: true })).toBe("logprobs");
    expect(await refused({ response_format: { type: "json_object" } })).toBe("response_format");
    expect(await refused({ reasoning_effort: "extreme" })).toBe("reasoning_effort");
    expect(await mock.prompts(tag)).toHaveLength(0);
  });

  it("an answer cut at the output limit: finish_reason length with the text so far, streamed or not; the CLI is stopped before its second request to resume", async () => {
    await mock.setMode("ok", { answer: "The first part of a long answer", stopReason: "max_tokens" });
    const tag = marker("cut");
    const whole = await clients.systemPrompt.chat.completions.create({
      model: MODEL,
      messages: [{ role: "user", content: `${tag} whole` }],
      max_completion_tokens: 20,
    });
    expect(whole.choices[0]).toMatchObject({
      finish_reason: "length",
      message: { content: "The first part of a long answer" },
    });
    const stream = clients.systemPrompt.chat.completions.stream({
      model: MODEL,
      messages: [{ role: "user", content: `${tag} streamed` }],
      max_completion_tokens: 20,
      stream: true,
    });
    const streamed = await stream.finalChatCompletion();
    expect(streamed.choices[0]).toMatchObject({
      finish_reason: "length",
      message: { content: "The first part of a long answer" },
    });
    // Left alone, the CLI asks three times to resume (4 calls each). maxapi kills it when it reads the
    // stop, and the CLI sends its first resume request milliseconds after that stop: on a busy machine
    // that request can leave before the kill lands. It never gets further. Once both CLI processes
    // have exited, no resume request can come any more: count then.
    await untilCliProcessesExited(stack.getContainer("maxapi-1").getId());
    for (const which of ["whole", "streamed"]) {
      const calls = (await mock.prompts(`${tag} ${which}`)).length;
      expect(calls, `${which}: the cut call, and at most the resume request already on its way`).toBeGreaterThanOrEqual(
        1,
      );
      expect(calls, `${which}: the cut call, and at most the resume request already on its way`).toBeLessThanOrEqual(2);
    }
  });
});

describe("thinking", () => {
  it("the model's thinking reaches the client as delta.reasoning_content (streamed) and message.reasoning_content (whole), never as content", async () => {
    await mock.setMode("ok", { answer: "Hello.", thinking: "Let me weigh this carefully." });
    const chunks = [];
    for await (const chunk of await clients.systemPrompt.chat.completions.create({
      model: MODEL,
      messages: [{ role: "user", content: "think" }],
      reasoning_effort: "high",
      stream: true,
    }))
      chunks.push(chunk);
    const deltas = chunks.flatMap((chunk) =>
      chunk.choices.map((choice) => choice.delta as { content?: string | null; reasoning_content?: string }),
    );
    expect(deltas.map((delta) => delta.reasoning_content ?? "").join("")).toBe("Let me weigh this carefully.");
    expect(deltas.map((delta) => delta.content ?? "").join("")).toBe("Hello.");
    const whole = await clients.systemPrompt.chat.completions.create({
      model: MODEL,
      messages: [{ role: "user", content: "think" }],
    });
    expect(whole.choices[0]?.message).toMatchObject({
      content: "Hello.",
      reasoning_content: "Let me weigh this carefully.",
    });
  });
});
