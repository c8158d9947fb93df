import { describe, expect, it } from "vitest";
import { mergeAll, mergeOwned, retireUnsetSections } from "../../../../services/config-init/src/render/merge.ts";
import { RenderError, renderTemplate } from "../../../../services/config-init/src/render/render.ts";

function problemsOf(source: string, variables: Record<string, unknown>): string[] {
  try {
    renderTemplate(source, "t.json5", variables);
  } catch (error) {
    if (error instanceof RenderError) return error.problems;
    throw error;
  }
  return [];
}

describe("renderTemplate", () => {
  it("substitutes declared variables as JSON values: strings, numbers, arrays, objects", () => {
    const source = `{
      // a JSON5 comment
      url: \${URL}, port: \${PORT}, fallbacks: \${FALLBACKS}, agent: \${AGENT},
    }`;
    expect(
      renderTemplate(source, "t.json5", {
        URL: 'http://n:1/v1?a="b"',
        PORT: 3457,
        FALLBACKS: ["x/y"],
        AGENT: { id: "main" },
      }),
    ).toEqual({ url: 'http://n:1/v1?a="b"', port: 3457, fallbacks: ["x/y"], agent: { id: "main" } });
  });

  it("keeps a value with quotes, backslashes and newlines intact (no injection into the JSON)", () => {
    const tricky = 'a", injected: true, b: "\\\n';
    expect(renderTemplate("{ name: ${NAME} }", "t.json5", { NAME: tricky })).toEqual({ name: tricky });
  });

  it("writes $${NAME} out as ${NAME}, for OpenClaw's own substitution at run time", () => {
    expect(renderTemplate('{ apiKey: "$${PROXY_API_KEY}" }', "t.json5", {})).toEqual({ apiKey: "${PROXY_API_KEY}" });
  });

  it("fails on an unknown placeholder and on a declared one without a value, naming file and line", () => {
    expect(problemsOf("{\n  a: ${NOPE},\n  b: ${EMPTY},\n}", { EMPTY: undefined })).toEqual([
      "t.json5:2: unknown placeholder ${NOPE}",
      "t.json5:3: ${EMPTY} has no value",
    ]);
  });

  it("fails with a hint when a placeholder is quoted, and when the result is not an object", () => {
    expect(problemsOf('{ a: "${X}" }', { X: "v" })[0]).toMatch(/not valid JSON5 after substitution .*unquoted/);
    expect(problemsOf("[1, 2]", {})).toEqual(["t.json5: must render to an object"]);
  });
});

describe("mergeOwned", () => {
  it("merges objects key by key, replaces scalars and arrays, keeps keys only the user has", () => {
    const existing = {
      gateway: { port: 1, customKey: "mine" },
      agents: { defaults: { model: { primary: "old", fallbacks: ["a", "b"] } } },
      tools: { web: true },
    };
    const owned = { gateway: { port: 18789 }, agents: { defaults: { model: { fallbacks: ["c"] } } } };
    expect(mergeOwned(existing, owned)).toEqual({
      gateway: { port: 18789, customKey: "mine" },
      agents: { defaults: { model: { primary: "old", fallbacks: ["c"] } } },
      tools: { web: true },
    });
    expect(existing.gateway.port).toBe(1); // the input is not modified
  });

  it("drops the proxy rows an earlier release rendered for claude-max-api's ids; a row of such an id the user wrote stays", () => {
    const row = (id: string, name: string) => ({ id, name, contextWindow: 200_000 });
    const existing = {
      models: {
        providers: {
          "claude-max-proxy": {
            models: [
              row("claude-opus-4", "Claude Opus (subscription, via clawbridge)"),
              row("claude-haiku-4", "my haiku"),
              row("mine", "mine"),
            ],
          },
        },
      },
    };
    const owned = {
      models: {
        providers: {
          "claude-max-proxy": {
            models: [row("opus", "Claude Opus, newest (Opus 5.5) (subscription, via clawbridge)")],
          },
        },
      },
    };
    const merged = mergeOwned(existing, owned) as typeof existing;
    expect(merged.models.providers["claude-max-proxy"].models.map((r) => r.id)).toEqual([
      "opus",
      "claude-haiku-4",
      "mine",
    ]);
  });

  it("merges several templates in order", () => {
    expect(mergeAll([{ a: { x: 1 } }, { a: { y: 2 } }, { a: { x: 3 } }])).toEqual({ a: { x: 3, y: 2 } });
  });
});

describe("retireUnsetSections", () => {
  const rendered = {
    gateway: { port: 18789 },
    channels: {
      telegram: { botToken: "${TELEGRAM_BOT_TOKEN}", allowFrom: ["1"] },
      discord: { token: "${DISCORD_BOT_TOKEN}" },
    },
  };

  it("removes a channel rendered by an earlier run once its token is unset (OpenClaw would reject the missing variable)", () => {
    const { config, removed } = retireUnsetSections(rendered, (variable) => variable === "DISCORD_BOT_TOKEN");
    expect(config).toEqual({ gateway: { port: 18789 }, channels: { discord: { token: "${DISCORD_BOT_TOKEN}" } } });
    expect(removed).toEqual(["channels.telegram"]);
    expect(rendered.channels.telegram.botToken).toBe("${TELEGRAM_BOT_TOKEN}"); // the input is not modified
  });

  it("keeps channels whose token is set, and a channel the user wrote with a token of their own", () => {
    expect(retireUnsetSections(rendered, () => true)).toEqual({ config: rendered, removed: [] });
    const handWritten = { channels: { telegram: { botToken: "123:user-wrote-this" } } };
    expect(retireUnsetSections(handWritten, () => false)).toEqual({ config: handWritten, removed: [] });
  });

  it("removes the proxy provider an earlier max-proxy run rendered once PROXY_API_KEY is unset (a switch to setup-token mode)", () => {
    const switched = {
      models: {
        mode: "merge",
        providers: { "claude-max-proxy": { apiKey: "${PROXY_API_KEY}" }, anthropic: { baseUrl: "http://x" } },
      },
    };
    expect(retireUnsetSections(switched, () => false)).toEqual({
      config: { models: { mode: "merge", providers: { anthropic: { baseUrl: "http://x" } } } },
      removed: ["models.providers.claude-max-proxy"],
    });
    expect(retireUnsetSections(switched, (variable) => variable === "PROXY_API_KEY").removed).toEqual([]);
  });
});
