import { describe, expect, it } from "vitest";
import { ApiError } from "@clawbridge/openai";
import { CACHE_BREAKPOINT, cliInput, type CliInput, type ContentBlock, type SystemPromptPlacement } from "../../../services/maxapi/src/cli/input.ts";

const PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";
const image = (data = PNG, type = "image/png") => ({ type: "image_url", image_url: { url: `data:${type};base64,${data}` } });
const imageBlock = (data = PNG, type = "image/png") => ({ type: "image", source: { type: "base64", media_type: type, data } });

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
  const lines = stdin.trimEnd().split("\n").map((line) => JSON.parse(line) as Record<string, unknown>);
  const user = lines.at(-1) as { type: string; message: { role: string; content: ContentBlock[] } };
  expect(user.type).toBe("user");
  expect(user.message.role).toBe("user");
  const control = lines.length === 2 ? (lines[0] as { type: string; request: { subtype: string; systemPrompt: string } }) : undefined;
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
    const { systemPrompt, blocks } = stdinLines([{ role: "system", content: "You are Pip." }, { role: "system", content: [{ type: "text", text: "Skills:" }, { type: "text", text: "none" }] }, ...CONVERSATION.slice(2)]);
    expect(systemPrompt).toBe("You are Pip.\n\nSkills:\nnone");
    expect(blocks).toEqual([
      text("hi"),
      text("<previous_response>\nHello.\n</previous_response>"),
      marked(text("<system>\nLater note.\n</system>")),
      text("  two\nlines  "),
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

  it("one cache breakpoint, on the message before the last; the next request repeats every block up to it byte for byte", () => {
    // OpenClaw ends each request with a context message of its own the next one does not repeat
    const trailer = { role: "user", content: "<<<BEGIN_OPENCLAW_INTERNAL_CONTEXT>>> Active exec sessions: none" };
    for (const placement of ["system-prompt", "in-user-message"] as const) {
      const first = stdinLines([...CONVERSATION, trailer], placement).blocks;
      const next = stdinLines([...CONVERSATION, { role: "assistant", content: "Two lines." }, { role: "user", content: "more" }, trailer], placement).blocks;
      const mark = first.findIndex((block) => block.cache_control);
      expect(first.filter((block) => block.cache_control)).toHaveLength(1);
      expect(first[mark]).toEqual(marked(text("  two\nlines  ")));
      expect(next.slice(0, mark + 1).map(({ cache_control: _, ...block }) => block)).toEqual(first.slice(0, mark + 1).map(({ cache_control: _, ...block }) => block));
      expect(next.filter((block) => block.cache_control)).toEqual([marked(text("more"))]);
    }
    expect(stdinLines([{ role: "user", content: "only" }]).blocks).toEqual([marked(text("only"))]);
  });

  it("an image becomes an image block where it stood; text parts around it stay with their message", () => {
    const messages = [
      { role: "system", content: "Be brief." },
      { role: "user", content: [{ type: "text", text: "what is this?" }, image(), { type: "text", text: "and this?" }, image("R0lGODlhAQABAAAAACw=", "image/gif")] },
    ];
    expect(stdinLines(messages).blocks).toEqual([text("what is this?"), imageBlock(), text("and this?"), marked(imageBlock("R0lGODlhAQABAAAAACw=", "image/gif"))]);
    expect(asInput(cliInput({ messages })).images).toBe(2);
  });

  it("keeps images of earlier messages in order, and an image-only message", () => {
    const messages = [
      { role: "user", content: [image()] },
      { role: "assistant", content: "A pixel." },
      { role: "user", content: [{ type: "text", text: "Image(s) from tool result #1 (read):" }, { type: "image_url", image_url: `data:image/png;base64,${PNG}` }] },
    ];
    const { blocks } = stdinLines(messages);
    expect(blocks.map((b) => b.type)).toEqual(["image", "text", "text", "image"]);
    expect(blocks[1]).toEqual(marked(text("<previous_response>\nA pixel.\n</previous_response>")));
  });

  it("blank messages give no block (Anthropic refuses blank text blocks); nothing left to answer is a 400", () => {
    const blocks = stdinLines([{ role: "user", content: "hi" }, { role: "assistant", content: null }, { role: "user", content: "  " }]).blocks;
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
      const result = cliInput({ messages: [{ role: "user", content: "hi" }, { role: "user", content: [{ type: "text", text: "see" }, part] }] });
      expect(result).toBeInstanceOf(ApiError);
      expect((result as ApiError).body.error).toEqual({ message: expect.stringContaining("messages[1].content[1]") as string, type: "invalid_request_error", param: "messages[1].content[1]", code: "unsupported_content" });
    }
  });
});
