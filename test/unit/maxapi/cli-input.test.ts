import { describe, expect, it } from "vitest";
import { ApiError } from "@clawbridge/openai";
import { cliInput, type CliInput, type ContentBlock } from "../../../services/maxapi/src/cli/input.ts";

const PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";
const image = (data = PNG, type = "image/png") => ({ type: "image_url", image_url: { url: `data:${type};base64,${data}` } });

const asInput = (result: CliInput | ApiError) => {
  if (result instanceof ApiError) throw new Error(`expected input, got ${JSON.stringify(result)}`);
  return result;
};
/** The user message the CLI reads: one JSON line. */
function stdinMessage(result: CliInput | ApiError): { type: string; message: { role: string; content: string | ContentBlock[] } } {
  const { stdin } = asInput(result);
  expect(stdin.endsWith("\n")).toBe(true);
  expect(stdin.trimEnd()).not.toContain("\n"); // one line: newlines inside are escaped
  return JSON.parse(stdin) as ReturnType<typeof stdinMessage>;
}

// The prompt claude-max-api 1.0.0 made of a conversation (its messagesToPrompt): system in <system>,
// earlier answers in <previous_response>, the parts joined by newlines, the whole trimmed.
const PROMPT = "<system>\nBe brief.\n</system>\n\nhi\n<previous_response>\nHello.\n</previous_response>\n\n  two\nlines";

describe("cliInput", () => {
  it("text only: the prompt claude-max-api 1.0.0 made, as one string in one user message", () => {
    const messages = [
      { role: "system", content: "Be brief." },
      { role: "user", content: "hi" },
      { role: "assistant", content: "Hello." },
      { role: "user", content: "  two\nlines  " },
    ];
    const line = stdinMessage(cliInput({ messages }));
    expect(line).toEqual({ type: "user", message: { role: "user", content: PROMPT } });
  });

  it("an image becomes an image block where it stood, with its bytes and media type; the text around it is unchanged", () => {
    const messages = [
      { role: "system", content: "Be brief." },
      { role: "user", content: [{ type: "text", text: "what is this?" }, image(), { type: "text", text: "and this?" }, image("R0lGODlhAQABAAAAACw=", "image/gif")] },
    ];
    const { content } = stdinMessage(cliInput({ messages })).message;
    expect(content).toEqual([
      { type: "text", text: "<system>\nBe brief.\n</system>\n\nwhat is this?\n" },
      { type: "image", source: { type: "base64", media_type: "image/png", data: PNG } },
      { type: "text", text: "\nand this?\n" },
      { type: "image", source: { type: "base64", media_type: "image/gif", data: "R0lGODlhAQABAAAAACw=" } },
    ]);
    expect(asInput(cliInput({ messages })).images).toBe(2);
    // the text the model reads is what the same conversation without images gives
    const text = (content as ContentBlock[]).flatMap((block) => (block.type === "text" ? [block.text] : [])).join("");
    expect(text.trim()).toBe("<system>\nBe brief.\n</system>\n\nwhat is this?\n\nand this?");
  });

  it("keeps images of earlier messages in order, and an image-only message", () => {
    const messages = [
      { role: "user", content: [image()] },
      { role: "assistant", content: "A pixel." },
      { role: "user", content: [{ type: "text", text: "Image(s) from tool result #1 (read):" }, { type: "image_url", image_url: `data:image/png;base64,${PNG}` }] },
    ];
    const blocks = stdinMessage(cliInput({ messages })).message.content as ContentBlock[];
    expect(blocks.map((b) => b.type)).toEqual(["image", "text", "image"]);
    expect(blocks[1]).toEqual({ type: "text", text: "\n<previous_response>\nA pixel.\n</previous_response>\n\nImage(s) from tool result #1 (read):\n" });
  });

  it("a prompt of several MB with an image stays one line", () => {
    const big = "x".repeat(3 * 1024 * 1024);
    const line = stdinMessage(cliInput({ messages: [{ role: "user", content: [{ type: "text", text: big }, image()] }] }));
    expect((line.message.content as ContentBlock[])[0]).toEqual({ type: "text", text: `${big}\n` });
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
