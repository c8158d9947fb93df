// cachePrefixShares and friends (test/support/cache-prefix.ts) on hand-made blocks, and on request
// bodies shaped like the CLI's, recorded as the mock Anthropic API records them (requestPrompt).
import { describe, expect, it } from "vitest";
import { cachedPrefixBytes, cachePrefixShares, requestBytes, summarize } from "../../support/cache-prefix.ts";
import { requestPrompt, type PromptBlock } from "../../support/mock-anthropic-api.ts";

/** A block of `bytes` bytes whose hash is its `content`; `cached` makes it a breakpoint. */
function block(
  content: string,
  bytes: number,
  { kind = "message", role, cached = false }: { kind?: PromptBlock["kind"]; role?: string; cached?: boolean } = {},
): PromptBlock {
  return {
    kind,
    ...(kind === "message" ? { role: role ?? "user" } : {}),
    type: "text",
    bytes,
    hash: content,
    ...(cached ? { cacheControl: { type: "ephemeral" } } : {}),
  };
}
const request = (...blocks: PromptBlock[]) => ({ blocks });

const tool = block("tool", 300, { kind: "tool" });
const identity = block("identity", 60, { kind: "system", cached: true });
const agent = block("agent", 6000, { kind: "system", cached: true });
const user1 = block("user1", 40);
const env = block("env", 600, { role: "system", cached: true });

describe("cachePrefixShares", () => {
  it("full match: the same request again is served whole from the cache", () => {
    const same = request(tool, identity, agent, user1, env);
    expect(cachePrefixShares([same, same])).toEqual([1]);
    expect(requestBytes([same])).toEqual([7000]);
  });

  it("a longer conversation: the previous request's whole prompt, up to its last breakpoint", () => {
    const first = request(tool, identity, agent, user1, env);
    const second = request(
      tool,
      identity,
      agent,
      user1,
      env,
      block("assistant1", 200, { role: "assistant" }),
      block("user2", 800, { cached: true }),
    );
    expect(cachedPrefixBytes(first, second)).toBe(7000);
    expect(cachePrefixShares([first, second])).toEqual([7000 / 8000]);
  });

  it("partial match: a change after a breakpoint falls back to the longest breakpoint before it", () => {
    const first = request(tool, identity, agent, user1, env);
    const second = request(
      tool,
      identity,
      agent,
      user1,
      block("another environment", 600, { role: "system", cached: true }),
    );
    expect(cachedPrefixBytes(first, second)).toBe(6360); // tool, identity, agent: user1 matches too, but ends no cached prefix
    expect(cachePrefixShares([first, second])[0]).toBeCloseTo(6360 / 7000);
  });

  it("a match that stops before the previous request's first breakpoint is not cached", () => {
    const first = request(tool, block("sys", 100, { kind: "system" }), user1, env);
    const second = request(tool, block("sys", 100, { kind: "system" }), block("user1 edited", 40), env);
    expect(cachePrefixShares([first, second])).toEqual([0]);
  });

  it("no breakpoint: nothing is cached, however much matches", () => {
    const plain = request(block("a", 500, { kind: "system" }), block("b", 500));
    expect(cachePrefixShares([plain, plain])).toEqual([0]);
  });

  it("a changed early block spoils everything after it", () => {
    const first = request(tool, identity, agent, user1, env);
    const second = request(block("another tool", 300, { kind: "tool" }), identity, agent, user1, env);
    expect(cachePrefixShares([first, second])).toEqual([0]);
  });

  it("compares kind and role as well as the hash; only the previous request counts", () => {
    const asUser = request(block("hi", 100, { role: "user", cached: true }));
    const asAssistant = request(block("hi", 100, { role: "assistant", cached: true }));
    const asSystem = request(block("hi", 100, { kind: "system", cached: true }));
    expect(cachePrefixShares([asUser, asAssistant, asSystem, asUser, asUser])).toEqual([0, 0, 0, 1]);
  });

  it("a request without a prompt has no bytes and no share; summarize gives mean and lowest", () => {
    const first = request(identity);
    expect(cachePrefixShares([first, { prompt: null }, { prompt: first }])).toEqual([0, 0]);
    expect(requestBytes([{ prompt: null }, { prompt: first }])).toEqual([0, 60]);
    expect(cachePrefixShares([first])).toEqual([]);
    expect(summarize([1, 0.5, 0.75])).toEqual({ count: 3, mean: 0.75, min: 0.5 });
    expect(summarize([])).toMatchObject({ count: 0, mean: NaN, min: NaN });
  });
});

describe("cachePrefixShares on request bodies as the CLI sends them", () => {
  const ttl = { type: "ephemeral", ttl: "1h" } as const;
  /** A body like the CLI 2.1.330's: billing header, identity, agent prompt, the conversation, the environment message. */
  function body(
    turn: number,
    messages: { role: string; content: unknown }[],
    system = "\nYou are an agent working with the user toward their goals, using your own judgment along the way.\n...",
  ) {
    return {
      model: "claude-sonnet-5-5",
      system: [
        { type: "text", text: `x-anthropic-billing-header: cc_version=2.1.330.${100 + turn}; cc_entrypoint=sdk-cli;` },
        { type: "text", text: "You are a Claude agent, built on Anthropic's Claude Agent SDK.", cache_control: ttl },
        { type: "text", text: system, cache_control: ttl },
      ],
      tools: [{ name: "mcp__c__exec", description: "Run a shell command", input_schema: { type: "object" } }],
      messages: [
        ...messages,
        {
          role: "system",
          content: [{ type: "text", text: "# Environment\nYou have been invoked ...", cache_control: ttl }],
        },
      ],
      max_tokens: 128000,
      thinking: { type: "adaptive", display: "updates" },
      output_config: { effort: "medium" },
      stream: true,
    };
  }

  it("the billing header and a breakpoint moving on to the newest message change nothing cached", () => {
    const first = requestPrompt(
      body(1, [{ role: "user", content: [{ type: "text", text: "hello", cache_control: ttl }] }]),
    );
    const second = requestPrompt(
      body(2, [
        { role: "user", content: [{ type: "text", text: "hello" }] },
        { role: "assistant", content: [{ type: "text", text: "Hi." }] },
        { role: "user", content: [{ type: "text", text: "more", cache_control: ttl }] },
      ]),
    );
    expect(
      first?.blocks.map((b) => `${b.kind}${b.role ? `:${b.role}` : ""}:${b.type}${b.cacheControl ? "*" : ""}`),
    ).toEqual(["tool:custom", "system:text*", "system:text*", "message:user:text*", "message:system:text*"]);
    // the environment message comes after the conversation, so the next turn matches the one before
    // up to its user message (a breakpoint there), not up to the environment
    const [share] = cachePrefixShares([{ prompt: first }, { prompt: second }]);
    const [, bytes = 0] = requestBytes([{ prompt: first }, { prompt: second }]);
    const cached = second?.blocks.slice(0, 4).reduce((total, b) => total + b.bytes, 0) ?? 0;
    expect(share).toBeCloseTo(cached / bytes);
    expect(share).toBeGreaterThan(0);
    expect(share).toBeLessThan(1);
  });

  it("another system prompt (--system-prompt) keeps only the tools and the identity line", () => {
    const user = [{ role: "user", content: "hello" }];
    const agent = requestPrompt(body(1, user));
    const own = requestPrompt(body(1, user, "You are terse."));
    expect(agent).toMatchObject({
      cliAgentPrompt: true,
      effort: "medium",
      maxTokens: 128000,
      thinking: { type: "adaptive", display: "updates" },
    });
    expect(own).toMatchObject({
      cliAgentPrompt: false,
      system: "You are a Claude agent, built on Anthropic's Claude Agent SDK.\nYou are terse.",
    });
    const [share = 0] = cachePrefixShares([{ prompt: agent }, { prompt: own }]);
    const [, bytes = 0] = requestBytes([agent, own].map((prompt) => ({ prompt })));
    expect(share * bytes).toBe((own?.blocks[0]?.bytes ?? 0) + (own?.blocks[1]?.bytes ?? 0));
  });
});
