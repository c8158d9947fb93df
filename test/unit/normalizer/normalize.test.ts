import { describe, expect, it } from "vitest";
import { ApiError } from "@clawbridge/openai";
import { normalizeChatRequest, type NormalizeOptions } from "../../../services/normalizer/src/normalize.ts";
import { IMAGE_LIMITS } from "../../../services/normalizer/src/images.ts";
import { dataUrl, fixtureImage, imagePart } from "../../support/images.ts";
import { openClawRequest } from "../../support/openclaw-request.ts";

const options: NormalizeOptions = { imagePolicy: "placeholder", modelAliases: new Map() };
const normalize = (body: unknown, opts: NormalizeOptions = options) => normalizeChatRequest(body, opts);
const request = (messages: unknown[], extra: Record<string, unknown> = {}) => ({ model: "sonnet", messages, ...extra });

/** The ApiError a body is refused with. */
function refusal(body: unknown, opts: NormalizeOptions = options): ApiError {
  try {
    normalize(body, opts);
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error("expected the request to be refused");
}

describe("content", () => {
  it("joins an array of text parts with newlines (claude-max-api makes it [object Object])", () => {
    const { body, normalizations } = normalize(
      request([
        {
          role: "user",
          content: [
            { type: "text", text: "first" },
            { type: "text", text: "second" },
          ],
        },
      ]),
    );
    expect(body.messages).toEqual([{ role: "user", content: "first\nsecond" }]);
    expect(normalizations.content_flattened).toBe(1);
  });

  it("turns null and missing content into an empty string", () => {
    const { body, normalizations } = normalize(request([{ role: "user", content: null }, { role: "assistant" }]));
    expect(body.messages.map((m) => m.content)).toEqual(["", ""]);
    expect(normalizations.content_null).toBe(2);
  });

  it("keeps string content as it is", () => {
    const { body, normalizations } = normalize(request([{ role: "user", content: "plain" }]));
    expect(body.messages).toEqual([{ role: "user", content: "plain" }]);
    expect(normalizations).toEqual({});
  });

  it("leaves no [object Object] anywhere in an OpenClaw-shaped request", () => {
    const { body } = normalize(openClawRequest());
    expect(body.messages.every((m) => typeof m.content === "string")).toBe(true);
    expect(JSON.stringify(body.messages)).not.toContain("[object Object]");
    expect(body.messages.at(-1)?.content).toBe("[Telegram alice] \nSummarize them for me.");
  });
});

describe("images and other media", () => {
  const withImage = request([
    {
      role: "user",
      content: [
        { type: "text", text: "what is this?" },
        { type: "image_url", image_url: { url: "data:image/png;base64,iVBORw0KGgo=" } },
      ],
    },
  ]);

  it("become a text placeholder under IMAGE_POLICY=placeholder, in place, never dropped", () => {
    const { body, normalizations } = normalize(withImage);
    expect(body.messages[0]?.content).toBe("what is this?\n[image omitted: this model endpoint accepts text only]");
    expect(normalizations.media_placeholder).toBe(1);
  });

  it("are refused with 400 naming the part when IMAGE_POLICY=reject", () => {
    const error = refusal(withImage, { ...options, imagePolicy: "reject" });
    expect(error.status).toBe(400);
    expect(error.param).toBe("messages[0].content[1]");
    expect(error.code).toBe("unsupported_content");
    expect(error.message).toMatch(/image input is not accepted here \(IMAGE_POLICY=reject\)/);
  });

  it("a remote image URL becomes the placeholder too under IMAGE_POLICY=placeholder (never fetched)", () => {
    const { body } = normalize(request([{ role: "user", content: [imagePart("https://example.com/cat.png")] }]));
    expect(body.messages[0]?.content).toBe("[image omitted: this model endpoint accepts text only]");
  });

  it("covers audio and file parts the same way", () => {
    const { body } = normalize(
      request([
        {
          role: "user",
          content: [
            { type: "input_audio", input_audio: { data: "AAAA", format: "wav" } },
            { type: "file", file: { filename: "a.pdf", file_data: "JVBE" } },
          ],
        },
      ]),
    );
    expect(body.messages[0]?.content).toBe(
      "[audio omitted: this model endpoint accepts text only]\n[file omitted: this model endpoint accepts text only]",
    );
  });
});

describe("images under IMAGE_POLICY=send (the default)", () => {
  const send: NormalizeOptions = { ...options, imagePolicy: "send" };
  const pngUrl = dataUrl(fixtureImage("png"), "image/png");

  it("pass on as checked data: URL parts between the message's text parts", () => {
    const { body, normalizations } = normalize(
      request([
        {
          role: "user",
          content: [
            { type: "text", text: "what is this?" },
            imagePart(pngUrl),
            { type: "image_url", image_url: pngUrl },
          ],
        },
      ]),
      send,
    );
    expect(body.messages[0]?.content).toEqual([
      { type: "text", text: "what is this?" },
      imagePart(pngUrl),
      imagePart(pngUrl),
    ]);
    expect(normalizations).toEqual({ image_sent: 2 });
  });

  it("take the media type the bytes show", () => {
    const { body, normalizations } = normalize(
      request([{ role: "user", content: [imagePart(dataUrl(fixtureImage("jpg"), "image/png"))] }]),
      send,
    );
    expect(body.messages[0]?.content).toEqual([imagePart(dataUrl(fixtureImage("jpg"), "image/jpeg"))]);
    expect(normalizations.image_retyped).toBe(1);
  });

  it("in a tool result: after the sentence that names the tool", () => {
    const { body } = normalize(
      request([
        {
          role: "assistant",
          content: null,
          tool_calls: [{ id: "call_1", type: "function", function: { name: "read", arguments: '{"path":"a.png"}' } }],
        },
        {
          role: "tool",
          tool_call_id: "call_1",
          content: [{ type: "text", text: "Read image file [image/png]" }, imagePart(pngUrl)],
        },
      ]),
      send,
    );
    expect(body.messages[1]).toEqual({
      role: "user",
      content: [
        { type: "text", text: "The tool read (call call_1) returned:" },
        { type: "text", text: "Read image file [image/png]" },
        imagePart(pngUrl),
      ],
    });
  });

  it("refuses a remote URL with 400 naming the part (never fetched)", () => {
    const error = refusal(
      request([{ role: "user", content: [{ type: "text", text: "hi" }, imagePart("http://169.254.169.254/latest")] }]),
      send,
    );
    expect(error).toMatchObject({
      status: 400,
      code: "remote_image_url",
      param: "messages[0].content[1].image_url.url",
    });
  });

  it("refuses a bad image with 400 naming the part", () => {
    const error = refusal(
      request([
        { role: "user", content: "hi" },
        { role: "user", content: [{ type: "image_url", image_url: "data:image/png;base64,@@@@" }] },
      ]),
      send,
    );
    expect(error).toMatchObject({ status: 400, code: "invalid_image", param: "messages[1].content[0].image_url" });
  });

  it("refuses more images in one request than the API takes", () => {
    const many = Array.from({ length: IMAGE_LIMITS.maxPerRequest + 1 }, () => imagePart(pngUrl));
    const error = refusal(request([{ role: "user", content: many }]), send);
    expect(error).toMatchObject({ status: 400, code: "too_many_images", param: "messages" });
    expect(error.message).toMatch(/101 images in one request; the model takes at most 100/);
    expect(normalize(request([{ role: "user", content: many.slice(1) }]), send).normalizations.image_sent).toBe(100);
  });

  it("audio and file parts keep the placeholder", () => {
    const { body } = normalize(
      request([
        {
          role: "user",
          content: [{ type: "input_audio", input_audio: { data: "AAAA", format: "wav" } }, imagePart(pngUrl)],
        },
      ]),
      send,
    );
    expect(body.messages[0]?.content).toEqual([
      { type: "text", text: "[audio omitted: this model endpoint accepts text and images only]" },
      imagePart(pngUrl),
    ]);
  });
});

describe("roles", () => {
  it("turns developer into system (claude-max-api drops developer messages)", () => {
    const { body, normalizations } = normalize(
      request([
        { role: "developer", content: "be brief" },
        { role: "user", content: "hi" },
      ]),
    );
    expect(body.messages[0]).toEqual({ role: "system", content: "be brief" });
    expect(normalizations.developer_role).toBe(1);
  });

  it("keeps tool history readable as sentences (no syntax to imitate): calls become assistant text, results user text with the tool's name", () => {
    const { body, normalizations } = normalize(
      request([
        { role: "user", content: "weather in Paris?" },
        {
          role: "assistant",
          content: "Let me check.",
          tool_calls: [
            { id: "call_9", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } },
          ],
        },
        { role: "tool", tool_call_id: "call_9", content: "18°C, sunny" },
      ]),
    );
    expect(body.messages[1]).toEqual({
      role: "assistant",
      content: 'Let me check.\nI called the tool get_weather (call call_9) with the arguments {"city":"Paris"}.',
    });
    expect(body.messages[2]).toEqual({
      role: "user",
      content: "The tool get_weather (call call_9) returned:\n18°C, sunny",
    });
    expect(normalizations).toMatchObject({ tool_calls: 1, tool_result: 1 });
  });

  it("handles the legacy function role and function_call", () => {
    const { body } = normalize(
      request([
        { role: "assistant", content: null, function_call: { name: "lookup", arguments: '{"q":1}' } },
        { role: "function", name: "lookup", content: "found" },
      ]),
    );
    expect(body.messages).toEqual([
      { role: "assistant", content: 'I called the tool lookup with the arguments {"q":1}.' },
      { role: "user", content: "The tool lookup returned:\nfound" },
    ]);
  });
});

describe("top-level fields", () => {
  it("passes `user` on only when it is a UUID (anything else makes the CLI fail)", () => {
    const uuid = "0b3c2a56-8a1e-4c53-9d0f-3f6a2d1e5b7c";
    expect(normalize(request([{ role: "user", content: "x" }], { user: uuid })).body.user).toBe(uuid);
    const dropped = normalize(request([{ role: "user", content: "x" }], { user: "telegram:alice" }));
    expect(dropped.body).not.toHaveProperty("user");
    expect(dropped.normalizations.user_dropped).toBe(1);
  });

  it("passes tools and tool_choice on to maxapi unchanged; tool_choice none drops both", () => {
    const request = openClawRequest();
    const { body, normalizations } = normalize(request);
    expect(body.tools).toEqual(request.tools);
    expect(body.tool_choice).toBe("auto");
    expect(normalizations).not.toHaveProperty("dropped_tools");
    const none = normalize({ ...request, tool_choice: "none" });
    expect(none.body).not.toHaveProperty("tools");
    expect(none.body).not.toHaveProperty("tool_choice");
    expect(none.normalizations.tools_none).toBe(1);
  });

  it.each([
    [{ tools: [{ type: "function", function: { description: "no name" } }] }, "tools[0].function.name"],
    [{ tools: [{ type: "function", function: { name: "" } }] }, "tools[0].function.name"],
    [
      { tools: [{ type: "function", function: { name: "x", parameters: "not a schema" } }] },
      "tools[0].function.parameters",
    ],
    [
      { tools: [{ type: "function", function: { name: "x", parameters: { type: "string" } } }] },
      "tools[0].function.parameters.type",
    ],
    [
      {
        tools: [
          { type: "function", function: { name: "x" } },
          { type: "function", function: { name: "x" } },
        ],
      },
      "tools[1].function.name",
    ],
    [
      {
        tools: [{ type: "function", function: { name: "x" } }],
        tool_choice: { type: "function", function: { name: "y" } },
      },
      "tool_choice.function.name",
    ],
    [{ tool_choice: "sometimes" }, "tool_choice"],
  ])("refuses bad tools with a 400 naming the field: %j", (fields, param) => {
    expect(() => normalize(request([{ role: "user", content: "x" }], fields))).toThrow(
      expect.objectContaining({ status: 400, param }) as Error,
    );
  });

  it("refuses a tool result without the id of its call", () => {
    expect(() => normalize(request([{ role: "tool", tool_call_id: "", content: "x" }]))).toThrow(
      expect.objectContaining({ status: 400, param: "messages[0].tool_call_id" }) as Error,
    );
    expect(() => normalize(request([{ role: "tool", content: "x" }]))).toThrow(
      expect.objectContaining({ param: "messages[0].tool_call_id" }) as Error,
    );
  });

  it("passes unknown and harmless fields through unchanged", () => {
    const { body } = normalize(
      request([{ role: "user", content: "x" }], {
        temperature: 0.2,
        max_completion_tokens: 99,
        stream: true,
        x_custom: { a: 1 },
      }),
    );
    expect(body).toMatchObject({ temperature: 0.2, max_completion_tokens: 99, stream: true, x_custom: { a: 1 } });
  });

  it("maps the model id and counts it (a pin stays itself, an old id becomes its family); an unknown id is refused listing the accepted ids", () => {
    const pinned = normalize({ ...request([{ role: "user", content: "x" }]), model: "anthropic/claude-haiku-4-5" });
    expect(pinned.body.model).toBe("claude-haiku-4-5");
    expect(pinned.normalizations.model_mapped).toBe(1);
    const old = normalize({ ...request([{ role: "user", content: "x" }]), model: "claude-opus-4" });
    expect(old.body.model).toBe("opus");
    const error = refusal({ ...request([{ role: "user", content: "x" }]), model: "gpt-4o" });
    expect(error).toMatchObject({ status: 400, param: "model", code: "model_not_found" });
    expect(error.message).toContain("mythos, fable, opus, sonnet, haiku");
    expect(error.message).toContain("claude-fable-5-2");
  });
});

describe("validation", () => {
  it.each([
    [{ messages: [{ role: "user", content: "x" }] }, "model"],
    [{ model: "claude-opus-4" }, "messages"],
    [{ model: "claude-opus-4", messages: [] }, "messages"],
    [{ model: "claude-opus-4", messages: [{ role: "robot", content: "x" }] }, "messages[0].role"],
    [{ model: "claude-opus-4", messages: [{ role: "user", content: 42 }] }, "messages[0].content"],
    [
      { model: "claude-opus-4", messages: [{ role: "user", content: [{ type: "video", url: "x" }] }] },
      "messages[0].content",
    ],
    [{ model: "claude-opus-4", messages: [{ role: "user", content: [{ type: "text" }] }] }, "messages[0].content"],
    [{ model: "claude-opus-4", messages: [{ role: "tool", content: "x" }] }, "messages[0].tool_call_id"],
    [{ model: "claude-opus-4", messages: [{ role: "user", content: "x" }], stream: "yes" }, "stream"],
    [[1, 2], null],
  ])("refuses %j with 400 naming %s", (body, param) => {
    const error = refusal(body);
    expect(error.status).toBe(400);
    expect(error.type).toBe("invalid_request_error");
    if (param) {
      expect(error.param?.startsWith(param)).toBe(true);
      expect(error.message.startsWith(`${error.param ?? ""}:`)).toBe(true);
    }
  });
});
