import { describe, expect, it } from "vitest";
import { ApiError } from "@clawbridge/openai";
import {
  CACHE_BREAKPOINT,
  cliInput,
  type CliInput,
  type ContentBlock,
  type SystemPromptPlacement,
} from "../../../services/maxapi/src/cli/input.ts";

const PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";
const image = (data = PNG, type = "image/png") => ({
  type: "image_url",
  image_url: { url: `data:${type};base64,${data}` },
});
const imageBlock = (data = PNG, type = "image/png") => ({
  type: "image",
  source: { type: "base64", media_type: type, data },
});

const asInput = (result: CliInput | ApiError) => {
  if (result instanceof ApiError) throw new Error(`expected input, got ${JSON.stringify(result)}`);
  return result;
};

interface StdinLines {
  /** The `initialize` control request's system prompt, when there is one. */
  systemPrompt: string | undefined;
  blocks: ContentBlock[];
}

/** What the CLI reads: JSON lines, the last the user message. */
function stdinLines(messages: unknown[], placement?: SystemPromptPlacement): StdinLines {
  const { stdin } = asInput(cliInput({ messages }, placement));
  expect(stdin.endsWith("\n")).toBe(true);
  const lines = stdin
    .trimEnd()
    .split("\n")
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  const user = lines.at(-1) as { type: string; message: { role: string; content: ContentBlock[] } };
  expect(user.type).toBe("user");
  expect(user.message.role).toBe("user");
  const control =
    lines.length === 2 ? (lines[0] as { type: string; request: { subtype: string; systemPrompt: string } }) : undefined;
  if (control) expect(control).toMatchObject({ type: "control_request", request: { subtype: "initialize" } });
  expect(lines.length).toBeLessThanOrEqual(2);
  return { systemPrompt: control?.request.systemPrompt, blocks: user.message.content };
}

const text = (value: string) => ({ type: "text", text: value });
const marked = <T extends object>(block: T) => ({ ...block, cache_control: CACHE_BREAKPOINT });

const CONVERSATION = [
  { role: "system", content: "Be brief." },
  { role: "developer", content: "ignored role" },
  { role: "user", content: "hi" },
  { role: "assistant", content: "Hello." },
  { role: "system", content: "Later note." },
  { role: "user", content: "  two\nlines  " },
];

describe("cliInput", () => {
  it("SYSTEM_PROMPT=system-prompt: the leading system messages are the CLI's system prompt; the rest a block per message", () => {
    const { systemPrompt, blocks } = stdinLines([
      { role: "system", content: "You are Pip." },
      {
        role: "system",
        content: [
          { type: "text", text: "Skills:" },
          { type: "text", text: "none" },
        ],
      },
      ...CONVERSATION.slice(2),
    ]);
    expect(systemPrompt).toBe("You are Pip.\n\nSkills:\nnone");
    expect(blocks).toEqual([
      text("hi"),
      text("<previous_response>\nHello.\n</previous_response>"),
      text("<system>\nLater note.\n</system>"),
      marked(text("  two\nlines  ")),
    ]);
  });

  it("SYSTEM_PROMPT=in-user-message: no system prompt given; the system message is the first block, as claude-max-api wrote it", () => {
    const { systemPrompt, blocks } = stdinLines(CONVERSATION, "in-user-message");
    expect(systemPrompt).toBeUndefined();
    expect(blocks.map((block) => (block.type === "text" ? block.text : ""))).toEqual([
      "<system>\nBe brief.\n</system>",
      "hi",
      "<previous_response>\nHello.\n</previous_response>",
      "<system>\nLater note.\n</system>",
      "  two\nlines  ",
    ]);
  });

  it("a request without a system message gives an empty system prompt: the CLI's agent prompt is not sent either", () => {
    expect(stdinLines([{ role: "user", content: "hi" }]).systemPrompt).toBe("");
  });

  describe("the cache breakpoint: one, on the last message the next request repeats", () => {
    const unmarked = (blocks: ContentBlock[]) => blocks.map(({ cache_control: _, ...block }) => block);
    /** The one marked block's index, checking there is exactly one. */
    const markOf = (blocks: ContentBlock[]) => {
      expect(blocks.filter((block) => block.cache_control)).toHaveLength(1);
      return blocks.findIndex((block) => block.cache_control);
    };
    /** Bytes of `next` after the prefix `previous` marked, or -1 when `next` does not repeat that prefix. */
    const uncachedAfter = (previous: ContentBlock[], next: ContentBlock[]) => {
      const mark = markOf(previous);
      const same =
        JSON.stringify(unmarked(next.slice(0, mark + 1))) === JSON.stringify(unmarked(previous.slice(0, mark + 1)));
      return same ? next.slice(mark + 1).map((block) => (block.type === "text" ? block.text : "")) : -1;
    };

    it("a generic client (history, its previous answer, its new message): the last message is marked, so only what is new is outside the prefix", () => {
      for (const placement of ["system-prompt", "in-user-message"] as const) {
        const one = [
          { role: "system", content: "Be brief." },
          { role: "user", content: "first" },
        ];
        const two = [...one, { role: "assistant", content: "One." }, { role: "user", content: "second" }];
        const three = [...two, { role: "assistant", content: "Two." }, { role: "user", content: "third" }];
        const [a, b, c] = [one, two, three].map((messages) => stdinLines(messages, placement).blocks) as [
          ContentBlock[],
          ContentBlock[],
          ContentBlock[],
        ];
        expect(a[markOf(a)]).toEqual(marked(text("first")));
        expect(b[markOf(b)]).toEqual(marked(text("second")));
        expect(uncachedAfter(a, b)).toEqual(["<previous_response>\nOne.\n</previous_response>", "second"]);
        expect(uncachedAfter(b, c)).toEqual(["<previous_response>\nTwo.\n</previous_response>", "third"]);
      }
    });

    it("OpenClaw (a context message of its own after its prompt or a tool's result, not repeated): the message before it is marked", () => {
      const context = (n: number) => ({ role: "user", content: `runtime context ${n}` });
      const history = [
        { role: "system", content: "You are Pip." },
        { role: "user", content: "check uptime" },
      ];
      const step2 = [
        ...history,
        { role: "assistant", content: "I called the tool exec." },
        { role: "user", content: "The tool exec returned: up 3 days" },
      ];
      const step3 = [...step2, { role: "assistant", content: "Up 3 days." }, { role: "user", content: "again" }];
      for (const placement of ["system-prompt", "in-user-message"] as const) {
        const [a, b, c] = [
          [...history, context(1)],
          [...step2, context(2)],
          [...step3, context(3)],
        ].map((messages) => stdinLines(messages, placement).blocks) as [ContentBlock[], ContentBlock[], ContentBlock[]];
        expect(a[markOf(a)]).toEqual(marked(text("check uptime")));
        expect(b[markOf(b)]).toEqual(marked(text("The tool exec returned: up 3 days")));
        expect(uncachedAfter(a, b)).toEqual([
          "<previous_response>\nI called the tool exec.\n</previous_response>",
          "The tool exec returned: up 3 days",
          "runtime context 2",
        ]);
        expect(uncachedAfter(b, c)).toEqual([
          "<previous_response>\nUp 3 days.\n</previous_response>",
          "again",
          "runtime context 3",
        ]);
      }
    });

    it("is told by roles, never by text: a last message after a user message is a trailer, after an assistant's (even a blank one) or the system prompt it is new", () => {
      const openclawText = "<<<BEGIN_OPENCLAW_INTERNAL_CONTEXT>>>\nruntime facts\n<<<END_OPENCLAW_INTERNAL_CONTEXT>>>";
      const cases: [unknown[], string][] = [
        [[{ role: "user", content: "only" }], "only"],
        [
          [
            { role: "system", content: "Be brief." },
            { role: "user", content: "hi" },
          ],
          "hi",
        ],
        // OpenClaw's words after an assistant's answer are a new message like any other
        [
          [
            { role: "user", content: "hi" },
            { role: "assistant", content: "Hello." },
            { role: "user", content: openclawText },
          ],
          openclawText,
        ],
        // any text after a user message is a trailer
        [
          [
            { role: "user", content: "hi" },
            { role: "user", content: "plain words" },
          ],
          "hi",
        ],
        [
          [
            { role: "user", content: "hi" },
            { role: "system", content: "Answer in French." },
          ],
          "hi",
        ],
        // two tool results of one turn: the first is marked (the second is sent uncached once more)
        [
          [
            { role: "user", content: "hi" },
            { role: "assistant", content: "Two calls." },
            { role: "user", content: "result 1" },
            { role: "user", content: "result 2" },
          ],
          "result 1",
        ],
        // a blank answer gives no block but is still the assistant's turn
        [
          [
            { role: "user", content: "hi" },
            { role: "assistant", content: null },
            { role: "user", content: "next" },
          ],
          "next",
        ],
        // an unknown role is skipped, as claude-max-api did
        [
          [
            { role: "user", content: "hi" },
            { role: "assistant", content: "Hello." },
            { role: "developer", content: "x" },
            { role: "user", content: "next" },
          ],
          "next",
        ],
      ];
      for (const [messages, expected] of cases) {
        const blocks = stdinLines(messages).blocks;
        expect(blocks[markOf(blocks)], JSON.stringify(messages)).toEqual(marked(text(expected)));
      }
    });
  });

  it("an image becomes an image block where it stood; text parts around it stay with their message", () => {
    const messages = [
      { role: "system", content: "Be brief." },
      {
        role: "user",
        content: [
          { type: "text", text: "what is this?" },
          image(),
          { type: "text", text: "and this?" },
          image("R0lGODlhAQABAAAAACw=", "image/gif"),
        ],
      },
    ];
    expect(stdinLines(messages).blocks).toEqual([
      text("what is this?"),
      imageBlock(),
      text("and this?"),
      marked(imageBlock("R0lGODlhAQABAAAAACw=", "image/gif")),
    ]);
    expect(asInput(cliInput({ messages })).images).toBe(2);
  });

  it("keeps images of earlier messages in order, and an image-only message", () => {
    const messages = [
      { role: "user", content: [image()] },
      { role: "assistant", content: "A pixel." },
      {
        role: "user",
        content: [
          { type: "text", text: "Image(s) from tool result #1 (read):" },
          { type: "image_url", image_url: `data:image/png;base64,${PNG}` },
        ],
      },
    ];
    const { blocks } = stdinLines(messages);
    expect(blocks.map((b) => b.type)).toEqual(["image", "text", "text", "image"]);
    expect(blocks[3]).toEqual(marked(imageBlock())); // the message answers the assistant's: the last block is marked
  });

  it("blank messages give no block (Anthropic refuses blank text blocks); nothing left to answer is a 400", () => {
    const blocks = stdinLines([
      { role: "user", content: "hi" },
      { role: "assistant", content: null },
      { role: "user", content: "  " },
    ]).blocks;
    expect(blocks).toEqual([marked(text("hi")), text("<previous_response>\n</previous_response>")]);
    const result = cliInput({ messages: [{ role: "system", content: "Only a prompt." }] });
    expect(result).toBeInstanceOf(ApiError);
    expect((result as ApiError).status).toBe(400);
    expect((result as ApiError).body.error.param).toBe("messages");
  });

  it("a prompt of several MB with an image stays one line", () => {
    const big = "x".repeat(3 * 1024 * 1024);
    const { blocks } = stdinLines([{ role: "user", content: [{ type: "text", text: big }, image()] }]);
    expect(blocks[0]).toEqual(text(big));
  });

  it("refuses, naming the part, what it cannot carry: a remote URL, a non-image data URL, an unknown part", () => {
    for (const part of [
      { type: "image_url", image_url: { url: "https://example.com/cat.png" } },
      { type: "image_url", image_url: { url: "data:text/plain;base64,aGk=" } },
      { type: "input_audio", input_audio: { data: "AAAA", format: "wav" } },
    ]) {
      const result = cliInput({
        messages: [
          { role: "user", content: "hi" },
          { role: "user", content: [{ type: "text", text: "see" }, part] },
        ],
      });
      expect(result).toBeInstanceOf(ApiError);
      expect((result as ApiError).body.error).toEqual({
        message: expect.stringContaining("messages[1].content[1]") as string,
        type: "invalid_request_error",
        param: "messages[1].content[1]",
        code: "unsupported_content",
      });
    }
  });
});
